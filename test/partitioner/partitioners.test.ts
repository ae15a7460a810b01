import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmatEdges } from '../../core/graph/generators/rmat.js';
import { gridShape } from '../../partitioner/grid.js';
import { partitionGraph, partitioners } from '../../partitioner/index.js';
import { measurePartition } from '../../partitioner/metrics.js';
import { shuffledOrder, streamFromEdgeList } from '../../partitioner/stream.js';
import type { EdgeStream } from '../../partitioner/types.js';
import { skewedStream, verifyPartition } from './verify.js';

const small: Array<[string, EdgeStream]> = [
  ['skewed 60 x 400', skewedStream(60, 400, 7)],
  ['skewed 200 x 3000', skewedStream(200, 3000, 11)],
  ['rmat scale 9', streamFromEdgeList(rmatEdges({ scale: 9, edgeFactor: 8, seed: 3 }))],
];
const ks = [1, 2, 3, 7, 8, 33, 64, 300];

test('every partitioner: each edge once, replicas and masters consistent, metrics recounted by brute force', () => {
  for (const partitioner of partitioners) {
    for (const [name, stream] of small) {
      for (const k of ks) {
        for (const order of ['file', 'shuffled'] as const) {
          const run = partitionGraph(stream, partitioner, k, { seed: 5, order });
          const what = `${partitioner.name} on ${name}, k = ${k}, ${order}`;
          const brute = verifyPartition(stream, run.partition);
          assert.ok(Math.abs(run.metrics.replicationFactor - brute.replicationFactor) < 1e-12, `${what}: RF`);
          assert.ok(Math.abs(run.metrics.edgeBalance - brute.edgeBalance) < 1e-12, `${what}: edge balance`);
          assert.ok(Math.abs(run.metrics.vertexBalance - brute.vertexBalance) < 1e-12, `${what}: vertex balance`);
          if (partitioner.kind === 'edge-cut') {
            assert.ok(Math.abs(run.metrics.cutFraction! - brute.cutFraction) < 1e-12, `${what}: cut fraction`);
          } else {
            assert.is(run.metrics.cutFraction, null);
          }
          if (k === 1) assert.is(run.metrics.replicationFactor, 1, `${what}: one part, one copy`);
        }
      }
    }
  }
});

test('same seed, same answer; the input arrays are left as they were', () => {
  const stream = small[1][1];
  const before = [stream.src.slice(), stream.dst.slice()];
  for (const partitioner of partitioners) {
    for (const order of ['file', 'shuffled'] as const) {
      const a = partitionGraph(stream, partitioner, 8, { seed: 9, order }).partition;
      const b = partitionGraph(stream, partitioner, 8, { seed: 9, order }).partition;
      assert.equal(Array.from(a.parts), Array.from(b.parts), `${partitioner.name} ${order}: parts`);
      assert.equal(Array.from(a.masters), Array.from(b.masters), `${partitioner.name} ${order}: masters`);
    }
  }
  assert.equal(stream.src, before[0]);
  assert.equal(stream.dst, before[1]);
});

test('grid: no vertex has more than r + c - 1 replicas, all within one row and one column', () => {
  for (const k of [4, 6, 7, 12, 32, 128]) {
    const { rows, columns } = gridShape(k);
    assert.is(rows * columns, k);
    assert.ok(rows <= columns && rows <= Math.sqrt(k));
    for (const [name, stream] of small) {
      const brute = verifyPartition(stream, partitionGraph(stream, 'grid', k, { seed: 2 }).partition);
      brute.replicaSets.forEach((set, v) => {
        assert.ok(set.size <= rows + columns - 1, `grid ${name} k=${k}: vertex ${v} has ${set.size} replicas`);
        // Some cell (row, col) must cover them all.
        let covered = false;
        for (let r = 0; r < rows && !covered; r++) {
          for (let c = 0; c < columns && !covered; c++) {
            covered = [...set].every((p) => Math.floor(p / columns) === r || p % columns === c);
          }
        }
        assert.ok(covered, `grid ${name} k=${k}: replicas of ${v} outside one row and column`);
      });
    }
  }
});

test('greedy, HDRF and NE keep the largest part within the balance slack', () => {
  for (const algo of ['greedy', 'hdrf', 'ne']) {
    for (const slack of [0, 0.05, 0.2]) {
      for (const [name, stream] of small) {
        for (const k of [2, 8, 33]) {
          const loops = Array.from(stream.src).filter((s, e) => s === stream.dst[e]).length;
          const cap = Math.max(1, Math.ceil(((1 + slack) * stream.count) / k));
          const run = partitionGraph(stream, algo, k, { seed: 4, balanceSlack: slack });
          const largest = Math.max(...run.metrics.edgesPerPart);
          // NE places self-loops after the expansion, beside their vertex.
          const allowance = algo === 'ne' ? loops : 0;
          assert.ok(largest <= cap + allowance, `${algo} ${name} k=${k} slack=${slack}: largest part ${largest} > cap ${cap}`);
        }
      }
    }
  }
});

