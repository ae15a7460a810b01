/**
 * The synchronous (BSP) engine: `runSync(program, graph, options)`.
 * Allocates the program's columns on shared memory, runs `init`, splits the
 * vertices into edge-balanced chunks, then runs supersteps (sync-loop.ts)
 * inline for one thread or on pooled worker threads that share every array,
 * until `maxIterations`, convergence by aggregator, or no work is left (no
 * vertex signalled, or with 'all' activation no vertex changed).
 */
import { programFailure, type FailProgram } from './program-failure.js';
import type { Columns, Schema } from '../graph/columns.js';
import type { Graph } from '../graph/graph.js';
import { sharedFloat64, sharedInt32, sharedUint32, sharedUint8 } from '../graph/shared.js';
import { UsageError } from '../errors.js';
import type { Params, ResolvedProgram, VertexFunctions, VertexProgram } from '../program.js';
import { siblingModule } from '../workers/spawn.js';
import { SYNC, STAT, STAT_WIDTH, pullCapable, CHUNKS_PER_THREAD, FIRST_STEP_CHUNKS_PER_THREAD, SPARSE_DIVISOR, edgeBalancedChunkPair, edgeFactors, useFrontier, aggregateAll, runSyncThread, type SyncShared } from './sync-loop.js';
import type { SyncWorkerData, SyncWorkerMessage } from './sync-worker.js';
import { prepareRun, workerProgramData } from './run-setup.js';
import { runOnWorkers } from './worker-run.js';

export interface SyncProgress {
  superstep: number;
  /** Vertices that will run in the next superstep. */
  active: number;
  aggregates: Record<string, number>;
  edgesPerSecond: number;
}

export interface SyncRunOptions {
  /** Threads; 1 runs inline with no worker threads. Default 1. */
  threads?: number;
  params?: Params;
  /** Supersteps at most. Default 100 for 'all' activation, unbounded for 'signalled'. */
  maxIterations?: number;
  onProgress?: (progress: SyncProgress) => void;
  /**
   * 'signalled' programs: take a superstep's active vertices from a list when they are few
   * ('auto', the default: at most 1/SPARSE_DIVISOR of the vertices), always when the list holds
   * them ('sparse'), or never ('dense': scan every vertex's flag). Same answers either way.
   */
  frontier?: FrontierMode;
  /**
   * Programs whose gather may stop early (VertexFunctions.pull): 'auto' (default) chooses push or
   * pull per superstep from the frontier's edges (Beamer's heuristic); 'push' never pulls (the
   * gathers still stop early). Same answers either way.
   */
  direction?: DirectionMode;
}

export type DirectionMode = 'auto' | 'push';

export type FrontierMode = 'auto' | 'dense' | 'sparse';

export interface SyncRunResult<VS extends Schema = Schema> {
  vertex: Columns<VS>;
  edge: Columns<Schema>;
  iterations: number;
  vertexUpdates: number;
  edgesTraversed: number;
  computeSeconds: number;
  edgesPerSecond: number;
  converged: boolean;
  aggregates: Record<string, number>;
}

const WORKER_URL = siblingModule(import.meta.url, 'sync-worker');


