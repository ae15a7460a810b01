import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadMatrixMarket } from '../../../../core/graph/loaders/matrix-market.js';
import { graphFromPairs } from '../../../../core/graph/build.js';
import { tempDir } from '../../../helpers.js';
import { rejectsInput, writeText } from './input-error.js';

const dir = tempDir();

function adjacency(g: { numVertices: number; outOffsets: Uint32Array; outTargets: Uint32Array; weights: Float64Array | null }) {
  const out: Array<Array<[number, number]>> = [];
  for (let v = 0; v < g.numVertices; v++) {
    const row: Array<[number, number]> = [];
    for (let e = g.outOffsets[v]; e < g.outOffsets[v + 1]; e++) row.push([g.outTargets[e], g.weights ? g.weights[e] : 1]);
    out.push(row);
  }
  return out;
}

test('general real matrix: entries are weighted edges, 1-based ids, isolated vertices kept', async () => {
  const text = '%%MatrixMarket matrix coordinate real general\r\n% comment\r\n\r\n4 5 3\r\n1 2 0.5\r\n3 1 -2e1\r\n\t2  5 3\r\n';
  for (const name of ['m.mtx', 'm.mtx.gz']) {
    const path = writeText(dir, name, text);
    const g = await loadMatrixMarket(path);
    const ref = graphFromPairs([[0, 1, 0.5], [2, 0, -20], [1, 4, 3]], { numVertices: 5 });
    assert.is(g.numVertices, 5);
    assert.equal(adjacency(g), adjacency(ref));
    assert.equal(Array.from(g.fileIds!), [1, 2, 3, 4, 5]);
    assert.is(g.undirected, false);
  }
});

test('symmetric pattern matrix loads undirected and unweighted', async () => {
  const path = writeText(dir, 's.mtx', '%%MatrixMarket matrix coordinate pattern symmetric\n3 3 3\n2 1\n3 1\n3 3\n');
  const g = await loadMatrixMarket(path);
  const ref = graphFromPairs([[1, 0], [2, 0], [2, 2]], { numVertices: 3, undirected: true });
  assert.is(g.weights, null);
  assert.is(g.undirected, true);
  assert.equal(adjacency(g), adjacency(ref));
  const integer = writeText(dir, 'i.mtx', '%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 2 7\n');
  assert.equal(Array.from((await loadMatrixMarket(integer)).weights!), [7]);
});

test('header, size and count errors name file and line', async () => {
  const head = '%%MatrixMarket matrix coordinate real general\n';
  const cases: Array<[string, number | null, string]> = [
    ['', null, 'empty file'],
    ['1 2 3\n', 1, 'expected the header'],
    ['%%MatrixMarket matrix array real general\n', 1, 'coordinate'],
    ['%%MatrixMarket matrix coordinate complex general\n', 1, 'complex'],
    ['%%MatrixMarket matrix coordinate real hermitian\n', 1, 'hermitian'],
    [head + '% only comments\n', 2, 'size line'],
    [head + '3 3\n', 2, 'missing entry count'],
    [head + '3 x 1\n', 2, 'found "x"'],
    [head + '3 3 2\n1 1 1\n', 3, 'expected 2 entries'],
    [head + '3 3 1\n1 1 1\n2 2 2\n', 4, 'found more'],
    [head + '3 3 1\n4 1 1\n', 3, 'within the declared 3 x 3'],
    [head + '3 3 1\n0 1 1\n', 3, 'within the declared'],
    [head + '3 3 1\n1 1\n', 3, 'missing value'],
    [head + '3 3 1\n1 1 nan\n', 3, 'finite number'],
    ['%%MatrixMarket matrix coordinate integer general\n3 3 1\n1 1 1.5\n', 3, 'integer'],
    ['%%MatrixMarket matrix coordinate real symmetric\n3 4 1\n', 2, 'square'],
    ['%%MatrixMarket matrix coordinate pattern general\n3 3 1\n1 1 1\n', 3, 'extra'],
  ];
  let i = 0;
  for (const [text, line, fragment] of cases) {
    const path = writeText(dir, `bad-${i++}.mtx`, text);
    await rejectsInput(loadMatrixMarket(path), path, line, fragment);
  }
});

test.run();
