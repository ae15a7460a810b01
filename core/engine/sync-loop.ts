/**
 * One thread's share of a synchronous (BSP) run: supersteps of gather (into
 * a shared accumulator array), a barrier, apply (+ aggregator partials), a
 * barrier, scatter (only for programs that scatter), and a barrier whose
 * serial step reduces the aggregates and decides whether to go on. Gather and
 * apply are separate phases so that every gather reads the previous
 * superstep's vertex data (Jacobi, as PowerGraph's synchronous engine): the
 * answer does not depend on the thread count or the order of vertices. The same
 * function runs inline (one thread, no workers) and in every worker thread;
 * all coordination is in shared memory (a chunk cursor taken with
 * Atomics.add, a spin-then-wait barrier), with no message per superstep.
 *
 * Work is split into chunks of consecutive vertices holding about the same
 * number of edges, handed out dynamically, so a hub does not stall a thread.
 * A vertex's whole gather runs in one thread, in edge order, so the floating
 * point sums (and so the answers) are the same for every worker count.
 */
import type { Graph } from '../graph/graph.js';
import type { Aggregator, Params, Signal, VertexFunctions, VertexProgram } from '../program.js';
import { SweepBarrier, BARRIER_WORDS } from './async-barrier.js';

/** Int32 control words. */
export const SYNC = {
  CURSOR: 0,
  SUPERSTEP: 1,
  STOP: 2,
  CONVERGED: 3,
  ABORT: 4,
  BARRIER: 5,
  SIZE: 5 + BARRIER_WORDS,
} as const;

/** Per-thread counters in `SyncShared.stats`, STAT_WIDTH doubles each. */
export const STAT = { UPDATES: 0, EDGES: 1, SIGNALS: 2, CHANGED: 3 } as const;
export const STAT_WIDTH = 4;

export interface SyncShared {
  control: Int32Array;
  /** Chunk c covers vertices [chunks[c], chunks[c + 1]). */
  chunks: Uint32Array;
  /** Active flags for even and odd supersteps ('signalled' activation), else null. */
  activeEven: Uint8Array | null;
  activeOdd: Uint8Array | null;
  /** Vertices whose apply returned true this superstep (they scatter). */
  changed: Uint8Array;
  /** Accumulators from the gather phase, read by the apply phase: n values (scalar) or n * size (vector). */
  accs: Float64Array;
  /** Per-thread counters, cumulative over the run. */
  stats: Float64Array;
  /** Per-thread aggregator partials for the current superstep. */
  partials: Float64Array;
  /** Reduced aggregates after the last superstep, in `aggregatorNames` order. */
  aggregates: Float64Array;
  /** [signals in the last superstep, signals so far, changed vertices so far], summed over threads. */
  totals: Float64Array;
  /** Delta caching: cached accumulators, validity, and per-thread pending deltas (threads * n). */
  cache: Float64Array | null;
  cacheValid: Uint8Array | null;
  deltas: Float64Array | null;
  maxIterations: number;
  aggregatorNames: string[];
}

/** Chunk boundaries of about `target` gather+scatter edges each (at least one vertex). */
export function edgeBalancedChunks(graph: Graph, threads: number, gather: string, scatter: string): Uint32Array {
  const n = graph.numVertices;
  const weightOf = (v: number): number => {
    let w = 1;
    if (gather === 'in' || gather === 'all') w += graph.inOffsets[v + 1] - graph.inOffsets[v];
    if (gather === 'out' || gather === 'all') w += graph.outOffsets[v + 1] - graph.outOffsets[v];
    if (scatter === 'in' || scatter === 'all') w += graph.inOffsets[v + 1] - graph.inOffsets[v];
    if (scatter === 'out' || scatter === 'all') w += graph.outOffsets[v + 1] - graph.outOffsets[v];
    return w;
  };
  let total = 0;
  for (let v = 0; v < n; v++) total += weightOf(v);
  // Many more chunks than threads for dynamic balance, few enough that the cursor is not contended.
  const chunksWanted = threads === 1 ? 1 : Math.min(n, threads * 64);
  const target = Math.max(1, total / Math.max(1, chunksWanted));
  const starts: number[] = [0];
  let acc = 0;
  for (let v = 0; v < n; v++) {
    acc += weightOf(v);
    if (acc >= target && v + 1 < n) {
      starts.push(v + 1);
      acc = 0;
    }
  }
  starts.push(n);
  return Uint32Array.from(starts);
}

