/**
 * Weakly connected components by min-label propagation: every vertex starts
 * with its own dense id as its label and repeatedly takes the smallest label
 * among itself and its neighbours in either direction; a vertex whose label
 * dropped signals the neighbours whose label is larger. The answer is the
 * same in any schedule: each vertex ends with the smallest dense id of its
 * component. Loaders number dense ids in increasing order of file id, so that
 * is also the component's smallest file id (graph.fileId(label) gives it).
 * Gather and scatter visit 'all' edges so that directed graphs give weak
 * components; on a graph stored in both directions each neighbour is simply
 * seen twice.
 *
 * Params: none. Output: `component` (f64, a dense id).
 * Aggregator: components (number of vertices that are their own component's label).
 */
import { defineProgram } from '../core/program.js';

const min = (a: number, b: number): number => (a < b ? a : b);

const connectedComponents = defineProgram({
  name: 'connected-components',
  url: import.meta.url,
  description: 'Weakly connected components: label = smallest dense id in the component',
  vertex: { component: 'f64' },
  params: {},
  accumulator: { kind: 'scalar', zero: Infinity, sum: min },
  gatherEdges: 'all',
  scatterEdges: 'all',
  activation: 'signalled',
  dataAccess: 'gas',
  // create reads only the context's view of the whole graph: a cluster machine holds only its edges.
  graphAccess: 'view',
  output: 'component',
  outputKind: 'vertex',
  create({ vertex, globalIds }) {
    const component = vertex.component;
    return {
      init(v) {
        // Labels are the whole graph's ids, whatever ids the columns use.
        component[v] = globalIds === null ? v : globalIds[v];
        return true;
      },
      gather: (_v, u) => component[u],
      apply(v, acc) {
        if (acc < component[v]) {
          component[v] = acc;
          return true;
        }
        return false;
      },
      scatter(v, u, _e, signal) {
        if (component[v] < component[u]) signal(u);
      },
    };
  },
  // The aggregates describe the result: computed once at the end, so that supersteps can run from a sparse frontier.
  aggregateAt: 'end',
  aggregators({ vertex, globalIds }) {
    const component = vertex.component;
    // A root's label is its own whole-graph id.
    return { components: { map: (v) => (component[v] === (globalIds === null ? v : globalIds[v]) ? 1 : 0), reduce: 'sum' } };
  },
});

export default connectedComponents;
