/**
 * The PageRank programs of bench/async.ts, in their own module so that worker
 * threads import exactly this code. `pagerankAll`: every vertex runs every step
 * (Jacobi under the synchronous engine, in-place Gauss-Seidel under async
 * sweeps) until the L1 norm of the last changes is below `epsilon`.
 * `pagerankDynamic`: a vertex runs only when signalled, and signals its
 * out-neighbours (with its share's change as the delta) when its rank moved by
 * more than `tolerance`. Both drop dangling vertices' rank, like the bench's
 * reference.
 */
import { defineProgram } from '../core/program.js';

function inverseOutDegrees(outOffsets: Uint32Array, n: number): Float64Array {
  const inv = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    const d = outOffsets[v + 1] - outOffsets[v];
    inv[v] = d === 0 ? 0 : 1 / d;
  }
  return inv;
}

export const pagerankAll = defineProgram({
  name: 'bench-pagerank-all',
  url: import.meta.url,
  vertex: { rank: 'f64', share: 'f64', change: 'f64' },
  params: { damping: 0.85, epsilon: 1e-6 },
  accumulator: { kind: 'scalar' },
  gatherEdges: 'in',
  scatterEdges: 'none',
  activation: 'all',
  create({ vertex, graph, params, numVertices }) {
    const { rank, share, change } = vertex;
    const inv = inverseOutDegrees(graph.outOffsets, numVertices);
    const d = params.damping;
    const base = (1 - d) / numVertices;
    return {
      init(v) {
        rank[v] = 1 / numVertices;
        share[v] = rank[v] * inv[v];
        change[v] = 1;
      },
      // One random read per edge: share = rank / outdegree, kept by apply.
      gather: (_v, u) => share[u],
      apply(v, acc) {
        const next = base + d * acc;
        change[v] = next - rank[v];
        rank[v] = next;
        share[v] = next * inv[v];
        return true;
      },
    };
  },
  aggregators({ vertex }) {
    const change = vertex.change;
    return { l1: { map: (v) => Math.abs(change[v]), reduce: 'sum' } };
  },
  converged: (aggregates, _step, params) => aggregates.l1 < params.epsilon,
});

export const pagerankDynamic = defineProgram({
  name: 'bench-pagerank-dynamic',
  url: import.meta.url,
  vertex: { rank: 'f64', share: 'f64', change: 'f64' },
  params: { damping: 0.85, tolerance: 1e-12 },
  accumulator: { kind: 'scalar' },
  gatherEdges: 'in',
  scatterEdges: 'out',
  activation: 'signalled',
  deltaCaching: true,
  create({ vertex, graph, params, numVertices }) {
    const { rank, share, change } = vertex;
    const inv = inverseOutDegrees(graph.outOffsets, numVertices);
    const d = params.damping;
    const base = (1 - d) / numVertices;
    const tolerance = params.tolerance;
    return {
      init(v) {
        rank[v] = 1 / numVertices;
        share[v] = rank[v] * inv[v];
      },
      gather: (_v, u) => share[u],
      apply(v, acc) {
        const next = base + d * acc;
        const delta = next - rank[v];
        change[v] = delta;
        rank[v] = next;
        share[v] = next * inv[v];
        return delta > tolerance || delta < -tolerance;
      },
      scatter(v, u, _e, signal) {
        signal(u, change[v] * inv[v]);
      },
    };
  },
});
