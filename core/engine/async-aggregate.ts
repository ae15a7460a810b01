/**
 * Aggregators in asynchronous runs: map-reduce a program's aggregators over
 * all vertices while threads may still be writing (the values are a racy
 * snapshot, as in GraphLab's asynchronous engine), report them, and stop the
 * run when the program's `converged` says so. The sweep modes aggregate at the
 * end of a sweep (in the barrier's serial step, so values belong to one
 * sweep) once `aggregateEveryMs` has passed since the last time; the queue
 * modes aggregate on a clock from the main thread (or between batches inline).
 * The sweep modes aggregate at the end of every sweep by default (everyMs 0),
 * so a convergence test sees each sweep as the sync engine shows it each
 * superstep. The values go to shared memory too, which every thread's
 * `ctx.aggregates` reads (liveAggregates): a program that normalises by an
 * aggregate sees the latest one, never an empty record.
 */
import type { Aggregator, Params, VertexProgram } from '../program.js';
import { compileAggregation } from './aggregation.js';
import { CONTROL } from './async-loop.js';

/** Milliseconds on a clock shared by all threads of the process. */
export function sharedClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * An aggregation step: when `everyMs` has passed since `lastMs[0]` (shared by
 * all threads), compute the aggregates, hand them to `report`, and set STOP
 * and CONVERGED in `control` when the program has converged. Returns null
 * when the program has no aggregators.
 */
export function aggregationStep(
  program: VertexProgram,
  aggregators: Record<string, Aggregator>,
  params: Params,
  numVertices: number,
  control: Int32Array,
  lastMs: Float64Array,
  everyMs: number,
  report: (aggregates: Record<string, number>, iterations: number) => void,
  /** Shared by all threads: the latest values, by aggregator in key order (what ctx.aggregates reads). */
  values: Float64Array | null = null,
): ((iterations: number, force?: boolean) => void) | null {
  if (Object.keys(aggregators).length === 0) return null;
  const aggregateAll = compileAggregation(aggregators);
  const names = Object.keys(aggregators);
  return (iterations, force = false) => {
    const now = sharedClockMs();
    if (!force && now - lastMs[0] < everyMs) return;
    const aggregates = aggregateAll(numVertices);
    if (values !== null) for (let i = 0; i < names.length; i++) values[i] = aggregates[names[i]];
    lastMs[0] = sharedClockMs();
    report(aggregates, iterations);
    if (program.converged && program.converged(aggregates, Math.max(1, iterations), params)) {
      Atomics.store(control, CONTROL.CONVERGED, 1);
      Atomics.store(control, CONTROL.STOP, 1);
    }
  };
}

/**
 * Make a thread's `ctx.aggregates` read the shared latest values: one getter per aggregator, so
 * every thread's apply sees each aggregation as soon as any thread (or the main one) made it.
 */
export function liveAggregates(record: Record<string, number>, aggregators: Record<string, Aggregator>, values: Float64Array): void {
  Object.keys(aggregators).forEach((name, i) => {
    Object.defineProperty(record, name, { get: () => values[i], enumerable: true, configurable: true });
  });
}
