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
 * side's latest factors. A vertex v's least-squares problem over its ratings
 * r with neighbour w = (y, b_w) has the normal equations A = sum z z^T and
 * c = sum (r - mean - b_w) z with z = (y, 1): gather sums c, and apply sums A
 * over v's adjacency list by rank-4 updates (kernels/syrk.ts; a rank-1
 * update per gathered edge ran at memory speed, three times slower); apply solves
 * (A + lambda * n_v * I) (x, b) = c by Cholesky (kernels/cholesky.ts), the
 * weighted-lambda regularisation of Zhou et al. (2008), n_v being v's number
 * of ratings. With `biases: false` z = y and b stays 0. One ALS iteration
 * is two supersteps.
 *
 * `solver: 'cg'` (Takacs, Pilaszy and Tikk 2011) solves the same system
 * approximately: gather forms only c, and apply runs `cgSteps` conjugate-
 * gradient steps from v's current (x, b), multiplying by A + lambda n_v I
 * through v's own ratings without forming it (z (z . p) per rating):
 * O(n_v unknowns) per step instead of O(n_v unknowns^2) to form A and
 * O(unknowns^3) to factor it, the difference at ranks of 50 and more. Apply
 * reads v's whole adjacency (users by out-edges, items by in-edges), as
 * iALS's does.
 *
 * Params: rank 10, lambda 0.1, biases true, seed 1, solver 'cholesky',
 * cgSteps 3 (seed: of the initial factors;
 * see factors.ts, which also holds the global mean and the aggregator `sse`,
 * the sum of squared training errors).
 */
import { UsageError } from '../../core/errors.js';
import type { Graph } from '../../core/graph/graph.js';
import { defineProgram } from '../../core/program.js';
import { choleskyFactor, choleskySolveFactored } from '../../kernels/cholesky.js';
import { syrkMultiply, syrkNeighbours, type SyrkRows } from '../../kernels/syrk.js';
import { initFactors, ratingsOf, squaredErrorAggregator } from './factors.js';

