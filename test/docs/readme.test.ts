/**
 * The README's tutorial must stay true: its vertex program (the first `ts`
 * block) is written into the package (so `import ... from 'gasworks'`
 * resolves to this package by self-reference), run through the real command
 * line on 1 and 2 workers, and its components checked against union-find.
 * Also checks that the README names every command the CLI has.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tempDir } from '../helpers.js';
import { gasworks } from '../apps/cli/cli-runner.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const tutorial = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])[0];

function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) x = parent[x] = parent[parent[x]];
  return x;
}

test('the tutorial program is under 40 lines and runs as the README says, matching union-find', () => {
  assert.ok(tutorial, 'README has a ts block');
  assert.ok(tutorial.trim().split('\n').length < 40, 'tutorial under 40 lines');
  const dir = join(repoRoot, 'dist', 'readme-tutorial');
  mkdirSync(dir, { recursive: true });
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const program = join(dir, 'my-components.ts');
  writeFileSync(program, tutorial);

  // A graph with known components: edges in file ids, some isolated pairs.
  const edges: Array<[number, number]> = [];
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % 300;
  for (let i = 0; i < 220; i++) edges.push([next() + 1000, next() + 1000]);
  const data = tempDir();
  const graphFile = join(data, 'g.txt');
  writeFileSync(graphFile, edges.map(([a, b]) => `${a}\t${b}`).join('\n') + '\n');

  const ids = [...new Set(edges.flat())].sort((a, b) => a - b);
  const index = new Map(ids.map((id, i) => [id, i]));
  const parent = Int32Array.from(ids, (_, i) => i);
  for (const [a, b] of edges) {
    const ra = find(parent, index.get(a)!);
    const rb = find(parent, index.get(b)!);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  const expectedComponents = ids.filter((_, i) => find(parent, i) === i).length;

  for (const workers of ['1', '2']) {
    const out = join(data, `components-${workers}.tsv`);
    const r = gasworks(['run', program, '--graph', graphFile, '--workers', workers, '--out', out, '--json']);
    assert.is(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.is(summary.aggregates.components, expectedComponents);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.is(lines.length, ids.length);
    for (const line of lines) {
      const [id, label] = line.split('\t').map(Number);
      // outputKind 'vertex': each label is written as the file id of its component's smallest member.
      assert.is(label, ids[find(parent, index.get(id)!)], `vertex ${id}`);
    }
  }
});

test('the "from code" snippet runs as written with tsx, beside the tutorial program', () => {
  const fromCode = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])[1];
  assert.match(fromCode, /from '\.\/my-components\.ts'/, 'the second ts block is the from-code snippet');
  // A project that depends on gasworks: node_modules/gasworks is this package.
  const project = tempDir('gasworks-readme-project-');
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(repoRoot, join(project, 'node_modules', 'gasworks'), 'dir');
  writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(project, 'my-components.ts'), tutorial);
  // The snippet as written, but on a smaller generated graph (the README's rmat:18 takes seconds).
  writeFileSync(join(project, 'main.ts'), fromCode.replace("'rmat:18'", "'rmat:10'"));
  const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'main.ts'], { cwd: project, encoding: 'utf8', timeout: 60_000, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  assert.is(r.status, 0, r.stderr);
  assert.ok(/^\d+ Float64Array\(1024\)/.test(r.stdout), r.stdout + r.stderr);
});

test('the README names every command of the CLI', () => {
  const help = gasworks(['--help']).stdout;
  const commands = [...help.slice(help.indexOf('Commands:')).matchAll(/^\s{2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help');
  assert.ok(commands.length >= 5);
  for (const c of commands) assert.ok(readme.includes(`gasworks ${c}`), `README lacks "gasworks ${c}"`);
});

test.run();
