/**
 * What every thread of a parallel SGD run shares (apps/sgd/loop.ts): the
 * consistency model's name, the parameters, the shared weights and tables,
 * and the control words; plain data and shared arrays, posted to the
 * workers as they are.
 */
import type { SparseDataset } from '../../core/graph/loaders/libsvm.js';

/** The consistency models of threads sharing memory (consistency/); not the async engine's Consistency. */
export type SgdConsistency = 'bsp' | 'ssp' | 'async' | 'easgd';

export interface SgdParams {
  epochs: number;
  learningRate: number;
  decay: number;
  lambda: number;
  batchSize: number;
  staleness: number;
  tau: number;
  alpha: number;
  seed: number;
}

/** Int32 words of `SgdShared.control`. */
export const SGD_CONTROL = {
  BARRIER: 0,
  /** Bumped (and notified) whenever a thread finishes an SSP clock. */
  CLOCK_CHANGED: 4,
  /** Non-zero: leave at once (a thread failed). */
  ABORT: 5,
  /** SSP: the most clocks any thread was ahead of the slowest when it went on (at most the staleness). */
  MAX_LEAD: 6,
  /** Finished SSP clocks of thread t at CLOCKS + t. */
  CLOCKS: 8,
} as const;

export interface SgdShared {
  consistency: SgdConsistency;
  data: SparseDataset;
  params: SgdParams;
  /** numFeatures weights, then the bias: the model (the centre, under EASGD). */
  weights: Float64Array;
  /** BSP: threads x (numFeatures + 1) gradient sums, each thread's batch size, the features each touched (threads x (numFeatures + 1), counts), and the step that last updated each feature. */
  gradients: Float64Array | null;
  batchCounts: Float64Array | null;
  touched: Int32Array | null;
  touchedCounts: Int32Array | null;
  updatedAt: Int32Array | null;
  /** Thread t's shard is examples [shards[t], shards[t + 1]). */
  shards: Uint32Array;
  control: Int32Array;
  /** Mean training log-loss met in each epoch. */
  history: Float64Array;
  /** Each thread's sum of example losses in the current epoch. */
  losses: Float64Array;
  /** Epochs taken before this run (the learning rate of its epoch e is that of epoch e + epochOffset). */
  epochOffset: number;
}

export function controlWords(threads: number): number {
  return SGD_CONTROL.CLOCKS + threads;
}
