/**
 * Fraud scores for the accounts of a rating network, and how well they rank
 * labelled accounts. Methods, declared up front:
 * - 'rev2': REV2 (rev2.ts) on the engine. `score` picks what ranks the
 *   accounts: 'fairness' (as a rater: 1 - F, how the REV2 paper ranks
 *   users), 'goodness' (as a ratee: (1 - G) / 2), or 'combined' (the default:
 *   their mean, an account that rates unfairly or is rated badly by fair
 *   raters scores high).
 * - 'bp': loopy belief propagation on the signed network (a rating is an MRF
 *   edge, homophilous when positive and heterophilous when negative; see
 *   vertex-programs/belief-propagation.ts) from a few labelled accounts: the
 *   `seeds` get prior P(fraud) = `seedConfidence` (fraudulent) or 1 minus it
 *   (benign), the rest 0.5; the score is the belief P(fraud). Evaluate it on
 *   labels that were not seeds (splitLabels).
 * - 'negative': the baseline of the share of negative ratings an account
 *   received, smoothed toward the network's overall share by one rating
 *   ((negative in-ratings + share) / (in-ratings + 1)), computed directly.
 * Labels (`loadLabels`: file id, -1 fraud / +1 benign) are matched to the
 * network by file id; labelled accounts absent from the network are counted
 * and left out of the metrics.
 */
import { UsageError } from '../../core/errors.js';
import { runProgram } from '../../core/engine/index.js';
import { Graph } from '../../core/graph/graph.js';
import { sharedFloat64 } from '../../core/graph/shared.js';
import { hash32 } from '../../core/util/random.js';
import beliefPropagation from '../../vertex-programs/belief-propagation.js';
import type { Labels } from '../../core/graph/loaders/signed.js';
import { precisionAtK, rocAuc } from '../metrics/classification.js';
import rev2 from './rev2.js';

export const FRAUD_METHODS = ['rev2', 'bp', 'negative'] as const;
export type FraudMethod = (typeof FRAUD_METHODS)[number];
export const REV2_SCORES = ['combined', 'fairness', 'goodness'] as const;
export type Rev2Score = (typeof REV2_SCORES)[number];

export interface FraudScoreOptions {
  /** Default 'rev2'. */
  method?: FraudMethod;
  /** What ranks accounts under 'rev2'. Default 'combined'. */
  score?: Rev2Score;
  /** Threads for the engine. Default 1. */
  workers?: number;
  /** REV2 parameters (alpha, beta, gamma1, gamma2, tolerance). */
  params?: Partial<typeof rev2.params>;
  /** REV2 and BP: at most this many supersteps. Default 100. */
  maxIterations?: number;
  /** BP: the labelled accounts whose priors are set (required for 'bp'). */
  seeds?: Labels;
  /** BP: prior P(fraud) of a fraudulent seed (1 minus it for a benign one). Default 0.95. */
  seedConfidence?: number;
  /** BP: edge potential epsilon (see belief-propagation). Default 0.3 (0.1-0.4 gave the same AUC on Bitcoin OTC; 0.3 converged fastest). */
  epsilon?: number;
}

export interface FraudScores {
  method: FraudMethod;
  /** 'bp' runs: the seed accounts found in the network. */
  seedsFound?: number;
  /** 'rev2' runs: the vertex columns (fairness, goodness) behind the scores. */
  fairness: Float64Array | null;
  goodness: Float64Array | null;
  /** Per dense vertex: higher = more likely fraudulent. */
  scores: Float64Array;
  iterations: number;
  converged: boolean;
  computeSeconds: number;
}

export async function scoreAccounts(network: Graph, options: FraudScoreOptions = {}): Promise<FraudScores> {
  const method = options.method ?? 'rev2';
  if (!FRAUD_METHODS.includes(method)) throw new UsageError(`scoreAccounts: method must be one of ${FRAUD_METHODS.join(', ')}; got ${JSON.stringify(method)}`);
  const n = network.numVertices;
  if (method === 'rev2') {
    const score = options.score ?? 'combined';
    if (!REV2_SCORES.includes(score)) throw new UsageError(`scoreAccounts: score must be one of ${REV2_SCORES.join(', ')}; got ${JSON.stringify(score)}`);
    const run = await runProgram(rev2, network, { workers: options.workers ?? 1, maxIterations: options.maxIterations ?? 100, params: options.params });
    const { fairness, goodness } = run.vertex;
    const scores = new Float64Array(n);
    for (let v = 0; v < n; v++) {
      const unfair = 1 - fairness[v];
      const bad = (1 - goodness[v]) / 2;
      scores[v] = score === 'fairness' ? unfair : score === 'goodness' ? bad : (unfair + bad) / 2;
    }
    return { method, fairness, goodness, scores, iterations: run.iterations, converged: run.converged, computeSeconds: run.computeSeconds };
  }
  if (method === 'bp') return scoreByBeliefPropagation(network, options);
  const started = performance.now();
  const weights = network.weights;
  if (weights === null) throw new UsageError('scoreAccounts: the network has no ratings (edge weights)');
  let negative = 0;
  for (let e = 0; e < network.numEdges; e++) if (weights[e] < 0) negative++;
  const share = network.numEdges > 0 ? negative / network.numEdges : 0;
  const scores = new Float64Array(n);
  const { inOffsets, inEdgeIds } = network;
  for (let v = 0; v < n; v++) {
    let count = 0;
    for (let q = inOffsets[v]; q < inOffsets[v + 1]; q++) if (weights[inEdgeIds[q]] < 0) count++;
    scores[v] = (count + share) / (inOffsets[v + 1] - inOffsets[v] + 1);
  }
  return { method, fairness: null, goodness: null, scores, iterations: 1, converged: true, computeSeconds: (performance.now() - started) / 1000 };
}

