/**
 * The per-example maths the thread consistency models share: one example's
 * logistic step, a set of feature ids, and a batch's summed gradient. Top-
 * level functions taking their arrays as arguments: as closures they ran
 * several times slower from the second run in a process on (V8 does not
 * specialise a closure created more than once).
 */
import type { SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import { exampleLoss, sigmoid } from '../logistic.js';

/** One example's logistic step on `w` (the shared weights, or EASGD's own copy); returns its loss before the step. */
export function exampleStep(w: Float64Array, data: SparseDataset, k: number, rate: number, lambda: number): number {
  const { rowOffsets, indices, values } = data;
  const d = data.numFeatures;
  const end = rowOffsets[k + 1];
  // The margin written out rather than logistic.ts's margin(): the call measured 8% slower per epoch here.
  let z = w[d];
  for (let q = rowOffsets[k]; q < end; q++) z += w[indices[q]] * values[q];
  const g = sigmoid(z) - (data.labels[k] > 0 ? 1 : 0);
  for (let q = rowOffsets[k]; q < end; q++) {
    const j = indices[q];
    w[j] -= rate * (g * values[q] + lambda * w[j]);
  }
  w[d] -= rate * g;
  return exampleLoss(z, data.labels[k]);
}

/** A set of feature ids: a flag per feature and the list of those set. */
export interface TouchSet {
  flags: Uint8Array;
  list: Int32Array;
  count: number;
}

export function touchSet(width: number): TouchSet {
  return { flags: new Uint8Array(width), list: new Int32Array(width), count: 0 };
}

/**
 * The summed gradient of the examples at positions lo..hi-1 of `order`
 * against `weights`, added into into[offset + j] (offset + numFeatures for
 * the bias), the features touched listed in `set`; returns their summed loss.
 * SSP's clock and BSP's step both start with it.
 */
export function batchGradient(weights: Float64Array, data: SparseDataset, order: Uint32Array, lo: number, hi: number, into: Float64Array, offset: number, set: TouchSet): number {
  const { rowOffsets, indices, values, labels } = data;
  const d = data.numFeatures;
  const { flags, list } = set;
  let loss = 0;
  for (let i = lo; i < hi; i++) {
    const k = order[i];
    const end = rowOffsets[k + 1];
    let z = weights[d];
    for (let q = rowOffsets[k]; q < end; q++) z += weights[indices[q]] * values[q];
    loss += exampleLoss(z, labels[k]);
    const g = sigmoid(z) - (labels[k] > 0 ? 1 : 0);
    for (let q = rowOffsets[k]; q < end; q++) {
      const j = indices[q];
      if (flags[j] === 0) {
        flags[j] = 1;
        list[set.count++] = j;
      }
      into[offset + j] += g * values[q];
    }
    into[offset + d] += g;
  }
  return loss;
}
