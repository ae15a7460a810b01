/**
 * PageRank by power iteration (Page, Brin, Motwani, Winograd 1999), every
 * vertex active every superstep: rank(v) = (1 - d) / n + d * sum over
 * in-neighbours u of rank(u) / outdegree(u), from rank = 1/n. The number of
 * iterations is the engine's `maxIterations`; with `tolerance` > 0 the run also
 * stops once the L1 norm of a superstep's changes falls below it.
 *
 * Dangling vertices (no out-edges): their rank is not passed on (the
 * PowerGraph / GraphX formulation), so the ranks sum to less than 1 when a
 * graph has dangling vertices. Spreading that mass uniformly instead needs the
 * global dangling sum inside every apply, which the vertex-program API does not
 * give; it changes nothing at the fixed point but a common factor, because
 * both fixed points are proportional to (I - dA)^-1 1. So `normalizeRanks`
 * (rank / sum of ranks; the `total` aggregator is that sum) turns the
 * converged ranks into graphology's `pagerank` (which spreads dangling mass
 * uniformly at every step), as the verifier checks. On a graph with no
 * dangling vertex both formulations are the same at every iteration.
 *
 * Params: damping 0.85; tolerance 0 (no early stop); precision 'f64' or 'f32'
 * (the contributions gathers read: 'f32' halves the bytes read at random per
 * edge, as GAPBS's float scores do, for ranks within about 1e-7 relative).
 * Output: `rank` (f64).
 * Aggregators: total (sum of ranks), l1 (sum of |change| in the last superstep).
 * Edge weights are ignored.
 */
import { UsageError } from '../core/errors.js';
import { defineProgram } from '../core/program.js';
import { inverseOutDegrees } from './setup.js';

const pagerank = defineProgram({
  name: 'pagerank',
  url: import.meta.url,
  description: 'PageRank by fixed power iterations (damping 0.85; dangling rank dropped, see normalizeRanks)',
  // precision 'f32' keeps the contributions, which every gather reads at random, in half the
  // bytes (as GAPBS keeps its scores in floats); ranks and sums stay doubles.
  vertex: (p) => ({ rank: 'f64', change: 'f64', contribution: p.precision === 'f32' ? 'f32' : 'f64' }),
  params: {
    damping: { default: 0.85, min: 0, max: 1, description: 'the probability of following an edge rather than jumping anywhere' },
    tolerance: { default: 0, min: 0, description: 'stop when the ranks move by less than this in all; 0: never' },
    precision: { default: 'f64', description: "'f64', or 'f32' for the contributions gathers read (half the bytes)" },
  },
  validate: (p) => (p.precision === 'f64' || p.precision === 'f32' ? undefined : `precision must be 'f64' or 'f32'; got ${JSON.stringify(p.precision)}`),
  accumulator: { kind: 'scalar' },
  gatherEdges: 'in',
  scatterEdges: 'none',
  activation: 'all',
  dataAccess: 'gas',
  // create reads only the context's view of the whole graph: a cluster machine holds only its edges.
  graphAccess: 'view',
  // Gather reads a neighbour's contribution alone; rank and change stay with the master.
  mirrorColumns: ['contribution'],
  output: 'rank',
  create({ vertex, outDegrees, params, numVertices }) {
    if (params.precision !== 'f64' && params.precision !== 'f32') {
      throw new UsageError(`pagerank: precision must be 'f64' or 'f32'; got ${JSON.stringify(params.precision)}`);
    }
    const { rank, change, contribution } = vertex;
    const d = params.damping;
    const base = (1 - d) / numVertices;
    // Each vertex keeps rank / outdegree as its contribution, written by its own apply,
    // so a gather reads one array per edge (one cache miss, not two).
    const inverseOutDegree = inverseOutDegrees(outDegrees);
    return {
      init(v) {
        rank[v] = 1 / numVertices;
        contribution[v] = rank[v] * inverseOutDegree[v];
        change[v] = Infinity;
        return true;
      },
      gather: (_v, u) => contribution[u],
      apply(v, acc) {
        const next = base + d * acc;
        change[v] = next - rank[v];
        rank[v] = next;
        contribution[v] = next * inverseOutDegree[v];
        return true;
      },
    };
  },
  aggregators({ vertex }) {
    const { rank, change } = vertex;
    return {
      total: { map: (v) => rank[v], reduce: 'sum' },
      l1: { map: (v) => Math.abs(change[v]), reduce: 'sum' },
    };
  },
  converged: (aggregates, _superstep, params) => params.tolerance > 0 && aggregates.l1 < params.tolerance,
});

export default pagerank;

/** Ranks divided by their sum (a new array): the uniform-dangling PageRank at convergence. */
export function normalizeRanks(rank: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let v = 0; v < rank.length; v++) total += rank[v];
  const out = new Float64Array(rank.length);
  if (total > 0) for (let v = 0; v < rank.length; v++) out[v] = rank[v] / total;
  return out;
}
