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
  while (workers.length < count && pool.length > 0) workers.push(pool.pop()!);
  while (workers.length < count) workers.push(spawnModuleWorker(moduleUrl));
  for (const worker of workers) worker.ref();
  return workers;
}

/** Hand healthy workers back (their run's listeners must be removed first). */
export function returnWorkers(moduleUrl: string, workers: Worker[]): void {
  const pool = idle.get(moduleUrl) ?? [];
  idle.set(moduleUrl, pool);
  for (const worker of workers) {
    worker.unref();
    pool.push(worker);
  }
}

/** Terminate every idle worker. */
export async function closeEngineWorkers(): Promise<void> {
  const all = [...idle.values()].flatMap((pool) => pool.splice(0, pool.length));
  await Promise.all(all.map((w) => w.terminate()));
}
