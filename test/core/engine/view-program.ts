/**
 * A program for run-setup.test.ts, in a module of its own (worker threads
 * import it): each vertex records in its columns what its context's view of
 * the whole graph says of it.
 */
import { defineProgram } from '../../../core/program.js';

export const recordView = defineProgram({
  name: 'record-view',
  url: import.meta.url,
  vertex: { outDegree: 'f64', inDegree: 'f64', weightSum: 'f64' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'none',
  scatterEdges: 'none',
  activation: 'all',
  dataAccess: 'gas',
  create: ({ vertex, outDegrees, inDegrees, weightSum }) => ({
    apply(v) {
      vertex.outDegree[v] = outDegrees[v];
      vertex.inDegree[v] = inDegrees[v];
      vertex.weightSum[v] = weightSum;
      return false;
    },
  }),
});
