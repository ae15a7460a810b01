/**
 * Small pieces several bundled programs compute in `create`: 1 / outdegree
 * per vertex (the PageRank family), and the check that a `source` parameter
 * names a vertex (bfs, sssp, personalized PageRank).
 */
import { UsageError } from '../core/errors.js';
import type { Graph } from '../core/graph/graph.js';

/** 1 / outdegree of every vertex, 0 for a vertex with no out-edges. */
export function inverseOutDegrees(graph: Graph): Float64Array {
  const n = graph.numVertices;
  const { outOffsets } = graph;
  const inverse = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    const degree = outOffsets[v + 1] - outOffsets[v];
    inverse[v] = degree === 0 ? 0 : 1 / degree;
  }
  return inverse;
}

/** Throw a UsageError naming `program` unless `source` is a dense vertex id of a graph of n vertices. */
export function checkSource(program: string, source: number, n: number): void {
  if (!Number.isInteger(source) || source < 0 || source >= n) {
    throw new UsageError(`${program}: source must be a dense vertex id in 0..${n - 1}; got ${source}`);
  }
}
