/**
 * Triangle counting on the simple undirected view of a graph (edge
 * directions, duplicate edges and self-loops ignored): triangles(v) is the
 * number of triangles v belongs to. Gather visits each neighbour u of v once
 * and adds |N(v) ∩ N(u)| by merge-intersecting the two sorted neighbour lists;
 * each triangle {v, u, w} is then seen from u and from w, so apply halves the
 * sum. Every vertex runs once (one superstep). The `corners` aggregator sums
 * the per-vertex counts, 3 per triangle; totalTriangles(corners) divides.
 *
 * Gather visits 'all' edges so a directed graph's in-only neighbours count; an
 * edge that is not a neighbour's first appearance (a duplicate, or the
 * reverse of an out-edge) contributes 0, so each neighbour counts once. On a
 * directed graph every thread first builds the undirected view (undirected.ts).
 *
 * Params: none. Output: `triangles` (f64). Aggregator: corners (3 x total).
 */
import { defineProgram } from '../core/program.js';
import { undirectedAdjacency } from './undirected.js';

const triangleCount = defineProgram({
  name: 'triangle-count',
  url: import.meta.url,
  description: 'Triangles per vertex on the undirected view; total = corners / 3',
  vertex: { triangles: 'f64' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'all',
  scatterEdges: 'none',
  activation: 'signalled',
  dataAccess: 'gas',
  output: 'triangles',
  create({ vertex, graph }) {
    const triangles = vertex.triangles;
    const { offsets, targets } = undirectedAdjacency(graph);
    const { outOffsets, outTargets } = graph;
    const undirected = graph.undirected;

    /**
     * |N(a) ∩ N(b)| of two ascending lists: a merge when their lengths are
     * alike, else a search of each entry of the short list in the long one
     * (from where the last search stopped). On power-law graphs most edges
     * join a small list to a hub's: the merge costs the hub's degree, the
     * search the small degree times a logarithm. R-MAT 17 made undirected,
     * one worker: 15.1 s (`node --expose-gc dist/bench/programs.js 17`),
     * 16.6 s before this search in the same setting; the rest is intersections of
     * two hubs' lists, which only a degree-ordered count would avoid.
     */
    const common = (a: number, b: number): number => {
      let i = offsets[a];
      let iEnd = offsets[a + 1];
      let j = offsets[b];
      let jEnd = offsets[b + 1];
      if (iEnd - i > jEnd - j) {
        const t = i;
        i = j;
        j = t;
        const tEnd = iEnd;
        iEnd = jEnd;
        jEnd = tEnd;
      }
      let count = 0;
      if ((jEnd - j) > 16 * (iEnd - i)) {
        const t = targets;
        for (; i < iEnd && j < jEnd; i++) {
          const x = t[i];
          // First position in [j, jEnd) holding a value >= x.
          let lo = j;
          let hi = jEnd;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (t[mid] < x) lo = mid + 1;
            else hi = mid;
          }
          if (lo < jEnd && t[lo] === x) {
            count++;
            lo++;
          }
          j = lo;
        }
        return count;
      }
      while (i < iEnd && j < jEnd) {
        const x = targets[i];
        const y = targets[j];
        if (x === y) {
          count++;
          i++;
          j++;
        } else if (x < y) i++;
        else j++;
      }
      return count;
    };
    /** Whether v has an out-edge to u (binary search in v's sorted out-list). */
    const hasOutEdge = (v: number, u: number): boolean => {
      let lo = outOffsets[v];
      let hi = outOffsets[v + 1] - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const x = outTargets[mid];
        if (x === u) return true;
        if (x < u) lo = mid + 1;
        else hi = mid - 1;
      }
      return false;
    };

    return {
      init(v) {
        triangles[v] = 0;
        return true;
      },
      gather(v, u, e) {
        if (u === v) return 0;
        if (e >= outOffsets[v] && e < outOffsets[v + 1]) {
          // Out-edge v -> u: count it at its first copy only.
          if (e > outOffsets[v] && outTargets[e - 1] === u) return 0;
        } else {
          // In-edge u -> v: counted already as an out-edge when v -> u exists.
          if (undirected) return 0;
          if (e > outOffsets[u] && outTargets[e - 1] === v) return 0;
          if (hasOutEdge(v, u)) return 0;
        }
        return common(v, u);
      },
      apply(v, acc) {
        triangles[v] = acc / 2;
        return false;
      },
    };
  },
  // The aggregates describe the result: computed once at the end, so that supersteps can run from a sparse frontier.
  aggregateAt: 'end',
  aggregators({ vertex }) {
    const triangles = vertex.triangles;
    return { corners: { map: (v) => triangles[v], reduce: 'sum' } };
  },
});

export default triangleCount;

/** The number of triangles in the graph from the `corners` aggregate (each triangle has 3). */
export function totalTriangles(corners: number): number {
  return Math.round(corners / 3);
}
