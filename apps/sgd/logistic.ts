/**
 * L2-regularised logistic regression on sparse examples (LIBSVM rows, see
 * core/graph/loaders/libsvm.ts): the model is one weight per feature and a
 * bias (stored last), p(y = 1 | x) = sigmoid(w . x + b), with labels > 0
 * read as 1 and the rest as 0. Here: the margin of one example, and the
 * quality of a model on a dataset (accuracy at 0.5, mean log-loss, ROC AUC).
 */
import type { SparseDataset } from '../../core/graph/loaders/libsvm.js';
import { rocAuc } from '../metrics/classification.js';

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** w . x_k + bias, for the model `w` (numFeatures weights, then the bias). */
export function margin(w: Float64Array, data: SparseDataset, k: number): number {
  let z = w[data.numFeatures];
  for (let q = data.rowOffsets[k]; q < data.rowOffsets[k + 1]; q++) z += w[data.indices[q]] * data.values[q];
  return z;
}

/** log(1 + exp(-z)) without overflow: the loss of margin z on a positive example. */
export function softplusNegative(z: number): number {
  return z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
}

/** The log-loss of margin z for an example labelled `label` (> 0 positive). */
export function exampleLoss(z: number, label: number): number {
  return label > 0 ? softplusNegative(z) : softplusNegative(-z);
}

/** Mean log-loss of the model on the dataset (the training objective without its L2 term). */
export function logLoss(w: Float64Array, data: SparseDataset): number {
  let total = 0;
  for (let k = 0; k < data.numExamples; k++) {
    total += exampleLoss(margin(w, data, k), data.labels[k]);
  }
  return data.numExamples ? total / data.numExamples : NaN;
}

export interface ClassifierQuality {
  accuracy: number;
  logLoss: number;
  auc: number;
}

/** Accuracy, log-loss and AUC of the model on `data`; features beyond the model's are ignored. */
export function evaluateModel(w: Float64Array, numFeatures: number, data: SparseDataset): ClassifierQuality {
  const scores = new Float64Array(data.numExamples);
  const positive = new Uint8Array(data.numExamples);
  let correct = 0;
  let loss = 0;
  for (let k = 0; k < data.numExamples; k++) {
    let z = w[numFeatures];
    for (let q = data.rowOffsets[k]; q < data.rowOffsets[k + 1]; q++) {
      const j = data.indices[q];
      if (j < numFeatures) z += w[j] * data.values[q];
    }
    const y = data.labels[k] > 0 ? 1 : 0;
    scores[k] = z;
    positive[k] = y;
    if ((z > 0 ? 1 : 0) === y) correct++;
    loss += y === 1 ? softplusNegative(z) : softplusNegative(-z);
  }
  const n = data.numExamples;
  return { accuracy: n ? correct / n : NaN, logLoss: n ? loss / n : NaN, auc: rocAuc(scores, positive) };
}
