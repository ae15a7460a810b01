/**
 * Counts each vertex's out- and in-edges in an 'all' gather with ctx.isOutEdge
 * (edge-direction.test.ts). In a module of its own: worker threads import it.
 */
import { defineProgram } from '../../../core/program.js';

export const directions = defineProgram({
  name: 'directions',
  url: import.meta.url,
  vertex: { outs: 'f64', ins: 'f64' },
  params: {},
  accumulator: { kind: 'vector', size: 2 },
  gatherEdges: 'all',
  scatterEdges: 'none',
  activation: 'all',
  create: ({ vertex, isOutEdge }) => ({
    gather: (v, _u, e, acc) => {
      acc[isOutEdge(v, e) ? 0 : 1] += 1;
    },
    apply: (v, acc) => {
      vertex.outs[v] = acc[0];
      vertex.ins[v] = acc[1];
      return false;
    },
  }),
});