export async function runSync<VS extends Schema, ES extends Schema, P extends Params, A extends number | Float64Array>(
  definition: VertexProgram<VS, ES, P, A>,
  graph: Graph,
  options: SyncRunOptions = {},
): Promise<SyncRunResult<VS>> {
  const { program, threads, maxIterations, params, vertex, edge, fns, aggregators, aggregates } = prepareRun('runSync', definition, graph, options);
  const n = graph.numVertices;
  const aggregatorNames = Object.keys(aggregators);

  const signalled = program.activation === 'signalled';
  const frontierMode = options.frontier ?? 'auto';
  if (frontierMode !== 'auto' && frontierMode !== 'dense' && frontierMode !== 'sparse') {
    throw new UsageError(`runSync: frontier must be 'auto', 'dense' or 'sparse'; got ${JSON.stringify(frontierMode)}`);
  }
  const sparse = signalled && frontierMode !== 'dense' && n > 0;
  const sparseLimit = Math.max(1, frontierMode === 'sparse' ? n : Math.floor(n / SPARSE_DIVISOR));
  const { inFactor, outFactor } = edgeFactors(program.gatherEdges, program.scatterEdges);
  const denseWork = n + inFactor * graph.inOffsets[n] + outFactor * graph.outOffsets[n];
  const sparseWorkLimit = frontierMode === 'sparse' ? Infinity : denseWork / SPARSE_DIVISOR;
  const useCache = program.deltaCaching === true && program.accumulator.kind === 'scalar';
  const [chunks, firstChunks] = edgeBalancedChunkPair(graph, threads, program.gatherEdges, program.scatterEdges, CHUNKS_PER_THREAD, FIRST_STEP_CHUNKS_PER_THREAD);
  const shared: SyncShared = {
    control: sharedInt32(SYNC.SIZE),
    chunks,
    firstChunks,
    activeEven: signalled ? sharedUint8(Math.max(1, n)) : null,
    activeOdd: signalled ? sharedUint8(Math.max(1, n)) : null,
    changed: sharedUint8(Math.max(1, n)),
    accs: sharedFloat64(Math.max(1, n * (program.accumulator.kind === 'vector' ? program.accumulator.size : 1))),
    stats: sharedFloat64(threads * STAT_WIDTH),
    partials: sharedFloat64(Math.max(1, threads * aggregatorNames.length)),
    aggregates: sharedFloat64(Math.max(1, aggregatorNames.length)),
    totals: sharedFloat64(3),
    cache: useCache ? sharedFloat64(Math.max(1, n)) : null,
    cacheValid: useCache ? sharedUint8(Math.max(1, n)) : null,
    deltas: useCache ? sharedFloat64(Math.max(1, n * threads)) : null,
    maxIterations,
    aggregatorNames,
    frontier: sparse ? sharedUint32(sparseLimit) : null,
    // Each thread's slice holds all of a sparse superstep's vertices, whichever thread activates them.
    lists: sparse ? sharedUint32(sparseLimit * threads) : null,
    listLengths: sparse ? sharedInt32(threads) : null,
    sparseLimit,
    sparseWorkLimit,
    inFactor,
    outFactor,
    aggregateAtEnd: program.aggregateAt === 'end',
    ...directionState(program, fns, graph, threads, options.direction ?? 'auto'),
  };

  // Without a gather no phase writes the accumulators: they hold the zero for every apply.
  if (fns.gather === undefined && program.accumulator.kind === 'scalar') shared.accs.fill(program.accumulator.zero ?? 0);
  const initiallyActive = initialise(fns, n, signalled ? shared.activeEven : null, programFailure(program, graph));
  Atomics.store(shared.control, SYNC.FRONTIER, -1);
  if (shared.frontier !== null && initiallyActive <= sparseLimit) useFrontier(shared, graph, listActive(shared.activeEven!, shared.frontier));

  // Compute time starts when every thread is ready (workers started, program created), so it is engine time alone.
  let started = performance.now();
  let lastEdges = 0;
  let lastTime = started;
  const markStart = (): void => {
    started = performance.now();
    lastTime = started;
  };
  const edgesSoFar = (): number => {
    let total = 0;
    for (let t = 0; t < threads; t++) total += shared.stats[t * STAT_WIDTH + STAT.EDGES];
    return total;
  };
  const report = options.onProgress
    ? (superstep: number, snapshot?: { aggregates: Float64Array; active: number }): void => {
        const now = performance.now();
        const edges = edgesSoFar();
        const rate = now > lastTime ? ((edges - lastEdges) * 1000) / (now - lastTime) : 0;
        lastEdges = edges;
        lastTime = now;
        // aggregateAt 'end': there are no aggregates until the run is over.
        const values: Record<string, number> = {};
        // From worker threads, the values as of that superstep (the shared arrays may have moved on).
        const source = snapshot?.aggregates ?? shared.aggregates;
        if (!shared.aggregateAtEnd) aggregatorNames.forEach((name, i) => (values[name] = source[i]));
        options.onProgress!({ superstep, active: signalled ? (snapshot?.active ?? shared.totals[0]) : n, aggregates: values, edgesPerSecond: rate });
      }
    : undefined;

  if (n > 0 && initiallyActive > 0) {
    if (threads === 1) {
      runSyncThread(program, fns, aggregators, aggregates, params, graph, shared, 0, 1, { afterStep: report });
    } else {
      await runInWorkers(program, graph, vertex, edge, params, shared, threads, report, markStart);
    }
  } else {
    Atomics.store(shared.control, SYNC.CONVERGED, 1);
    // No superstep ran: aggregateAt 'end' still owes the run its aggregates.
    if (shared.aggregateAtEnd) aggregateAll(shared, aggregators, n);
  }
  const computeSeconds = (performance.now() - started) / 1000;

  let vertexUpdates = 0;
  for (let t = 0; t < threads; t++) vertexUpdates += shared.stats[t * STAT_WIDTH + STAT.UPDATES];
  const edgesTraversed = edgesSoFar();
  const finalAggregates: Record<string, number> = {};
  aggregatorNames.forEach((name, i) => (finalAggregates[name] = shared.aggregates[i]));
  return {
    vertex,
    edge: edge as Columns<Schema>,
    iterations: Atomics.load(shared.control, SYNC.SUPERSTEP),
    vertexUpdates,
    edgesTraversed,
    computeSeconds,
    edgesPerSecond: computeSeconds > 0 ? edgesTraversed / computeSeconds : 0,
    converged: Atomics.load(shared.control, SYNC.CONVERGED) === 1,
    aggregates: finalAggregates,
  };
}

