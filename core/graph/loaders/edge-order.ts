/**
 * Build a Graph and carry per-edge values (times) into CSR order as edge
 * columns, through the input-edge origin that buildGraphWithOrigin reports.
 */
import { buildGraphWithOrigin, type BuildOptions } from '../build.js';
import type { EdgeList } from '../edge-list.js';
import type { Graph } from '../graph.js';
import { sharedFloat64 } from '../shared.js';

/**
 * Build `list` and gather each array of `edgeValues` (one value per input
 * edge) into an edge column of the same name, in CSR order.
 */
export function buildWithEdgeValues(list: EdgeList, options: BuildOptions, edgeValues: Record<string, Float64Array>): Graph {
  const { graph, origin } = buildGraphWithOrigin(list, options);
  const m = graph.numEdges;
  for (const [name, values] of Object.entries(edgeValues)) {
    const column = sharedFloat64(m);
    for (let e = 0; e < m; e++) column[e] = values[origin[e]];
    graph.edgeColumns[name] = column;
  }
  return graph;
}