async function scoreByBeliefPropagation(network: Graph, options: FraudScoreOptions): Promise<FraudScores> {
  const seeds = options.seeds;
  if (!seeds || seeds.ids.length === 0) throw new UsageError("scoreAccounts: method 'bp' needs labelled seed accounts (options.seeds)");
  const confidence = options.seedConfidence ?? 0.95;
  if (!(confidence > 0.5 && confidence < 1)) throw new UsageError(`scoreAccounts: seedConfidence must be in (0.5, 1); got ${confidence}`);
  const prior = sharedFloat64(network.numVertices).fill(0.5);
  let found = 0;
  for (let i = 0; i < seeds.ids.length; i++) {
    const v = network.denseId(seeds.ids[i]);
    if (v < 0) continue;
    prior[v] = seeds.labels[i] < 0 ? confidence : 1 - confidence;
    found++;
  }
  if (found === 0) throw new UsageError(`scoreAccounts: none of the ${seeds.ids.length} seed ids is an account of the network (are the labels for this network?)`);
  const withPriors = new Graph({ ...network.toArrays(), vertexColumns: { ...network.vertexColumns, prior } });
  const run = await runProgram(beliefPropagation, withPriors, {
    workers: options.workers ?? 1,
    maxIterations: options.maxIterations ?? 100,
    params: { signed: true, epsilon: options.epsilon ?? 0.3, damping: 0.5, tolerance: 1e-6 },
  });
  return {
    method: 'bp',
    seedsFound: found,
    fairness: null,
    goodness: null,
    scores: Float64Array.from(run.vertex.belief),
    iterations: run.iterations,
    converged: run.converged,
    computeSeconds: run.computeSeconds,
  };
}

/**
 * A seeded split of labels into seeds and the rest, for evaluating
 * semi-supervised methods: in each class, the `fraction` of its labels (at
 * least one) with the lowest hashes of (index, seed).
 */
export function splitLabels(labels: Labels, fraction: number, seed = 1): { seeds: Labels; heldOut: Labels } {
  if (!(fraction > 0 && fraction < 1)) throw new UsageError(`splitLabels: fraction must be in (0, 1); got ${fraction}`);
  const chosen = new Uint8Array(labels.ids.length);
  for (const fraud of [true, false]) {
    const members = Array.from({ length: labels.ids.length }, (_, i) => i).filter((i) => labels.labels[i] < 0 === fraud);
    members.sort((a, b) => hash32(a, seed) - hash32(b, seed) || a - b);
    const take = members.length === 0 ? 0 : Math.max(1, Math.round(fraction * members.length));
    for (let r = 0; r < take; r++) chosen[members[r]] = 1;
  }
  const inSeeds = (i: number): boolean => chosen[i] === 1;
  const pick = (keep: boolean): Labels => {
    const ids: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < labels.ids.length; i++) {
      if (inSeeds(i) !== keep) continue;
      ids.push(labels.ids[i]);
      values.push(labels.labels[i]);
    }
    return { ids: Float64Array.from(ids), labels: Int8Array.from(values) };
  };
  return { seeds: pick(true), heldOut: pick(false) };
}

export interface FraudEvaluation {
  auc: number;
  /** Precision among the k highest-scored labelled accounts, for each k asked. */
  precision: Record<number, number>;
  fraudulent: number;
  benign: number;
  /** Labelled accounts that are not in the network. */
  missing: number;
}

/** AUC and precision@k of `scores` on the labelled accounts of the network. */
export function evaluateScores(network: Graph, scores: Float64Array, labels: Labels, ks: readonly number[] = [10, 50, 100]): FraudEvaluation {
  const labelled: number[] = [];
  const fraud: number[] = [];
  let missing = 0;
  for (let i = 0; i < labels.ids.length; i++) {
    const v = network.denseId(labels.ids[i]);
    if (v < 0) {
      missing++;
      continue;
    }
    labelled.push(scores[v]);
    fraud.push(labels.labels[i] < 0 ? 1 : 0);
  }
  const fraudulent = fraud.reduce((a, b) => a + b, 0);
  const precision: Record<number, number> = {};
  for (const k of ks) precision[k] = precisionAtK(labelled, fraud, k);
  return { auc: rocAuc(labelled, fraud), precision, fraudulent, benign: fraud.length - fraudulent, missing };
}