export interface ThreadHooks {
  /** Called by thread 0 after each superstep's barrier (progress reporting). */
  afterStep?: (superstep: number) => void;
}

/** Reduce partials into shared.aggregates; returns them as a record. */
function reduceAggregates(shared: SyncShared, aggregators: Record<string, Aggregator>, threads: number): Record<string, number> {
  const names = shared.aggregatorNames;
  const k = names.length;
  const out: Record<string, number> = {};
  for (let i = 0; i < k; i++) {
    const reduce = aggregators[names[i]].reduce;
    let acc = shared.partials[i];
    for (let t = 1; t < threads; t++) {
      const x = shared.partials[t * k + i];
      acc = reduce === 'sum' ? acc + x : reduce === 'min' ? Math.min(acc, x) : Math.max(acc, x);
    }
    shared.aggregates[i] = acc;
    out[names[i]] = acc;
  }
  return out;
}

export function identityOf(reduce: Aggregator['reduce']): number {
  return reduce === 'sum' ? 0 : reduce === 'min' ? Infinity : -Infinity;
}

/** The per-thread superstep loop's signature (see threadLoop below). */
export type SyncThreadLoop = (
  program: VertexProgram,
  fns: VertexFunctions<number | Float64Array>,
  aggregators: Record<string, Aggregator>,
  aggregates: Record<string, number>,
  params: Params,
  graph: Graph,
  shared: SyncShared,
  thread: number,
  threads: number,
  hooks?: ThreadHooks,
) => void;

/**
 * Run this thread's part of every superstep until the run stops, on a fresh
 * copy of the loop (see freshThreadLoop). `aggregates` is the context's
 * record that apply may read; it is refreshed in place after each superstep.
 */
export const runSyncThread: SyncThreadLoop = (...args) => freshThreadLoop()(...args);

/**
 * Why a fresh copy per run: V8 inlines the program's gather / apply and the
 * aggregators' maps into the loop only while each call site has seen one
 * target. Every run calls `create` again and gets new closures, and the
 * inline engine in the main thread (or a pooled worker) may run several
 * programs in one process, so one shared loop would see many targets at the
 * same call sites, deoptimise, and run on without inlining (several times
 * slower per edge). Compiling the loop's source again for each run gives it
 * call sites of its own (a copy number in the source keeps V8's compilation
 * cache from handing back an old copy). The loop refers to nothing outside
 * itself but the names passed in below.
 */
const LOOP_SOURCE = threadLoop.toString();
let loopCopies = 0;
function freshThreadLoop(): SyncThreadLoop {
  const make = new Function(
    'SweepBarrier',
    'SYNC',
    'STAT',
    'STAT_WIDTH',
    'identityOf',
    'reduceAggregates',
    'rangeReducer',
    '__name',
    `"use strict"; // sync thread loop copy ${++loopCopies}\n return (${LOOP_SOURCE});`,
  );
  const keepName = <T>(f: T): T => f;
  return make(SweepBarrier, SYNC, STAT, STAT_WIDTH, identityOf, reduceAggregates, rangeReducer, keepName) as SyncThreadLoop;
}

/**
 * One aggregator's map-reduce over a vertex range, compiled afresh for each
 * aggregator of each run, for the reason freshThreadLoop gives: its `map`
 * call site then sees one function and V8 inlines it (one shared loop over
 * several aggregators' maps measured a quarter of a small graph's superstep).
 */
let reducerCopies = 0;
export function rangeReducer(aggregator: Aggregator): (acc: number, start: number, end: number) => number {
  const step =
    aggregator.reduce === 'sum' ? 'acc += map(v);' : aggregator.reduce === 'min' ? 'acc = Math.min(acc, map(v));' : 'acc = Math.max(acc, map(v));';
  const make = new Function(
    'map',
    `"use strict"; // aggregator range copy ${++reducerCopies}\n return function (acc, start, end) { for (let v = start; v < end; v++) ${step} return acc; };`,
  );
  return make(aggregator.map) as (acc: number, start: number, end: number) => number;
}

