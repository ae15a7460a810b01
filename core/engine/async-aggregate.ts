/**
 * Aggregators in asynchronous runs: map-reduce a program's aggregators over
 * all vertices while threads may still be writing (the values are a racy
 * snapshot, as in GraphLab's asynchronous engine), report them, and stop the
 * run when the program's `converged` says so. The sweep modes aggregate at the
 * end of a sweep (in the barrier's serial step, so values belong to one
 * sweep) once `aggregateEveryMs` has passed since the last time; the queue
 * modes aggregate on a clock from the main thread (or between batches inline).
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
): ((iterations: number, force?: boolean) => void) | null {
  if (Object.keys(aggregators).length === 0) return null;
  const aggregateAll = compileAggregation(aggregators);
  return (iterations, force = false) => {
    const now = sharedClockMs();
    if (!force && now - lastMs[0] < everyMs) return;
    const aggregates = aggregateAll(numVertices);
    lastMs[0] = sharedClockMs();
    report(aggregates, iterations);
    if (program.converged && program.converged(aggregates, Math.max(1, iterations), params)) {
      Atomics.store(control, CONTROL.CONVERGED, 1);
      Atomics.store(control, CONTROL.STOP, 1);
    }
  };
}