test('HDRF equals a direct transcription of the paper (full scan of k parts), both balance terms, partial or exact degrees', () => {
  const stream = small[1][1];
  for (const [balanceTerm, degrees] of [['normalized', 'partial'], ['absolute', 'partial'], ['normalized', 'exact']] as const) {
    for (const k of [3, 8, 40]) {
      const got = partitionGraph(stream, 'hdrf', k, { seed: 1, balanceTerm, degrees, balanceSlack: 1e9 }).partition;
      const n = stream.numVertices;
      const degree = new Array<number>(n).fill(0);
      // Exact degrees: all counted before the stream starts; partial: as each edge arrives.
      if (degrees === 'exact') {
        for (let e = 0; e < stream.count; e++) {
          degree[stream.src[e]]++;
          degree[stream.dst[e]]++;
        }
      }
      const held: Array<Set<number>> = Array.from({ length: n }, () => new Set());
      const loads = new Array<number>(k).fill(0);
      for (let e = 0; e < stream.count; e++) {
        const u = stream.src[e];
        const v = stream.dst[e];
        if (degrees === 'partial') {
          degree[u]++;
          degree[v]++;
        }
        const sum = degree[u] + degree[v];
        const max = Math.max(...loads);
        const min = Math.min(...loads);
        let best = 0;
        let bestScore = -Infinity;
        for (let p = 0; p < k; p++) {
          const gu = held[u].has(p) ? 1 + (1 - degree[u] / sum) : 0;
          const gv = held[v].has(p) ? 1 + (1 - degree[v] / sum) : 0;
          const bal = balanceTerm === 'normalized' ? (max - loads[p]) / (1 + max - min) : max - loads[p];
          const score = gu + gv + bal;
          if (score > bestScore + 1e-9) {
            bestScore = score;
            best = p;
          }
        }
        assert.is(got.parts[e], best, `${balanceTerm} ${degrees} k=${k}: edge ${e}`);
        loads[best]++;
        held[u].add(best);
        held[v].add(best);
      }
    }
  }
});

test("greedy equals a direct transcription of PowerGraph's oblivious rules (both ends, else either, else least loaded)", () => {
  const stream = small[0][1];
  for (const k of [3, 8, 40]) {
    const got = partitionGraph(stream, 'greedy', k, { seed: 1, balanceSlack: 1e9 }).partition;
    const held: Array<Set<number>> = Array.from({ length: stream.numVertices }, () => new Set());
    const loads = new Array<number>(k).fill(0);
    const leastLoaded = (candidates: number[]): number =>
      candidates.reduce((best, p) => (loads[p] < loads[best] || (loads[p] === loads[best] && p < best) ? p : best));
    for (let e = 0; e < stream.count; e++) {
      const u = stream.src[e];
      const v = stream.dst[e];
      const both = [...held[u]].filter((p) => held[v].has(p));
      const either = [...new Set([...held[u], ...held[v]])];
      const all = Array.from({ length: k }, (_, p) => p);
      const p = leastLoaded(both.length > 0 ? both : either.length > 0 ? either : all);
      assert.is(got.parts[e], p, `greedy k=${k}: edge ${e}`);
      loads[p]++;
      held[u].add(p);
      held[v].add(p);
    }
  }
});

test('DBH: all edges whose lower-degree end is the same vertex share a part', () => {
  const stream = small[1][1];
  const degree = new Array<number>(stream.numVertices).fill(0);
  for (let e = 0; e < stream.count; e++) {
    degree[stream.src[e]]++;
    degree[stream.dst[e]]++;
  }
  const { parts } = partitionGraph(stream, 'dbh', 16, { seed: 3, order: 'shuffled' }).partition;
  const partOf = new Map<number, number>();
  for (let e = 0; e < stream.count; e++) {
    const u = stream.src[e];
    const v = stream.dst[e];
    const low = degree[u] <= degree[v] ? u : v;
    if (!partOf.has(low)) partOf.set(low, parts[e]);
    assert.is(parts[e], partOf.get(low), `edge ${e}: lower-degree end ${low}`);
  }
});

