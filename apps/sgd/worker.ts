/**
 * The worker-thread side of parallel SGD: for each run message, wait for the
 * common start, run this thread's share (loop.ts) over the shared data and
 * weights, and say done. Workers are pooled between runs (core/engine/worker-pool.ts).
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import { SweepBarrier } from '../../core/engine/async-barrier.js';
import { SGD_CONTROL, runSgdThread, type SgdShared } from './loop.js';

export interface SgdWorkerData {
  shared: SgdShared;
  /** Word the workers wait on before starting. */
  start: Int32Array;
  thread: number;
  threads: number;
}

if (parentPort && !isMainThread) {
  parentPort.on('message', (data: SgdWorkerData) => {
    parentPort!.postMessage({ type: 'ready' });
    while (Atomics.load(data.start, 0) === 0) Atomics.wait(data.start, 0, 0);
    try {
      if (Atomics.load(data.shared.control, SGD_CONTROL.ABORT) === 0) runSgdThread(data.shared, data.thread, data.threads);
    } catch (error) {
      // Release the other threads from their barrier before reporting.
      Atomics.store(data.shared.control, SGD_CONTROL.ABORT, 1);
      new SweepBarrier(data.shared.control, SGD_CONTROL.BARRIER, data.threads).breakAll();
      // Rethrown outside this handler so the worker's 'error' event carries it to the main thread.
      process.nextTick(() => {
        throw error;
      });
      return;
    }
    parentPort!.postMessage({ type: 'done' });
  });
}
