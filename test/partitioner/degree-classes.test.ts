import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmatEdges } from '../../core/graph/generators/rmat.js';
import { partitionGraph, replicasByDegree } from '../../partitioner/index.js';
import { streamFromEdgeList } from '../../partitioner/stream.js';
import { skewedStream, verifyPartition } from './verify.js';

test('replicasByDegree: every class recounted from brute-force degrees and replica sets', () => {
  const streams = [skewedStream(200, 3000, 11), streamFromEdgeList(rmatEdges({ scale: 9, edgeFactor: 8, seed: 3 }))];
  for (const stream of streams) {
    for (const algo of ['random', 'greedy', 'hdrf', 'edge-cut']) {
      for (const k of [3, 40]) {
        const run = partitionGraph(stream, algo, k, { seed: 2, order: 'shuffled' });
        const { replicaSets } = verifyPartition(stream, run.partition);
        const degree = new Array<number>(stream.numVertices).fill(0);
        for (let e = 0; e < stream.count; e++) {
          degree[stream.src[e]]++;
          degree[stream.dst[e]]++;
        }
        const expected = new Map<number, { vertices: number; replicas: number }>();
        degree.forEach((d, v) => {
          if (d === 0) return;
          let low = 1;
          while (low * 2 <= d) low *= 2;
          const row = expected.get(low) ?? { vertices: 0, replicas: 0 };
          row.vertices++;
          row.replicas += replicaSets[v].size;
          expected.set(low, row);
        });
        const classes = replicasByDegree(run.partition, stream.src, stream.dst);
        const what = `${algo}, k = ${k}`;
        assert.equal(
          classes.map((c) => [c.minDegree, c.maxDegree, c.vertices, c.replicas]),
          [...expected.entries()].sort((a, b) => a[0] - b[0]).map(([low, r]) => [low, 2 * low - 1, r.vertices, r.replicas]),
          what,
        );
        const replicas = classes.reduce((s, c) => s + c.replicas, 0);
        assert.is(replicas, run.metrics.replicas, `${what}: classes add up to the replica total`);
      }
    }
  }
});

test('replicasByDegree: a stream shorter than the partition is refused by name', () => {
  const stream = skewedStream(20, 50, 1);
  const run = partitionGraph(stream, 'hdrf', 4);
  assert.throws(() => replicasByDegree(run.partition, stream.src.subarray(0, 10), stream.dst), /replicasByDegree: the partition has 50 edges/);
});

test.run();
