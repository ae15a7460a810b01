/**
 * Triangle counting on the simple undirected view of a graph (edge
 * directions, duplicate edges and self-loops ignored): triangles(v) is the
 * number of triangles v belongs to. Gather visits each neighbour u of v once
 * and adds |N(v) ∩ N+(u)|, N+(u) being u's neighbours that rank above u
 * (larger degree, ties to the larger id): each triangle {v, u, w} is seen at v
 * once, through whichever of u and w ranks lower. Intersecting with N+(u)
 * rather than N(u) avoids the hub-against-hub merges that dominated: a hub's
 * N+ holds only bigger hubs. R-MAT 17 made undirected, one worker: 16.0 s with
 * N(u) and halving, 7.2-7.6 s now (`gasworks run triangle-count --graph r17.gwg
 * -w 1`, r17.gwg from `gasworks generate rmat --scale 17`); each triangle is
 * still found three times, once per corner, which per-vertex counts in gather
 * cannot avoid. Every vertex runs once (one superstep). The `corners` aggregator sums
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
import { lowerBound } from '../core/util/search.js';
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
    const { upOffsets, upTargets } = higherRanked(offsets, targets);
    const g = { offsets, targets, upOffsets, upTargets };
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
        return countAbove(g, v, u);
      },
      apply(v, acc) {
        triangles[v] = acc;
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

/**
 * For each vertex u, its neighbours that rank above it (larger degree, ties to
 * the larger id), in id order: the out-lists of the degree orientation. A hub
 * has few (only bigger hubs), a low-degree vertex at most its degree.
 */
export function higherRanked(offsets: Uint32Array, targets: Uint32Array): { upOffsets: Uint32Array; upTargets: Uint32Array } {
  const n = offsets.length - 1;
  const above = (u: number, w: number): boolean => {
    const du = offsets[u + 1] - offsets[u];
    const dw = offsets[w + 1] - offsets[w];
    return dw > du || (dw === du && w > u);
  };
  const upOffsets = new Uint32Array(n + 1);
  for (let u = 0; u < n; u++) {
    let count = 0;
    for (let i = offsets[u]; i < offsets[u + 1]; i++) if (above(u, targets[i])) count++;
    upOffsets[u + 1] = upOffsets[u] + count;
  }
  const upTargets = new Uint32Array(upOffsets[n]);
  for (let u = 0, at = 0; u < n; u++) {
    for (let i = offsets[u]; i < offsets[u + 1]; i++) if (above(u, targets[i])) upTargets[at++] = targets[i];
  }
  return { upOffsets, upTargets };
}

interface RankedAdjacency {
  offsets: Uint32Array;
  targets: Uint32Array;
  upOffsets: Uint32Array;
  upTargets: Uint32Array;
}

/**
 * |N(v) ∩ N+(u)|: the neighbours w of v that close a triangle with u and rank
 * above u. A triangle {v, u, w} is so counted at v once, through whichever of
 * u and w ranks lower. Both lists are in id order: a merge when their lengths
 * are alike, else a binary search of each entry of the short list in the long
 * one (from where the last search stopped).
 */
function countAbove(g: RankedAdjacency, v: number, u: number): number {
  const { offsets, targets, upOffsets, upTargets } = g;
  const i = offsets[v];
  const iEnd = offsets[v + 1];
  const j = upOffsets[u];
  const jEnd = upOffsets[u + 1];
  if (iEnd - i > 16 * (jEnd - j)) return countBySearch(upTargets, j, jEnd, targets, i, iEnd);
  if (jEnd - j > 16 * (iEnd - i)) return countBySearch(targets, i, iEnd, upTargets, j, jEnd);
  let count = 0;
  for (let a = i, b = j; a < iEnd && b < jEnd; ) {
    const x = targets[a];
    const y = upTargets[b];
    if (x === y) {
      count++;
      a++;
      b++;
    } else if (x < y) a++;
    else b++;
  }
  return count;
}

/** How many values of the ascending short[s .. sEnd) are in the ascending long[l .. lEnd): one search each, each from where the last stopped. */
function countBySearch(short: Uint32Array, s: number, sEnd: number, long: Uint32Array, l: number, lEnd: number): number {
  let count = 0;
  for (; s < sEnd && l < lEnd; s++) {
    const x = short[s];
    l = lowerBound(long, l, lEnd, x);
    if (l < lEnd && long[l] === x) {
      count++;
      l++;
    }
  }
  return count;
}

/** The number of triangles in the graph from the `corners` aggregate (each triangle has 3). */
export function totalTriangles(corners: number): number {
  return Math.round(corners / 3);
}
