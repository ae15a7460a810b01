/**
 * The full-batch optimum of L2-regularised logistic regression, by Newton's
 * method: the reference every SGD mode is measured against (tests, the
 * training benchmark, `optimumLogLoss` in `gasworks sgd --json`). The
 * objective is the mean log-loss plus lambda / 2 |w|^2 over the weights (not
 * the bias); each iteration builds the gradient and the dense Hessian from
 * the examples, solves by Cholesky (kernels/cholesky.ts) and backtracks
 * until the objective falls. A dense Hessian is (numFeatures + 1)^2 numbers:
 * for models up to MAX_FEATURES features (a9a's 123, rcv1's 47k would not
 * fit: use a sample's features or L-BFGS there).
 */
import { UsageError } from '../../core/errors.js';
import type { SparseDataset } from '../../core/graph/loaders/libsvm.js';
import { choleskyFactor, choleskySolveFactored } from '../../kernels/cholesky.js';
import { logLoss, sigmoid } from './logistic.js';

export const MAX_FEATURES = 4000;

export interface FullBatchResult {
  weights: Float64Array;
  /** The objective's parts at the optimum: mean log-loss, and with the regulariser. */
  logLoss: number;
  objective: number;
  iterations: number;
}

/** A floor on the Hessian's diagonal: features that no example has would make it singular. */
const RIDGE_FLOOR = 1e-10;

function objective(w: Float64Array, data: SparseDataset, lambda: number): number {
  let penalty = 0;
  for (let j = 0; j < data.numFeatures; j++) penalty += w[j] * w[j];
  return logLoss(w, data) + (lambda / 2) * penalty;
}

export function fullBatchOptimum(data: SparseDataset, options: { lambda?: number; maxIterations?: number; tolerance?: number } = {}): FullBatchResult {
  const lambda = options.lambda ?? 0;
  const d = data.numFeatures;
  if (d > MAX_FEATURES) throw new UsageError(`fullBatchOptimum: a dense Newton step needs numFeatures <= ${MAX_FEATURES}; got ${d}`);
  if (data.numExamples === 0) throw new UsageError('fullBatchOptimum: no examples');
  const width = d + 1;
  const n = data.numExamples;
  const w = new Float64Array(width);
  const g = new Float64Array(width);
  const h = new Float64Array(width * width);
  const trial = new Float64Array(width);
  const { rowOffsets, indices, values, labels } = data;
  let current = objective(w, data, lambda);
  let iterations = 0;
  for (; iterations < (options.maxIterations ?? 50); iterations++) {
    g.fill(0);
    h.fill(0);
    for (let k = 0; k < n; k++) {
      const lo = rowOffsets[k];
      const hi = rowOffsets[k + 1];
      let z = w[d];
      for (let q = lo; q < hi; q++) z += w[indices[q]] * values[q];
      const p = sigmoid(z);
      const r = (p - (labels[k] > 0 ? 1 : 0)) / n;
      const c = (p * (1 - p)) / n;
      for (let q = lo; q < hi; q++) {
        const j = indices[q];
        const xj = values[q];
        g[j] += r * xj;
        for (let s = lo; s < hi; s++) h[j * width + indices[s]] += c * xj * values[s];
        h[j * width + d] += c * xj;
        h[d * width + j] += c * xj;
      }
      g[d] += r;
      h[d * width + d] += c;
    }
    for (let j = 0; j < d; j++) {
      g[j] += lambda * w[j];
      h[j * width + j] += lambda;
    }
    for (let j = 0; j < width; j++) h[j * width + j] += RIDGE_FLOOR;
    if (!choleskyFactor(h, 0, width)) throw new Error('fullBatchOptimum: the Hessian is not positive definite');
    const step = Float64Array.from(g);
    choleskySolveFactored(h, 0, step, 0, width);
    let decrement = 0;
    for (let j = 0; j < width; j++) decrement += g[j] * step[j];
    if (decrement / 2 < (options.tolerance ?? 1e-14)) break;
    // Backtrack: halve the step until the objective falls (Newton's full step nearly always does).
    let t = 1;
    for (;;) {
      for (let j = 0; j < width; j++) trial[j] = w[j] - t * step[j];
      const next = objective(trial, data, lambda);
      if (next <= current - 0.25 * t * decrement || t < 1e-10) {
        w.set(trial);
        current = next;
        break;
      }
      t /= 2;
    }
  }
  return { weights: w, logLoss: logLoss(w, data), objective: current, iterations };
}