const als = defineProgram({
  name: 'als',
  url: import.meta.url,
  description: 'ALS matrix factorisation with biases on a user -> item ratings graph (rank 10, lambda 0.1)',
  vertex: (p) => ({ factors: `f64x${p.rank + 1}` as const }),
  params: { rank: 10, lambda: 0.1, biases: true as boolean, seed: 1, solver: 'cholesky' as string, cgSteps: 3 },
  accumulator: (p) => {
    const unknowns = p.rank + (p.biases ? 1 : 0);
    return { kind: 'vector', size: unknowns };
  },
  gatherEdges: 'all',
  scatterEdges: 'all',
  activation: 'signalled',
  output: 'factors',
  create({ graph, vertex, params, numEdges, weightSum, outDegrees, inDegrees }) {
    const { rank, lambda, seed, solver, cgSteps } = params;
    if (!(Number.isInteger(rank) && rank >= 1)) throw new UsageError(`als: rank must be a positive integer, got ${rank}`);
    if (!(lambda > 0)) throw new UsageError(`als: lambda must be > 0 (the solves need it), got ${lambda}`);
    if (solver !== 'cholesky' && solver !== 'cg') throw new UsageError(`als: solver must be 'cholesky' or 'cg'; got ${JSON.stringify(solver)}`);
    if (!(Number.isInteger(cgSteps) && cgSteps >= 1)) throw new UsageError(`als: cgSteps must be a positive integer; got ${cgSteps}`);
    const weights = ratingsOf(graph, 'als');
    const { factors } = vertex;
    const width = rank + 1;
    const unknowns = rank + (params.biases ? 1 : 0);
    // The whole graph's mean rating (the context's totals: a machine of a cluster need not hold every rating).
    const mean = numEdges === 0 ? 0 : weightSum / numEdges;
    const cg = solver === 'cg';
    const system = new Float64Array(cg ? 0 : unknowns * unknowns);
    const solution = new Float64Array(unknowns);
    const solveCg = cg ? alsConjugateGradient(graph, factors, rank, unknowns, cgSteps) : null;
    // A user's matrix is summed over its items (out-edges), an item's over its users (in-edges).
    const rowsOf = (neighbours: Uint32Array): SyrkRows => ({ factors, width, rank, bias: unknowns > rank, neighbours, edgeIds: null, scale: null, alpha: 1 });
    const userRows = rowsOf(graph.outTargets);
    const itemRows = rowsOf(graph.inSources);
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
        for (let i = 0; i < rank; i++) acc[i] += target * f[base + i];
        if (unknowns > rank) acc[rank] += target;
      },
      apply(v, acc) {
        const ratings = outDegrees[v] + inDegrees[v];
        if (ratings === 0) return false;
        const ridge = lambda * ratings;
        const isUser = outDegrees[v] > 0;
        if (solveCg !== null) {
          solveCg(v, isUser, ridge, acc);
          return true;
        }
        system.fill(0);
        syrkNeighbours(isUser ? userRows : itemRows, isUser ? graph.outOffsets[v] : graph.inOffsets[v], isUser ? graph.outOffsets[v + 1] : graph.inOffsets[v + 1], system, 0, unknowns);
        for (let i = 0; i < unknowns; i++) {
          for (let j = i + 1; j < unknowns; j++) system[j * unknowns + i] = system[i * unknowns + j];
          system[i * unknowns + i] += ridge;
          solution[i] = acc[i];
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

/**
 * The conjugate-gradient solve of `solver: 'cg'`: (sum z z^T + ridge I) (x, b) = c over vertex v's
 * ratings, from v's current row, written back into it. Scratch vectors are made once per thread.
 */
function alsConjugateGradient(
  graph: Graph,
  factors: Float64Array,
  rank: number,
  unknowns: number,
  steps: number,
): (v: number, isUser: boolean, ridge: number, rhs: Float64Array) => void {
  const width = rank + 1;
  const bias = unknowns > rank;
  const solution = new Float64Array(unknowns);
  const residual = new Float64Array(unknowns);
  const direction = new Float64Array(unknowns);
  const product = new Float64Array(unknowns);
  const { outOffsets, outTargets, inOffsets, inSources } = graph;
  const rowsOf = (neighbours: Uint32Array): SyrkRows => ({ factors, width, rank, bias, neighbours, edgeIds: null, scale: null, alpha: 1 });
  const userRows = rowsOf(outTargets);
  const itemRows = rowsOf(inSources);
  let rows = userRows;
  let from = 0;
  let to = 0;
  /** out = (sum_q z_q z_q^T + ridge I) p over the current vertex's neighbours. */
  const multiply = (ridge: number, p: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < unknowns; i++) out[i] = ridge * p[i];
    syrkMultiply(rows, from, to, p, out);
  };
  return (v, isUser, ridge, rhs) => {
    rows = isUser ? userRows : itemRows;
    from = isUser ? outOffsets[v] : inOffsets[v];
    to = isUser ? outOffsets[v + 1] : inOffsets[v + 1];
    const row = v * width;
    for (let i = 0; i < unknowns; i++) solution[i] = factors[row + i];
    multiply(ridge, solution, product);
    let rr = 0;
    for (let i = 0; i < unknowns; i++) {
      residual[i] = rhs[i] - product[i];
      direction[i] = residual[i];
      rr += residual[i] * residual[i];
    }
    for (let step = 0; step < steps && rr > 0; step++) {
      multiply(ridge, direction, product);
      let pAp = 0;
      for (let i = 0; i < unknowns; i++) pAp += direction[i] * product[i];
      const a = rr / pAp;
      let next = 0;
      for (let i = 0; i < unknowns; i++) {
        solution[i] += a * direction[i];
        residual[i] -= a * product[i];
        next += residual[i] * residual[i];
      }
      const b = next / rr;
      for (let i = 0; i < unknowns; i++) direction[i] = residual[i] + b * direction[i];
      rr = next;
    }
    for (let i = 0; i < unknowns; i++) factors[row + i] = solution[i];
  };
}

export default als;
