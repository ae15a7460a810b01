/**
 * Programs for the cluster tests, in a module of their own (not a test
 * file): a coordinator ships a user's program module to its workers, which
 * import it, so the module must do nothing but define programs.
 */
import { defineProgram } from '../../../core/program.js';

/** A program whose apply throws at vertex 3. */
export const failing = defineProgram({
  name: 'fails-in-apply',
  url: import.meta.url,
  vertex: { x: 'f64' },
  params: {},
  gatherEdges: 'in',
  scatterEdges: 'none',
  activation: 'all',
  accumulator: { kind: 'scalar' },
  create: () => ({
    apply(v) {
      if (v === 3) throw new Error('vertex 3 is cursed');
      return true;
    },
  }),
});

/** In-degree counting: each vertex's number of in-edges, in one superstep (a user's own program, shipped by content). */
export const inDegree = defineProgram({
  name: 'in-degree',
  url: import.meta.url,
  vertex: { degree: 'f64' },
  dataAccess: 'gas',
  params: {},
  gatherEdges: 'in',
  scatterEdges: 'none',
  activation: 'all',
  accumulator: { kind: 'scalar' },
  create: ({ vertex }) => ({
    gather: () => 1,
    apply(v, total) {
      vertex.degree[v] = total;
      return false;
    },
  }),
});

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Each superstep, apply at vertex 0 blocks its thread for 1.5 s: one phase longer than a 1 s lease. */
export const slowPhase = defineProgram({
  name: 'slow-phase',
  url: import.meta.url,
  vertex: { x: 'f64' },
  dataAccess: 'gas',
  params: {},
  gatherEdges: 'in',
  scatterEdges: 'none',
  activation: 'all',
  accumulator: { kind: 'scalar' },
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
  name: 'exits-in-helper',
  url: import.meta.url,
  vertex: { x: 'f64' },
  dataAccess: 'gas',
  params: {},
  gatherEdges: 'in',
  scatterEdges: 'none',
  activation: 'all',
  accumulator: { kind: 'scalar' },
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
