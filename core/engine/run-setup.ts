/**
 * What both engines do before their first superstep or sweep, in one place:
 * check the common options (threads, maxIterations, params), merge the
 * parameters with the program's defaults, allocate the program's vertex and
 * edge columns on shared memory, build the context, call `create` and
 * `aggregators`. `prepareRun` is the main thread's side; `prepareInWorker`
 * is a worker thread's, over the columns and graph arrays the main thread
 * posted (the program's module is imported there by its URL).
 */
import { allocateColumns, type Columns, type Schema } from '../graph/columns.js';
import { Graph, type GraphArrays } from '../graph/graph.js';
import { UsageError } from '../errors.js';
import { checkParams, resolveProgram, type Aggregator, type Params, type ProgramContext, type ResolvedProgram, type VertexFunctions, type VertexProgram, type WholeGraphView } from '../program.js';
import { importProgram, refuseRunWhileImporting } from './load-program.js';
import { programFailure } from './program-failure.js';

export interface CommonRunOptions {
  threads?: number;
  params?: Params;
  maxIterations?: number;
}

/** One thread's view of a run: the context `create` got and what it returned. */
export interface ThreadSetup<VS extends Schema = Schema, ES extends Schema = Schema, P extends Params = Params> {
  /** The program with its schema and accumulator worked out for this run's parameters. */
  program: ResolvedProgram;
  ctx: ProgramContext<VS, ES, P>;
  fns: VertexFunctions<number | Float64Array>;
  aggregators: Record<string, Aggregator>;
  /** The record behind `ctx.aggregates` (the engine refreshes it in place). */
  aggregates: Record<string, number>;
}

export interface PreparedRun<VS extends Schema, ES extends Schema, P extends Params> extends ThreadSetup<VS, ES, P> {
  threads: number;
  /** Default 100 for 'all' activation, unbounded for 'signalled'. */
  maxIterations: number;
  params: P;
  vertex: Columns<VS>;
  edge: Columns<ES>;
}

/** Check the options `who` ('runSync', 'runAsync') was given, allocate the columns, and create the program in this thread. */
export function prepareRun<VS extends Schema, ES extends Schema, P extends Params, A extends number | Float64Array>(
  who: string,
  program: VertexProgram<VS, ES, P, A>,
  graph: Graph,
  options: CommonRunOptions,
): PreparedRun<VS, ES, P> {
  refuseRunWhileImporting(who);
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`${who}: threads must be a positive integer; got ${threads}`);
  const maxIterations = options.maxIterations ?? (program.activation === 'all' ? 100 : Infinity);
  if (!(maxIterations > 0)) throw new UsageError(`${who}: maxIterations must be positive; got ${maxIterations}`);
  checkParams(who, program as unknown as VertexProgram, options.params);
  const params = { ...program.params, ...(options.params ?? {}) } as P;
  const resolved = resolveProgram(program as unknown as VertexProgram, params);
  const vertex = allocateColumns(resolved.vertex, graph.numVertices) as Columns<VS>;
  const edge = allocateColumns((program.edge ?? {}) as ES, graph.numEdges);
  const setup = createInThread(resolved, graph, vertex, edge, params, 0, threads);
  return { ...setup, threads, maxIterations, params, vertex, edge };
}

/** What the main thread posts to a worker so that it can create the same program over the same memory. */
export interface WorkerProgramData {
  programUrl: string;
  programName: string;
  params: Params;
  graph: GraphArrays;
  vertex: Columns<Schema>;
  edge: Columns<Schema>;
  thread: number;
  threads: number;
  /** The whole graph's view when `graph` is only part of it (createInThread's `view`). */
  view?: WholeGraphView;
}

/** What the main thread posts to each worker about the program, by thread (the graph's arrays gathered once). */
export function workerProgramData(
  program: VertexProgram,
  graph: Graph,
  vertex: Columns<Schema>,
  edge: Columns<Schema>,
  params: Params,
  threads: number,
): (thread: number) => WorkerProgramData {
  const graphArrays = graph.toArrays();
  return (thread) => ({ programUrl: program.url, programName: program.name, params, graph: graphArrays, vertex, edge, thread, threads });
}

