/**
 * Build a Graph and carry per-edge values (weights, times) into CSR order.
 * buildGraph reorders edges but reports no permutation, so the list is built
 * with each edge's own index as its weight; the built weights then say, for
 * every CSR edge, which input edge it came from (for `duplicates: 'drop'`,
 * the first one in file order, since the sorts are stable).
 */
import { buildGraph } from '../build.js';
import type { BuildOptions } from '../build.js';
import type { EdgeList } from '../edge-list.js';
import type { Graph } from '../graph.js';
import { sharedFloat64 } from '../shared.js';

/**
 * Build `list` (which must be weighted: its weights become the graph's) and
 * gather each array of `edgeValues` (one value per input edge) into an edge
 * column of the same name, in CSR order.
 */
export function buildWithEdgeValues(
  list: EdgeList,
  options: BuildOptions,
  edgeValues: Record<string, Float64Array>,
): Graph {
  const weights = list.weight;
  if (weights === null) throw new Error('buildWithEdgeValues: the edge list must be weighted');
  const m0 = list.length;
  const index = new Float64Array(weights.length);
  for (let e = 0; e < m0; e++) index[e] = e;
  list.weight = index;
  let graph: Graph;
  try {
    graph = buildGraph(list, options);
  } finally {
    list.weight = weights;
  }
  const origin = graph.weights!;
  const m = graph.numEdges;
  const built = sharedFloat64(m);
  for (let e = 0; e < m; e++) built[e] = weights[origin[e]];
  for (const [name, values] of Object.entries(edgeValues)) {
    const column = sharedFloat64(m);
    for (let e = 0; e < m; e++) column[e] = values[origin[e]];
    graph.edgeColumns[name] = column;
  }
  graph.weights = built;
  return graph;
}
