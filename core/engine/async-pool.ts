/**
 * The asynchronous engine's worker threads, kept between runs in the engine
 * pool (worker-pool.ts) under the async worker module: starting a worker costs
 * a few hundred milliseconds (more under tsx), far more than a small run.
 */
import type { Worker } from 'node:worker_threads';
import { siblingModule } from '../workers/spawn.js';
import { closeEngineWorkers, returnWorkers, takeWorkers } from './worker-pool.js';

const asyncWorkerUrl = siblingModule(import.meta.url, 'async-worker');

/** `count` workers running async-worker, reused where possible. */
export function takeAsyncWorkers(count: number): Worker[] {
  return takeWorkers(asyncWorkerUrl, count);
}

/** Hand healthy workers back for the next run (their listeners must be removed first). */
export function returnAsyncWorkers(workers: Worker[]): void {
  returnWorkers(asyncWorkerUrl, workers);
}

/** Terminate the idle engine workers (async and sync alike). */
export async function closeAsyncWorkers(): Promise<void> {
  await closeEngineWorkers();
}
