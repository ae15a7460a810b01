/**
 * The imports run one way: nothing under core/ imports apps/, partitioner/ or
 * vertex-programs/ (core is what they build on), and the engine's entry point
 * loads no cluster code (gRPC) until a cluster run asks for it. Read from the
 * TypeScript sources, import by import.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../helpers.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Static imports and re-exports of a module (type-only ones included: they are dependencies too). */
function importsOf(text: string): string[] {
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
}

test('core/ imports nothing from apps/, partitioner/ or vertex-programs/', () => {
  const offending: string[] = [];
  for (const file of sources(join(repoRoot, 'core'))) {
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      if (/(^|\/)(apps|partitioner|vertex-programs)\//.test(specifier)) offending.push(`${relative(repoRoot, file)} imports ${specifier}`);
    }
  }
  assert.equal(offending, []);
});

test('the engine loads the cluster only on demand', () => {
  const engine = readFileSync(join(repoRoot, 'core', 'engine', 'index.ts'), 'utf8');
  const eager = [...engine.matchAll(/^import\s+(?!type\b)[^;]*from\s+['"](\.\.\/cluster\/[^'"]+)['"]/gm)].map((m) => m[1]);
  assert.equal(eager, []);
  const index = readFileSync(join(repoRoot, 'core', 'index.ts'), 'utf8');
  const eagerExports = [...index.matchAll(/^export\s+(?!type\b)[^;]*from\s+['"](\.\/cluster\/[^'"]+)['"]/gm)].map((m) => m[1]).filter((s) => !/\/(lazy|placement|ingress)\.js$/.test(s));
  // Those three import no gRPC (lazy.ts loads it on first use).
  for (const light of ['lazy', 'placement', 'ingress']) assert.not.match(readFileSync(join(repoRoot, 'core', 'cluster', `${light}.ts`), 'utf8'), /^import\s+(?!type\b)[^;]*from\s+['"](@grpc\/|\.\/(coordinator|worker-server|machines|client)\.js)/m, light);
  assert.equal(eagerExports, []);
});

test.run();
