/**
 * 'ssp' (stale synchronous parallel, Ho et al. 2013): each thread works in
 * clocks of `batchSize` examples against the shared weights, pushing its
 * clock's summed update at the end, and may start clock c only when every
 * thread has finished clock c - staleness - 1 (reads are at most
 * `staleness` clocks stale). All threads tick the same number of clocks per
 * epoch. Two threads pushing at once can lose one of two adds to a weight,
 * as in Hogwild!.
 */
import type { SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import { SGD_CONTROL } from '../shared-state.js';
import type { ThreadModel } from './model.js';
import { batchGradient, touchSet, type TouchSet } from './steps.js';

/** SSP: one clock's summed gradient against the shared weights, then pushed into them (touched features regularised once). */
function sspUpdate(weights: Float64Array, data: SparseDataset, order: Uint32Array, lo: number, hi: number, rate: number, lambda: number, gradient: Float64Array, set: TouchSet): number {
  const loss = batchGradient(weights, data, order, lo, hi, gradient, 0, set);
  const d = data.numFeatures;
  const { flags, list } = set;
  for (let i = 0; i < set.count; i++) {
    const j = list[i];
    weights[j] -= rate * (gradient[j] + lambda * weights[j]);
    gradient[j] = 0;
    flags[j] = 0;
  }
  set.count = 0;
  weights[d] -= rate * gradient[d];
  gradient[d] = 0;
  return loss;
}

export const sspModel: ThreadModel = {
  start: ({ shared, thread, threads, order, rounds }) => {
    const { control, data } = shared;
    const { batchSize, staleness, lambda } = shared.params;
    const width = data.numFeatures + 1;
    const set = touchSet(width);
    const delta = new Float64Array(width);
    let clock = 0;
    /** Wait until every thread has finished clock `clock - staleness - 1`. */
    const waitForStragglers = (): void => {
      const needed = clock - staleness;
      for (;;) {
        const seen = Atomics.load(control, SGD_CONTROL.CLOCK_CHANGED);
        let slowest = Infinity;
        for (let t = 0; t < threads; t++) slowest = Math.min(slowest, Atomics.load(control, SGD_CONTROL.CLOCKS + t));
        if (slowest >= needed) {
          // Record the lead it goes on with, for the result (tests pin the bound with it).
          const lead = clock - slowest;
          for (let seenLead = Atomics.load(control, SGD_CONTROL.MAX_LEAD); lead > seenLead; seenLead = Atomics.load(control, SGD_CONTROL.MAX_LEAD)) {
            if (Atomics.compareExchange(control, SGD_CONTROL.MAX_LEAD, seenLead, lead) === seenLead) break;
          }
          return;
        }
        if (Atomics.load(control, SGD_CONTROL.ABORT) !== 0) return;
        Atomics.wait(control, SGD_CONTROL.CLOCK_CHANGED, seen, 50);
      }
    };
    return {
      epoch(rate) {
        let loss = 0;
        for (let c = 0; c < rounds; c++) {
          waitForStragglers();
          loss += sspUpdate(shared.weights, data, order, Math.min(order.length, c * batchSize), Math.min(order.length, (c + 1) * batchSize), rate, lambda, delta, set);
          clock++;
          Atomics.store(control, SGD_CONTROL.CLOCKS + thread, clock);
          Atomics.add(control, SGD_CONTROL.CLOCK_CHANGED, 1);
          Atomics.notify(control, SGD_CONTROL.CLOCK_CHANGED);
        }
        return loss;
      },
    };
  },
};
