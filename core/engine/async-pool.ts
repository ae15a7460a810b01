/**
 * Asynchronous-engine worker threads kept between runs. Starting a worker
 * costs a few hundred milliseconds (more under tsx), far more than a small
 * asynchronous run, so a finished run hands its workers back here, unref'd so
 * that they never keep the process alive, and the next run takes them again.
 * A worker that failed is terminated instead of returned. `closeAsyncWorkers`
 * ends the idle ones.
 */
import type { Worker } from 'node:worker_threads';
import { spawnModuleWorker, siblingModule } from '../workers/spawn.js';

const idle: Worker[] = [];

/** `count` workers running async-worker, reused where possible. */
export function takeAsyncWorkers(count: number): Worker[] {
  const workers: Worker[] = [];
  while (workers.length < count && idle.length > 0) workers.push(idle.pop()!);
  const url = siblingModule(import.meta.url, 'async-worker');
  while (workers.length < count) workers.push(spawnModuleWorker(url));
  for (const worker of workers) worker.ref();
  return workers;
}

/** Hand healthy workers back for the next run (their listeners must be removed first). */
export function returnAsyncWorkers(workers: Worker[]): void {
  for (const worker of workers) {
    worker.unref();
    idle.push(worker);
  }
}

/** Terminate idle workers (for programs that want a clean exit sooner, and tests). */
export async function closeAsyncWorkers(): Promise<void> {
  const all = idle.splice(0, idle.length);
  await Promise.all(all.map((w) => w.terminate()));
}