test('random: replication factor matches the closed form k (1 - (1 - 1/k)^d) averaged over vertices', () => {
  const stream = streamFromEdgeList(rmatEdges({ scale: 14, edgeFactor: 16, seed: 8 }));
  // Replicas of a vertex are the distinct parts of its distinct incident pairs (repeats hash alike).
  const pairs = new Set<string>();
  const distinct = new Array<number>(stream.numVertices).fill(0);
  for (let e = 0; e < stream.count; e++) {
    const key = `${stream.src[e]},${stream.dst[e]}`;
    if (pairs.has(key)) continue;
    pairs.add(key);
    distinct[stream.src[e]]++;
    if (stream.dst[e] !== stream.src[e]) distinct[stream.dst[e]]++;
  }
  for (const k of [4, 32]) {
    let expected = 0;
    let present = 0;
    for (const d of distinct) {
      if (d === 0) continue;
      present++;
      expected += k * (1 - Math.pow(1 - 1 / k, d));
    }
    const rf = partitionGraph(stream, 'random', k, { seed: 1 }).metrics.replicationFactor;
    const closed = expected / present;
    assert.ok(Math.abs(rf - closed) / closed < 0.02, `random k=${k}: RF ${rf} vs closed form ${closed}`);
  }
});

test('NE cuts k disjoint equal cliques into exactly the cliques (replication factor 1)', () => {
  const k = 6;
  const size = 9;
  const src: number[] = [];
  const dst: number[] = [];
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) {
      src.push(c * size + i);
      dst.push(c * size + j);
    }
  }
  const order = shuffledOrder(src.length, 3);
  const stream: EdgeStream = {
    numVertices: k * size,
    count: src.length,
    src: Uint32Array.from(order, (e) => src[e]),
    dst: Uint32Array.from(order, (e) => dst[e]),
  };
  for (const seed of [1, 2, 3]) {
    const run = partitionGraph(stream, 'ne', k, { seed, balanceSlack: 0 });
    assert.is(run.metrics.replicationFactor, 1, `seed ${seed}`);
    assert.is(run.metrics.edgeBalance, 1, `seed ${seed}`);
  }
});

test('on a power-law graph the quality order of the literature holds', () => {
  const stream = streamFromEdgeList(rmatEdges({ scale: 13, edgeFactor: 16, seed: 5 }));
  const rf = (algo: string, k: number): number =>
    partitionGraph(stream, algo, k, { seed: 1, order: 'shuffled' }).metrics.replicationFactor;
  for (const k of [8, 32]) {
    const r = Object.fromEntries(['random', 'grid', 'dbh', 'greedy', 'hdrf', 'ne'].map((a) => [a, rf(a, k)]));
    assert.ok(r.hdrf < r.greedy && r.greedy < r.random, `k=${k}: ${JSON.stringify(r)}`);
    assert.ok(r.dbh < r.random && r.grid < r.random, `k=${k}: ${JSON.stringify(r)}`);
    assert.ok(r.ne < Math.min(r.hdrf, r.dbh, r.grid), `k=${k}: ${JSON.stringify(r)}`);
  }
});

test('greedy and HDRF state is vertices x k bits (HDRF adds a degree word), whatever the number of edges', () => {
  for (const k of [8, 33, 300]) {
    const words = Math.ceil(k / 32);
    for (const m of [400, 40000]) {
      const stream = skewedStream(200, m, 5);
      const greedy = partitionGraph(stream, 'greedy', k, { seed: 1 }).partition;
      const hdrf = partitionGraph(stream, 'hdrf', k, { seed: 1 }).partition;
      assert.is(greedy.stateBytes, 200 * words * 4 + k * 4, `greedy k=${k} m=${m}`);
      assert.is(hdrf.stateBytes, 200 * (words + 1) * 4 + k * 4, `hdrf k=${k} m=${m}`);
    }
  }
});

test('measurePartition on a hand-made partition', () => {
  // Edges 0-1, 1-2, 2-0 in parts 0, 1, 1; vertex 3 isolated.
  const stream: EdgeStream = { numVertices: 4, count: 3, src: Uint32Array.of(0, 1, 2), dst: Uint32Array.of(1, 2, 0) };
  const replicas = Uint32Array.of(0b11, 0b11, 0b10, 0);
  const m = measurePartition(
    { algo: 'x', kind: 'vertex-cut', k: 2, numVertices: 4, numEdges: 3, words: 1, parts: Uint8Array.of(0, 1, 1), replicas, masters: new Uint32Array(4), stateBytes: 0 },
    stream.src,
    stream.dst,
  );
  assert.is(m.vertices, 3);
  assert.is(m.replicationFactor, 5 / 3);
  assert.is(m.edgeBalance, 2 / 1.5);
  assert.is(m.vertexBalance, 3 / 2.5);
  assert.equal(m.edgesPerPart, [1, 2]);
});

test.run();
