/**
 * Engine worker threads kept between runs, keyed by the worker module they
 * run. Starting a worker costs a few hundred milliseconds (more under tsx),
 * more than many whole runs, so a finished run hands its healthy workers back
 * here, unref'd so that they never keep the process alive; a failed run
 * terminates its workers instead. `closeEngineWorkers` ends the idle ones.
 */
import type { Worker } from 'node:worker_threads';
import { spawnModuleWorker } from '../workers/spawn.js';

const idle = new Map<string, Worker[]>();

/** `count` workers running the module at `moduleUrl`, reused where possible. */
export function takeWorkers(moduleUrl: string, count: number): Worker[] {
  const pool = idle.get(moduleUrl) ?? [];
  idle.set(moduleUrl, pool);
  const workers: Worker[] = [];
  while (workers.length < count && pool.length > 0) {
    const worker = pool.pop()!;
    idleWatch.get(worker)?.();
    idleWatch.delete(worker);
    workers.push(worker);
  }
  while (workers.length < count) workers.push(spawnModuleWorker(moduleUrl));
  for (const worker of workers) worker.ref();
  return workers;
}

/** The listeners a pooled worker has while idle, by worker: a call removes them. */
const idleWatch = new WeakMap<Worker, () => void>();

/** Hand healthy workers back (their run's listeners must be removed first). */
export function returnWorkers(moduleUrl: string, workers: Worker[]): void {
  const pool = idle.get(moduleUrl) ?? [];
  idle.set(moduleUrl, pool);
  for (const worker of workers) {
    worker.unref();
    // While idle, an error (a program's stray timer throwing) or an exit takes the worker out of
    // the pool, instead of crashing the process or handing a dead worker to the next run.
    const leave = (): void => {
      const at = pool.indexOf(worker);
      if (at >= 0) pool.splice(at, 1);
      idleWatch.delete(worker);
    };
    const onError = (): void => {
      leave();
      void worker.terminate();
    };
    worker.on('error', onError);
    worker.on('exit', leave);
    idleWatch.set(worker, () => {
      worker.off('error', onError);
      worker.off('exit', leave);
    });
    pool.push(worker);
  }
}

/** Terminate every idle worker. */
export async function closeEngineWorkers(): Promise<void> {
  const all = [...idle.values()].flatMap((pool) => pool.splice(0, pool.length));
  await Promise.all(all.map((w) => w.terminate()));
}
