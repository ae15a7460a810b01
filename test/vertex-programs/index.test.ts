import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../core/errors.js';
import { getProgram, programs } from '../../vertex-programs/index.js';

test('registry: every program under its own name, defined in the module of the same name', () => {
  const names = Object.keys(programs);
  assert.ok(names.length >= 11, names.join(', '));
  for (const [name, program] of Object.entries(programs)) {
    assert.is(program.name, name);
    assert.is(basename(fileURLToPath(program.url)).replace(/\.(ts|js)$/, ''), name);
    assert.is(getProgram(name), program);
    assert.ok(program.description && program.description.length > 0, `${name} has a description`);
    // A schema may be a function of the parameters (pagerank's precision, ALS's rank): as the defaults make it.
    const vertex = typeof program.vertex === 'function' ? program.vertex(program.params) : program.vertex;
    const output = program.output ?? Object.keys(vertex)[0];
    assert.ok(output in vertex, `${name}: output column ${output} is a vertex column`);
  }
});

test('an unknown name is a UsageError that lists the names', () => {
  assert.throws(() => getProgram('pagernak'), (error: unknown) => error instanceof UsageError && /available: .*pagerank/.test((error as Error).message));
  assert.throws(() => getProgram('toString'), (error: unknown) => error instanceof UsageError);
});

test.run();
