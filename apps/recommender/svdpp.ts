/**
 * SVD++ (Koren 2008): the rating model with implicit feedback, as a vertex
 * program over the bipartite user -> item ratings graph, trained by SGD.
 * Model: r(u, i) ~ mean + b_u + b_i + q_i . (p_u + |N(u)|^-1/2 sum_{j in N(u)} y_j),
 * N(u) the items u rated: what a user chose to rate says something about
 * them beyond the values. Users keep `factors` = (p, b_u), items (q, b_i)
 * and `implicit` = y, rank doubles.
 *
 * Every superstep is an epoch (as in sgd.ts, Hogwild! across threads: a
 * user's apply writes its items, so one machine only). A user's apply
 * forms z = |N(u)|^-1/2 sum y_j once, then steps through its ratings: e = r
 * - prediction; b_u += eta (e - lambda b_u); b_i += eta (e - lambda b_i);
 * p += eta (e q - lambda p); q += eta (e (p + z) - lambda q); and adds e q
 * (q before its step) into the gradient of the y's, which it applies to
 * every j in N(u) once at the end: y_j += eta (|N(u)|^-1/2 sum e q - lambda
 * y_j). Per-rating updates of every y_j would cost |N(u)| times more (the
 * whole sum per rating); batching them per user is the usual shortcut.
 * y starts at 0, p and q as ALS's factors (factors.ts).
 *
 * The saved model folds the implicit term into the user's row (x_u = p_u +
 * z_u with the final y, `foldImplicit`), so it predicts exactly as SVD++
 * for the users it was trained on, in the rating models' file format.
 *
 * Params: rank 10, learningRate 0.007, lambda 0.02, seed 1 (train.ts
 * declares the defaults). Aggregators `sse` (the epoch's squared errors)
 * and `diverged` (divergence.ts), as sgd.ts.
 */
import { UsageError } from '../../core/errors.js';
import type { Graph } from '../../core/graph/graph.js';
import { defineProgram } from '../../core/program.js';
import { squaredErrorLimit } from './divergence.js';
import { initFactors, meanRating, ratingsOf } from './factors.js';

const svdpp = defineProgram({
  name: 'svdpp',
  url: import.meta.url,
  description: 'SVD++ (Koren 2008): biased matrix factorisation with implicit feedback, by SGD, on a user -> item ratings graph',
  vertex: (p) => ({ factors: `f64x${p.rank + 1}` as const, implicit: `f64x${p.rank}` as const, loss: 'f64' as const, diverged: 'u8' as const }),
  params: { rank: 10, learningRate: 0.007, lambda: 0.02, seed: 1 },
  accumulator: { kind: 'scalar' },
  gatherEdges: 'none',
  scatterEdges: 'none',
  activation: 'all',
  // A user's apply writes its items' factors and implicit vectors: one machine only.
  dataAccess: 'shared-memory',
  output: 'factors',
  create({ graph, vertex, params }) {
    const { rank, learningRate: eta, lambda, seed } = params;
    if (!(Number.isInteger(rank) && rank >= 1)) throw new UsageError(`svdpp: rank must be a positive integer; got ${rank}`);
    if (!(eta > 0 && Number.isFinite(eta))) throw new UsageError(`svdpp: learningRate must be > 0; got ${eta}`);
    if (!(lambda >= 0 && Number.isFinite(lambda))) throw new UsageError(`svdpp: lambda must be >= 0; got ${lambda}`);
    const weights = ratingsOf(graph, 'svdpp');
    const width = rank + 1;
    const mean = meanRating(weights, graph.numEdges);
    const limit = squaredErrorLimit(weights, graph.numEdges);
    const { outOffsets, outTargets } = graph;
    // Per thread: z and the y gradient of the user being stepped.
    const z = new Float64Array(rank);
    const gradient = new Float64Array(rank);
    return {
      init(v) {
        initFactors(vertex.factors, v, rank, seed);
        vertex.implicit.fill(0, v * rank, (v + 1) * rank);
      },
      apply(u) {
        // Captured arrays to locals (see sgd.ts).
        const f = vertex.factors;
        const y = vertex.implicit;
        const ratings = weights;
        const start = outOffsets[u];
        const end = outOffsets[u + 1];
        if (start === end) return false;
        const scale = 1 / Math.sqrt(end - start);
        z.fill(0);
        gradient.fill(0);
        for (let e = start; e < end; e++) {
          const j = outTargets[e] * rank;
          for (let k = 0; k < rank; k++) z[k] += y[j + k];
        }
        for (let k = 0; k < rank; k++) z[k] *= scale;
        const a = u * width;
        let squared = 0;
        for (let e = start; e < end; e++) {
          const b = outTargets[e] * width;
          let prediction = mean + f[a + rank] + f[b + rank];
          for (let k = 0; k < rank; k++) prediction += f[b + k] * (f[a + k] + z[k]);
          const error = ratings[e] - prediction;
          squared += error * error;
          f[a + rank] += eta * (error - lambda * f[a + rank]);
          f[b + rank] += eta * (error - lambda * f[b + rank]);
          for (let k = 0; k < rank; k++) {
            const p = f[a + k];
            const q = f[b + k];
            gradient[k] += error * q;
            f[a + k] = p + eta * (error * q - lambda * p);
            f[b + k] = q + eta * (error * (p + z[k]) - lambda * q);
          }
        }
        for (let e = start; e < end; e++) {
          const j = outTargets[e] * rank;
          for (let k = 0; k < rank; k++) y[j + k] += eta * (scale * gradient[k] - lambda * y[j + k]);
        }
        vertex.loss[u] = squared;
        if (!(squared <= limit * (end - start))) vertex.diverged[u] = 1;
        return true;
      },
    };
  },
  aggregators({ vertex }) {
    const { loss, diverged } = vertex;
    return { sse: { map: (v) => loss[v], reduce: 'sum' }, diverged: { map: (v) => diverged[v], reduce: 'max' } };
  },
  converged: (aggregates) => aggregates.diverged > 0,
});

/**
 * Fold the implicit term into each user's factor: x_u = p_u + |N(u)|^-1/2 sum_{j in N(u)} y_j,
 * in place in `factors` (rank + 1 per vertex), from the final `implicit` (rank per vertex).
 */
export function foldImplicit(graph: Graph, factors: Float64Array, implicit: Float64Array, rank: number): void {
  const width = rank + 1;
  const { outOffsets, outTargets } = graph;
  const z = new Float64Array(rank);
  for (let u = 0; u < graph.numVertices; u++) {
    const start = outOffsets[u];
    const end = outOffsets[u + 1];
    if (start === end) continue;
    // Summed, then scaled, as the program's apply forms z.
    z.fill(0);
    for (let e = start; e < end; e++) {
      const j = outTargets[e] * rank;
      for (let k = 0; k < rank; k++) z[k] += implicit[j + k];
    }
    const scale = 1 / Math.sqrt(end - start);
    for (let k = 0; k < rank; k++) factors[u * width + k] += z[k] * scale;
  }
}

export default svdpp;
