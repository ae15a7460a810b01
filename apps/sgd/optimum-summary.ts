/**
 * What `gasworks sgd --json` reports of the full-batch optimum (full-batch.ts)
 * beside the SGD model: its test log-loss (`optimumLogLoss`, comparable to
 * the model's `logLoss`), accuracy and training log-loss. Only for models
 * narrow enough that the Newton solve is cheap (OPTIMUM_MAX_FEATURES: under
 * a second on a9a's 123); wider ones leave the fields out.
 */
import type { SparseDataset } from '../../core/graph/loaders/libsvm.js';
import { fullBatchOptimum } from './full-batch.js';
import { evaluateModel } from './logistic.js';

export const OPTIMUM_MAX_FEATURES = 300;

export function optimumSummary(train: SparseDataset, test: SparseDataset, lambda: number): { optimumLogLoss?: number; optimumAccuracy?: number; optimumTrainLogLoss?: number } {
  if (train.numFeatures > OPTIMUM_MAX_FEATURES) return {};
  const optimum = fullBatchOptimum(train, { lambda });
  const quality = evaluateModel(optimum.weights, train.numFeatures, test);
  return { optimumLogLoss: quality.logLoss, optimumAccuracy: quality.accuracy, optimumTrainLogLoss: optimum.logLoss };
}
