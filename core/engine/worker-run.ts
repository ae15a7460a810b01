/**
 * One run on pooled worker threads, as both engines (and the SGD app) do it:
 * take `threads` workers from the pool, post each its data, release them all
 * together through a start word once every one has said 'ready', pass their
 * other messages on, and resolve when every one has said 'done'. A worker error or an early exit aborts the run:
 * `abort` tells the others to stop, the start word lets them leave their
 * waits, the run rejects with the worker's own error, and that run's workers
 * are terminated, not pooled.
 */
import { returnWorkers, takeWorkers } from './worker-pool.js';

export interface WorkerRun<M extends { type: string }> {
  /** Who runs, for error messages ('runSync', 'runAsync'). */
  who: string;
  moduleUrl: string;
  threads: number;
  /** The message posted to worker `thread` (structured-cloned; shared arrays are shared). */
  dataFor(thread: number): unknown;
  /** Workers wait until `startWord[startIndex]` is nonzero; it is set and notified on start and on abort. */
  startWord: Int32Array;
  startIndex: number;
  /** Called once all workers are ready, just before they are released (start the clock, timers). */
  start?(): void;
  /** Called on failure, before they are released and the run rejects: tell the workers to stop. */
  abort(): void;
  /** Any message other than 'ready' and 'done'. */
  onMessage?(thread: number, message: M): void;
  /** A worker's 'done' message (its counts, say). */
  onDone?(thread: number, message: M): void;
}

export async function runOnWorkers<M extends { type: string }>(run: WorkerRun<M>): Promise<void> {
  const workers = takeWorkers(run.moduleUrl, run.threads);
  const release = (): void => {
    Atomics.store(run.startWord, run.startIndex, 1);
    Atomics.notify(run.startWord, run.startIndex);
  };
  let failed = false;
  const detach: Array<() => void> = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let ready = 0;
      let done = 0;
      const finished = new Array<boolean>(run.threads).fill(false);
      const fail = (error: unknown): void => {
        if (failed) return;
        failed = true;
        run.abort();
        release();
        reject(error);
      };
      workers.forEach((worker, t) => {
        const onExit = (code: number): void => {
          if (!finished[t]) fail(new Error(`${run.who}: worker ${t} exited (code ${code}) before finishing`));
        };
        const onMessage = (message: M): void => {
          if (message.type === 'ready') {
            if (++ready === run.threads) {
              run.start?.();
              release();
            }
          } else if (message.type === 'done') {
            finished[t] = true;
            run.onDone?.(t, message);
            if (++done === run.threads) resolve();
          } else run.onMessage?.(t, message);
        };
        worker.on('error', fail);
        worker.on('exit', onExit);
        worker.on('message', onMessage);
        detach.push(() => {
          worker.off('error', fail);
          worker.off('exit', onExit);
          worker.off('message', onMessage);
        });
        worker.postMessage(run.dataFor(t));
      });
    });
  } finally {
    for (const off of detach) off();
    if (failed) await Promise.all(workers.map((w) => w.terminate()));
    else returnWorkers(run.moduleUrl, workers);
  }
}
