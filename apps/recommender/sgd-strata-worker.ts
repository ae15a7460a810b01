/**
 * The worker-thread side of stratified SGD (sgd-strata.ts): for each run
 * message, wait for the common start, run this thread's share of every epoch
 * over the shared blocks and factors, post each epoch's RMSE (thread 0), and
 * say done. Workers are pooled between runs (core/engine/worker-pool.ts).
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import { SweepBarrier } from '../../core/engine/async-barrier.js';
import { STRATA_CONTROL, runStrataThread, type StrataShared } from './sgd-strata.js';

export interface StrataWorkerData {
  shared: StrataShared;
  /** Word the workers wait on before starting. */
  start: Int32Array;
  thread: number;
  threads: number;
}

if (parentPort && !isMainThread) {
  parentPort.on('message', (data: StrataWorkerData) => {
    parentPort!.postMessage({ type: 'ready' });
    while (Atomics.load(data.start, 0) === 0) Atomics.wait(data.start, 0, 0);
    try {
      if (Atomics.load(data.shared.control, STRATA_CONTROL.ABORT) === 0) {
        runStrataThread(data.shared, data.thread, data.threads, (epoch, rmse) => parentPort!.postMessage({ type: 'epoch', epoch, rmse }));
      }
    } catch (error) {
      // Release the other threads from their barrier before reporting.
      Atomics.store(data.shared.control, STRATA_CONTROL.ABORT, 1);
      new SweepBarrier(data.shared.control, STRATA_CONTROL.BARRIER, data.threads).breakAll();
      process.nextTick(() => {
        throw error;
      });
      return;
    }
    parentPort!.postMessage({ type: 'done' });
  });
}
