/**
 * Programs for the direction-optimizing tests (a helper module, not a test
 * file): worker threads import them by this module's URL.
 */
import { defineProgram } from '../../../core/program.js';

/**
 * Hops from each vertex to `target` along out-edges (a BFS on the reversed
 * graph): gather over out-edges, scatter over in-edges, the mirror image of
 * the bundled bfs, so a pull superstep gathers over out-edges.
 */
export const hopsTo = defineProgram({
  name: 'test-hops-to',
  url: import.meta.url,
  vertex: { hops: 'i32' },
  params: { target: 0 },
  accumulator: { kind: 'scalar', zero: Infinity, sum: (a: number, b: number) => (a < b ? a : b) },
  gatherEdges: 'out',
  scatterEdges: 'in',
  activation: 'signalled',
  create({ vertex, params }) {
    const hops = vertex.hops;
    const target = params.target;
    return {
      init(v) {
        hops[v] = -1;
        return v === target;
      },
      gather: (_v, u) => (hops[u] < 0 ? Infinity : hops[u] + 1),
      apply(v, acc) {
        const best = v === target ? 0 : acc;
        if (best < Infinity && hops[v] < 0) {
          hops[v] = best;
          return true;
        }
        return false;
      },
      scatter(_v, u, _e, signal) {
        if (hops[u] < 0) signal(u);
      },
      pull: { wants: (v) => hops[v] < 0, enough: (acc) => acc < Infinity },
    };
  },
});

/** A program that says its gather may stop early but gathers and scatters the same edges: refused. */
export const badPull = defineProgram({
  name: 'test-bad-pull',
  url: import.meta.url,
  vertex: { x: 'f64' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'in',
  scatterEdges: 'in',
  activation: 'signalled',
  create() {
    return {
      gather: () => 1,
      apply: () => false,
      scatter: () => {},
      pull: { wants: () => true, enough: () => true },
    };
  },
});
