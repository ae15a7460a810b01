/**
 * Restreaming (partitioner/restream.ts) against a check written here: every
 * pass replayed as a full scan of the k parts with HDRF's or greedy's score,
 * where a part holds a vertex when this pass put one of its edges there, or
 * the last pass did and some of the vertex's edges are still to be placed
 * in this one, loads and partial degrees counted afresh each pass, the
 * balance cap kept; each edge's part must be a best one (within rounding).
 * One pass must equal plain HDRF and greedy.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmatEdges } from '../../core/graph/generators/rmat.js';
import { partitionGraph, shuffledOrder, streamFromEdgeList } from '../../partitioner/index.js';
import { restreamVertexCut } from '../../partitioner/restream.js';
import type { EdgeStream } from '../../partitioner/types.js';
import { skewedStream, verifyPartition } from './verify.js';

/**
 * Checks every pass of a restreamed run: at each edge, the part the module chose must score within
 * 1e-9 of the best part of a full scan (exact ties in real arithmetic can round either way), and
 * no better part may exist; the scan then follows the module's choice. Returns the edges checked.
 */
function checkPasses(stream: EdgeStream, k: number, hdrf: boolean, passParts: number[][], order: number[], what: string): number {
  const n = stream.numVertices;
  const cap = Math.ceil((1.05 * stream.count) / k);
  let previous: Array<Set<number>> = Array.from({ length: n }, () => new Set());
  const total = new Array<number>(n).fill(0);
  for (let e = 0; e < stream.count; e++) {
    total[stream.src[e]]++;
    total[stream.dst[e]]++;
  }
  let checked = 0;
  for (const [pass, chosen] of passParts.entries()) {
    const held: Array<Set<number>> = Array.from({ length: n }, () => new Set());
    const degree = new Array<number>(n).fill(0);
    const loads = new Array<number>(k).fill(0);
    for (const e of order) {
      const u = stream.src[e];
      const v = stream.dst[e];
      degree[u]++;
      degree[v]++;
      const sum = degree[u] + degree[v];
      const max = Math.max(...loads);
      const min = Math.min(...loads);
      const score = (p: number): number => {
        // The last pass's copies of a vertex count while some of its edges are still to be placed anew.
        const hu = held[u].has(p) || (degree[u] < total[u] && previous[u].has(p));
        const hv = held[v].has(p) || (degree[v] < total[v] && previous[v].has(p));
        const gu = hu ? (hdrf ? 1 + (1 - degree[u] / sum) : 1) : 0;
        const gv = hv ? (hdrf ? 1 + (1 - degree[v] / sum) : 1) : 0;
        return gu + gv + (max - loads[p]) / (1 + max - min);
      };
      let best = -Infinity;
      for (let p = 0; p < k; p++) if (loads[p] < cap) best = Math.max(best, score(p));
      const p = chosen[e];
      assert.ok(p >= 0 && p < k && loads[p] < cap, `${what}, pass ${pass + 1}, edge ${e}: part ${p} below the cap`);
      assert.ok(score(p) >= best - 1e-9, `${what}, pass ${pass + 1}, edge ${e}: part ${p} scores ${score(p)}, the best ${best}`);
      loads[p]++;
      held[u].add(p);
      held[v].add(p);
      checked++;
    }
    previous = held;
  }
  return checked;
}

const graphs: Array<[string, EdgeStream]> = [
  ['skewed 60 x 500', skewedStream(60, 500, 21)],
  ['rmat scale 8', streamFromEdgeList(rmatEdges({ scale: 8, edgeFactor: 6, seed: 2 }))],
];

test('restream-hdrf and restream-greedy: every pass a best choice of a full scan, 1 to 3 passes, k up to 40, both orders', () => {
  for (const [name, stream] of graphs) {
    for (const k of [3, 8, 40]) {
      for (const shuffled of [false, true]) {
        const order = shuffled ? Array.from(shuffledOrder(stream.count, 3)) : Array.from({ length: stream.count }, (_, i) => i);
        for (const passes of [1, 2, 3]) {
          for (const base of ['hdrf', 'greedy'] as const) {
            const run = partitionGraph(stream, `restream-${base}`, k, { passes, seed: 3, order: shuffled ? 'shuffled' : 'file' });
            verifyPartition(stream, run.partition);
            const what = `restream-${base} on ${name}, k = ${k}, ${passes} pass(es), ${shuffled ? 'shuffled' : 'file'}`;
            const passParts: number[][] = [];
            const again = restreamVertexCut(stream, k, { passes, seed: 3, order: shuffled ? 'shuffled' : 'file' }, base, (_, parts) => passParts.push(Array.from(parts)));
            assert.equal(Array.from(again.parts), Array.from(run.partition.parts), `${what}: deterministic`);
            assert.equal(passParts.at(-1), Array.from(run.partition.parts), `${what}: the last pass is the result`);
            assert.is(checkPasses(stream, k, base === 'hdrf', passParts, order, what), passes * stream.count);
            if (passes === 1) {
              const plain = partitionGraph(stream, base, k, { seed: 3, order: shuffled ? 'shuffled' : 'file' });
              assert.equal(Array.from(run.partition.parts), Array.from(plain.partition.parts), `${what}: one pass is ${base}`);
            }
          }
        }
      }
    }
  }
});

test('restreaming: passes below 1 or fractional are refused by name', () => {
  assert.throws(() => partitionGraph(graphs[0][1], 'restream-hdrf', 4, { passes: 0 }), /restream-hdrf: passes must be an integer >= 1; got 0/);
  assert.throws(() => partitionGraph(graphs[0][1], 'restream-greedy', 4, { passes: 1.5 }), /restream-greedy: passes must be an integer >= 1; got 1\.5/);
});

test.run();
