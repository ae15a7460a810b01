/**
 * One machine's supersteps in a cluster run: the order of a PowerGraph
 * synchronous superstep, in one place. The job (job.ts) does the work on its
 * own edges and vertices; this module says when, and moves the batches
 * between machines over the data channel (`Exchange`). Every machine runs
 * the same loop, and each ends a superstep knowing the same next active set,
 * aggregates and whether to stop, so that several supersteps can run per
 * call from the coordinator.
 *
 * Per superstep:
 *   1. GATHER      over this machine's edges, for the active vertices.
 *   2. PARTIALS    accumulators of mirrored vertices to their masters.
 *   3. APPLY       the masters add the partials (in machine order) and apply.
 *   4. ROWS        new vertex data from masters to mirrors (or to all).
 *   5. SCATTER     aggregator maps over mastered vertices, then scatter over
 *                  this machine's edges: signals.
 *   6. STATE       signals, aggregator partials and changed counts to all;
 *                  everyone reduces them alike: next active set, aggregates,
 *                  converged.
 */
import type { Frame } from './data-channel.js';
import type { ClusterJob, WireBatch } from './job.js';
import { bytesOf, viewFloat64, viewUint32 } from './wire.js';

/** The exchanges of a superstep on the data channel (a frame's `exchange` byte). */
export const PARTIALS = 1;
export const ROWS = 2;
export const STATE = 3;

/** How a machine talks to the others of its job within a superstep. */
export interface Exchange {
  /** Send every other machine one frame of `exchange` with the parts `partsFor` gives it (none: an empty frame); bytes sent. */
  sendAll(superstep: number, exchange: number, partsFor: (machine: number) => Uint8Array[]): number;
  /** The frames of `exchange` from every other machine, ordered by sender. */
  receiveAll(superstep: number, exchange: number): Promise<Frame[]>;
}

/** What a machine reports of the supersteps it ran (one entry per superstep). */
export interface SuperstepReport {
  edges: number[];
  applied: number[];
  bytes: number[];
  active: number[];
  /** steps x aggregators, in the job's aggregator order. */
  aggregates: Float64Array;
  converged: boolean;
}

/** The parts of each machine's batch (none for a machine without one). */
function partsByMachine(batches: WireBatch[], partsOf: (b: WireBatch) => Uint8Array[]): (machine: number) => Uint8Array[] {
  const byMachine = new Map(batches.map((b) => [b.machine, b]));
  return (machine) => {
    const batch = byMachine.get(machine);
    return batch ? partsOf(batch) : [];
  };
}

/** Run supersteps `first`, `first + 1`, ... (`count` at most; fewer when the run converges). */
export async function runSupersteps(job: ClusterJob, exchange: Exchange, first: number, count: number): Promise<SuperstepReport> {
  const width = job.aggregatorNames.length;
  const report: SuperstepReport = { edges: [], applied: [], bytes: [], active: [], aggregates: new Float64Array(count * width), converged: false };
  for (let i = 0; i < count && !report.converged; i++) {
    const superstep = first + i;

    // 1-2. GATHER over own edges; PARTIALS of mirrored vertices to their masters.
    const gathered = job.gather();
    let bytes = exchange.sendAll(superstep, PARTIALS, partsByMachine(gathered.partials, (b) => [b.ids, b.values!]));
    const partials = (await exchange.receiveAll(superstep, PARTIALS)).filter((f) => f.parts.length > 0);
    // Post: every master holds every machine's partial of its active vertices.

    // 3-4. APPLY on mastered vertices; ROWS of the applied ones to the machines that hold them.
    const applied = job.apply(partials.map((f): WireBatch => ({ machine: f.from, ids: f.parts[0], values: f.parts[1] })));
    bytes += exchange.sendAll(superstep, ROWS, partsByMachine(applied.updates, (b) => [b.ids, b.changed!, ...b.columns!]));
    const rows = (await exchange.receiveAll(superstep, ROWS)).filter((f) => f.parts.length > 0);
    // Post: every replica of an applied vertex holds its master's new data.

    // 5. SCATTER over own edges (after the aggregator maps over mastered vertices).
    const scattered = job.sync(rows.map((f): WireBatch => ({ machine: f.from, ids: f.parts[0], changed: f.parts[1], columns: f.parts.slice(2) })));

    // 6. STATE to everyone: each machine works out the same next active set, aggregates and stop.
    const own = [bytesOf(scattered.signalled), bytesOf(scattered.aggregates), bytesOf(Float64Array.of(applied.changed))];
    bytes += exchange.sendAll(superstep, STATE, () => own);
    const states = Array.from({ length: job.machines }, () => ({ signalled: scattered.signalled, aggregates: scattered.aggregates, changed: applied.changed }));
    for (const f of await exchange.receiveAll(superstep, STATE)) states[f.from] = { signalled: viewUint32(f.parts[0]), aggregates: viewFloat64(f.parts[1]), changed: viewFloat64(f.parts[2])[0] };
    const finished = job.finish(states, superstep + 1);
    // Post: every machine holds the same active set and aggregates for superstep + 1.

    report.edges.push(gathered.edges + scattered.edges);
    report.applied.push(applied.applied);
    report.bytes.push(bytes);
    report.active.push(finished.active);
    report.aggregates.set(finished.aggregates, i * width);
    report.converged = finished.converged;
  }
  report.aggregates = report.aggregates.subarray(0, report.edges.length * width);
  return report;
}
