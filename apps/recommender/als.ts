/**
 * Alternating least squares for matrix factorisation with biases, as a
 * vertex program over the bipartite user -> item ratings graph
 * (core/graph/loaders/movielens.ts, ratingsToGraph). Model: rating(u, i) ~
 * mean + b_u + b_i + x_u . y_i. Each vertex keeps `factors` = (x, b), rank + 1
 * doubles, the bias last.
 *
 * Users run first (init activates them), then items, then users...: every
 * vertex that runs signals all its neighbours, and the graph is bipartite, so
 * the two sides alternate by superstep and each solves against the other
 * side's latest factors. A vertex v gathers, over its ratings r with
 * neighbour w = (y, b_w), the normal equations of its least-squares problem:
 * A += z z^T and c += (r - mean - b_w) z with z = (y, 1); apply solves
 * (A + lambda * n_v * I) (x, b) = c by Cholesky (kernels/cholesky.ts), the
 * weighted-lambda regularisation of Zhou et al. (2008), n_v being v's number
 * of ratings. With `biases: false` z = y and b stays 0. One ALS iteration
 * is two supersteps.
 *
 * Params: rank 10, lambda 0.1, biases true, seed 1 (of the initial factors;
 * see factors.ts, which also holds the global mean and the aggregator `sse`,
 * the sum of squared training errors).
 */
import { UsageError } from '../../core/errors.js';
import { defineProgram } from '../../core/program.js';
import { choleskyFactor, choleskySolveFactored } from '../../kernels/cholesky.js';
import { initFactors, ratingsOf, squaredErrorAggregator } from './factors.js';

const als = defineProgram({
  name: 'als',
  url: import.meta.url,
  description: 'ALS matrix factorisation with biases on a user -> item ratings graph (rank 10, lambda 0.1)',
  vertex: (p) => ({ factors: `f64x${p.rank + 1}` as const }),
  params: { rank: 10, lambda: 0.1, biases: true as boolean, seed: 1 },
  accumulator: (p) => {
    const unknowns = p.rank + (p.biases ? 1 : 0);
    return { kind: 'vector', size: unknowns * unknowns + unknowns };
  },
  gatherEdges: 'all',
  scatterEdges: 'all',
  activation: 'signalled',
  output: 'factors',
  create({ graph, vertex, params, numEdges, weightSum, outDegrees, inDegrees }) {
    const { rank, lambda, seed } = params;
    if (!(Number.isInteger(rank) && rank >= 1)) throw new UsageError(`als: rank must be a positive integer, got ${rank}`);
    if (!(lambda > 0)) throw new UsageError(`als: lambda must be > 0 (the solves need it), got ${lambda}`);
    const weights = ratingsOf(graph, 'als');
    const { factors } = vertex;
    const width = rank + 1;
    const unknowns = rank + (params.biases ? 1 : 0);
    // The whole graph's mean rating (the context's totals: a machine of a cluster need not hold every rating).
    const mean = numEdges === 0 ? 0 : weightSum / numEdges;
    const system = new Float64Array(unknowns * unknowns);
    const solution = new Float64Array(unknowns);
    return {
      init(v) {
        initFactors(factors, v, rank, seed);
        // Users (the vertices with out-edges) run first.
        return outDegrees[v] > 0;
      },
      gather(_v, w, e, acc) {
        // Captured arrays copied to locals (see sgd.ts): V8 reloads them from the closure otherwise.
        const f = factors;
        const base = w * width;
        const target = weights[e] - mean - f[base + rank];
        const rhs = unknowns * unknowns;
        for (let i = 0; i < unknowns; i++) {
          const zi = i < rank ? f[base + i] : 1;
          acc[rhs + i] += target * zi;
          const row = i * unknowns;
          for (let j = i; j < unknowns; j++) acc[row + j] += zi * (j < rank ? f[base + j] : 1);
        }
      },
      apply(v, acc) {
        const ratings = outDegrees[v] + inDegrees[v];
        if (ratings === 0) return false;
        const ridge = lambda * ratings;
        for (let i = 0; i < unknowns; i++) {
          for (let j = i; j < unknowns; j++) {
            const x = acc[i * unknowns + j];
            system[i * unknowns + j] = x;
            system[j * unknowns + i] = x;
          }
          system[i * unknowns + i] += ridge;
          solution[i] = acc[unknowns * unknowns + i];
        }
        if (!choleskyFactor(system, 0, unknowns)) throw new Error(`als: the system of vertex ${graph.key(v)} is not positive definite`);
        choleskySolveFactored(system, 0, solution, 0, unknowns);
        for (let i = 0; i < unknowns; i++) factors[v * width + i] = solution[i];
        return true;
      },
      scatter(_v, w, _e, signal) {
        signal(w);
      },
    };
  },
  aggregators({ graph, vertex, params }) {
    return { sse: squaredErrorAggregator(graph, vertex.factors, params.rank) };
  },
});

export default als;
