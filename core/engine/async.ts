/**
 * The asynchronous engine: `runAsync(program, graph, options)`. It allocates
 * the program's columns, runs `init`, sets up the shared scheduler state for
 * the chosen mode (fifo / priority queue, in-place sweeps, or colour-by-colour
 * chromatic sweeps; see async-loop.ts), then runs the work loop inline (one
 * worker: no threads) or in `threads` worker threads over shared memory, while
 * the main thread evaluates the program's aggregators every
 * `aggregateEveryMs` and stops the run when `converged` says so.
 *
 * maxIterations bounds sweeps in the sweep and chromatic modes, and total
 * vertex updates at maxIterations x n in the queue modes (checked after each
 * batch, so a run may overshoot by a batch per thread). `iterations` in the
 * result is the number of sweeps that ran something, or ceil(updates / n).
 */
import { programFailure, type FailProgram } from './program-failure.js';
import type { Columns, Schema } from '../graph/columns.js';
import type { Graph } from '../graph/graph.js';
import { sharedFloat64, sharedInt32, sharedUint8 } from '../graph/shared.js';
import { UsageError } from '../errors.js';
import type { Params, VertexFunctions, VertexProgram } from '../program.js';
import { siblingModule } from '../workers/spawn.js';
import { aggregationStep, liveAggregates, sharedClockMs } from './async-aggregate.js';
import { compileAggregation } from './aggregation.js';
import { CONTROL, runAsyncThread, type AsyncMode, type AsyncShared, type ThreadStats } from './async-loop.js';
import type { AsyncWorkerData, AsyncWorkerMessage } from './async-worker.js';
import { greedyColoring } from './coloring.js';
import { VertexQueue, createQueueBuffers } from './scheduler.js';
import { prepareRun, workerProgramData } from './run-setup.js';
import { runOnWorkers } from './worker-run.js';

export type AsyncScheduler = 'fifo' | 'priority' | 'buckets' | 'sweep';
export type Consistency = 'none' | 'vertex' | 'edge';
export type EdgeConsistency = 'locks' | 'chromatic';

export interface AsyncRunOptions {
  /** Worker threads; 1 runs inline. Default 1. */
  threads?: number;
  /** Override program parameters. */
  params?: Params;
  /** Bound on sweeps, or on updates / n for queue schedulers. Default: none (Infinity) for 'signalled' programs, 100 for 'all'. */
  maxIterations?: number;
  /**
   * Default 'sweep'. 'buckets' runs signalled vertices by the key their signals carry, smallest
   * first, in buckets of `bucketWidth` (delta-stepping: SSSP signals the tentative distance).
   */
  scheduler?: AsyncScheduler;
  /** The 'buckets' scheduler's key range per bucket (delta). Default 1. */
  bucketWidth?: number;
  /** Default 'none' (Hogwild!: racy neighbour reads, each vertex still runs on one thread at a time). */
  consistency?: Consistency;
  /** How edge consistency is kept: per-vertex locks or the chromatic engine. Default 'locks'. */
  edgeConsistency?: EdgeConsistency;
  /**
   * Aggregator period in ms during the run (they are also computed at the end); 0: at the end of
   * every sweep (sweep modes) or after every batch (queue modes, inline). Default: 0 in the sweep
   * modes (a convergence test or a normaliser then sees every sweep, as the sync engine shows it
   * every superstep), 100 in the queue modes.
   */
  aggregateEveryMs?: number;
  /** Called with each aggregation (during the run and at the end). */
  onAggregate?: (aggregates: Record<string, number>, iterations: number) => void;
}

export interface AsyncRunResult<VS extends Schema = Schema> {
  vertex: Columns<VS>;
  edge: Columns<Schema>;
  /** Sweeps that ran something (sweep modes), or ceil(vertexUpdates / n) (queue modes). */
  iterations: number;
  /** Exact number of apply calls. */
  vertexUpdates: number;
  edgesTraversed: number;
  computeSeconds: number;
  edgesPerSecond: number;
  converged: boolean;
  aggregates: Record<string, number>;
  /** Colours used by the chromatic engine (0 otherwise). */
  colors: number;
}

const WORKER_URL = siblingModule(import.meta.url, 'async-worker');

const SCHEDULERS: readonly AsyncScheduler[] = ['fifo', 'priority', 'buckets', 'sweep'];
const CONSISTENCIES: readonly Consistency[] = ['none', 'vertex', 'edge'];
const EDGE_CONSISTENCIES: readonly EdgeConsistency[] = ['locks', 'chromatic'];

