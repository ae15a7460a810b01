/**
 * Small pieces several bundled programs compute in `create`: 1 / outdegree
 * per vertex (the PageRank family), the check that a `source` parameter
 * names a vertex (bfs, sssp, personalized PageRank), and where the source
 * is among the vertices the columns hold. They read the context's view of
 * the whole graph (degrees, ids), not the graph's own arrays.
 */
import { UsageError } from '../core/errors.js';
import { lowerBound } from '../core/util/search.js';

/** 1 / outdegree of every vertex, 0 for a vertex with no out-edges (`outDegrees`: the context's). */
export function inverseOutDegrees(outDegrees: Uint32Array): Float64Array {
  const inverse = new Float64Array(outDegrees.length);
  for (let v = 0; v < outDegrees.length; v++) inverse[v] = outDegrees[v] === 0 ? 0 : 1 / outDegrees[v];
  return inverse;
}

/** The column index of the vertex whose whole-graph id is `id` (`globalIds`: the context's, ascending), or -1 where it is not held. */
export function heldIdOf(id: number, globalIds: Uint32Array | null): number {
  if (globalIds === null) return id;
  const at = lowerBound(globalIds, 0, globalIds.length, id);
  return at < globalIds.length && globalIds[at] === id ? at : -1;
}

/** Throw a UsageError naming `program` unless `source` is a dense vertex id of a graph of n vertices. */
export function checkSource(program: string, source: number, n: number): void {
  if (!Number.isInteger(source) || source < 0 || source >= n) {
    throw new UsageError(`${program}: source must be a dense vertex id in 0..${n - 1}; got ${source}`);
  }
}