/** The superstep loop itself, compiled afresh per run by freshThreadLoop. */
function threadLoop(
  program: VertexProgram,
  fns: VertexFunctions<number | Float64Array>,
  aggregators: Record<string, Aggregator>,
  aggregates: Record<string, number>,
  params: Params,
  graph: Graph,
  shared: SyncShared,
  thread: number,
  threads: number,
  hooks: ThreadHooks = {},
): void {
  const n = graph.numVertices;
  const control = shared.control;
  const chunks = shared.chunks;
  const numChunks = chunks.length - 1;
  const barrier = new SweepBarrier(control, SYNC.BARRIER, threads);
  const allActive = program.activation === 'all';
  const changed = shared.changed;
  const stats = shared.stats;
  const statBase = thread * STAT_WIDTH;

  const inOff = graph.inOffsets;
  const inSrc = graph.inSources;
  const inEdge = graph.inEdgeIds;
  const outOff = graph.outOffsets;
  const outTgt = graph.outTargets;
  const gatherIn = program.gatherEdges === 'in' || program.gatherEdges === 'all';
  const gatherOut = program.gatherEdges === 'out' || program.gatherEdges === 'all';
  const scatterIn = program.scatterEdges === 'in' || program.scatterEdges === 'all';
  const scatterOut = program.scatterEdges === 'out' || program.scatterEdges === 'all';
  const gather = fns.gather as ((v: number, u: number, e: number, acc: number | Float64Array) => number) | undefined;
  // A gather declared with fewer than three parameters never reads the edge id: skip loading inEdgeIds (4 bytes per edge).
  const gatherUsesEdge = gather !== undefined && gather.length >= 3;
  const apply = fns.apply as (v: number, acc: number | Float64Array) => boolean;
  const scatter = fns.scatter;
  const doScatter = scatter !== undefined && program.scatterEdges !== 'none';

  const spec = program.accumulator;
  const vector = spec.kind === 'vector';
  const zero = spec.kind === 'scalar' ? (spec.zero ?? 0) : 0;
  const sum = spec.kind === 'scalar' ? spec.sum : undefined;
  const vacc = vector ? new Float64Array(spec.size) : null;

  const cache = shared.cache;
  const cacheValid = shared.cacheValid;
  const deltas = shared.deltas;
  const myDeltas = deltas ? deltas.subarray(thread * n, thread * n + n) : null;

  const aggNames = shared.aggregatorNames;
  const aggCount = aggNames.length;
  const aggReduces = aggNames.map((name) => aggregators[name].reduce);
  const aggRanges = aggNames.map((name) => rangeReducer(aggregators[name]));

  // Accumulators of the active vertices, written by the gather phase and read by
  // the apply phase, so every gather sees the previous superstep's values.
  const accs = shared.accs;
  const size = vector ? (spec as { size: number }).size : 1;

  let updates = 0;
  let edges = 0;
  let signals = 0;
  let changedCount = 0;
  let next: Uint8Array = shared.activeOdd ?? changed;
  const signal: Signal = (u: number, delta?: number): void => {
    if (!allActive && next[u] === 0) {
      next[u] = 1;
      signals++;
    }
    if (myDeltas !== null) {
      if (delta === undefined) cacheValid![u] = 0;
      else myDeltas[u] += delta;
    }
  };

  // The hot case (scalar, plain addition, in-edges only, edge id unused) has its own loop in phase 1.
  const plainIn = gather !== undefined && sum === undefined && gatherIn && !gatherOut && !gatherUsesEdge;

  /** Scalar gather of v over the chosen edge sets; plain addition gets its own loops. */
  const gatherScalar = (v: number): number => {
    let acc = zero;
    if (gather === undefined) return acc;
    if (sum === undefined) {
      if (gatherIn) {
        const end = inOff[v + 1];
        for (let q = inOff[v]; q < end; q++) acc += gather(v, inSrc[q], gatherUsesEdge ? inEdge[q] : 0, 0);
        edges += end - inOff[v];
      }
      if (gatherOut) {
        const end = outOff[v + 1];
        for (let e = outOff[v]; e < end; e++) acc += gather(v, outTgt[e], e, 0);
        edges += end - outOff[v];
      }
    } else {
      if (gatherIn) {
        const end = inOff[v + 1];
        for (let q = inOff[v]; q < end; q++) acc = sum(acc, gather(v, inSrc[q], inEdge[q], 0));
        edges += end - inOff[v];
      }
      if (gatherOut) {
        const end = outOff[v + 1];
        for (let e = outOff[v]; e < end; e++) acc = sum(acc, gather(v, outTgt[e], e, 0));
        edges += end - outOff[v];
      }
    }
    return acc;
  };

  /** Vector gather of v into `acc` (zeroed first), then copied to v's slot of `accs`. */
  const gatherVector = (v: number, acc: Float64Array): void => {
    acc.fill(0);
    if (gather !== undefined) {
      if (gatherIn) {
        const end = inOff[v + 1];
        for (let q = inOff[v]; q < end; q++) gather(v, inSrc[q], inEdge[q], acc);
        edges += end - inOff[v];
      }
      if (gatherOut) {
        const end = outOff[v + 1];
        for (let e = outOff[v]; e < end; e++) gather(v, outTgt[e], e, acc);
        edges += end - outOff[v];
      }
    }
    const base = v * size;
    for (let i = 0; i < size; i++) accs[base + i] = acc[i];
  };

  /** The accumulator of v: from its delta-cached value when valid, else by gathering. */
  const gatherCached = (v: number): number => {
    let acc: number;
    if (cacheValid![v] === 1) {
      acc = cache![v];
      for (let t = 0; t < threads; t++) {
        acc += deltas![t * n + v];
        deltas![t * n + v] = 0;
      }
    } else {
      acc = gatherScalar(v);
      for (let t = 0; t < threads; t++) deltas![t * n + v] = 0;
      cacheValid![v] = 1;
    }
    cache![v] = acc;
    return acc;
  };

  const applyVertex = (v: number): void => {
    let isChanged: boolean;
    if (vacc !== null) {
      const base = v * size;
      for (let i = 0; i < size; i++) vacc[i] = accs[base + i];
      isChanged = apply(v, vacc);
    } else {
      isChanged = apply(v, accs[v]);
    }
    updates++;
    if (isChanged) {
      changedCount++;
      if (doScatter) changed[v] = 1;
    }
  };

  // Uncaptured copies for the loops below.
  const gatherFn = (gather ?? ((): number => 0)) as (v: number, u: number, e: number, acc: number) => number;
  const applyFn = apply as (v: number, acc: number) => boolean;
  for (;;) {
    const superstep = Atomics.load(control, SYNC.SUPERSTEP);
    const current = allActive ? null : superstep % 2 === 0 ? shared.activeEven! : shared.activeOdd!;
    next = allActive ? changed : superstep % 2 === 0 ? shared.activeOdd! : shared.activeEven!;

    // Phase 1: gather of every active vertex into `accs` (nobody writes vertex data yet).
    for (let c = Atomics.add(control, SYNC.CURSOR, 1); c < numChunks; c = Atomics.add(control, SYNC.CURSOR, 1)) {
      const end = chunks[c + 1];
      if (vacc !== null) {
        for (let v = chunks[c]; v < end; v++) if (current === null || current[v] !== 0) gatherVector(v, vacc);
      } else if (cache !== null) {
        for (let v = chunks[c]; v < end; v++) if (current === null || current[v] !== 0) accs[v] = gatherCached(v);
      } else if (current === null) {
        if (plainIn) {
          // The hot loop, written out here so its locals stay in registers (no closure call or context write per vertex).
          const start = chunks[c];
          for (let v = start; v < end; v++) {
            let acc = zero;
            const stop = inOff[v + 1];
            for (let q = inOff[v]; q < stop; q++) acc += gatherFn(v, inSrc[q], 0, 0);
            accs[v] = acc;
          }
          edges += inOff[end] - inOff[start];
        } else for (let v = chunks[c]; v < end; v++) accs[v] = gatherScalar(v);
      } else {
        for (let v = chunks[c]; v < end; v++) if (current[v] !== 0) accs[v] = gatherScalar(v);
      }
    }
    barrier.arrive(() => Atomics.store(control, SYNC.CURSOR, 0));
    if (Atomics.load(control, SYNC.ABORT) !== 0) return;

    // Phase 2: apply of every active vertex; aggregator partials (map(v) reads v's own, now final, data).
    const partialBase = thread * aggCount;
    for (let i = 0; i < aggCount; i++) shared.partials[partialBase + i] = identityOf(aggReduces[i]);
    for (let c = Atomics.add(control, SYNC.CURSOR, 1); c < numChunks; c = Atomics.add(control, SYNC.CURSOR, 1)) {
      const start = chunks[c];
      const end = chunks[c + 1];
      if (current === null && vacc === null) {
        let chunkChanged = 0;
        for (let v = start; v < end; v++) {
          if (applyFn(v, accs[v])) {
            chunkChanged++;
            if (doScatter) changed[v] = 1;
          }
        }
        updates += end - start;
        changedCount += chunkChanged;
      } else if (current === null) {
        for (let v = start; v < end; v++) applyVertex(v);
      } else {
        for (let v = start; v < end; v++) {
          if (current[v] === 0) continue;
          current[v] = 0;
          applyVertex(v);
        }
      }
      for (let i = 0; i < aggCount; i++) {
        shared.partials[partialBase + i] = aggRanges[i](shared.partials[partialBase + i], start, end);
      }
    }

    // Phase 3 (programs that scatter): scatter from the vertices whose apply returned true.
    if (doScatter) {
      barrier.arrive(() => Atomics.store(control, SYNC.CURSOR, 0));
      if (Atomics.load(control, SYNC.ABORT) !== 0) return;
      for (let c = Atomics.add(control, SYNC.CURSOR, 1); c < numChunks; c = Atomics.add(control, SYNC.CURSOR, 1)) {
        const end = chunks[c + 1];
        for (let v = chunks[c]; v < end; v++) {
          if (changed[v] === 0) continue;
          changed[v] = 0;
          if (scatterOut) {
            const stop = outOff[v + 1];
            for (let e = outOff[v]; e < stop; e++) scatter!(v, outTgt[e], e, signal);
            edges += stop - outOff[v];
          }
          if (scatterIn) {
            const stop = inOff[v + 1];
            for (let q = inOff[v]; q < stop; q++) scatter!(v, inSrc[q], inEdge[q], signal);
            edges += stop - inOff[v];
          }
        }
      }
    }
    stats[statBase + STAT.UPDATES] = updates;
    stats[statBase + STAT.EDGES] = edges;
    stats[statBase + STAT.SIGNALS] = signals;
    stats[statBase + STAT.CHANGED] = changedCount;
    barrier.arrive(() => {
      Atomics.store(control, SYNC.CURSOR, 0);
      const done = superstep + 1;
      let totalSignals = 0;
      let totalChanged = 0;
      for (let t = 0; t < threads; t++) {
        totalSignals += stats[t * STAT_WIDTH + STAT.SIGNALS];
        totalChanged += stats[t * STAT_WIDTH + STAT.CHANGED];
      }
      const previousSignals = shared.totals[1];
      const previousChanged = shared.totals[2];
      shared.totals[0] = totalSignals - previousSignals;
      shared.totals[1] = totalSignals;
      shared.totals[2] = totalChanged;
      const stepChanged = totalChanged - previousChanged;
      let stop = done >= shared.maxIterations;
      if (aggCount > 0) {
        const values = reduceAggregates(shared, aggregators, threads);
        if (program.converged && program.converged(values, done, params)) {
          Atomics.store(control, SYNC.CONVERGED, 1);
          stop = true;
        }
      }
      // Nothing left to do: no signal (signalled activation), or a fixed point (all active, none changed).
      if ((!allActive && shared.totals[0] === 0) || (allActive && stepChanged === 0)) {
        Atomics.store(control, SYNC.CONVERGED, 1);
        stop = true;
      }
      Atomics.store(control, SYNC.SUPERSTEP, done);
      if (stop) Atomics.store(control, SYNC.STOP, 1);
    });
    for (let i = 0; i < aggCount; i++) aggregates[aggNames[i]] = shared.aggregates[i];
    if (thread === 0 && hooks.afterStep) hooks.afterStep(superstep + 1);
    if (Atomics.load(control, SYNC.STOP) !== 0 || Atomics.load(control, SYNC.ABORT) !== 0) return;
  }
}