function check<T extends string>(name: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw new UsageError(`runAsync: ${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  return value;
}


export async function runAsync<VS extends Schema, ES extends Schema, P extends Params, A extends number | Float64Array>(
  definition: VertexProgram<VS, ES, P, A>,
  graph: Graph,
  options: AsyncRunOptions = {},
): Promise<AsyncRunResult<VS>> {
  const scheduler = check('scheduler', options.scheduler, SCHEDULERS, 'sweep');
  const consistency = check('consistency', options.consistency, CONSISTENCIES, 'none');
  const edgeConsistency = check('edgeConsistency', options.edgeConsistency, EDGE_CONSISTENCIES, 'locks');
  const chromatic = consistency === 'edge' && edgeConsistency === 'chromatic';
  if (chromatic && scheduler !== 'sweep') {
    throw new UsageError(`runAsync: the chromatic engine sweeps colour by colour; it cannot use the '${scheduler}' scheduler (use 'sweep', or edgeConsistency 'locks')`);
  }
  const bucketWidth = options.bucketWidth ?? 1;
  if (!(bucketWidth > 0 && Number.isFinite(bucketWidth))) throw new UsageError(`runAsync: bucketWidth must be a positive number; got ${options.bucketWidth}`);
  if (options.bucketWidth !== undefined && scheduler !== 'buckets') throw new UsageError(`runAsync: bucketWidth is for the 'buckets' scheduler; this run uses '${scheduler}'`);
  if (options.aggregateEveryMs !== undefined && !(options.aggregateEveryMs >= 0 && options.aggregateEveryMs < Infinity)) {
    throw new UsageError(`runAsync: aggregateEveryMs must be a number of milliseconds >= 0 (0: every sweep); got ${options.aggregateEveryMs}`);
  }
  const { program, threads, maxIterations, params, vertex, edge, fns, aggregators, aggregates: ctxAggregates } = prepareRun('runAsync', definition, graph, options);
  // Aggregates are written per superstep (a convergence test, a normaliser read by apply): sweep
  // modes refresh them after every sweep, a pass over the vertices beside a pass over the edges.
  const sweeping = chromatic || scheduler === 'sweep';
  const aggregateEveryMs = options.aggregateEveryMs ?? (sweeping ? 0 : 100);
  const n = graph.numVertices;

  const mode: AsyncMode = chromatic ? 'chromatic' : scheduler;
  const coloring = chromatic ? greedyColoring(graph) : null;
  const useCache = program.deltaCaching === true && program.accumulator.kind === 'scalar' && (threads === 1 || consistency === 'edge');
  const shared: AsyncShared = {
    mode,
    control: sharedInt32(CONTROL.SIZE),
    progress: sharedFloat64(threads),
    queue: mode === 'fifo' || mode === 'priority' || mode === 'buckets' ? createQueueBuffers(n, mode, bucketWidth, threads) : null,
    active: mode === 'sweep' || mode === 'chromatic' ? sharedUint8(Math.max(1, n)) : null,
    classOffsets: coloring ? coloring.classOffsets : null,
    classVertices: coloring ? coloring.classVertices : null,
    locks: consistency === 'edge' && !chromatic && threads > 1 ? sharedInt32(Math.max(1, n)) : null,
    cache: useCache ? sharedFloat64(Math.max(1, n)) : null,
    cacheValid: useCache ? sharedUint8(Math.max(1, n)) : null,
    cacheLocks: useCache && chromatic && threads > 1 ? sharedInt32(Math.max(1, n)) : null,
    maxUpdates: mode === 'fifo' || mode === 'priority' || mode === 'buckets' ? maxIterations * n : Infinity,
    maxSweeps: mode === 'sweep' || mode === 'chromatic' ? maxIterations : Infinity,
    lastAggregateMs: sharedFloat64(1),
    aggregateValues: Object.keys(aggregators).length > 0 ? sharedFloat64(Object.keys(aggregators).length) : null,
  };

  // Initial activation: every vertex under 'all'; otherwise those whose init did not return false.
  // (Queued through an outbox: one lock for the whole initial set.)
  const queue = shared.queue ? new VertexQueue(shared.queue, { buffered: true }) : null;
  initialise(fns, n, program.activation === 'all', queue, shared.active, programFailure(program, graph));
  // ctx.aggregates from the start: the initial state's values, then each aggregation's, in every thread.
  if (shared.aggregateValues !== null) {
    const initial = compileAggregation(aggregators)(n);
    Object.keys(aggregators).forEach((name, i) => (shared.aggregateValues![i] = initial[name]));
    liveAggregates(ctxAggregates, aggregators, shared.aggregateValues);
  }

  const iterationsSoFar = (): number => {
    if (queue === null) return Atomics.load(shared.control, CONTROL.SWEEPS);
    let updates = 0;
    for (let t = 0; t < threads; t++) updates += shared.progress[t];
    return n === 0 ? 0 : Math.ceil(updates / n);
  };
  let aggregates: Record<string, number> = {};
  const report = (values: Record<string, number>, iterations: number): void => {
    aggregates = values;
    options.onAggregate?.(values, iterations);
  };
  const step = aggregationStep(program, aggregators, params, n, shared.control, shared.lastAggregateMs, aggregateEveryMs, report, shared.aggregateValues);

  // Queue modes aggregate on a clock, over a racy snapshot: a vertex held by a
  // descheduled thread can make the others look converged. So a convergence
  // claim there stops the threads, is checked again on the quiet state, and
  // the run resumes (same queue) when it does not hold. Sweep modes aggregate
  // in the barrier at a sweep's end, when no vertex is running.
  const stats: ThreadStats[] = [];
  let started = 0;
  for (let round = 0; ; round++) {
    Atomics.store(shared.control, CONTROL.START, 0);
    if (threads === 1) {
      if (round === 0) started = performance.now();
      shared.lastAggregateMs[0] = sharedClockMs();
      const onTick = step && queue !== null ? (): void => step(iterationsSoFar()) : null;
      stats.push(runAsyncThread(program, fns, graph, shared, 0, 1, onTick, step));
    } else {
      const run = await runInWorkers(program, graph, vertex, edge, params, shared, threads, aggregateEveryMs, report, () => {
        if (round === 0) started = performance.now();
        shared.lastAggregateMs[0] = sharedClockMs();
        return step && queue !== null ? setInterval(() => step(iterationsSoFar()), Math.max(1, aggregateEveryMs)) : null;
      });
      stats.push(...run);
    }
    if (queue === null || step === null || Atomics.load(shared.control, CONTROL.CONVERGED) === 0) break;
    Atomics.store(shared.control, CONTROL.CONVERGED, 0);
    step(iterationsSoFar(), true);
    if (Atomics.load(shared.control, CONTROL.CONVERGED) === 1 || queue.pending() === 0) break;
    Atomics.store(shared.control, CONTROL.STOP, 0);
  }
  const computeSeconds = (performance.now() - started) / 1000;
  // Final aggregates; they also decide convergence for a run that ended by running out of work.
  if (step) step(iterationsSoFar(), true);
  // Converged: the program said so, or no work is left (an empty queue; a sweep that ran nothing).
  const converged = Atomics.load(shared.control, CONTROL.CONVERGED) === 1 || (queue !== null && queue.pending() === 0);

  let vertexUpdates = 0;
  let edgesTraversed = 0;
  for (const s of stats) {
    vertexUpdates += s.updates;
    edgesTraversed += s.edges;
  }
  const iterations = queue === null ? Atomics.load(shared.control, CONTROL.SWEEPS) : n === 0 ? 0 : Math.ceil(vertexUpdates / n);
  return {
    vertex,
    edge: edge as Columns<Schema>,
    iterations,
    vertexUpdates,
    edgesTraversed,
    computeSeconds,
    edgesPerSecond: computeSeconds > 0 ? edgesTraversed / computeSeconds : 0,
    converged,
    aggregates,
    colors: coloring ? coloring.numColors : 0,
  };
}

/** Give the run to pooled workers, release them together once all are ready, and collect their counts. */
async function runInWorkers(
  program: VertexProgram,
  graph: Graph,
  vertex: Columns<Schema>,
  edge: Columns<Schema>,
  params: Params,
  shared: AsyncShared,
  threads: number,
  aggregateEveryMs: number,
  report: (aggregates: Record<string, number>, iterations: number) => void,
  onStart: () => ReturnType<typeof setInterval> | null,
): Promise<ThreadStats[]> {
  const stats: ThreadStats[] = new Array(threads);
  let timer: ReturnType<typeof setInterval> | null = null;
  const programData = workerProgramData(program, graph, vertex, edge, params, threads);
  try {
    await runOnWorkers<AsyncWorkerMessage>({
      who: 'runAsync',
      moduleUrl: WORKER_URL,
      threads,
      dataFor: (t): AsyncWorkerData => ({ ...programData(t), shared, aggregateEveryMs }),
      startWord: shared.control,
      startIndex: CONTROL.START,
      start: () => {
        timer = onStart();
      },
      abort: () => Atomics.store(shared.control, CONTROL.STOP, 1),
      onMessage: (_t, message) => {
        if (message.type === 'aggregate') report(message.aggregates, message.iterations);
      },
      onDone: (t, message) => {
        if (message.type === 'done') stats[t] = { updates: message.updates, edges: message.edges };
      },
    });
  } finally {
    if (timer !== null) clearInterval(timer);
  }
  return stats;
}

/**
 * Run init on every vertex and activate it (queue it, or set its flag) unless the activation is
 * 'signalled' and init returned false. A function of its own so that its hot loop does not make
 * V8 recompile all of runAsync in the background on every run (see sync.ts's initialise).
 */
function initialise(fns: VertexFunctions<number | Float64Array>, n: number, allActive: boolean, queue: VertexQueue | null, active: Uint8Array | null, fail: FailProgram): void {
  let v = 0;
  try {
    for (; v < n; v++) {
      const initial = fns.init ? fns.init(v) : undefined;
      if (!allActive && initial === false) continue;
      if (queue) queue.signal(v);
      else active![v] = 1;
    }
  } catch (error) {
    throw fail(error, 'init', v);
  }
  if (queue) queue.flush();
}
