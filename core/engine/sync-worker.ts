/**
 * The worker-thread side of synchronous runs: for each run message, import
 * the program's module (cached by the module loader after the first run),
 * rebuild the graph over the shared arrays, call the program's `create` for
 * this thread, say ready, wait for the common start, run its share of every
 * superstep (sync-loop.ts) and say done. The worker then waits for the next
 * run (workers are pooled by worker-pool.ts).
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import { Graph, type GraphArrays } from '../graph/graph.js';
import type { Columns, Schema } from '../graph/columns.js';
import type { Params, VertexFunctions } from '../program.js';
import { importProgram } from './load-program.js';
import { SweepBarrier } from './async-barrier.js';
import { SYNC, runSyncThread, type SyncShared } from './sync-loop.js';

export interface SyncWorkerData {
  programUrl: string;
  programName: string;
  params: Params;
  graph: GraphArrays;
  vertex: Columns<Schema>;
  edge: Columns<Schema>;
  shared: SyncShared;
  /** Control word the workers wait on before starting. */
  start: Int32Array;
  thread: number;
  threads: number;
  /** Post a 'step' message after each superstep (thread 0 only). */
  reportSteps: boolean;
}

export type SyncWorkerMessage = { type: 'ready' } | { type: 'step'; superstep: number } | { type: 'done' };

async function runOne(data: SyncWorkerData): Promise<void> {
  const program = await importProgram(data.programUrl, data.programName);
  const graph = new Graph(data.graph);
  const aggregates: Record<string, number> = {};
  const ctx = {
    graph,
    numVertices: graph.numVertices,
    vertex: data.vertex,
    edge: data.edge,
    params: data.params,
    thread: data.thread,
    threads: data.threads,
    aggregates,
  };
  const fns = program.create(ctx) as VertexFunctions<number | Float64Array>;
  const aggregators = program.aggregators ? program.aggregators(ctx) : {};
  parentPort!.postMessage({ type: 'ready' } satisfies SyncWorkerMessage);
  while (Atomics.load(data.start, 0) === 0) Atomics.wait(data.start, 0, 0);
  if (Atomics.load(data.shared.control, SYNC.ABORT) !== 0) return;
  const afterStep = data.reportSteps
    ? (superstep: number) => parentPort!.postMessage({ type: 'step', superstep } satisfies SyncWorkerMessage)
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
