/**
 * Programs for the cluster tests, in a module of their own (not a test
 * file): a coordinator ships a user's program module to its workers, which
 * import it, so the module must do nothing but define programs. Each counts
 * in-edges into `x` in its own way of going wrong.
 */
import { defineProgram } from '../../../core/program.js';

/** What the programs here share: one column, in-edges gathered, every vertex every superstep. */
const counting = {
  url: import.meta.url,
  vertex: { x: 'f64' },
  dataAccess: 'gas',
  params: {},
  gatherEdges: 'in',
  scatterEdges: 'none',
  activation: 'all',
  accumulator: { kind: 'scalar' },
} as const;

/** Apply throws at vertex 3. */
export const failing = defineProgram({
  ...counting,
  name: 'fails-in-apply',
  create: () => ({
    apply(v) {
      if (v === 3) throw new Error('vertex 3 is cursed');
      return true;
    },
  }),
});

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Each superstep, apply at vertex 0 blocks its thread for 1.5 s: one phase longer than a 1 s lease. */
export const slowPhase = defineProgram({
  ...counting,
  name: 'slow-phase',
  create: ({ vertex }) => ({
    gather: () => 1,
    apply(v, total) {
      if (v === 0) Atomics.wait(pause, 0, 0, 1500);
      vertex.x[v] = total;
      return true;
    },
  }),
});

/** Gather ends the thread it runs on when that is a job's helper thread (thread 1): a helper that dies mid-phase. */
export const exitsInHelper = defineProgram({
  ...counting,
  name: 'exits-in-helper',
  create: ({ vertex, thread }) => ({
    gather: () => {
      if (thread === 1) process.exit(3);
      return 1;
    },
    apply(v, total) {
      vertex.x[v] = total;
      return true;
    },
  }),
});

/** A 'view' program with an edge column: each superstep, scatter adds 1 to every out-edge's count. */
export const edgeVisits = defineProgram({
  ...counting,
  name: 'edge-visits',
  graphAccess: 'view',
  edge: { visits: 'f64' },
  scatterEdges: 'out',
  create: ({ vertex, edge }) => ({
    gather: () => 1,
    apply(v, total) {
      vertex.x[v] = total;
      return true;
    },
    scatter(_v, _u, e) {
      edge.visits[e] += 1;
    },
  }),
});
