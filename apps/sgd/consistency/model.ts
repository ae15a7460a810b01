/**
 * The one small interface every thread consistency model implements
 * (bsp.ts, ssp.ts, async.ts, easgd.ts; the registry is index.ts), as
 * partitioner/ does with its score rules: loop.ts owns the epochs, the
 * shuffles and the losses; a model owns how a thread walks its epoch's
 * order and how the threads see each other's updates.
 */
import type { SweepBarrier } from '../../../core/engine/async-barrier.js';
import type { SgdShared } from '../shared-state.js';

export interface ThreadContext {
  shared: SgdShared;
  thread: number;
  threads: number;
  /** This epoch's order of the thread's examples (drawn afresh before each epoch). */
  order: Uint32Array;
  /** Steps (bsp) or clocks (ssp) per epoch: the same on every thread, the last ones possibly empty. */
  rounds: number;
  /** The barrier of all the run's threads. */
  barrier: SweepBarrier;
}

/** One thread's state for a run. */
export interface ThreadRunner {
  /** Walk this epoch's order at `rate`; returns the summed loss of its examples, each met just before its step. */
  epoch(rate: number): number;
  /** After the last epoch, on every thread (a model may meet at the barrier here). */
  finish?(): void;
}

export interface ThreadModel {
  start(context: ThreadContext): ThreadRunner;
}
