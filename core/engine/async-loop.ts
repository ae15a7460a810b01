/**
 * The asynchronous engine's work loop, the same code in every thread (and
 * inline when there is one): run signalled vertices at once, one vertex =
 * gather over its gather edges, apply, scatter over its scatter edges, where
 * scatter's signals make neighbours runnable again.
 *
 * Modes (how runnable vertices are found):
 * - `fifo` / `priority` / `buckets`: pop batches from the shared VertexQueue (scheduler.ts);
 *   a thread that finds it empty stops only when no vertex is queued or
 *   running anywhere (the queue's pending count), so no signal is lost.
 * - `sweep`: in-place Gauss-Seidel sweeps: threads claim chunks of the vertex
 *   range from a shared cursor and run the active ones (an activation flag per
 *   vertex, cleared just before the vertex runs so that a signal arriving
 *   during its run keeps it active); a barrier ends each sweep, and the run
 *   ends after a sweep that ran nothing. A vertex is visited once per sweep,
 *   by one thread.
 * - `chromatic`: the same sweeps, one colour class at a time with a barrier
 *   between colours, so adjacent vertices never run at once (edge consistency
 *   without locks).
 *
 * Consistency: every mode already runs a vertex on one thread at a time
 * (vertex consistency). Edge consistency by locks takes the scope locks of
 * locks.ts around each vertex. Delta caching (signal(u, delta) adds delta to
 * u's cached accumulator so u's next gather is skipped) is exact only when a
 * neighbour's apply+scatter cannot overlap a vertex's gather, so the caller
 * enables it (passes `cache`) for one thread or edge consistency only; under
 * the chromatic engine two same-coloured neighbours can post to one vertex at
 * once, so their adds are guarded by `cacheLocks`.
 *
 * The per-vertex work itself (gather, apply, scatter, locks, fence) is this
 * run's generated code from async-kernels.ts; this loop finds the vertices.
 */
import { programFailure } from './program-failure.js';
import type { Graph } from '../graph/graph.js';
import type { EdgeSet, Signal, VertexFunctions, VertexProgram, ResolvedProgram } from '../program.js';
import { SweepBarrier } from './async-barrier.js';
import { compileAsyncKernels, type AsyncKernelEnv } from './async-kernels.js';
import { acquireLock, releaseLock } from './locks.js';
import { VertexQueue, type VertexQueueBuffers } from './scheduler.js';

export type AsyncMode = 'fifo' | 'priority' | 'buckets' | 'sweep' | 'chromatic';

/** Words of `AsyncShared.control`. */
export const CONTROL = {
  /** Non-zero: stop as soon as possible (converged, or the update bound reached). */
  STOP: 0,
  /** Always 0: a word to sleep on briefly. */
  NAP: 1,
  /** Set to 1 by the main thread when every worker is ready: the clock starts. */
  START: 2,
  /** Set to 1 when the program's `converged` stopped the run, or a sweep ran nothing (no work left). */
  CONVERGED: 3,
  BARRIER: 16,
  CURSOR: 32,
  RAN: 48,
  CONTINUE: 64,
  /** Sweeps that ran at least one vertex. */
  SWEEPS: 80,
  SIZE: 96,
} as const;

/** The shared state of one asynchronous run; posted to every worker as is. */
export interface AsyncShared {
  mode: AsyncMode;
  control: Int32Array;
  /** Vertex updates done so far by each thread (each writes its own slot). */
  progress: Float64Array;
  queue: VertexQueueBuffers | null;
  /** Sweep and chromatic modes: 1 for a vertex signalled since it last ran. */
  active: Uint8Array | null;
  classOffsets: Uint32Array | null;
  classVertices: Uint32Array | null;
  /** Edge consistency by locks: one lock word per vertex. */
  locks: Int32Array | null;
  /** Delta caching, when enabled: cached accumulators, their validity, and (chromatic, threads > 1) add locks. */
  cache: Float64Array | null;
  cacheValid: Uint8Array | null;
  cacheLocks: Int32Array | null;
  /** Queue modes: stop once this many updates are done in all (Infinity: no bound). */
  maxUpdates: number;
  /** Sweep modes: stop after this many sweeps that ran something. */
  maxSweeps: number;
  /** When aggregators last ran (sharedClockMs), for the period between aggregations. */
  lastAggregateMs: Float64Array;
  /** The latest aggregates, by aggregator in key order (ctx.aggregates reads them; async-aggregate.ts). */
  aggregateValues: Float64Array | null;
}

