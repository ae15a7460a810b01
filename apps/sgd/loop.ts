/**
 * One thread's share of parallel SGD for logistic regression over shared
 * memory, the same function inline and in every worker thread. The examples
 * are split into one contiguous shard per thread; each epoch a thread walks
 * its shard in a seeded shuffled order; the weights (and the bias, last) are
 * one shared Float64Array. How threads see each other's progress is the
 * consistency model:
 *
 * - 'bsp' (bulk synchronous): steps of `batchSize` examples per thread;
 *   every thread adds its batch's gradient into its own row of a shared
 *   gradient table, a barrier, then each thread updates its own slice of the
 *   features from the sum over threads (the model is partitioned across
 *   threads for the update), another barrier. Deterministic for a given
 *   thread count; mini-batch SGD.
 * - 'ssp' (stale synchronous parallel, Ho et al. 2013): each thread works in
 *   clocks of `batchSize` examples against the shared weights, pushing its
 *   clock's update at the end, and may start clock c only when every thread
 *   has finished clock c - staleness - 1 (reads are at most `staleness`
 *   clocks stale). All threads tick the same number of clocks per epoch.
 * - 'async' (Hogwild!, Niu et al. 2011): per-example updates straight into
 *   the shared weights, no locks.
 * - 'easgd' (elastic averaging, Zhang, Choromanska and LeCun 2015): each
 *   thread runs SGD on its own copy of the weights, and every `tau` examples
 *   moves it and the shared centre toward each other by `alpha` of their
 *   difference; the centre is the model.
 *
 * Apart from BSP, threads write the shared weights without locks: two
 * threads pushing an SSP clock, or moving the EASGD centre, at the same
 * moment can lose one of the two adds to a weight (rare on sparse data, most
 * likely on the bias, which every example touches), as in Hogwild!; this is
 * the price of those models here, not a bug to be fixed by a lock per
 * weight.
 *
 * Per-example steps regularise only the weights the example touches (the
 * usual sparse-SGD shortcut); BSP steps regularise every weight. The
 * learning rate of epoch e is learningRate / (1 + decay * e). After each
 * epoch all threads meet at a barrier, where one computes the training
 * log-loss of the model into `history`.
 */
import { SweepBarrier } from '../../core/engine/async-barrier.js';
import type { SparseDataset } from '../../core/graph/loaders/libsvm.js';
import { sfc32Seed, sfc32Shuffle } from '../../core/util/sfc32.js';
import { logLoss, sigmoid } from './logistic.js';

export type Consistency = 'bsp' | 'ssp' | 'async' | 'easgd';

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
  /** Finished SSP clocks of thread t at CLOCKS + t. */
  CLOCKS: 8,
} as const;

export interface SgdShared {
  consistency: Consistency;
  data: SparseDataset;
  params: SgdParams;
  /** numFeatures weights, then the bias: the model (the centre, under EASGD). */
  weights: Float64Array;
  /** BSP: threads x (numFeatures + 1) gradient sums, and each thread's batch size. */
  gradients: Float64Array | null;
  batchCounts: Float64Array | null;
  /** Thread t's shard is examples [shards[t], shards[t + 1]). */
  shards: Uint32Array;
  control: Int32Array;
  /** Training log-loss after each epoch. */
  history: Float64Array;
}

export function controlWords(threads: number): number {
  return SGD_CONTROL.CLOCKS + threads;
}

/** Shard boundaries with about the same number of nonzeros each. */
export function shardByNonzeros(data: SparseDataset, threads: number): Uint32Array {
  const shards = new Uint32Array(threads + 1);
  const total = data.rowOffsets[data.numExamples];
  let k = 0;
  for (let t = 1; t < threads; t++) {
    while (k < data.numExamples && data.rowOffsets[k] < (total * t) / threads) k++;
    shards[t] = k;
  }
  shards[threads] = data.numExamples;
  return shards;
}

