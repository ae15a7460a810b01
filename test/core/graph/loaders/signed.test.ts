import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadLabels, loadSignedNetwork } from '../../../../core/graph/loaders/signed.js';
import { dataset, tempDir, needsData } from '../../../helpers.js';
import { rejectsInput, writeText } from './input-error.js';

const dir = tempDir();

test('signed CSV: directed, weights = ratings, time column in CSR order', async () => {
  const text = '6,2,4,1289241911.72836\n6,5,-2,1289241941.5\r\n1,15,1,1289243140\n\n2,6,0,5\n';
  for (const name of ['net.csv', 'net.csv.gz']) {
    const g = await loadSignedNetwork(writeText(dir, name, text));
    assert.equal(Array.from(g.fileIds!), [1, 2, 5, 6, 15]);
    assert.is(g.numEdges, 4);
    const edges: number[][] = [];
    for (let v = 0; v < g.numVertices; v++) {
      for (let e = g.outOffsets[v]; e < g.outOffsets[v + 1]; e++) {
        edges.push([g.fileId(v), g.fileId(g.outTargets[e]), g.weights![e], g.edgeColumns.time[e]]);
      }
    }
    assert.equal(edges, [
      [1, 15, 1, 1289243140],
      [2, 6, 0, 5],
      [6, 2, 4, 1289241911.72836],
      [6, 5, -2, 1289241941.5],
    ]);
  }
});

needsData(test, 'fraud/bitcoin/soc-sign-bitcoinotc.csv.gz', 'fraud/bitcoin/otc_gt.csv')('Bitcoin OTC: 5,881 vertices, 35,592 edges, 32,029 positive; otc_gt 316 labels', async () => {
  const path = dataset('fraud/bitcoin/soc-sign-bitcoinotc.csv.gz', 'Bitcoin OTC');
  if (path) {
    const g = await loadSignedNetwork(path);
    assert.is(g.numVertices, 5881);
    assert.is(g.numEdges, 35592);
    let positive = 0;
    let minTime = Infinity;
    for (let e = 0; e < g.numEdges; e++) {
      if (g.weights![e] > 0) positive++;
      minTime = Math.min(minTime, g.edgeColumns.time[e]);
    }
    assert.is(positive, 32029);
    assert.is(g.fileIds![0], 1);
    assert.is(g.fileIds![5880], 6005);
    assert.ok(minTime > 1.2e9 && minTime < 1.3e9);
  }
  const gt = dataset('fraud/bitcoin/otc_gt.csv', 'otc_gt');
  if (gt) {
    const { ids, labels } = await loadLabels(gt);
    assert.is(ids.length, 316);
    assert.is(labels.filter((x) => x === 1).length, 136);
    assert.is(labels.filter((x) => x === -1).length, 180);
    assert.equal([ids[0], labels[0]], [215, 1]);
  }
});

test('labels: header line, repeated rows dropped, conflicts rejected', async () => {
  const path = writeText(dir, 'labels.csv', 'personId,labelId\n1,+1\n2,-1\n1,1\n');
  const { ids, labels } = await loadLabels(path);
  assert.equal(Array.from(ids), [1, 2]);
  assert.equal(Array.from(labels), [1, -1]);
  const conflict = writeText(dir, 'conflict.csv', '1,1\n2,-1\n1,-1\n');
  await rejectsInput(loadLabels(conflict), conflict, 3, 'on line 1');
  const fraction = writeText(dir, 'fraction.csv', '1,0.5\n');
  await rejectsInput(loadLabels(fraction), fraction, 1, 'integer label');
  const empty = writeText(dir, 'empty.csv', '');
  await rejectsInput(loadLabels(empty), empty, null, 'no labels');
});

test('malformed signed lines are InputErrors naming file and line', async () => {
  const cases: Array<[string, number | null, string]> = [
    ['', null, 'no edges'],
    ['1,2,3,4\n1,2,11,5\n', 2, 'outside the expected range [-10, 10]'],
    ['1,2,3,4\n1,-2,3,5\n', 2, 'negative'],
    ['1,2,3,4\n1,2,3\n', 2, 'expected 4 columns'],
    ['1,2\n', 1, 'missing rating'],
    ['1,2,3,4,5\n', 1, 'extra'],
    ['1,2,inf,4\n', 1, 'finite number'],
    ['1,2,3,4\n1,a,3,4\n', 2, 'target id'],
    ['1,2,3,4\n99999999999999999,2,3,4\n', 2, '2^53'],
  ];
  let i = 0;
  for (const [text, line, fragment] of cases) {
    const path = writeText(dir, `bad-${i++}.csv`, text);
    await rejectsInput(loadSignedNetwork(path), path, line, fragment);
  }
});

test.run();
