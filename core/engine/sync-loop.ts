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
import { programFailure } from './program-failure.js';
import type { Graph } from '../graph/graph.js';
import type { Aggregator, Params, Signal, VertexFunctions, VertexProgram, ResolvedProgram } from '../program.js';
import { SweepBarrier, BARRIER_WORDS } from './async-barrier.js';
import { combine, compileAggregation, identityOf } from './aggregation.js';
import { compileKernels, type KernelEnv } from './sync-kernels.js';

/** Int32 control words. */
export const SYNC = {
  CURSOR: 0,
  SUPERSTEP: 1,
  STOP: 2,
  CONVERGED: 3,
  ABORT: 4,
  BARRIER: 5,
  /** Vertices in `SyncShared.frontier` for the coming superstep, or -1: scan every vertex's flag. */
  FRONTIER: 5 + BARRIER_WORDS,
  SIZE: 6 + BARRIER_WORDS,
} as const;

/** Per-thread counters in `SyncShared.stats`, STAT_WIDTH doubles each. */
export const STAT = { UPDATES: 0, EDGES: 1, SIGNALS: 2, CHANGED: 3 } as const;
export const STAT_WIDTH = 4;

export interface SyncShared {
  control: Int32Array;
  /** Chunk c covers vertices [chunks[c], chunks[c + 1]). */
  chunks: Uint32Array;
  /** The chunks of superstep 0: finer (FIRST_STEP_CHUNKS_PER_THREAD per thread), see there. */
  firstChunks: Uint32Array;
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
  /**
   * The sparse frontier ('signalled' runs; null when off): the coming superstep's active vertices
   * as a list, when they are few (at most `sparseLimit`). Each thread appends the vertices it
   * activates to its own slice of `lists` (`sparseLimit` entries each, `listLengths[t]` used); the
   * serial step between supersteps joins the slices into `frontier`, or, when they hold more than
   * `sparseLimit` together, leaves the next superstep to scan every vertex's flag.
   */
  frontier: Uint32Array | null;
  lists: Uint32Array | null;
  listLengths: Int32Array | null;
  /** A superstep goes sparse when its list holds at most `sparseLimit` vertices (at least 1)... */
  sparseLimit: number;
  /**
   * ...and their vertices plus the edges their gathers and scatters visit come to at most
   * `sparseWorkLimit` (Ligra's test: on a power-law graph a few thousand hubs carry most edges,
   * and a list gains nothing over a scan there). Edges count as `inFactor` per in-edge and
   * `outFactor` per out-edge (0, 1 or 2: gather and scatter each visit theirs).
   */
  sparseWorkLimit: number;
  inFactor: number;
  outFactor: number;
  /** Aggregators only after the last superstep (the program's aggregateAt 'end'). */
  aggregateAtEnd: boolean;
  /**
   * Direction-optimizing runs (VertexFunctions.pull), else null: [pulling next superstep (0/1),
   * edges not yet explored, vertices changed in the last superstep, pulled vertices counted as
   * signals in this superstep].
   */
  direction?: Float64Array | null;
  /** Direction-optimizing runs: per thread, [vertices changed, scatter edges of those] this superstep. */
  pullStats?: Float64Array | null;
  /**
   * Direction-optimizing runs: the frontier a pulling superstep gathers from, one bit per vertex
   * (n / 8 bytes: it stays in cache where per-vertex data would not, as in Beamer's bottom-up step).
   * Cleared by the serial step between apply and scatter; set instead of scattering.
   */
  frontierBits?: Int32Array | null;
}

/** Beamer's thresholds (GAPBS's defaults): pull when the frontier's edges pass unexplored / ALPHA; push again below n / BETA. */
export const PULL_ALPHA = 15;
export const PULL_BETA = 18;

/** Whether a run can go direction-optimizing: checks VertexFunctions.pull against the program's shape. */
export function pullCapable(program: ResolvedProgram, fns: VertexFunctions<number | Float64Array>): boolean {
  if (fns.pull === undefined) return false;
  const g = program.gatherEdges;
  const s = program.scatterEdges;
  const mirrored = (g === 'in' && s === 'out') || (g === 'out' && s === 'in') || (g === 'all' && s === 'all');
  return program.activation === 'signalled' && program.accumulator.kind === 'scalar' && mirrored && program.deltaCaching !== true && fns.scatter !== undefined;
}

