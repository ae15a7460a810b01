/**
 * `gasworks convert`: a text edge list becomes a .gwg that reads back as the
 * same graph (checked against the edge list itself, brute force), with
 * `--ids identity` keeping every id 0..max as a vertex, isolated ones
 * included; bad arguments are one-line errors that leave no file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGraphFile } from '../../../../core/graph/binary.js';
import { Random } from '../../../../core/util/random.js';
import { tempDir } from '../../../helpers.js';
import { gasworks } from '../cli-runner.js';

const dir = tempDir('gasworks-convert-');
// 0..59 with ids 60..69 in no edge but 70 in one: isolated ids inside the range, and 0 too.
const random = new Random(11);
const pairs: Array<[number, number]> = [];
for (let i = 0; i < 200; i++) pairs.push([1 + random.nextInt(59), 1 + random.nextInt(59)]);
pairs.push([70, 5]);
const text = join(dir, 'edges.txt');
writeFileSync(text, '# a 0..n-1 list\n' + pairs.map(([s, t]) => `${s}\t${t}`).join('\n') + '\n');

/** Sorted out-neighbours of v in the text's own ids, duplicates kept. */
function expectedOut(v: number): number[] {
  return pairs.filter(([s]) => s === v).map(([, t]) => t).sort((a, b) => a - b);
}

test('--ids identity: vertices 0..max id, each id its own vertex, the same edges', async () => {
  const out = join(dir, 'identity.gwg');
  const r = gasworks(['convert', text, out, '--ids', 'identity', '--json', '-q']);
  assert.is(r.status, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).vertices, 71);
  const g = await readGraphFile(out);
  assert.is(g.numVertices, 71);
  assert.is(g.numEdges, pairs.length);
  for (let v = 0; v < 71; v++) assert.equal([...g.outNeighbors(v)], expectedOut(v), `vertex ${v}`);
  for (const v of [0, 60, 65, 69]) assert.is(g.outDegree(v) + g.inDegree(v), 0, `${v} is isolated`);
});

test('default ids: only the ids that appear, numbered in increasing order', async () => {
  const out = join(dir, 'dense.gwg');
  const r = gasworks(['convert', text, out, '--undirected', '-q']);
  assert.is(r.status, 0, r.stderr);
  const g = await readGraphFile(out);
  const seen = [...new Set(pairs.flat())].sort((a, b) => a - b);
  assert.is(g.numVertices, seen.length);
  assert.equal(Array.from({ length: g.numVertices }, (_, v) => g.fileId(v)), seen);
  assert.is(g.undirected, true);
  // Both directions of each edge; a self-loop once.
  const loops = pairs.filter(([s, t]) => s === t).length;
  assert.is(g.numEdges, 2 * pairs.length - loops);
});

test('bad arguments: one line, exit 1, no file written', () => {
  const big = join(dir, 'big.txt');
  writeFileSync(big, '0 1\n1 200000000\n');
  const cases: Array<[string[], RegExp, string]> = [
    [['convert', text, join(dir, 'x.txt')], /convert: OUT must end in \.gwg or \.bin/, join(dir, 'x.txt')],
    [['convert', text, join(dir, 'y.gwg'), '--ids', 'sorted'], /--ids must be 'dense' or 'identity'; got "sorted"/, join(dir, 'y.gwg')],
    [['convert', big, join(dir, 'z.gwg'), '--ids', 'identity'], /big\.txt:2: ids 'identity' .* at most 134217727; found 200000000/, join(dir, 'z.gwg')],
  ];
  for (const [args, message, file] of cases) {
    const r = gasworks(args);
    assert.is(r.status, 1, args.join(' '));
    assert.match(r.stderr, message);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.not.ok(existsSync(file), `${file} should not exist`);
  }
});

test.run();
