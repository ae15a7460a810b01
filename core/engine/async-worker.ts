/**
 * The worker-thread side of asynchronous runs: for each run message, import
 * the program's own module (cached after the first run), rebuild the graph
 * over the shared arrays, call the program's `create` for this thread, say
 * ready, wait for the common start signal, run this thread's share of the work
 * (async-loop.ts) and post its counts back; then wait for the next run (the
 * worker is kept by the engine pool, worker-pool.ts).
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import { prepareInWorker, type WorkerProgramData } from './run-setup.js';
import { aggregationStep, liveAggregates } from './async-aggregate.js';
import { CONTROL, runAsyncThread, type AsyncShared } from './async-loop.js';

/** What the main thread posts to each asynchronous worker. */
export interface AsyncWorkerData extends WorkerProgramData {
  shared: AsyncShared;
  aggregateEveryMs: number;
}

export type AsyncWorkerMessage =
  | { type: 'ready' }
  | { type: 'aggregate'; aggregates: Record<string, number>; iterations: number }
  | { type: 'done'; updates: number; edges: number };

async function runOne(data: AsyncWorkerData): Promise<void> {
  const { program, graph, fns, aggregators, aggregates } = await prepareInWorker(data);
  if (data.shared.aggregateValues !== null) liveAggregates(aggregates, aggregators, data.shared.aggregateValues);
  const control = data.shared.control;
  // Sweep modes aggregate at sweep ends in whichever worker ends the sweep; the main thread hears of it.
  const atSweepEnd =
    data.shared.queue === null && program.aggregators
      ? aggregationStep(program, aggregators, data.params, graph.numVertices, control, data.shared.lastAggregateMs, data.aggregateEveryMs, (aggregates, iterations) =>
          parentPort!.postMessage({ type: 'aggregate', aggregates, iterations } satisfies AsyncWorkerMessage),
          data.shared.aggregateValues,
        )
      : null;
  parentPort!.postMessage({ type: 'ready' } satisfies AsyncWorkerMessage);
  while (Atomics.load(control, CONTROL.START) === 0) Atomics.wait(control, CONTROL.START, 0);
  const stats = runAsyncThread(program, fns, graph, data.shared, data.thread, data.threads, null, atSweepEnd);
  parentPort!.postMessage({ type: 'done', updates: stats.updates, edges: stats.edges } satisfies AsyncWorkerMessage);
}

if (parentPort && !isMainThread) {
  parentPort.on('message', (data: AsyncWorkerData) => {
    runOne(data).catch((error) => {
      // Rethrown outside the promise so the worker's 'error' event carries it to the main thread.
      process.nextTick(() => {
        throw error;
      });
    });
  });
}
