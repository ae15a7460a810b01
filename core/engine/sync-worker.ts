/**
 * The worker-thread side of synchronous runs: for each run message, import
 * the program's module (cached by the module loader after the first run),
 * rebuild the graph over the shared arrays, call the program's `create` for
 * this thread, say ready, wait for the common start, run its share of every
 * superstep (sync-loop.ts) and say done. The worker then waits for the next
 * run (workers are pooled by worker-pool.ts).
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import { prepareInWorker, type WorkerProgramData } from './run-setup.js';
import { SweepBarrier } from './async-barrier.js';
import { SYNC, runSyncThread, type SyncShared } from './sync-loop.js';

export interface SyncWorkerData extends WorkerProgramData {
  shared: SyncShared;
  /** Control word the workers wait on before starting. */
  start: Int32Array;
  /** Post a 'step' message after each superstep (thread 0 only). */
  reportSteps: boolean;
}

/**
 * 'step' carries the superstep's aggregates and active count as thread 0 saw them at its end: the
 * main thread hears the message later, when the shared arrays may already hold a later superstep's.
 */
export type SyncWorkerMessage = { type: 'ready' } | { type: 'step'; superstep: number; aggregates: Float64Array; active: number } | { type: 'done' };

async function runOne(data: SyncWorkerData): Promise<void> {
  const { program, graph, fns, aggregators, aggregates } = await prepareInWorker(data);
  parentPort!.postMessage({ type: 'ready' } satisfies SyncWorkerMessage);
  while (Atomics.load(data.start, 0) === 0) Atomics.wait(data.start, 0, 0);
  if (Atomics.load(data.shared.control, SYNC.ABORT) !== 0) return;
  const afterStep = data.reportSteps
    ? (superstep: number) =>
        parentPort!.postMessage({ type: 'step', superstep, aggregates: data.shared.aggregates.slice(), active: data.shared.totals[0] } satisfies SyncWorkerMessage)
    : undefined;
  try {
    runSyncThread(program, fns, aggregators, aggregates, data.params, graph, data.shared, data.thread, data.threads, { afterStep });
  } catch (error) {
    // Release the other threads from the barrier before reporting.
    Atomics.store(data.shared.control, SYNC.ABORT, 1);
    new SweepBarrier(data.shared.control, SYNC.BARRIER, data.threads).breakAll();
    throw error;
  }
  parentPort!.postMessage({ type: 'done' } satisfies SyncWorkerMessage);
}

if (parentPort && !isMainThread) {
  parentPort.on('message', (data: SyncWorkerData) => {
    runOne(data).catch((error) => {
      // Rethrown outside the promise so the worker's 'error' event carries it to the main thread.
      process.nextTick(() => {
        throw error;
      });
    });
  });
}
