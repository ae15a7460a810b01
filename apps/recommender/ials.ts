/**
 * Implicit-feedback ALS (Hu, Koren and Volinsky 2008) as a vertex program on
 * the bipartite user -> item ratings graph: every rating says "the user chose
 * this item", with confidence c = 1 + alpha * r; every other cell is a
 * preference of 0 with confidence 1. Model: preference(u, i) ~ x_u . y_i, no
 * biases (the factor column is ALS's, rank + 1 doubles, the bias left 0, so
 * the model file and scoring are the rating models'). A user solves
 *
 *   (Y^T Y + sum_i (c_ui - 1) y_i y_i^T + lambda I) x_u = sum_i c_ui y_i
 *
 * over its rated items i, and items likewise against the users: the dense
 * Gram matrix Y^T Y (all items) is what makes every unrated cell count at
 * the cost of one rank x rank matrix. Each thread (and each machine: the
 * program reads other vertices' data, so a cluster sends every machine every
 * vertex's new rows) forms the other side's Gram from the factor column when
 * it has changed: every apply counts itself in the column `version`, and the
 * aggregators `U version` / `I version` (sums of those counts) tell a thread,
 * exactly, when the side it reads has moved since it last formed the Gram.
 * Vertices without a rating count as zero rows.
 *
 * Supersteps: the first is a warm-up in which items (init activates them)
 * do nothing but signal their users, so that the aggregates exist; then
 * users solve, then items, and so on: an iteration is two supersteps after
 * the first. Gather sums the right-hand side sum_i c_ui y_i. `solver`:
 * 'cholesky' (apply adds sum (c - 1) y y^T over the vertex's adjacency list
 * to the Gram matrix by rank-4 updates, kernels/syrk.ts, and factors the
 * system; a rank-1 update per gathered edge ran at memory speed) or 'cg'
 * (Takacs, Pilaszy and Tikk 2011): apply runs `cgSteps` conjugate-gradient steps
 * from the vertex's current factors, multiplying by the system matrix
 * through the vertex's own edges without forming it: O(n_v rank) per step
 * instead of O(n_v rank^2) per solve, for large ranks.
 *
 * The objective sum_cells c (p - x.y)^2 + lambda (|X|^2 + |Y|^2) comes from
 * aggregators counted at the items, which read only users (so after an item
 * superstep, the end of an iteration, they are exact whichever thread maps
 * first): `cells` = sum_i y_i^T (X^T X) y_i (every cell's (x.y)^2),
 * `observed` = sum over ratings of c (1 - p)^2 - p^2 (the ratings' share
 * beyond that), and `U norm` / `I norm`, the squared factor norms
 * (iterationObjective adds them up).
 *
 * Params: rank 10, lambda, alpha, seed 1, solver 'cholesky', cgSteps 3
 * (defaults as train.ts declares them).
 */
import { UsageError } from '../../core/errors.js';
import { defineProgram } from '../../core/program.js';
import { choleskyFactor, choleskySolveFactored } from '../../kernels/cholesky.js';
import { syrkMultiply, syrkNeighbours, type SyrkRows } from '../../kernels/syrk.js';
import { initFactors, ratingsOf } from './factors.js';

/** The objective after an iteration, from its aggregates (see the header). */
export function iterationObjective(aggregates: Record<string, number>, lambda: number): number {
  return aggregates.cells + aggregates.observed + lambda * (aggregates['U norm'] + aggregates['I norm']);
}

/**
 * One thread's Gram matrix of one side (users: out-degree > 0; items: in-degree > 0), formed
 * from the factor column again only when that side's version aggregate has moved.
 */
class GramCache {
  readonly matrix: Float64Array;
  private version = -1;

  constructor(
    private readonly factors: Float64Array,
    private readonly degrees: Uint32Array,
    private readonly rank: number,
  ) {
    this.matrix = new Float64Array(rank * rank);
  }

  /** The Gram matrix as of `version` (the side's aggregate after the last superstep). */
  at(version: number): Float64Array {
    if (version === this.version) return this.matrix;
    const { factors, degrees, rank, matrix } = this;
    const width = rank + 1;
    matrix.fill(0);
    for (let v = 0; v < degrees.length; v++) {
      if (degrees[v] === 0) continue;
      const row = v * width;
      for (let i = 0; i < rank; i++) {
        const x = factors[row + i];
        for (let j = i; j < rank; j++) matrix[i * rank + j] += x * factors[row + j];
      }
    }
    for (let i = 0; i < rank; i++) for (let j = 0; j < i; j++) matrix[i * rank + j] = matrix[j * rank + i];
    this.version = version;
    return matrix;
  }
}

