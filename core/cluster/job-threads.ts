/**
 * A cluster job's helper threads: with `gasworks worker --threads N`, N - 1
 * worker threads share the job's arrays (job-kernels.ts) with the main
 * thread and take chunks of each phase (gather, apply, scatter) with it, as
 * the shared-memory engine's threads do. The main thread keeps the network:
 * it starts a phase, works on chunks itself, and waits until every helper is
 * done with the phase before it reads the phase's results.
 *
 * States of a helper: setting up (imports the program, calls its `create`
 * for its thread, compiles its kernels; says 'ready') -> waiting for the
 * next generation of the control word -> running the phase's chunks ->
 * counting itself done -> waiting ... until the STOP phase, when it says
 * 'done' and goes back to the pool. Invariant: the main thread changes the
 * arrays' meaning (a new phase, restored data) only when every helper is
 * waiting.
 */
import type { Worker } from 'node:worker_threads';
import { sharedInt32, sharedUint8 } from '../graph/shared.js';
import { returnWorkers, takeWorkers } from '../engine/worker-pool.js';
import { siblingModule } from '../workers/spawn.js';
import type { WorkerProgramData } from '../engine/run-setup.js';
import { PHASE, runChunk, type JobArrays } from './job-kernels.js';
import type { SyncKernels } from '../engine/sync-kernels.js';

/** Words of the control array. */
export const CONTROL = { GENERATION: 0, PHASE: 1, NEXT_CHUNK: 2, DONE: 3, ERROR: 4, DEAD: 5, WORDS: 6 } as const;
/** Bytes of the message of a helper's error. */
const ERROR_BYTES = 4096;

/** What a helper thread is posted to set up: the program over the shared columns, as an engine thread gets it, and the job's arrays. */
export interface HelperData extends WorkerProgramData {
  arrays: JobArrays;
  control: Int32Array;
  errorText: Uint8Array;
}

export type HelperMessage = { type: 'ready' } | { type: 'done' } | { type: 'error'; message: string };

const HELPER_URL = siblingModule(import.meta.url, 'job-thread');

export class JobThreads {
  private closed = false;
  /** A helper that failed outside a phase (its thread died): the job cannot run another phase. */
  private broken: Error | null = null;
  private readonly detach: Array<() => void> = [];

  private constructor(
    private readonly workers: Worker[],
    private readonly arrays: JobArrays,
    private readonly control: Int32Array,
    private readonly errorText: Uint8Array,
  ) {
    workers.forEach((worker, i) => {
      const onError = (error: Error): void => {
        this.broken ??= new Error(`helper thread ${i + 1} failed: ${error.message}`);
      };
      const onExit = (code: number): void => {
        this.broken ??= new Error(`helper thread ${i + 1} exited (code ${code})`);
      };
      worker.on('error', onError);
      worker.on('exit', onExit);
      this.detach.push(() => {
        worker.off('error', onError);
        worker.off('exit', onExit);
      });
    });
  }

  /** Start `arrays.threads - 1` helpers on the job's program; resolves once all are ready. */
  static async start(base: Omit<HelperData, 'control' | 'errorText' | 'thread' | 'threads'>): Promise<JobThreads> {
    const helpers = base.arrays.threads - 1;
    const control = sharedInt32(CONTROL.WORDS);
    const errorText = sharedUint8(ERROR_BYTES);
    const workers = takeWorkers(HELPER_URL, helpers);
    try {
      await Promise.all(
        workers.map(
          (worker, i) =>
            new Promise<void>((resolve, reject) => {
              const onExit = (code: number): void => reject(new Error(`helper thread ${i + 1} exited (code ${code}) while it set the program up`));
              const onMessage = (message: HelperMessage): void => {
                worker.off('message', onMessage);
                worker.off('error', reject);
                worker.off('exit', onExit);
                if (message.type === 'ready') resolve();
                else reject(new Error(message.type === 'error' ? message.message : `helper thread ${i + 1}: unexpected '${message.type}'`));
              };
              worker.on('message', onMessage);
              worker.once('error', reject);
              worker.once('exit', onExit);
              worker.postMessage({ ...base, control, errorText, thread: i + 1, threads: base.arrays.threads } satisfies HelperData);
            }),
        ),
      );
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    return new JobThreads(workers, base.arrays, control, errorText);
  }

  /**
   * Run `phase` over every chunk, on this thread (with `kernels`) and the helpers; returns once all
   * are done. A chunk that throws, here or in a helper, is rethrown after the others are done.
   */
  run(phase: number, kernels: SyncKernels): void {
    if (this.broken !== null) throw this.broken;
    // A helper that exited counts itself done and dead (job-thread.ts): the wait below always ends.
    if (Atomics.load(this.control, CONTROL.DEAD) !== 0) throw (this.broken = new Error('a helper thread of the job exited'));
    // Closed (released, or its lease ran out): no helper would answer, so never wait for one.
    if (this.closed) throw new Error('the job was released');
    const c = this.control;
    const chunks = this.arrays.chunks.length - 1;
    Atomics.store(c, CONTROL.NEXT_CHUNK, 0);
    Atomics.store(c, CONTROL.DONE, 0);
    Atomics.store(c, CONTROL.ERROR, 0);
    Atomics.store(c, CONTROL.PHASE, phase);
    Atomics.add(c, CONTROL.GENERATION, 1);
    Atomics.notify(c, CONTROL.GENERATION);
    let failure: unknown = null;
    try {
      for (let chunk = Atomics.add(c, CONTROL.NEXT_CHUNK, 1); chunk < chunks; chunk = Atomics.add(c, CONTROL.NEXT_CHUNK, 1)) runChunk(this.arrays, kernels, phase, chunk);
    } catch (error) {
      failure = error;
      // Let the helpers run out of chunks quickly.
      Atomics.store(c, CONTROL.NEXT_CHUNK, chunks);
    }
    const helpers = this.workers.length;
    for (let done = Atomics.load(c, CONTROL.DONE); done < helpers; done = Atomics.load(c, CONTROL.DONE)) Atomics.wait(c, CONTROL.DONE, done, 100);
    if (failure !== null) throw failure;
    if (Atomics.load(c, CONTROL.DEAD) !== 0) throw (this.broken = new Error('a helper thread of the job exited during a phase'));
    if (Atomics.load(c, CONTROL.ERROR) !== 0) {
      const bytes = this.errorText;
      let end = bytes.indexOf(0);
      if (end < 0) end = bytes.length;
      throw new Error(Buffer.from(bytes.slice(0, end)).toString('utf8'));
    }
  }

  /** Stop the helpers and hand them back to the pool (they wait for the next job's message). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const done = Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            const onMessage = (message: HelperMessage): void => {
              if (message.type !== 'done') return;
              worker.off('message', onMessage);
              resolve();
            };
            worker.on('message', onMessage);
          }),
      ),
    );
    Atomics.store(this.control, CONTROL.PHASE, PHASE.STOP);
    Atomics.add(this.control, CONTROL.GENERATION, 1);
    Atomics.notify(this.control, CONTROL.GENERATION);
    for (const off of this.detach) off();
    if (this.broken !== null) {
      await Promise.all(this.workers.map((w) => w.terminate()));
      return;
    }
    await done;
    // Ended, not pooled: an idle thread never collects its garbage, so a pooled helper kept each
    // past job's shared arrays alive (a worker grew by its jobs' memory, job after job).
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
