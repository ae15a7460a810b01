/**
 * HEP (partitioner/hep.ts). Checked against what does not share its code: a
 * closed form (k disjoint equal cliques are cut into exactly the cliques), the
 * limit tau -> 0 (every vertex high-degree: HEP is HDRF with exact degrees and
 * HEP's lambda 1.1, itself checked against a transcription of the paper), the
 * expansion's rules recounted here (no edge between two high-degree vertices
 * placed in memory, no part k-1 grown), and the streaming phase replayed as a
 * full scan of k parts from the expansion's placement (each edge a best part
 * within rounding).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmatEdges } from '../../core/graph/generators/rmat.js';
import { partitionGraph, shuffledOrder, streamFromEdgeList } from '../../partitioner/index.js';
import { expandNeighbourhoods } from '../../partitioner/ne.js';
import type { EdgeStream } from '../../partitioner/types.js';
import { skewedStream, verifyPartition } from './verify.js';

const graphs: Array<[string, EdgeStream]> = [
  ['skewed 120 x 1500', skewedStream(120, 1500, 8)],
  ['rmat scale 9', streamFromEdgeList(rmatEdges({ scale: 9, edgeFactor: 8, seed: 4 }))],
];

test('HEP on k disjoint equal cliques: exactly the cliques (replication factor 1)', () => {
  const k = 5;
  const size = 8;
  const src: number[] = [];
  const dst: number[] = [];
  for (let c = 0; c < k; c++) for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) {
    src.push(c * size + i);
    dst.push(c * size + j);
  }
  const order = shuffledOrder(src.length, 5);
  const stream: EdgeStream = { numVertices: k * size, count: src.length, src: Uint32Array.from(order, (e) => src[e]), dst: Uint32Array.from(order, (e) => dst[e]) };
  for (const seed of [1, 2, 3]) {
    const run = partitionGraph(stream, 'hep', k, { seed, tau: 100 });
    assert.is(run.metrics.replicationFactor, 1, `seed ${seed}`);
    assert.is(run.metrics.edgeBalance, 1, `seed ${seed}`);
  }
});

test('tau -> 0: every vertex is high-degree and HEP is HDRF with exact degrees and lambda 1.1', () => {
  for (const [name, stream] of graphs) {
    for (const k of [4, 33]) {
      const hep = partitionGraph(stream, 'hep', k, { tau: 1e-9, seed: 2 }).partition;
      const hdrf = partitionGraph(stream, 'hdrf', k, { degrees: 'exact', lambda: 1.1, seed: 2 }).partition;
      assert.equal(Array.from(hep.parts), Array.from(hdrf.parts), `${name}, k = ${k}`);
    }
  }
});

test('the expansion keeps its rules and the streaming phase is HDRF from its placement, edge by edge', () => {
  for (const [name, stream] of graphs) {
    const m = stream.count;
    const n = stream.numVertices;
    const degree = new Array<number>(n).fill(0);
    for (let e = 0; e < m; e++) {
      degree[stream.src[e]]++;
      degree[stream.dst[e]]++;
    }
    const present = degree.filter((d) => d > 0).length;
    for (const tau of [0.5, 2, 100]) {
      for (const k of [3, 8, 40]) {
        const what = `${name}, tau ${tau}, k = ${k}`;
        const high = degree.map((d) => d > tau * ((2 * m) / present));
        const run = partitionGraph(stream, 'hep', k, { tau, seed: 6 });
        verifyPartition(stream, run.partition);
        assert.ok(Math.max(...run.metrics.edgesPerPart) <= Math.ceil((1.05 * m) / k), `${what}: within the cap`);
        const grown = expandNeighbourhoods(stream, k, { seed: 6 }, Uint8Array.from(high, Number));
        const placed = grown.placed!;
        for (let e = 0; e < m; e++) {
          const u = stream.src[e];
          const v = stream.dst[e];
          if (high[u] && high[v]) assert.is(placed[e], 0, `${what}: edge ${e} joins two high-degree vertices`);
          if (u === v) assert.is(placed[e], 0, `${what}: self-loop ${e} streams`);
          if (placed[e]) {
            assert.ok(grown.parts[e] < k - 1 || k === 1, `${what}: edge ${e} grown into part ${grown.parts[e]}`);
            assert.is(run.partition.parts[e], grown.parts[e], `${what}: edge ${e} keeps its in-memory part`);
          }
        }
        // Replay the streaming phase: HDRF (exact degrees, lambda 1.1, normalised) over all k parts.
        const held: Array<Set<number>> = Array.from({ length: n }, () => new Set());
        const loads = new Array<number>(k).fill(0);
        for (let e = 0; e < m; e++) {
          if (!placed[e]) continue;
          loads[grown.parts[e]]++;
          held[stream.src[e]].add(grown.parts[e]);
          held[stream.dst[e]].add(grown.parts[e]);
        }
        const cap = Math.ceil((1.05 * m) / k);
        for (let e = 0; e < m; e++) {
          if (placed[e]) continue;
          const u = stream.src[e];
          const v = stream.dst[e];
          const sum = degree[u] + degree[v];
          const max = Math.max(...loads);
          const min = Math.min(...loads);
          const score = (p: number): number =>
            (held[u].has(p) ? 1 + (1 - degree[u] / sum) : 0) + (held[v].has(p) ? 1 + (1 - degree[v] / sum) : 0) + (1.1 * (max - loads[p])) / (1 + max - min);
          let best = -Infinity;
          for (let p = 0; p < k; p++) if (loads[p] < cap) best = Math.max(best, score(p));
          const p = run.partition.parts[e];
          assert.ok(loads[p] < cap && score(p) >= best - 1e-9, `${what}: edge ${e} to part ${p} scoring ${score(p)}, the best ${best}`);
          loads[p]++;
          held[u].add(p);
          held[v].add(p);
        }
      }
    }
  }
});

test('HEP: a tau that is not a positive number is refused by name', () => {
  assert.throws(() => partitionGraph(graphs[0][1], 'hep', 4, { tau: 0 }), /hep: tau must be a positive number; got 0/);
});

test.run();