/** Frontier entries per chunk handed out by the cursor in a sparse superstep. */
export const LIST_CHUNK = 32;

/**
 * The default sparse-frontier limits: a superstep takes its active vertices from a list when they
 * are at most n / SPARSE_DIVISOR and, with the edges they visit, at most a SPARSE_DIVISOR-th of a
 * dense superstep's vertices and edges (Ligra's threshold, m / 20).
 */
export const SPARSE_DIVISOR = 20;

/** Chunks per thread in the regular supersteps. */
export const CHUNKS_PER_THREAD = 64;

/**
 * Chunks per thread in superstep 0, where this run's kernels are new and V8 has yet to optimise
 * them. A kernel is marked for optimisation in the middle of a call; if that call goes on in the
 * interpreter past the next interrupt tick (every few thousand edges), V8 also starts an
 * on-stack-replacement compile of the same kernel, compiled before the end of the call had any
 * feedback and so deoptimised at the end of every chunk. Short calls return first: one compile
 * per kernel, and the next chunk runs its optimised code (`node --trace-opt` on PageRank over
 * soc-Epinions1 shows the OSR compiles of gatherChunk mostly gone at 512). The first superstep's
 * time is the warm-up table of `node --expose-gc dist/bench/programs.js 17 100000`. Later
 * supersteps keep CHUNKS_PER_THREAD: there the cursor would cost more per chunk than it saves.
 */
export const FIRST_STEP_CHUNKS_PER_THREAD = 512;

/** Chunk boundaries of about `target` gather+scatter edges each (at least one vertex), `perThread` chunks per thread. */
export function edgeBalancedChunks(graph: ChunkedGraph, threads: number, gather: string, scatter: string, perThread = CHUNKS_PER_THREAD): Uint32Array {
  return edgeBalancedChunkPair(graph, threads, gather, scatter, perThread, perThread)[0];
}

/** How many times a superstep visits each in-edge and each out-edge of an active vertex (gather, then scatter). */
export function edgeFactors(gather: string, scatter: string): { inFactor: number; outFactor: number } {
  return {
    inFactor: (gather === 'in' || gather === 'all' ? 1 : 0) + (scatter === 'in' || scatter === 'all' ? 1 : 0),
    outFactor: (gather === 'out' || gather === 'all' ? 1 : 0) + (scatter === 'out' || scatter === 'all' ? 1 : 0),
  };
}

/** What chunking reads of a graph (a cluster machine's sub-CSR has just these). */
export type ChunkedGraph = Pick<Graph, 'numVertices' | 'inOffsets' | 'outOffsets'>;

/** edgeBalancedChunks with `perThread` and with `finePerThread` chunks per thread, from the same passes over the vertices. */
export function edgeBalancedChunkPair(
  graph: ChunkedGraph,
  threads: number,
  gather: string,
  scatter: string,
  perThread: number,
  finePerThread: number,
): [Uint32Array, Uint32Array] {
  const n = graph.numVertices;
  const inOff = graph.inOffsets;
  const outOff = graph.outOffsets;
  // A vertex weighs 1 plus its gather and scatter edges.
  const { inFactor, outFactor } = edgeFactors(gather, scatter);
  const total = n + inFactor * inOff[n] + outFactor * outOff[n];
  // Many more chunks than threads for dynamic balance, few enough that the cursor is not contended.
  // One thread gets many chunks too: a kernel called often is optimised between calls, while a
  // single call per superstep waits for on-stack replacement in the interpreter (slow first superstep).
  const targetOf = (k: number): number => Math.max(1, total / Math.max(1, Math.min(n, threads * k)));
  const target = targetOf(perThread);
  const fineTarget = targetOf(finePerThread);
  const starts: number[] = [0];
  const fineStarts: number[] = [0];
  let acc = 0;
  let fineAcc = 0;
  for (let v = 0; v + 1 < n; v++) {
    const w = 1 + inFactor * (inOff[v + 1] - inOff[v]) + outFactor * (outOff[v + 1] - outOff[v]);
    acc += w;
    fineAcc += w;
    if (acc >= target) {
      starts.push(v + 1);
      acc = 0;
    }
    if (fineAcc >= fineTarget) {
      fineStarts.push(v + 1);
      fineAcc = 0;
    }
  }
  starts.push(n);
  fineStarts.push(n);
  return [Uint32Array.from(starts), Uint32Array.from(fineStarts)];
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
      acc = combine(reduce, acc, x);
    }
    shared.aggregates[i] = acc;
    out[names[i]] = acc;
  }
  return out;
}

