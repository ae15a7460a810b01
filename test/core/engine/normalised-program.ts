/**
 * A test program in a module of its own (worker threads import a program's
 * module: one defined in a test file would run the test file in every worker).
 */
import { defineProgram } from '../../../core/program.js';

/** x(v) = sum of in-neighbours' x / (sum of all x): bounded only if the sum it divides by is fresh. */
export const normalised = defineProgram({
  name: 'normalised',
  url: import.meta.url,
  vertex: { x: 'f64' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'in',
  scatterEdges: 'none',
  activation: 'all',
  create: ({ vertex, numVertices, aggregates }) => ({
    init: (v) => {
      vertex.x[v] = 1 / numVertices;
    },
    gather: (_v, u) => vertex.x[u],
    apply: (v, acc) => {
      vertex.x[v] = acc / aggregates!.total;
      return true;
    },
  }),
  aggregators: ({ vertex }) => ({ total: { map: (v) => vertex.x[v], reduce: 'sum' } }),
});
