/**
 * Dynamic PageRank with delta caching (PowerGraph's form): a vertex runs only
 * when signalled; it recomputes rank(v) = (1 - d) / n + d * sum over
 * in-neighbours u of rank(u) / outdegree(u) and, when its rank moved by more
 * than `tolerance`, signals its out-neighbours, posting the change of its
 * share (change / outdegree) as the delta. The delta keeps a neighbour's
 * cached sum exact, so an engine that caches can skip its next gather; one
 * that does not simply gathers again. The same fixed point as pagerank.ts (the
 * same dangling convention: dangling rank is dropped; see normalizeRanks
 * there), reached to within about tolerance * n / (1 - d) in L1.
 *
 * Params: damping 0.85, tolerance 1e-10 (per-vertex change that signals).
 * Output: `rank` (f64). Aggregator: total (sum of ranks).
 */
import { defineProgram } from '../core/program.js';
import { inverseOutDegrees } from './setup.js';

const pagerankDelta = defineProgram({
  name: 'pagerank-delta',
  url: import.meta.url,
  description: 'PageRank to a tolerance: only changed vertices signal, with delta caching (damping 0.85, tolerance 1e-10)',
  vertex: { rank: 'f64', change: 'f64' },
  params: {
    damping: { default: 0.85, min: 0, below: 1, description: 'below 1, or the deltas never die out' },
    tolerance: { default: 1e-10, above: 0, description: 'a vertex whose change is below this stops signalling' },
  },
  accumulator: { kind: 'scalar' },
  gatherEdges: 'in',
  scatterEdges: 'out',
  activation: 'signalled',
  dataAccess: 'gas',
  // create reads only the context's view of the whole graph: a cluster machine holds only its edges.
  graphAccess: 'view',
  deltaCaching: true,
  output: 'rank',
  create({ vertex, outDegrees, params, numVertices }) {
    const { rank, change } = vertex;
    const d = params.damping;
    const tolerance = params.tolerance;
    const base = (1 - d) / numVertices;
    const inverseOutDegree = inverseOutDegrees(outDegrees);
    return {
      init(v) {
        rank[v] = 1 / numVertices;
        change[v] = 0;
        return true;
      },
      gather: (_v, u) => rank[u] * inverseOutDegree[u],
      apply(v, acc) {
        const next = base + d * acc;
        change[v] = next - rank[v];
        rank[v] = next;
        return Math.abs(change[v]) > tolerance;
      },
      scatter(v, u, _e, signal) {
        signal(u, change[v] * inverseOutDegree[v]);
      },
    };
  },
  // The aggregates describe the result: computed once at the end, so that supersteps can run from a sparse frontier.
  aggregateAt: 'end',
  aggregators({ vertex }) {
    const rank = vertex.rank;
    return { total: { map: (v) => rank[v], reduce: 'sum' } };
  },
});

export default pagerankDelta;