const ials = defineProgram({
  name: 'ials',
  url: import.meta.url,
  description: 'implicit-feedback ALS (Hu, Koren, Volinsky 2008; confidence 1 + alpha r) on a user -> item ratings graph',
  vertex: (p) => ({ factors: `f64x${p.rank + 1}` as const, version: 'u32' as const }),
  params: { rank: 10, lambda: 0.1, alpha: 1, seed: 1, solver: 'cholesky' as string, cgSteps: 3 },
  accumulator: (p) => ({ kind: 'vector', size: p.rank }),
  gatherEdges: 'all',
  scatterEdges: 'all',
  activation: 'signalled',
  output: 'factors',
  // apply reads the other side's rows (the Gram matrix): every machine needs every vertex's data.
  dataAccess: 'vertices',
  create({ graph, vertex, params, outDegrees, inDegrees, aggregates }) {
    const { rank, lambda, alpha, seed, solver, cgSteps } = params;
    if (!(Number.isInteger(rank) && rank >= 1)) throw new UsageError(`ials: rank must be a positive integer; got ${rank}`);
    if (!(lambda > 0 && Number.isFinite(lambda))) throw new UsageError(`ials: lambda must be > 0; got ${lambda}`);
    if (!(alpha >= 0 && Number.isFinite(alpha))) throw new UsageError(`ials: alpha must be >= 0; got ${alpha}`);
    if (solver !== 'cholesky' && solver !== 'cg') throw new UsageError(`ials: solver must be 'cholesky' or 'cg'; got ${JSON.stringify(solver)}`);
    if (!(Number.isInteger(cgSteps) && cgSteps >= 1)) throw new UsageError(`ials: cgSteps must be a positive integer; got ${cgSteps}`);
    const weights = ratingsOf(graph, 'ials');
    const { factors, version } = vertex;
    const width = rank + 1;
    const cg = solver === 'cg';
    const state = aggregates ?? {};
    // Per thread: each side's Gram matrix, the one being solved against, and the system.
    const userGram = new GramCache(factors, outDegrees, rank);
    const itemGram = new GramCache(factors, inDegrees, rank);
    let gram = userGram.matrix;
    const system = new Float64Array(rank * rank);
    const solution = new Float64Array(rank);
    const residual = new Float64Array(rank);
    const direction = new Float64Array(rank);
    const product = new Float64Array(rank);
    const { outOffsets, outTargets, inOffsets, inSources, inEdgeIds } = graph;
    // Weights alpha * r: a user's slot q is edge q, an item's names its edge in inEdgeIds.
    const userRows: SyrkRows = { factors, width, rank, bias: false, neighbours: outTargets, edgeIds: null, scale: weights, alpha };
    const itemRows: SyrkRows = { factors, width, rank, bias: false, neighbours: inSources, edgeIds: inEdgeIds, scale: weights, alpha };

    /** Whether this is the warm-up superstep: no aggregates yet. */
    const warmUp = (): boolean => state['I version'] === undefined;

    /** out = A p for vertex v's system A = G + sum (c - 1) y y^T + lambda I, through v's edges. */
    const multiply = (v: number, isUser: boolean, p: Float64Array, out: Float64Array): void => {
      // Closure variables copied to locals: V8 reloads them in the loop otherwise (see sgd.ts).
      const g = gram;
      const n = rank;
      const ridge = lambda;
      for (let i = 0; i < n; i++) {
        let s = ridge * p[i];
        const row = i * n;
        for (let j = 0; j < n; j++) s += g[row + j] * p[j];
        out[i] = s;
      }
      if (isUser) syrkMultiply(userRows, outOffsets[v], outOffsets[v + 1], p, out);
      else syrkMultiply(itemRows, inOffsets[v], inOffsets[v + 1], p, out);
    };

    return {
      init(v) {
        initFactors(factors, v, rank, seed);
        // Items run the warm-up superstep; the users then solve against their Gram.
        return inDegrees[v] > 0;
      },
      gather(_v, w, e, acc) {
        if (state['I version'] === undefined) return;
        const f = factors;
        const base = w * width;
        const c = 1 + alpha * weights[e];
        for (let i = 0; i < rank; i++) acc[i] += c * f[base + i];
      },
      apply(v, acc) {
        if (warmUp()) return true;
        const isUser = outDegrees[v] > 0;
        if (!isUser && inDegrees[v] === 0) return false;
        gram = isUser ? itemGram.at(state['I version']) : userGram.at(state['U version']);
        version[v]++;
        const row = v * width;
        if (!cg) {
          // sum (c - 1) y y^T over v's ratings, by rank-4 updates over its adjacency list.
          system.set(gram);
          if (isUser) syrkNeighbours(userRows, outOffsets[v], outOffsets[v + 1], system, 0, rank);
          else syrkNeighbours(itemRows, inOffsets[v], inOffsets[v + 1], system, 0, rank);
          for (let i = 0; i < rank; i++) {
            for (let j = i + 1; j < rank; j++) system[j * rank + i] = system[i * rank + j];
            system[i * rank + i] += lambda;
            solution[i] = acc[i];
          }
          if (!choleskyFactor(system, 0, rank)) throw new Error(`ials: the system of vertex ${graph.key(v)} is not positive definite`);
          choleskySolveFactored(system, 0, solution, 0, rank);
          for (let i = 0; i < rank; i++) factors[row + i] = solution[i];
          return true;
        }
        // Conjugate gradient from the current factors (Takacs et al. 2011).
        for (let i = 0; i < rank; i++) solution[i] = factors[row + i];
        multiply(v, isUser, solution, product);
        let rr = 0;
        for (let i = 0; i < rank; i++) {
          residual[i] = acc[i] - product[i];
          direction[i] = residual[i];
          rr += residual[i] * residual[i];
        }
        for (let step = 0; step < cgSteps && rr > 0; step++) {
          multiply(v, isUser, direction, product);
          let pAp = 0;
          for (let i = 0; i < rank; i++) pAp += direction[i] * product[i];
          const a = rr / pAp;
          let next = 0;
          for (let i = 0; i < rank; i++) {
            solution[i] += a * direction[i];
            residual[i] -= a * product[i];
            next += residual[i] * residual[i];
          }
          const b = next / rr;
          for (let i = 0; i < rank; i++) direction[i] = residual[i] + b * direction[i];
          rr = next;
        }
        for (let i = 0; i < rank; i++) factors[row + i] = solution[i];
        return true;
      },
      scatter(_v, w, _e, signal) {
        signal(w);
      },
    };
  },
  aggregators({ graph, vertex, params, outDegrees, inDegrees, aggregates }) {
    const { rank, alpha } = params;
    const width = rank + 1;
    const { factors, version } = vertex;
    const weights = ratingsOf(graph, 'ials');
    const { inOffsets, inSources, inEdgeIds } = graph;
    const state = aggregates ?? {};
    const userGram = new GramCache(factors, outDegrees, rank);
    const norm = (v: number): number => {
      let s = 0;
      for (let k = 0; k < rank; k++) s += factors[v * width + k] * factors[v * width + k];
      return s;
    };
    return {
      'U version': { map: (v) => (outDegrees[v] > 0 ? version[v] : 0), reduce: 'sum' },
      'I version': { map: (v) => (inDegrees[v] > 0 ? version[v] : 0), reduce: 'sum' },
      'U norm': { map: (v) => (outDegrees[v] > 0 ? norm(v) : 0), reduce: 'sum' },
      'I norm': { map: (v) => (inDegrees[v] > 0 ? norm(v) : 0), reduce: 'sum' },
      // Counted at the items, which read their users (see the header).
      cells: {
        map(i) {
          if (inDegrees[i] === 0 || state['U version'] === undefined) return 0;
          const g = userGram.at(state['U version']);
          const b = i * width;
          let total = 0;
          for (let p = 0; p < rank; p++) {
            let row = 0;
            for (let q = 0; q < rank; q++) row += g[p * rank + q] * factors[b + q];
            total += factors[b + p] * row;
          }
          return total;
        },
        reduce: 'sum',
      },
      observed: {
        map(i) {
          // Captured arrays copied to locals: V8 reloads them in the loop otherwise (see sgd.ts).
          const f = factors;
          const n = rank;
          const b = i * width;
          let total = 0;
          for (let q = inOffsets[i]; q < inOffsets[i + 1]; q++) {
            const a = inSources[q] * width;
            let p = 0;
            for (let k = 0; k < n; k++) p += f[a + k] * f[b + k];
            total += (1 + alpha * weights[inEdgeIds[q]]) * (1 - p) * (1 - p) - p * p;
          }
          return total;
        },
        reduce: 'sum',
      },
    };
  },
});

export default ials;