export function runSgdThread(shared: SgdShared, thread: number, threads: number): void {
  const { data, params, weights, control } = shared;
  const { labels, rowOffsets, indices, values } = data;
  const d = data.numFeatures;
  const width = d + 1;
  const { lambda, batchSize, staleness, tau, alpha } = params;
  const barrier = new SweepBarrier(control, SGD_CONTROL.BARRIER, threads);
  const from = shared.shards[thread];
  const to = shared.shards[thread + 1];
  const order = new Uint32Array(to - from);
  const random = sfc32Seed((params.seed * 1_000_003 + thread * 7919) | 0);
  // EASGD's private weights; SSP's per-clock update.
  const local = shared.consistency === 'easgd' ? Float64Array.from(weights) : null;
  const delta = shared.consistency === 'ssp' ? new Float64Array(width) : null;
  const touched = shared.consistency === 'ssp' ? new Uint32Array(width) : null;
  const isTouched = shared.consistency === 'ssp' ? new Uint8Array(width) : null;
  const maxShard = Math.max(...Array.from({ length: threads }, (_, t) => shared.shards[t + 1] - shared.shards[t]));
  let clock = 0;
  let sinceExchange = 0;

  /** One example's logistic step on `w` (shared weights, or EASGD's own copy). */
  const step = (w: Float64Array, k: number, rate: number): void => {
    let z = w[d];
    for (let q = rowOffsets[k]; q < rowOffsets[k + 1]; q++) z += w[indices[q]] * values[q];
    const g = sigmoid(z) - (labels[k] > 0 ? 1 : 0);
    for (let q = rowOffsets[k]; q < rowOffsets[k + 1]; q++) {
      const j = indices[q];
      w[j] -= rate * (g * values[q] + lambda * w[j]);
    }
    w[d] -= rate * g;
  };

  /** SSP: wait until every thread has finished clock `clock - staleness - 1`. */
  const waitForStragglers = (): void => {
    const needed = clock - staleness;
    for (;;) {
      const seen = Atomics.load(control, SGD_CONTROL.CLOCK_CHANGED);
      let slowest = Infinity;
      for (let t = 0; t < threads; t++) slowest = Math.min(slowest, Atomics.load(control, SGD_CONTROL.CLOCKS + t));
      if (slowest >= needed || Atomics.load(control, SGD_CONTROL.ABORT) !== 0) return;
      Atomics.wait(control, SGD_CONTROL.CLOCK_CHANGED, seen, 50);
    }
  };

  /** SSP: one clock's batch against the shared weights, pushed at the end. */
  const sspClock = (lo: number, hi: number, rate: number): void => {
    waitForStragglers();
    let count = 0;
    for (let i = lo; i < hi; i++) {
      const k = order[i];
      let z = weights[d];
      for (let q = rowOffsets[k]; q < rowOffsets[k + 1]; q++) z += weights[indices[q]] * values[q];
      const g = sigmoid(z) - (labels[k] > 0 ? 1 : 0);
      for (let q = rowOffsets[k]; q < rowOffsets[k + 1]; q++) {
        const j = indices[q];
        if (isTouched![j] === 0) {
          isTouched![j] = 1;
          touched![count++] = j;
        }
        delta![j] -= rate * (g * values[q] + lambda * weights[j]);
      }
      if (isTouched![d] === 0) {
        isTouched![d] = 1;
        touched![count++] = d;
      }
      delta![d] -= rate * g;
    }
    for (let i = 0; i < count; i++) {
      const j = touched![i];
      weights[j] += delta![j];
      delta![j] = 0;
      isTouched![j] = 0;
    }
    clock++;
    Atomics.store(control, SGD_CONTROL.CLOCKS + thread, clock);
    Atomics.add(control, SGD_CONTROL.CLOCK_CHANGED, 1);
    Atomics.notify(control, SGD_CONTROL.CLOCK_CHANGED);
  };

  /** BSP: one synchronous mini-batch step (positions lo..hi-1 of this thread's order; maybe none). */
  const bspStep = (lo: number, hi: number, rate: number): void => {
    const gradients = shared.gradients!;
    const row = thread * width;
    for (let i = lo; i < hi; i++) {
      const k = order[i];
      let z = weights[d];
      for (let q = rowOffsets[k]; q < rowOffsets[k + 1]; q++) z += weights[indices[q]] * values[q];
      const g = sigmoid(z) - (labels[k] > 0 ? 1 : 0);
      for (let q = rowOffsets[k]; q < rowOffsets[k + 1]; q++) gradients[row + indices[q]] += g * values[q];
      gradients[row + d] += g;
    }
    shared.batchCounts![thread] = Math.max(0, hi - lo);
    barrier.arrive(null);
    // This thread updates its slice of the model from every thread's gradients.
    let examples = 0;
    for (let t = 0; t < threads; t++) examples += shared.batchCounts![t];
    const sliceFrom = Math.floor((width * thread) / threads);
    const sliceTo = Math.floor((width * (thread + 1)) / threads);
    if (examples > 0) {
      for (let j = sliceFrom; j < sliceTo; j++) {
        let g = 0;
        for (let t = 0; t < threads; t++) {
          g += gradients[t * width + j];
          gradients[t * width + j] = 0;
        }
        weights[j] -= rate * (g / examples + (j < d ? lambda * weights[j] : 0));
      }
    }
    barrier.arrive(null);
  };

  for (let epoch = 0; epoch < params.epochs; epoch++) {
    if (Atomics.load(control, SGD_CONTROL.ABORT) !== 0) return;
    const rate = params.learningRate / (1 + params.decay * epoch);
    for (let i = 0; i < order.length; i++) order[i] = from + i;
    sfc32Shuffle(random, order);
    switch (shared.consistency) {
      case 'async':
        for (let i = 0; i < order.length; i++) step(weights, order[i], rate);
        break;
      case 'easgd':
        for (let i = 0; i < order.length; i++) {
          step(local!, order[i], rate);
          if (++sinceExchange === tau) {
            sinceExchange = 0;
            for (let j = 0; j < width; j++) {
              const diff = alpha * (local![j] - weights[j]);
              local![j] -= diff;
              weights[j] += diff;
            }
          }
        }
        break;
      case 'ssp': {
        // Every thread ticks the same number of clocks per epoch (the last ones possibly empty):
        // otherwise a thread with a longer shard would gain clocks each epoch until the
        // staleness bound stopped it while the others wait at the epoch barrier.
        const clocks = Math.ceil(maxShard / batchSize);
        for (let c = 0; c < clocks; c++) sspClock(Math.min(order.length, c * batchSize), Math.min(order.length, (c + 1) * batchSize), rate);
        break;
      }
      case 'bsp': {
        // Every thread takes the same number of steps, the last ones possibly empty.
        const steps = Math.ceil(maxShard / batchSize);
        for (let s = 0; s < steps; s++) bspStep(Math.min(order.length, s * batchSize), Math.min(order.length, (s + 1) * batchSize), rate);
        break;
      }
    }
    barrier.arrive(() => {
      shared.history[epoch] = logLoss(weights, data);
    });
  }
}
