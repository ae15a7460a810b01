/**
 * Personalized PageRank from one source vertex: the stationary distribution
 * of a walk that follows a random out-edge with probability d and jumps back
 * to the source otherwise, i.e. rank(v) = (1 - d) [v = source] + d * sum over
 * in-neighbours u of rank(u) / outdegree(u). Computed as pagerank-delta is:
 * only the source is active at first, a vertex whose rank moved by more than
 * `tolerance` signals its out-neighbours (posting the change of its share as
 * the delta for delta caching), so only vertices the walk can reach ever run
 * and the rest keep rank 0. Dangling vertices' rank is dropped (the walk
 * stops), as in pagerank.ts: divide by the `total` aggregator for the variant
 * that restarts at the source from a dangling vertex.
 *
 * Params: source 0 (dense id), damping 0.85, tolerance 1e-12.
 * Output: `rank` (f64). Aggregator: total (sum of ranks).
 */
import { defineProgram } from '../core/program.js';
import { checkSource, heldIdOf, inverseOutDegrees } from './setup.js';

const personalizedPagerank = defineProgram({
  name: 'personalized-pagerank',
  url: import.meta.url,
  description: 'Personalized PageRank from --param source=ID (dense id; damping 0.85, tolerance 1e-12)',
  vertex: { rank: 'f64', change: 'f64' },
  params: {
    source: { default: 0, min: 0, integer: true, required: true, description: 'the vertex to start from' },
    damping: { default: 0.85, min: 0, below: 1, description: 'below 1, or the pushes never die out' },
    tolerance: { default: 1e-12, above: 0, description: 'residual below which a vertex stops pushing' },
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
  create({ vertex, outDegrees, globalIds, params, numVertices }) {
    const { rank, change } = vertex;
    checkSource('personalized-pagerank', params.source, numVertices);
    const source = heldIdOf(params.source, globalIds);
    const d = params.damping;
    const tolerance = params.tolerance;
    const inverseOutDegree = inverseOutDegrees(outDegrees);
    return {
      init(v) {
        rank[v] = 0;
        change[v] = 0;
        return v === source;
      },
      gather: (_v, u) => rank[u] * inverseOutDegree[u],
      apply(v, acc) {
        const next = (v === source ? 1 - d : 0) + d * acc;
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

export default personalizedPagerank;