/** The shared state of a direction-optimizing run (none unless the program's gather may stop early). */
function directionState(
  program: ResolvedProgram,
  fns: VertexFunctions<number | Float64Array>,
  graph: Graph,
  threads: number,
  mode: DirectionMode,
): Pick<SyncShared, 'direction' | 'pullStats' | 'frontierBits'> {
  if (mode !== 'auto' && mode !== 'push') throw new UsageError(`runSync: direction must be 'auto' or 'push'; got ${JSON.stringify(mode)}`);
  if (fns.pull !== undefined && !pullCapable(program, fns)) {
    throw new UsageError(
      `runSync: program ${program.name} gives pull (its gather may stop early), which needs a scalar accumulator, 'signalled' activation, a scatter, no delta caching, and scatter edges the reverse of gather's (in/out, out/in, all/all)`,
    );
  }
  if (fns.pull === undefined || mode === 'push') return { direction: null, pullStats: null, frontierBits: null };
  const { inFactor, outFactor } = edgeFactors('none', program.scatterEdges);
  const direction = sharedFloat64(4);
  direction[1] = inFactor * graph.inOffsets[graph.numVertices] + outFactor * graph.outOffsets[graph.numVertices];
  return { direction, pullStats: sharedFloat64(2 * threads), frontierBits: sharedInt32(Math.max(1, Math.ceil(graph.numVertices / 32))) };
}

/**
 * Run init on every vertex; under 'signalled' activation (`active` given) mark those whose init did
 * not return false. Returns how many start active. A function of its own: a hot loop inside runSync
 * made V8 compile the whole of runSync again in the background on every run (11-18 ms of CPU each,
 * taken from the worker threads on a small machine).
 */
function initialise(fns: VertexFunctions<number | Float64Array>, n: number, active: Uint8Array | null, fail: FailProgram): number {
  let count = 0;
  let v = 0;
  try {
    for (; v < n; v++) {
      const initial = fns.init ? fns.init(v) : undefined;
      if (active !== null) {
        if (initial === false) continue;
        active[v] = 1;
      }
      count++;
    }
  } catch (error) {
    throw fail(error, 'init', v);
  }
  return count;
}

/** Write the vertices whose flag is set into `list` (it has room for them all); returns how many. */
function listActive(flags: Uint8Array, list: Uint32Array): number {
  let count = 0;
  for (let v = 0; v < flags.length; v++) if (flags[v] !== 0) list[count++] = v;
  return count;
}

/** Hand the run to pooled workers, start them together once all are ready, and wait for all to finish. */
async function runInWorkers(
  program: VertexProgram,
  graph: Graph,
  vertex: Columns<Schema>,
  edge: Columns<Schema>,
  params: Params,
  shared: SyncShared,
  threads: number,
  report: ((superstep: number, snapshot?: { aggregates: Float64Array; active: number }) => void) | undefined,
  markStart: () => void,
): Promise<void> {
  const start = sharedInt32(1);
  const programData = workerProgramData(program, graph, vertex, edge, params, threads);
  await runOnWorkers<SyncWorkerMessage>({
    who: 'runSync',
    moduleUrl: WORKER_URL,
    threads,
    dataFor: (t): SyncWorkerData => ({ ...programData(t), shared, start, reportSteps: t === 0 && report !== undefined }),
    startWord: start,
    startIndex: 0,
    start: markStart,
    abort: () => Atomics.store(shared.control, SYNC.ABORT, 1),
    onMessage: (_t, message) => {
      if (message.type === 'step') report?.(message.superstep, message);
    },
  });
}