/** What a thread's `signal` closure reads and counts (see createSignal). */
interface SignalState {
  /** Active flags of the next superstep (swapped each superstep). */
  next: Uint8Array;
  signals: number;
  allActive: boolean;
  /** This thread's pending deltas (delta caching), else null. */
  deltas: Float64Array | null;
  cacheValid: Uint8Array | null;
  /** This thread's slice of SyncShared.lists (sparse frontier), else an empty array. */
  list: Uint32Array;
  /** Vertices this thread activated in this superstep (entries past the slice's end are dropped). */
  listLength: number;
  /** More than one thread: a flag goes from 0 to 1 by compare-and-swap, so one thread lists it. */
  atomic: boolean;
}

/**
 * The `signal` a scatter is handed. One module-level factory, so every run's
 * signal is a closure of the same function and the program's scatter keeps
 * one call target for it across runs (V8 can then still inline it).
 */
function createSignal(state: SignalState): Signal {
  return (u: number, delta?: number): void => {
    // A plain read first: a compare-and-swap costs several plain accesses, and most signals find the flag set.
    if (!state.allActive && state.next[u] === 0) {
      if (state.atomic) {
        if (Atomics.compareExchange(state.next, u, 0, 1) !== 0) return signalDelta(state, u, delta);
      } else {
        state.next[u] = 1;
      }
      state.signals++;
      const at = state.listLength++;
      if (at < state.list.length) state.list[at] = u;
    }
    signalDelta(state, u, delta);
  };
}

/** Delta caching's part of a signal. */
function signalDelta(state: SignalState, u: number, delta: number | undefined): void {
  const deltas = state.deltas;
  if (deltas === null) return;
  if (delta === undefined) state.cacheValid![u] = 0;
  else deltas[u] += delta;
}

/**
 * Run this thread's part of every superstep until the run stops. `aggregates`
 * is the context's record that apply may read; it is refreshed in place after
 * each superstep. The per-vertex work is in this run's kernels
 * (sync-kernels.ts); this loop hands out chunks and keeps the supersteps in step.
 */
