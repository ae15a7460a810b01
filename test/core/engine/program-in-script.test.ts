/**
 * A program defined in the script that runs it (defineProgram and
 * runProgram in one .mjs file), on 2 worker threads: every worker imports
 * the script for its program. Guarded by `isMainThread`, the run works and
 * matches in-degrees counted directly; unguarded, it fails at once with a
 * message saying what to do, instead of every worker running the script's
 * main again (and starting workers of its own, for ever).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tempDir } from '../../helpers.js';

const dir = tempDir();
const coreUrl = pathToFileURL(fileURLToPath(new URL('../../../core/index.js', import.meta.url))).href;

function script(guarded: boolean): string {
  return `import { isMainThread } from 'node:worker_threads';
import { defineProgram, runProgram, loadGraph, closeWorkers } from ${JSON.stringify(coreUrl)};
export const inDegree = defineProgram({
  name: 'in-degree', url: import.meta.url, vertex: { d: 'f64' }, params: {},
  accumulator: { kind: 'scalar' }, gatherEdges: 'in', scatterEdges: 'none', activation: 'all',
  create: ({ vertex }) => ({ gather: () => 1, apply: (v, acc) => { vertex.d[v] = acc; return false; } }),
});
${guarded ? 'if (isMainThread) {' : '{'}
  const graph = await loadGraph('rmat:8:4:3');
  const r = await runProgram(inDegree, graph, { workers: 2, maxIterations: 1 });
  const direct = Array.from({ length: graph.numVertices }, (_, v) => graph.inOffsets[v + 1] - graph.inOffsets[v]);
  console.log(JSON.stringify({ same: direct.every((d, v) => r.vertex.d[v] === d), edges: direct.reduce((a, b) => a + b, 0) }));
  await closeWorkers();
}
`;
}

test('defineProgram and runProgram in one script, 2 workers, guarded by isMainThread: runs once, right answer', () => {
  const path = join(dir, 'guarded.mjs');
  writeFileSync(path, script(true));
  const r = spawnSync(process.execPath, [path], { encoding: 'utf8', timeout: 30_000 });
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { same: true, edges: 256 * 4 });
});

test('the same script unguarded: fails at once with what to do, no recursion', () => {
  const path = join(dir, 'unguarded.mjs');
  writeFileSync(path, script(false));
  const started = Date.now();
  const r = spawnSync(process.execPath, [path], { encoding: 'utf8', timeout: 30_000 });
  assert.is(r.status, 1, `status ${r.status} signal ${r.signal}: ${r.stderr}`);
  assert.match(r.stderr, /runProgram: called while gasworks imports file:\/\/.*unguarded\.mjs for the program it defines \(in a worker thread\): .*if \(isMainThread\)/);
  assert.ok(Date.now() - started < 20_000, 'at once');
});

test('gasworks run on such a script (unguarded) says the same, in one line', async () => {
  const { gasworks } = await import('../../apps/cli/cli-runner.js');
  const path = join(dir, 'unguarded-cli.mjs');
  writeFileSync(path, script(false));
  const r = gasworks(['run', path, '-g', 'grid:3x3', '-q'], { timeoutMs: 30_000 });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /^gasworks: run: could not load program module .*unguarded-cli\.mjs: runProgram: called while gasworks imports/);
  assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
});

test.run();