export interface ThreadStats {
  updates: number;
  edges: number;
}

const uses = (set: EdgeSet, side: 'in' | 'out'): boolean => set === side || set === 'all';

/** Largest batch a thread pops from a queue at once (fifo), and for priority where order matters more. */
const FIFO_BATCH = 64;
const PRIORITY_BATCH = 8;
const SWEEP_CHUNK = 512;
/** Empty polls of the queue before a thread naps 50 µs while others finish. */
const POLLS_BEFORE_NAP = 256;

type ThreadLoop = (
  program: ResolvedProgram,
  fns: VertexFunctions<number | Float64Array>,
  graph: Graph,
  shared: AsyncShared,
  thread: number,
  threads: number,
  onTick: (() => void) | null,
  atSweepEnd: ((sweeps: number) => void) | null,
) => ThreadStats;

/**
 * Run this thread's share of an asynchronous computation until it is done or
 * stopped. `onTick` (inline queue runs) is called after every batch, for
 * aggregators on a clock; `atSweepEnd` (sweep modes) is called with the sweep
 * count by whichever thread ends a sweep, before the others go on, and may set
 * STOP to end the run there.
 */
export const runAsyncThread: ThreadLoop = (...args) => freshThreadLoop()(...args);

/**
 * Why a fresh copy per run: the loop calls this run's generated per-vertex
 * code (runVertex, once per vertex in the queue modes) and builds the signal
 * closures the program's scatter calls; a loop shared by all runs in a
 * process (or a reused worker) would meet new targets at those call sites on
 * every run and stop inlining them (the per-edge code moved to
 * async-kernels.ts for the same reason, where sharing measured 4-5x slower).
 * Compiling the loop's source again for each run gives it call sites of its
 * own (a run number in the source keeps V8's compilation cache from handing
 * back the old copy). The
 * loop refers to nothing outside itself but the names passed in below, so a
 * coverage tool that instruments source (rather than V8's own coverage, as c8
 * uses) would break it.
 */
const LOOP_SOURCE = threadLoop.toString();
let loopCopies = 0;
function freshThreadLoop(): ThreadLoop {
  const make = new Function(
    'SweepBarrier',
    'VertexQueue',
    'acquireLock',
    'releaseLock',
    'CONTROL',
    'uses',
    'FIFO_BATCH',
    'PRIORITY_BATCH',
    'SWEEP_CHUNK',
    'POLLS_BEFORE_NAP',
    'compileAsyncKernels',
    'programFailure',
    '__name',
    `"use strict"; // thread loop copy ${++loopCopies}\n return (${LOOP_SOURCE});`,
  );
  const keepName = <T>(f: T): T => f;
  return make(SweepBarrier, VertexQueue, acquireLock, releaseLock, CONTROL, uses, FIFO_BATCH, PRIORITY_BATCH, SWEEP_CHUNK, POLLS_BEFORE_NAP, compileAsyncKernels, programFailure, keepName) as ThreadLoop;
}

