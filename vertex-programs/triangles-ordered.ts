/**
 * Triangles per vertex by ordered intersections, as GAPBS's tc and Schank &
 * Wagner's "forward" algorithm: rank the vertices by degree; each vertex v
 * intersects its higher-ranked neighbours N+(v) with N+(u) for each u in
 * N+(v), so every triangle is found once, at its lowest-ranked corner, and is
 * credited there to all three corners. The per-vertex counts are
 * triangle-count's (triangles on the simple undirected view), with a third of
 * its intersections and none against a hub's whole list. The credits to other
 * vertices are atomic adds on shared columns, so the program runs on one
 * machine only, in one superstep; the end-of-run aggregation adds each
 * vertex's credits to its own count.
 *
 * Params: none. Output: `triangles` (f64). Aggregator: corners (3 x total).
 */
import { defineProgram } from '../core/program.js';
import { higherRanked } from './triangle-count.js';
import { undirectedAdjacency } from './undirected.js';

const trianglesOrdered = defineProgram({
  name: 'triangles-ordered',
  url: import.meta.url,
  description: 'Triangles per vertex by ordered intersections (each found once); total = corners / 3',
  // Credits from other vertices' supersteps: a 64-bit count as two u32 words (low, carries).
  vertex: { triangles: 'f64', own: 'f64', creditLow: 'u32', creditHigh: 'u32', counted: 'u8' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'none',
  scatterEdges: 'none',
  activation: 'all',
  // Apply credits other vertices.
  dataAccess: 'shared-memory',
  output: 'triangles',
  create({ vertex, graph, threads }) {
    const { triangles, own, creditLow, creditHigh, counted } = vertex;
    const { offsets, targets } = undirectedAdjacency(graph);
    const { upOffsets, upTargets } = higherRanked(offsets, targets);
    /** Add k (< 2^32) to w's credit, carrying into the high word: atomically when threads share the columns. */
    const credit =
      threads > 1
        ? (w: number, k: number): void => {
            if (Atomics.add(creditLow, w, k) + k > 0xffffffff) Atomics.add(creditHigh, w, 1);
          }
        : (w: number, k: number): void => {
            const sum = creditLow[w] + k;
            creditLow[w] = sum;
            if (sum > 0xffffffff) creditHigh[w]++;
          };
    /** Triangles with lowest corner v: for u in N+(v), the w in N+(v) ∩ N+(u), each credited to u and w. */
    const countFrom = (v: number): number => {
      const vStart = upOffsets[v];
      const vEnd = upOffsets[v + 1];
      let found = 0;
      for (let i = vStart; i < vEnd; i++) {
        const u = upTargets[i];
        let a = vStart;
        let b = upOffsets[u];
        const bEnd = upOffsets[u + 1];
        let here = 0;
        while (a < vEnd && b < bEnd) {
          const x = upTargets[a];
          const y = upTargets[b];
          if (x < y) a++;
          else if (x > y) b++;
          else {
            credit(x, 1);
            here++;
            a++;
            b++;
          }
        }
        if (here > 0) credit(u, here);
        found += here;
      }
      return found;
    };
    return {
      init(v) {
        triangles[v] = 0;
        own[v] = 0;
        creditLow[v] = 0;
        creditHigh[v] = 0;
        counted[v] = 0;
      },
      apply(v) {
        // Once per vertex, whatever the engine: an asynchronous queue may run a vertex again.
        if (counted[v] === 0) {
          counted[v] = 1;
          own[v] = countFrom(v);
        }
        return false;
      },
    };
  },
  aggregateAt: 'end',
  aggregators({ vertex }) {
    const { triangles, own, creditLow, creditHigh } = vertex;
    return {
      // Once every count is done (after the run, in any engine): a vertex's triangles are its own
      // plus its credits. Idempotent, so an asynchronous run's snapshots on the way do no harm.
      corners: {
        map: (v) => (triangles[v] = own[v] + creditLow[v] + creditHigh[v] * 4294967296),
        reduce: 'sum',
      },
    };
  },
});

export default trianglesOrdered;