export function runSyncThread(
  program: ResolvedProgram,
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
  let chunks = shared.firstChunks;
  let numChunks = chunks.length - 1;
  const barrier = new SweepBarrier(control, SYNC.BARRIER, threads);
  const allActive = program.activation === 'all';
  const stats = shared.stats;
  const statBase = thread * STAT_WIDTH;
  const spec = program.accumulator;
  const gather = fns.gather;
  const doScatter = fns.scatter !== undefined && program.scatterEdges !== 'none';
  const aggNames = shared.aggregatorNames;
  const aggCount = aggNames.length;
  const aggReduces = aggNames.map((name) => aggregators[name].reduce);
  // Maps that may read other vertices run after every apply of the superstep (see dataAccess).
  const lateAggregation = aggCount > 0 && (program.dataAccess ?? 'vertices') !== 'gas';

  const capacity = shared.sparseLimit;
  const signalState: SignalState = {
    next: shared.activeOdd ?? shared.changed,
    signals: 0,
    allActive,
    deltas: shared.deltas ? shared.deltas.subarray(thread * n, thread * n + n) : null,
    cacheValid: shared.cacheValid,
    list: shared.lists ? shared.lists.subarray(thread * capacity, thread * capacity + capacity) : new Uint32Array(0),
    listLength: 0,
    atomic: threads > 1,
  };
  // With aggregateAt 'end' the maps run once, after the last superstep (finishSuperstep): none in the kernels.
  const stepAggregation = aggCount > 0 && !shared.aggregateAtEnd;
  const tally = new Float64Array(3);
  const direction = shared.direction ?? null;
  // The gather stops early whenever the program allows; pull supersteps only in an 'auto' direction run.
  const stopsEarly = pullCapable(program, fns) ? fns.pull : undefined;
  const scout = new Float64Array(1);
  let changedBefore = 0;
  const kernels = compileKernels(
    {
      gatherIn: program.gatherEdges === 'in' || program.gatherEdges === 'all',
      gatherOut: program.gatherEdges === 'out' || program.gatherEdges === 'all',
      scatterIn: program.scatterEdges === 'in' || program.scatterEdges === 'all',
      scatterOut: program.scatterEdges === 'out' || program.scatterEdges === 'all',
      hasGather: gather !== undefined,
      // A gather declared with fewer than three parameters never reads the edge id: skip loading inEdgeIds.
      gatherUsesEdge: gather !== undefined && gather.length >= 3,
      vector: spec.kind === 'vector',
      size: spec.kind === 'vector' ? spec.size : 1,
      customSum: spec.kind === 'scalar' && spec.sum !== undefined,
      cached: shared.cache !== null,
      signalled: !allActive,
      scatters: doScatter,
      aggregators: stepAggregation ? aggReduces : [],
      lateAggregation,
      earlyExit: stopsEarly !== undefined,
      pull: direction !== null,
    },
    {
      n,
      threads,
      inOff: graph.inOffsets,
      inSrc: graph.inSources,
      inEdge: graph.inEdgeIds,
      outOff: graph.outOffsets,
      outTgt: graph.outTargets,
      accs: shared.accs,
      changed: shared.changed,
      cache: shared.cache,
      cacheValid: shared.cacheValid,
      deltas: shared.deltas,
      zero: spec.kind === 'scalar' ? (spec.zero ?? 0) : 0,
      gather: gather as KernelEnv['gather'],
      sum: spec.kind === 'scalar' ? spec.sum : undefined,
      apply: fns.apply as KernelEnv['apply'],
      scatter: fns.scatter,
      signal: createSignal(signalState),
      maps: aggNames.map((name) => aggregators[name].map),
      tally,
      enough: stopsEarly?.enough,
      wants: stopsEarly?.wants,
      scout,
      frontierBits: shared.frontierBits ?? undefined,
      fail: programFailure(program, graph),
    },
  );
  const partials = shared.partials;
  const partialBase = thread * aggCount;
  const nextCursor = (): number => Atomics.add(control, SYNC.CURSOR, 1);
  const resetCursor = (): void => {
    Atomics.store(control, SYNC.CURSOR, 0);
  };

  for (;;) {
    const superstep = Atomics.load(control, SYNC.SUPERSTEP);
    if (superstep > 0 && chunks !== shared.chunks) {
      chunks = shared.chunks;
      numChunks = chunks.length - 1;
    }
    const current = allActive ? null : superstep % 2 === 0 ? shared.activeEven! : shared.activeOdd!;
    signalState.next = allActive ? shared.changed : superstep % 2 === 0 ? shared.activeOdd! : shared.activeEven!;
    signalState.listLength = 0;
    const frontierSize = shared.frontier === null ? -1 : Atomics.load(control, SYNC.FRONTIER);
    if (frontierSize >= 0) {
      sparseSuperstep(frontierSize, current!);
      if (finishStep(superstep)) return;
      continue;
    }

    // Phase 1: gather of every active vertex into `accs` (nobody writes vertex data yet); in a
    // pulling superstep, of every vertex that wants to (bottom-up), marking those to apply.
    if (direction !== null && direction[0] === 1) {
      for (let c = nextCursor(); c < numChunks; c = nextCursor()) kernels.pullGather(chunks[c], chunks[c + 1], current!);
      barrier.arrive(resetCursor);
    } else if (gather !== undefined) {
      for (let c = nextCursor(); c < numChunks; c = nextCursor()) kernels.gather(chunks[c], chunks[c + 1], current);
      barrier.arrive(resetCursor);
    }
    // A program without gather has no phase 1: its accumulators hold the zero from the start (runSync).
    if (Atomics.load(control, SYNC.ABORT) !== 0) return;

    // Phase 2: apply of every active vertex, with the aggregator maps folded in.
    for (let i = 0; i < aggCount; i++) partials[partialBase + i] = identityOf(aggReduces[i]);
    for (let c = nextCursor(); c < numChunks; c = nextCursor()) kernels.apply(chunks[c], chunks[c + 1], current, partials, partialBase);

    // Phase 3 (programs that scatter, or aggregate late): scatter from the vertices whose apply
    // returned true, and fold the aggregator maps over the chunk.
    const lateFold = lateAggregation && stepAggregation;
    if (doScatter || lateFold) {
      const pushing = arriveAndChooseDirection();
      if (Atomics.load(control, SYNC.ABORT) !== 0) return;
      for (let c = nextCursor(); c < numChunks; c = nextCursor()) {
        if (doScatter) {
          if (pushing) kernels.scatter(chunks[c], chunks[c + 1]);
          else markFrontier(shared.changed, shared.frontierBits!, chunks[c], chunks[c + 1], threads > 1);
        }
        if (lateFold) kernels.aggregate(chunks[c], chunks[c + 1], partials, partialBase);
      }
    }
    if (finishStep(superstep)) return;
  }

  /**
   * A superstep from the list of its `size` active vertices in shared.frontier: gather, apply and
   * scatter touch those alone. Aggregators due this superstep still fold over every vertex: a
   * 'gas' program's in a pass between apply and scatter, late ones in the scatter phase's pass
   * (cursor slots past the frontier's chunks are chunks of all vertices).
   */
  function sparseSuperstep(size: number, current: Uint8Array): void {
    const frontier = shared.frontier!;
    const listChunks = Math.ceil(size / LIST_CHUNK);
    if (gather !== undefined) {
      for (let c = nextCursor(); c < listChunks; c = nextCursor()) kernels.gatherList(frontier, c * LIST_CHUNK, Math.min(size, (c + 1) * LIST_CHUNK), current);
      barrier.arrive(resetCursor);
      if (Atomics.load(control, SYNC.ABORT) !== 0) return;
    }
    for (let i = 0; i < aggCount; i++) partials[partialBase + i] = identityOf(aggReduces[i]);
    for (let c = nextCursor(); c < listChunks; c = nextCursor()) kernels.applyList(frontier, c * LIST_CHUNK, Math.min(size, (c + 1) * LIST_CHUNK), current);
    // A 'gas' program's maps run right after the applies, before any scatter, as in a dense
    // superstep (where apply folds them): a pass of their own. Late maps run beside the scatter, as there.
    if (stepAggregation && !lateAggregation) {
      barrier.arrive(resetCursor);
      if (Atomics.load(control, SYNC.ABORT) !== 0) return;
      for (let c = nextCursor(); c < numChunks; c = nextCursor()) kernels.aggregate(chunks[c], chunks[c + 1], partials, partialBase);
    }
    const foldChunks = stepAggregation && lateAggregation ? numChunks : 0;
    if (doScatter || foldChunks > 0) {
      const pushing = arriveAndChooseDirection();
      if (Atomics.load(control, SYNC.ABORT) !== 0) return;
      const scatterChunks = doScatter ? listChunks : 0;
      for (let c = nextCursor(); c < scatterChunks + foldChunks; c = nextCursor()) {
        if (c < scatterChunks) {
          const from = c * LIST_CHUNK;
          const to = Math.min(size, (c + 1) * LIST_CHUNK);
          if (pushing) kernels.scatterList(frontier, from, to);
          else markFrontierList(shared.changed, shared.frontierBits!, frontier, from, to, threads > 1);
        } else {
          const d = c - scatterChunks;
          kernels.aggregate(chunks[d], chunks[d + 1], partials, partialBase);
        }
      }
    }
  }

  /**
   * The barrier between apply and scatter. In a direction-optimizing run each thread first posts
   * this superstep's changed vertices and their scatter edges, and the serial step chooses the
   * direction of the next superstep (chooseDirection). Returns whether to scatter (push).
   */
  function arriveAndChooseDirection(): boolean {
    if (direction === null) {
      barrier.arrive(resetCursor);
      return true;
    }
    const pullStats = shared.pullStats!;
    pullStats[2 * thread] = tally[2] - changedBefore;
    pullStats[2 * thread + 1] = scout[0];
    changedBefore = tally[2];
    scout[0] = 0;
    barrier.arrive(() => {
      resetCursor();
      // The last pulling gather is over: its frontier can go.
      shared.frontierBits!.fill(0);
      chooseDirection(direction, pullStats, threads, n);
    });
    return direction[0] === 0;
  }

  /** The end of a superstep: counters out, the serial step, aggregates in. Returns whether the run is over. */
  function finishStep(superstep: number): boolean {
    if (Atomics.load(control, SYNC.ABORT) !== 0) return true;
    stats[statBase + STAT.UPDATES] = tally[1];
    stats[statBase + STAT.EDGES] = tally[0];
    stats[statBase + STAT.SIGNALS] = signalState.signals;
    stats[statBase + STAT.CHANGED] = tally[2];
    if (shared.listLengths !== null) shared.listLengths[thread] = signalState.listLength;
    barrier.arrive(() => finishSuperstep(program, aggregators, params, shared, threads, superstep, allActive, graph));
    for (let i = 0; i < aggCount; i++) aggregates[aggNames[i]] = shared.aggregates[i];
    if (thread === 0 && hooks.afterStep) hooks.afterStep(superstep + 1);
    return Atomics.load(control, SYNC.STOP) !== 0 || Atomics.load(control, SYNC.ABORT) !== 0;
  }
}

