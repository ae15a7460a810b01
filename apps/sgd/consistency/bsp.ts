/**
 * 'bsp' (bulk synchronous): steps of `batchSize` examples per thread; every
 * thread adds its batch's gradient into its own row of a shared gradient
 * table and lists the features it touched, a barrier, then each thread
 * updates the touched features of its own slice of the model from the sum
 * over threads (the model is partitioned across threads for the update),
 * another barrier: the batches' gradients are summed, so each example takes
 * its step, only delayed to the step's end. Deterministic for a given
 * thread count.
 */
import type { SgdShared } from '../shared-state.js';
import type { ThreadModel } from './model.js';
import { batchGradient, touchSet, type TouchSet } from './steps.js';

/** BSP, first half of a step: this thread's batch gradient into its row, and the features it touched (found with `set`) into its list. */
function bspGradient(shared: SgdShared, thread: number, order: Uint32Array, lo: number, hi: number, set: TouchSet): number {
  const width = shared.data.numFeatures + 1;
  const row = thread * width;
  const loss = batchGradient(shared.weights, shared.data, order, lo, hi, shared.gradients!, row, set);
  const touched = shared.touched!;
  const { flags, list } = set;
  for (let i = 0; i < set.count; i++) {
    touched[row + i] = list[i];
    flags[list[i]] = 0;
  }
  shared.touchedCounts![thread] = set.count;
  set.count = 0;
  shared.batchCounts![thread] = Math.max(0, hi - lo);
  return loss;
}

/** BSP, second half: update the touched features of this thread's slice from every thread's rows (each once, marked with `step`). */
function bspUpdate(shared: SgdShared, thread: number, threads: number, step: number, rate: number, lambda: number): void {
  const { weights } = shared;
  const gradients = shared.gradients!;
  const touched = shared.touched!;
  const counts = shared.touchedCounts!;
  const updatedAt = shared.updatedAt!;
  const d = shared.data.numFeatures;
  const width = d + 1;
  let examples = 0;
  for (let t = 0; t < threads; t++) examples += shared.batchCounts![t];
  if (examples === 0) return;
  const sliceFrom = Math.floor((width * thread) / threads);
  const sliceTo = Math.floor((width * (thread + 1)) / threads);
  // The batch's per-example gradients are summed, not averaged: every example takes its own
  // step, only later (so one learning rate serves every consistency model, and BSP with one
  // thread and batches of one is plain SGD); averaging divided each sparse feature's step by
  // the batch size, and learned 2x slower again on 2 threads.
  const updateFeature = (j: number, regularise: boolean): void => {
    let g = 0;
    for (let t = 0; t < threads; t++) {
      g += gradients[t * width + j];
      gradients[t * width + j] = 0;
    }
    weights[j] -= rate * (g + (regularise ? lambda * weights[j] : 0));
  };
  for (let t = 0; t < threads; t++) {
    const base = t * width;
    for (let i = 0; i < counts[t]; i++) {
      const j = touched[base + i];
      if (j < sliceFrom || j >= sliceTo || updatedAt[j] === step) continue;
      updatedAt[j] = step;
      updateFeature(j, true);
    }
  }
  if (d >= sliceFrom && d < sliceTo) updateFeature(d, false);
}

export const bspModel: ThreadModel = {
  start: ({ shared, thread, threads, order, rounds, barrier }) => {
    const { batchSize, lambda } = shared.params;
    const set = touchSet(shared.data.numFeatures + 1);
    let step = 0;
    return {
      epoch(rate) {
        let loss = 0;
        for (let c = 0; c < rounds; c++) {
          loss += bspGradient(shared, thread, order, Math.min(order.length, c * batchSize), Math.min(order.length, (c + 1) * batchSize), set);
          barrier.arrive(null);
          bspUpdate(shared, thread, threads, ++step, rate, lambda);
          barrier.arrive(null);
        }
        return loss;
      },
    };
  },
};
