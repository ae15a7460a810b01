/**
 * A helper thread of gradient-threads.ts: waits for each clock's generation,
 * computes its virtual threads' batch gradients into their rows, says done.
 */
import { isMainThread, workerData } from 'node:worker_threads';
import { GRADIENT_CONTROL, computeRows, type GradientShared } from './gradient-threads.js';
import type { KeySet } from './local-steps.js';

if (!isMainThread && workerData !== null && typeof workerData === 'object' && 'shared' in workerData) {
  const { shared, thread } = workerData as { shared: GradientShared; thread: number };
  const { control } = shared;
  const sets = new Map<number, KeySet>();
  // The generation the thread has served: 0, as created (the main thread may bump it before this
  // thread first runs, and that clock must still be computed here).
  let generation = 0;
  for (;;) {
    Atomics.wait(control, GRADIENT_CONTROL.GENERATION, generation);
    const next = Atomics.load(control, GRADIENT_CONTROL.GENERATION);
    if (next === generation) continue;
    generation = next;
    if (Atomics.load(control, GRADIENT_CONTROL.STOP) !== 0) break;
    computeRows(shared, thread, sets);
    Atomics.add(control, GRADIENT_CONTROL.DONE, 1);
    Atomics.notify(control, GRADIENT_CONTROL.DONE);
  }
}
