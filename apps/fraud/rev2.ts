/**
 * REV2 (Kumar et al., WSDM 2018) as a vertex program on a rating network
 * (an edge u -> v with weight = u's rating of v, as loadSignedNetwork builds
 * it): every account has a fairness F in [0, 1] as a rater and a goodness G
 * in [-1, 1] as a ratee, and every rating a reliability R in [0, 1]:
 *
 *   G(v)     = (sum over ratings u -> v of R * score + beta * mean G) / (in-degree + beta)
 *   F(u)     = (sum over ratings u -> v of R + alpha * mean F) / (out-degree + alpha)
 *   R(u, v)  = (gamma1 * F(u) + gamma2 * (1 - |score - G(v)| / 2)) / (gamma1 + gamma2)
 *
 * with score = rating / (largest |rating|), so in [-1, 1], and the means
 * over all accounts from the previous superstep (the aggregators, read
 * through ctx.aggregates): alpha and beta are REV2's cold-start smoothing,
 * pulling accounts with few ratings toward the average. Starting from F = G =
 * R = 1, each superstep gathers R * score over in-edges for G, reads v's own
 * out-edge reliabilities for F, and scatters over out-edges to recompute the
 * reliability of each of v's ratings from the new F(v) and G(target) (each
 * edge has one writer, its rater, so runs are the same at any worker count).
 * It stops when no account's |change of F| + |change of G| exceeds `tolerance`.
 * Low fairness marks a likely fraudulent rater: the fraud score is 1 - F.
 *
 * Params: alpha 1, beta 1, gamma1 1, gamma2 1, tolerance 1e-6.
 */
import { UsageError } from '../../core/errors.js';
import { defineProgram } from '../../core/program.js';

const rev2 = defineProgram({
  name: 'rev2',
  url: import.meta.url,
  description: 'REV2 fairness / goodness / reliability on a rating network (low fairness = likely fraud)',
  vertex: { fairness: 'f64', goodness: 'f64', change: 'f64' },
  edge: { reliability: 'f64' },
  params: {
    alpha: { default: 1, min: 0, description: 'cold-start smoothing of fairness' },
    beta: { default: 1, min: 0, description: 'cold-start smoothing of goodness' },
    gamma1: { default: 1, min: 0 },
    gamma2: { default: 1, min: 0 },
    tolerance: { default: 1e-6, min: 0 },
  },
  validate: (p) => (p.gamma1 + p.gamma2 > 0 ? undefined : `gamma1 + gamma2 must be > 0; got ${p.gamma1} + ${p.gamma2}`),
  accumulator: { kind: 'scalar' },
  gatherEdges: 'in',
  scatterEdges: 'out',
  activation: 'all',
  // apply reads or writes its edges' data: one machine only (see dataAccess in core/program.ts).
  dataAccess: 'shared-memory',
  output: 'fairness',
  create({ graph, vertex, edge, params, numVertices, aggregates }) {
    const { alpha, beta, gamma1, gamma2, tolerance } = params;
    for (const [name, x] of [['alpha', alpha], ['beta', beta], ['gamma1', gamma1], ['gamma2', gamma2], ['tolerance', tolerance]] as const) {
      if (!(x >= 0)) throw new UsageError(`rev2: ${name} must be >= 0; got ${x}`);
    }
    if (!(gamma1 + gamma2 > 0)) throw new UsageError('rev2: gamma1 + gamma2 must be > 0');
    const weights = graph.weights;
    if (weights === null) throw new UsageError('rev2: the network has no ratings (edge weights)');
    let largest = 0;
    for (let e = 0; e < graph.numEdges; e++) largest = Math.max(largest, Math.abs(weights[e]));
    const scale = largest > 0 ? 1 / largest : 1;
    const { fairness, goodness, change } = vertex;
    const { reliability } = edge;
    const { outOffsets, outTargets, inOffsets } = graph;
    const record = aggregates ?? {};
    return {
      init(v) {
        fairness[v] = 1;
        goodness[v] = 1;
        change[v] = Infinity;
        for (let e = outOffsets[v]; e < outOffsets[v + 1]; e++) reliability[e] = 1;
      },
      gather: (_v, _u, e) => reliability[e] * weights[e] * scale,
      apply(v, acc) {
        // Means of the previous superstep (all ones before the first).
        const meanF = record.fairnessSum === undefined ? 1 : record.fairnessSum / numVertices;
        const meanG = record.goodnessSum === undefined ? 1 : record.goodnessSum / numVertices;
        const inDegree = inOffsets[v + 1] - inOffsets[v];
        const g = inDegree + beta > 0 ? (acc + beta * meanG) / (inDegree + beta) : goodness[v];
        let reliable = 0;
        for (let e = outOffsets[v]; e < outOffsets[v + 1]; e++) reliable += reliability[e];
        const outDegree = outOffsets[v + 1] - outOffsets[v];
        const f = outDegree + alpha > 0 ? (reliable + alpha * meanF) / (outDegree + alpha) : fairness[v];
        change[v] = Math.abs(f - fairness[v]) + Math.abs(g - goodness[v]);
        fairness[v] = f;
        goodness[v] = g;
        return true;
      },
      scatter(v, target, e) {
        const score = weights[e] * scale;
        reliability[e] = (gamma1 * fairness[v] + gamma2 * (1 - Math.abs(score - goodness[target]) / 2)) / (gamma1 + gamma2);
      },
    };
  },
  aggregators({ vertex }) {
    const { fairness, goodness, change } = vertex;
    return {
      fairnessSum: { map: (v) => fairness[v], reduce: 'sum' },
      goodnessSum: { map: (v) => goodness[v], reduce: 'sum' },
      change: { map: (v) => change[v], reduce: 'max' },
    };
  },
  converged: (aggregates, _superstep, params) => aggregates.change <= params.tolerance,
});

export default rev2;
