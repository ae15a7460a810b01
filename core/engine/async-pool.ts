/**
 * Where the asynchronous engine's worker threads come from: the engine pool
 * (worker-pool.ts) under the async worker module, so that workers outlive a
 * run (starting one costs a few hundred milliseconds, more under tsx).
 */
import { siblingModule } from '../workers/spawn.js';
import { closeEngineWorkers } from './worker-pool.js';

const url = siblingModule(import.meta.url, 'async-worker');

/** The module the asynchronous engine's workers run. */
export function asyncWorkerUrl(): string {
  return url;
}

/** Terminate the idle engine workers (async and sync alike). */
export async function closeAsyncWorkers(): Promise<void> {
  await closeEngineWorkers();
}