/** The serial step at the end of a superstep (one thread): totals, aggregates, and whether to stop. */
function finishSuperstep(
  program: ResolvedProgram,
  aggregators: Record<string, Aggregator>,
  params: Params,
  shared: SyncShared,
  threads: number,
  superstep: number,
  allActive: boolean,
  graph: Graph,
): void {
  const control = shared.control;
  const stats = shared.stats;
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
  // A superstep that leaves the next one to pull signals nobody: its changed vertices stand for the signals.
  const pulled = shared.direction ? shared.direction[3] : 0;
  shared.totals[0] = totalSignals - previousSignals + pulled;
  shared.totals[1] = totalSignals;
  shared.totals[2] = totalChanged;
  const stepChanged = totalChanged - previousChanged;
  const values = shared.aggregatorNames.length > 0 && !shared.aggregateAtEnd ? reduceAggregates(shared, aggregators, threads) : null;
  const converged = convergedAfter(program, values, done, params, allActive, shared.totals[0], stepChanged);
  if (converged) Atomics.store(control, SYNC.CONVERGED, 1);
  const stop = converged || done >= shared.maxIterations;
  if (stop && shared.aggregateAtEnd) aggregateAll(shared, aggregators, graph.numVertices);
  if (!stop) {
    if (shared.direction && shared.direction[0] === 1) Atomics.store(control, SYNC.FRONTIER, -1);
    else planFrontier(shared, graph);
  }
  Atomics.store(control, SYNC.SUPERSTEP, done);
  if (stop) Atomics.store(control, SYNC.STOP, 1);
}