/** The whole-graph view of a graph held whole (program.ts's WholeGraphView), its arrays computed on first read. */
export function wholeGraphView(graph: Graph): WholeGraphView {
  let outDegrees: Uint32Array | null = null;
  let inDegrees: Uint32Array | null = null;
  let weightSum: number | null = null;
  const degrees = (offsets: Uint32Array): Uint32Array => {
    const out = new Uint32Array(graph.numVertices);
    for (let v = 0; v < out.length; v++) out[v] = offsets[v + 1] - offsets[v];
    return out;
  };
  const view = { numVertices: graph.numVertices, numEdges: graph.numEdges, globalIds: null };
  return Object.defineProperties(view, {
    outDegrees: { enumerable: true, get: () => (outDegrees ??= degrees(graph.outOffsets)) },
    inDegrees: { enumerable: true, get: () => (inDegrees ??= degrees(graph.inOffsets)) },
    weightSum: {
      enumerable: true,
      get: () => {
        if (weightSum === null) {
          weightSum = 0;
          const w = graph.weights;
          if (w !== null) for (let e = 0; e < w.length; e++) weightSum += w[e];
        }
        return weightSum;
      },
    },
  }) as WholeGraphView;
}

/** A worker's side: import the program by URL, rebuild the graph over the shared arrays, create the program. */
export async function prepareInWorker(data: WorkerProgramData): Promise<ThreadSetup & { graph: Graph }> {
  const program = resolveProgram(await importProgram(data.programUrl, data.programName), data.params);
  const graph = new Graph(data.graph);
  const setup = createInThread(program, graph, data.vertex, data.edge, data.params, data.thread, data.threads, data.view);
  return { ...setup, graph };
}

export function createInThread<VS extends Schema, ES extends Schema, P extends Params>(
  program: ResolvedProgram,
  graph: Graph,
  vertex: Columns<VS>,
  edge: Columns<ES>,
  params: P,
  thread: number,
  threads: number,
  /** What the program may know of the whole graph, when `graph` is not all of it (a cluster machine's part). */
  view?: WholeGraphView,
): ThreadSetup<VS, ES, P> {
  const aggregates: Record<string, number> = {};
  // Assigned onto the view, not spread into a new object: a spread would read (compute) its lazy arrays.
  const outOffsets = graph.outOffsets;
  // e is an out-edge of v exactly when it lies in v's out-edge range (edge ids are CSR positions).
  const isOutEdge = (v: number, e: number): boolean => e >= outOffsets[v] && e < outOffsets[v + 1];
  const ctx = Object.assign(view !== undefined ? { ...view } : wholeGraphView(graph), { graph, vertex, edge, params, thread, threads, aggregates, isOutEdge }) as ProgramContext<VS, ES, P>;
  let fns: VertexFunctions<number | Float64Array>;
  let aggregators: Record<string, Aggregator>;
  try {
    fns = program.create(ctx as unknown as ProgramContext<Schema, Schema, Params>) as VertexFunctions<number | Float64Array>;
  } catch (error) {
    throw programFailure(program, graph)(error, 'create', -1);
  }
  try {
    aggregators = program.aggregators ? program.aggregators(ctx as unknown as ProgramContext<Schema, Schema, Params>) : {};
  } catch (error) {
    throw programFailure(program, graph)(error, 'aggregators', -1);
  }
  for (const [name, aggregator] of Object.entries(aggregators)) {
    if (aggregator == null || !['sum', 'min', 'max'].includes(aggregator.reduce) || typeof aggregator.map !== 'function') {
      throw new UsageError(`program ${program.name}: aggregator "${name}" needs a map function and reduce 'sum', 'min' or 'max'; got reduce ${JSON.stringify(aggregator?.reduce)}`);
    }
  }
  return { program, ctx, fns, aggregators, aggregates };
}