function threadLoop(
  program: ResolvedProgram,
  fns: VertexFunctions<number | Float64Array>,
  graph: Graph,
  shared: AsyncShared,
  thread: number,
  threads: number,
  onTick: (() => void) | null,
  atSweepEnd: ((sweeps: number) => void) | null,
): ThreadStats {
  const n = graph.numVertices;
  const { inOffsets, inSources, inEdgeIds, outOffsets, outTargets } = graph;
  const control = shared.control;
  const progress = shared.progress;
  const gatherIn = fns.gather !== undefined && uses(program.gatherEdges, 'in');
  const gatherOut = fns.gather !== undefined && uses(program.gatherEdges, 'out');
  const scatterIn = fns.scatter !== undefined && uses(program.scatterEdges, 'in');
  const scatterOut = fns.scatter !== undefined && uses(program.scatterEdges, 'out');
  const scopeIn = gatherIn || scatterIn;
  const scopeOut = gatherOut || scatterOut;
  const allActive = program.activation === 'all';
  const vector = program.accumulator.kind === 'vector';
  const accVector = program.accumulator.kind === 'vector' ? new Float64Array(program.accumulator.size) : null;
  const zero = program.accumulator.kind === 'scalar' ? (program.accumulator.zero ?? 0) : 0;
  const sum = program.accumulator.kind === 'scalar' ? (program.accumulator.sum ?? null) : null;
  const scatter = fns.scatter;
  const locks = threads > 1 ? shared.locks : null;
  const { cache, cacheValid } = shared;
  const cacheLocks = threads > 1 ? shared.cacheLocks : null;
  const queue = shared.queue ? new VertexQueue(shared.queue, { buffered: true }) : null;
  const active = shared.active;
  // A signaller writes its data and then reads the target's flag or state word;
  // the target's thread writes that word and then reads the data. Without a
  // full fence between the write and the read on both sides (x86 lets a load
  // pass an earlier store), each could miss the other's write and the signal
  // would be lost. Atomics.store is such a fence: one per vertex run on the
  // signalling side, and the flag clear on the running side (queue mode's pop
  // already stores with Atomics). Scope locks and the chromatic engine's
  // barriers order these accesses already; one thread needs nothing.
  const fenced = threads > 1 && locks === null && shared.mode !== 'chromatic' && (scatterIn || scatterOut);
  const fenceWord = new Int32Array(new SharedArrayBuffer(4));

  // A run may resume this loop after a convergence claim that did not hold: progress counts on.
  const progressBase = progress[thread];

  const addDelta = (u: number, delta: number): void => {
    if (cacheValid![u] === 0) return;
    if (cacheLocks !== null) {
      acquireLock(cacheLocks, u);
      cache![u] += delta;
      releaseLock(cacheLocks, u);
    } else {
      cache![u] += delta;
    }
  };
  let signal: Signal;
  if (queue !== null) {
    signal = (u, delta) => {
      if (cache !== null && delta !== undefined) addDelta(u, delta);
      queue.signal(u, delta);
    };
  } else if (allActive || active === null) {
    signal = (u, delta) => {
      if (cache !== null && delta !== undefined) addDelta(u, delta);
    };
  } else {
    signal = (u, delta) => {
      if (cache !== null && delta !== undefined) addDelta(u, delta);
      if (active[u] === 0) active[u] = 1;
    };
  }

  // The 'buckets' scheduler's keys stand in for the gather of a program whose signals carry it.
  const fromSignals = queue !== null && queue.kind === 'buckets' && program.gatherFromSignals === true && !vector && cache === null;
  const tally = new Float64Array(2);
  const { runVertex, runRange } = compileAsyncKernels(
    {
      gatherIn,
      gatherOut,
      scatterIn,
      scatterOut,
      gatherUsesEdge: fns.gather !== undefined && fns.gather.length >= 3,
      vector,
      customSum: sum !== null,
      allActive,
      locks: locks !== null,
      cached: cache !== null,
      fenced,
      requeue: allActive && queue !== null,
      fromSignals: fromSignals,
    },
    {
      graph,
      gather: fns.gather as AsyncKernelEnv['gather'],
      sum,
      zero,
      apply: fns.apply as AsyncKernelEnv['apply'],
      scatter,
      signal,
      accVector,
      cache,
      cacheValid,
      locks,
      active,
      queue,
      fenceWord,
      tally,
      fail: programFailure(program, graph),
    },
  );

  if (queue !== null) {
    const batch = new Uint32Array(FIFO_BATCH);
    const keys = queue.kind === 'buckets' ? new Float64Array(FIFO_BATCH) : null;
    // Order matters within the priority queue's batches; a bucket's vertices run in any order.
    const batchMax = queue.kind === 'priority' ? PRIORITY_BATCH : FIFO_BATCH;
    const bounded = Number.isFinite(shared.maxUpdates);
    let polls = 0;
    for (;;) {
      if (Atomics.load(control, CONTROL.STOP) !== 0) break;
      const k = queue.popBatch(batch, batchMax, threads, keys);
      if (k === 0) {
        if (queue.pending() === 0) break;
        // Others are running vertices that may signal more: wait for them, then look again.
        if (++polls > POLLS_BEFORE_NAP) Atomics.wait(control, CONTROL.NAP, 0, 0.05);
        continue;
      }
      polls = 0;
      if (keys !== null) for (let i = 0; i < k; i++) runVertex(batch[i], keys[i]);
      else for (let i = 0; i < k; i++) runVertex(batch[i]);
      queue.finishBatch(batch, k);
      progress[thread] = progressBase + tally[0];
      if (bounded) {
        let total = 0;
        for (let t = 0; t < threads; t++) total += progress[t];
        if (total >= shared.maxUpdates) Atomics.store(control, CONTROL.STOP, 1);
      }
      if (onTick !== null) onTick();
    }
    progress[thread] = progressBase + tally[0];
    return { updates: tally[0], edges: tally[1] };
  }

  // Sweep and chromatic modes.
  const barrier = new SweepBarrier(control, CONTROL.BARRIER, threads);
  const maxSweeps = shared.maxSweeps;
  const resetCursor = (): void => {
    Atomics.store(control, CONTROL.CURSOR, 0);
  };
  const decide = (): void => {
    const ran = Atomics.load(control, CONTROL.RAN);
    const sweeps = Atomics.load(control, CONTROL.SWEEPS) + (ran > 0 ? 1 : 0);
    Atomics.store(control, CONTROL.SWEEPS, sweeps);
    if (atSweepEnd !== null && ran > 0) atSweepEnd(sweeps);
    // A sweep that ran nothing: no work is left, which is convergence.
    if (ran === 0) Atomics.store(control, CONTROL.CONVERGED, 1);
    const go = ran > 0 && sweeps < maxSweeps && Atomics.load(control, CONTROL.STOP) === 0;
    Atomics.store(control, CONTROL.CONTINUE, go ? 1 : 0);
    Atomics.store(control, CONTROL.RAN, 0);
    Atomics.store(control, CONTROL.CURSOR, 0);
  };
  /** Claim chunks of positions [lo, hi) until none are left; returns vertices run. */
  const runClaimed = (order: Uint32Array | null, lo: number, hi: number, chunk: number): number => {
    let ran = 0;
    for (;;) {
      if (Atomics.load(control, CONTROL.STOP) !== 0) break;
      const start = lo + Atomics.add(control, CONTROL.CURSOR, chunk);
      if (start >= hi) break;
      ran += runRange(order, start, Math.min(hi, start + chunk));
      progress[thread] = progressBase + tally[0];
    }
    return ran;
  };

  for (;;) {
    let ran = 0;
    if (shared.mode === 'chromatic') {
      const offsets = shared.classOffsets!;
      const classes = offsets.length - 1;
      for (let c = 0; c < classes; c++) {
        const lo = offsets[c];
        const hi = offsets[c + 1];
        const chunk = Math.max(16, Math.min(SWEEP_CHUNK, Math.ceil((hi - lo) / (threads * 4))));
        ran += runClaimed(shared.classVertices, lo, hi, chunk);
        if (c === classes - 1) {
          Atomics.add(control, CONTROL.RAN, ran);
          barrier.arrive(decide);
        } else {
          barrier.arrive(resetCursor);
        }
      }
    } else {
      ran = runClaimed(null, 0, n, SWEEP_CHUNK);
      Atomics.add(control, CONTROL.RAN, ran);
      barrier.arrive(decide);
    }
    if (Atomics.load(control, CONTROL.CONTINUE) === 0) break;
  }
  progress[thread] = progressBase + tally[0];
  return { updates: tally[0], edges: tally[1] };
}
