/**
 * `gasworks convert`: a text edge list becomes a .gwg that reads back as the
 * same graph (checked against the edge list itself, brute force), with
 * `--ids identity` keeping every id 0..max as a vertex, isolated ones
 * included; bad arguments are one-line errors that leave no file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

/** id -> value from `run --out` lines. */
function outputById(path: string): Map<number, number> {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  return new Map(lines.map((line) => line.split('\t').map(Number) as [number, number]));
}

test('--order degree: hubs first, every id kept, and pagerank and sssp give the same answer per file id', async () => {
  const plain = join(dir, 'plain.gwg');
  const sorted = join(dir, 'degree.gwg');
  assert.is(gasworks(['convert', text, plain, '-q']).status, 0);
  const r = gasworks(['convert', text, sorted, '--order', 'degree', '--json', '-q']);
  assert.is(r.status, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).order, 'degree');
  const g = await readGraphFile(sorted);
  // Degrees descend along the new ids; the ids are the file's, each once.
  for (let v = 1; v < g.numVertices; v++) assert.ok(g.outDegree(v - 1) + g.inDegree(v - 1) >= g.outDegree(v) + g.inDegree(v), `degree order at ${v}`);
  const ids = Array.from({ length: g.numVertices }, (_, v) => g.fileId(v));
  assert.equal([...ids].sort((a, b) => a - b), [...new Set(pairs.flat())].sort((a, b) => a - b));
  // Out-neighbours by file id are the text's.
  for (let v = 0; v < g.numVertices; v++) {
    assert.equal(Array.from(g.outNeighbors(v), (u) => g.fileId(u)).sort((a, b) => a - b), expectedOut(g.fileId(v)), `vertex ${g.fileId(v)}`);
  }
  for (const [program, extra, tolerance] of [['pagerank', ['-i', '30'], 1e-12], ['sssp', ['--source', '5'], 0]] as const) {
    const results = [plain, sorted].map((file) => {
      const outFile = `${file}.${program}.tsv`;
      const run = gasworks(['run', program, '-g', file, '-w', '1', '-q', '-o', outFile, ...extra]);
      assert.is(run.status, 0, run.stderr);
      return outputById(outFile);
    });
    assert.is(results[1].size, results[0].size);
    for (const [id, value] of results[0]) {
      const other = results[1].get(id)!;
      assert.ok(value === other || Math.abs(value - other) <= tolerance * Math.abs(value), `${program} at id ${id}: ${value} vs ${other}`);
    }
  }
});

test('bad arguments: one line, exit 1, no file written', () => {
  const big = join(dir, 'big.txt');
  writeFileSync(big, '0 1\n1 200000000\n');
  const cases: Array<[string[], RegExp, string]> = [
    [['convert', text, join(dir, 'x.txt')], /convert: OUT must end in \.gwg or \.bin/, join(dir, 'x.txt')],
    [['convert', text, join(dir, 'y.gwg'), '--ids', 'sorted'], /--ids must be 'dense' or 'identity'; got "sorted"/, join(dir, 'y.gwg')],
    [['convert', text, join(dir, 'w.gwg'), '--order', 'rabbit'], /convert: --order must be one of file, degree; got "rabbit"/, join(dir, 'w.gwg')],
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
