import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gasworks } from './cli-runner.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir();

test('--help works on the root and on every command', () => {
  const root = gasworks(['--help']);
  assert.is(root.status, 0, root.stderr);
  const commands = [...root.stdout.slice(root.stdout.indexOf('Commands:')).matchAll(/^\s{2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help');
  for (const expected of ['start', 'info', 'generate']) assert.ok(commands.includes(expected), `missing ${expected}`);
  for (const cmd of [...commands, 'generate rmat', 'generate er', 'generate grid']) {
    const r = gasworks([...cmd.split(' '), '--help']);
    assert.is(r.status, 0, `${cmd} --help: ${r.stderr}`);
    assert.match(r.stdout, /Usage: gasworks/);
  }
});

test('info --json on a small edge list counts what a brute-force count gives', () => {
  const file = join(dir, 'tiny.txt');
  writeFileSync(file, '# tiny\n10\t20\n20\t30\n30\t10\n30\t30\n10\t30\n');
  const r = gasworks(['info', file, '--json']);
  assert.is(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.is(info.vertices, 3);
  assert.is(info.edges, 5);
  assert.is(info.selfLoops, 1);
  assert.is(info.maxOutDegree, 2);
  assert.ok(info.bytes > 0);
});

test('generate rmat writes text and binary graphs that info reads back identically', () => {
  const text = join(dir, 'g.txt');
  const bin = join(dir, 'g.bin');
  for (const out of [text, bin]) {
    const r = gasworks(['generate', 'rmat', '--scale', '8', '--edge-factor', '4', '--seed', '3', '--out', out, '--json']);
    assert.is(r.status, 0, r.stderr);
    assert.ok(existsSync(out));
  }
  const a = JSON.parse(gasworks(['info', text, '--json']).stdout);
  const b = JSON.parse(gasworks(['info', bin, '--json']).stdout);
  assert.is(a.edges, 1024);
  assert.is(b.edges, 1024);
  // Isolated vertices are not in a text edge list, so compare what both hold.
  assert.is(a.selfLoops, b.selfLoops);
  assert.is(a.maxOutDegree, b.maxOutDegree);
  assert.is(a.maxInDegree, b.maxInDegree);
  assert.ok(readFileSync(text, 'utf8').startsWith('# gasworks generate'));
  // No temporary files left behind.
  assert.equal(readdirSync(dir).filter((f) => /tmp/.test(f)), []);
});

test('a malformed file is reported with file and line, no stack trace, exit 1', () => {
  const file = join(dir, 'bad.txt');
  writeFileSync(file, '1\t2\n3\tx\n');
  const r = gasworks(['info', file]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /bad\.txt:2:/);
  assert.not.match(r.stderr, /\n\s+at /);
});

test('a missing file and a bad option are user errors, not crashes', () => {
  const missing = gasworks(['info', join(dir, 'nope.txt')]);
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /no such file/);
  assert.not.match(missing.stderr, /\n\s+at /);
  const bad = gasworks(['generate', 'rmat', '--scale', 'many', '--out', join(dir, 'x.txt')]);
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /scale/);
  assert.not.match(bad.stderr, /\n\s+at /);
});

test('start runs the quick-start job on an embedded graph', () => {
  const r = gasworks(['start', '--scale', '10', '--json']);
  assert.is(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.is(info.edges, 16 * 1024);
  // PageRank ran: the top vertex has the largest rank of all five, and ranks are probabilities.
  assert.is(info.pagerank.iterations, 20);
  assert.is(info.pagerank.top.length, 5);
  const ranks = info.pagerank.top.map((t: { rank: number }) => t.rank);
  assert.equal(ranks, [...ranks].sort((a: number, b: number) => b - a));
  assert.ok(ranks[0] > 0 && ranks[0] < 1);
});

test.run();