/**
 * The synchronous engine's stopping rule, which the cluster applies too (core/cluster/job.ts):
 * converged after superstep `done` when the program's test says so on this superstep's
 * aggregates (null: none computed), or when no work is left: no vertex signalled ('signalled'
 * activation), or none changed (a fixed point, 'all' activation).
 */
export function convergedAfter(
  program: ResolvedProgram,
  aggregates: Record<string, number> | null,
  done: number,
  params: Params,
  allActive: boolean,
  signals: number,
  changed: number,
): boolean {
  if (aggregates !== null && program.converged !== undefined && program.converged(aggregates, done, params)) return true;
  return allActive ? changed === 0 : signals === 0;
}

/**
 * Instead of scattering, before a pulling superstep: the changed vertices of [start, end) move from
 * their flags to the frontier bitmap (by atomic or when threads may share a word at a chunk's edge).
 */
function markFrontier(changed: Uint8Array, bits: Int32Array, start: number, end: number, atomic: boolean): void {
  for (let v = start; v < end; v++) {
    if (changed[v] === 0) continue;
    changed[v] = 0;
    if (atomic) Atomics.or(bits, v >>> 5, 1 << (v & 31));
    else bits[v >>> 5] |= 1 << (v & 31);
  }
}

/** markFrontier over the vertices list[from .. to - 1] (a sparse superstep's). */
function markFrontierList(changed: Uint8Array, bits: Int32Array, list: Uint32Array, from: number, to: number, atomic: boolean): void {
  for (let x = from; x < to; x++) {
    const v = list[x];
    if (changed[v] === 0) continue;
    changed[v] = 0;
    if (atomic) Atomics.or(bits, v >>> 5, 1 << (v & 31));
    else bits[v >>> 5] |= 1 << (v & 31);
  }
}

/**
 * Beamer's choice, made once per superstep between apply and scatter (one thread): while pushing,
 * pull next when the changed vertices' scatter edges exceed the unexplored edges / PULL_ALPHA
 * (else count them explored); while pulling, keep pulling while the changed vertices grow or
 * exceed n / PULL_BETA. direction[3] carries the pulled vertices to finishSuperstep as signals.
 */
function chooseDirection(direction: Float64Array, pullStats: Float64Array, threads: number, n: number): void {
  let awake = 0;
  let scouted = 0;
  for (let t = 0; t < threads; t++) {
    awake += pullStats[2 * t];
    scouted += pullStats[2 * t + 1];
  }
  let pullNext: boolean;
  if (direction[0] === 0) {
    pullNext = scouted > direction[1] / PULL_ALPHA;
    if (!pullNext) direction[1] -= scouted;
  } else {
    pullNext = awake > 0 && (awake >= direction[2] || awake > n / PULL_BETA);
  }
  direction[0] = pullNext ? 1 : 0;
  direction[2] = awake;
  direction[3] = pullNext ? awake : 0;
}

/**
 * Between supersteps: join the threads' lists of newly active vertices into the frontier of the
 * next superstep, or mark it dense (-1) when they overflowed or hold more than the sparse limit.
 */
function planFrontier(shared: SyncShared, graph: Graph): void {
  const { frontier, lists, listLengths, sparseLimit } = shared;
  if (frontier === null || lists === null || listLengths === null) return;
  let total = 0;
  for (let t = 0; t < listLengths.length; t++) total += listLengths[t];
  // A slice that overflowed (length past sparseLimit) makes the total too big as well.
  if (total > sparseLimit) {
    Atomics.store(shared.control, SYNC.FRONTIER, -1);
    return;
  }
  let at = 0;
  for (let t = 0; t < listLengths.length; t++) {
    frontier.set(lists.subarray(t * sparseLimit, t * sparseLimit + listLengths[t]), at);
    at += listLengths[t];
  }
  useFrontier(shared, graph, total);
}

/** The coming superstep runs from frontier[0 .. size - 1] unless its work is past the limit (then dense). */
export function useFrontier(shared: SyncShared, graph: Graph, size: number): void {
  const work = frontierWork(shared.frontier!, size, graph, shared.inFactor, shared.outFactor);
  Atomics.store(shared.control, SYNC.FRONTIER, work <= shared.sparseWorkLimit ? size : -1);
}

/** The vertices of frontier[0 .. size - 1] plus the edges their gathers and scatters visit. */
function frontierWork(frontier: Uint32Array, size: number, graph: Graph, inFactor: number, outFactor: number): number {
  const { inOffsets, outOffsets } = graph;
  let work = size;
  for (let x = 0; x < size; x++) {
    const v = frontier[x];
    work += inFactor * (inOffsets[v + 1] - inOffsets[v]) + outFactor * (outOffsets[v + 1] - outOffsets[v]);
  }
  return work;
}

/** aggregateAt 'end': every aggregator over every vertex, in vertex order, once the run is over. */
export function aggregateAll(shared: SyncShared, aggregators: Record<string, Aggregator>, n: number): void {
  const values = compileAggregation(aggregators)(n);
  shared.aggregatorNames.forEach((name, i) => (shared.aggregates[i] = values[name]));
}
