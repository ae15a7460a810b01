/**
 * The vertex-program API: what a user writes, in the spirit of PowerGraph's
 * ivertex_program and Ligra's small core. A program declares its vertex (and
 * optionally edge) columns by schema, its parameters with defaults, its
 * accumulator, and which edges gather and scatter visit. Its `create` is called
 * once per run in every thread (main or worker) and returns the per-vertex
 * functions as closures over that thread's typed-array columns, so the hot
 * loops make monomorphic calls and allocate nothing per edge. A program lives
 * in its own module and records that module's `import.meta.url`, so worker
 * threads and remote machines import exactly the same code.
 */
import type { Columns, Schema } from './graph/columns.js';
import { UsageError } from './errors.js';
import type { Graph } from './graph/graph.js';

/** Which edges of a vertex gather or scatter visits. */
export type EdgeSet = 'in' | 'out' | 'all' | 'none';

/**
 * The accumulator: a number combined by `sum` from `zero` (default: addition
 * from 0), or a Float64Array of `size` that gather adds into in place and that
 * partial results are added together elementwise.
 */
export interface ScalarAccumulator {
  kind: 'scalar';
  zero?: number;
  sum?: (a: number, b: number) => number;
}
export interface VectorAccumulator {
  kind: 'vector';
  size: number;
}
export type AccumulatorSpec = ScalarAccumulator | VectorAccumulator;

/** The accumulator value a spec gives gather and apply: Float64Array for a vector spec, else number. */
export type AccumulatorOf<S extends AccumulatorSpec> = S extends VectorAccumulator ? Float64Array : number;

/** Plain JSON-like parameter values: they are posted to workers by structured clone. */
export type Params = Record<string, number | string | boolean | number[] | null>;

/**
 * What a numeric parameter may be, checked by every engine (sync, async,
 * cluster) before a run: bounds (`min`/`max` inclusive, `above`/`below`
 * exclusive), whole numbers only, and whether a run must give it (the command
 * line then refuses to run without it, rather than use the default).
 */
export interface ParamRange {
  min?: number;
  max?: number;
  above?: number;
  below?: number;
  integer?: boolean;
  required?: boolean;
  /** What it means, for messages and --help. */
  description?: string;
}

/** A parameter declared with its range: `damping: { default: 0.85, min: 0, max: 1 }`. */
export interface ParamSpec<T> extends ParamRange {
  default: T;
}

/** A program's `params` as written in defineProgram: each a default value, or a ParamSpec. */
export type ParamDeclarations<P extends Params> = { [K in keyof P]: P[K] | ParamSpec<P[K]> };

type Widen<T> = T extends number ? number : T extends string ? string : T extends boolean ? boolean : T extends readonly number[] ? number[] : null;

/** The parameter values a program's declarations give its functions: `{ damping: { default: 0.85 } }` -> `{ damping: number }`. */
export type ParamsOf<D> = { -readonly [K in keyof D]: D[K] extends ParamSpec<infer T> ? Widen<T> : Widen<D[K]> };

/**
 * What a program may know of the whole graph beyond the edges it visits: what a machine of a
 * cluster can be given by one reduction at setup, without holding the whole graph. Programs that
 * read only these (and gather/scatter's own edges) need nothing else from `graph` in `create`.
 * Ids are those the columns use; each array is computed on first read.
 */
export interface WholeGraphView {
  /** Vertices and edges of the whole graph (an undirected edge is stored, and counted, both ways). */
  numVertices: number;
  numEdges: number;
  /** Out- and in-degree of every vertex in the whole graph. */
  readonly outDegrees: Uint32Array;
  readonly inDegrees: Uint32Array;
  /** Sum of every edge's weight (0 for an unweighted graph). */
  readonly weightSum: number;
  /**
   * The whole graph's dense id of each vertex the columns hold (ascending), or null when they are those ids
   * (always, today: every engine and every cluster machine indexes columns by the whole graph's
   * ids). A program that stores vertex ids as values (component labels) or compares with a
   * `source` parameter should go through it.
   */
  globalIds: Uint32Array | null;
}

/** What `create` receives: the graph, what it may know of the whole graph, this run's columns and parameters. */
export interface ProgramContext<VS extends Schema, ES extends Schema, P extends Params> extends WholeGraphView {
  graph: Graph;
  /** The program's vertex columns, one shared typed array per field. */
  vertex: Columns<VS>;
  /** The program's edge columns, in CSR edge order. */
  edge: Columns<ES>;
  params: P;
  /** Index of this thread (0 inline), and the thread count. */
  thread: number;
  threads: number;
  /**
   * In a gather or scatter over 'all' edges: whether edge `e`, met at vertex `v`, leaves v
   * (v -> u, one of v's out-edges) rather than enters it (u -> v). A self-loop is an out-edge.
   * For programs that hold the whole graph (graphAccess 'whole', every shared-memory run).
   */
  isOutEdge(v: number, e: number): boolean;
  /**
   * The aggregators' values, by aggregator name, for apply to read a global
   * value (PageRank's dangling mass, a norm to divide by). Always present.
   * Synchronous engine: the values after the previous superstep, updated in
   * place; during the first superstep it is EMPTY (`ctx.aggregates.norm` is
   * undefined), so a program reading one must give a fallback, e.g.
   * `ctx.aggregates.norm ?? 1`. Asynchronous engine: the initial state's
   * values from the start, then each aggregation's (after every sweep in the
   * sweep modes), seen by every thread.
   */
  aggregates: Record<string, number>;
}

/**
 * Signal a neighbour: activate it for the next step. With delta caching
 * enabled (scalar accumulators only), `delta` is added to its cached
 * accumulator so its next gather can be skipped.
 */
export type Signal = (u: number, delta?: number) => void;

/**
 * The per-vertex functions a program's `create` returns. `A` is `number` for a
 * scalar accumulator and `Float64Array` for a vector one.
 * - gather(v, u, e, acc): v is the vertex being computed, u the neighbour
 *   across edge e (an id into edge columns and graph.weights). Scalar: return
 *   the contribution (combined by the accumulator's `sum`). Vector: add into
 *   `acc` in place and return nothing. A gather declared with fewer than three
 *   parameters (e.g. `(v, u) => ...`) gets 0 for e: both engines then skip
 *   loading in-edge ids, so declare `e` to receive it. Gather reads
 *   neighbours' data as the previous superstep left it (the synchronous engine
 *   runs every gather before any apply).
 * - apply(v, acc): write v's own columns from the accumulator. Return whether
 *   v changed (for 'signalled' activation, scatter runs only for changed
 *   vertices; the count of changed vertices is reported as progress).
 * - scatter(v, u, e, signal): may signal neighbours (and post deltas).
 */
export interface VertexFunctions<A> {
  /** Initialise vertex v's columns; return true to make v active at the start. */
  init?(v: number): boolean | void;
  gather?(v: number, u: number, e: number, acc: A): A extends number ? number : void;
  apply(v: number, acc: A): boolean;
  scatter?(v: number, u: number, e: number, signal: Signal): void;
  /**
   * The gather may stop early, and the synchronous engine may then run direction-optimizing
   * supersteps (Beamer, Asanovic, Patterson 2012; as Ligra and GAPBS do). Scalar accumulators,
   * 'signalled' programs whose scatter edges are the reverse of their gather edges (in/out, out/in
   * or all/all); other engines ignore it.
   * - enough(acc): once true, the gather's remaining edges cannot change what apply does with acc,
   *   so the gather stops (BFS in supersteps: any reached in-neighbour gives the level).
   * - wants(v): v could still change (BFS: v is not reached yet). When the edges the changed
   *   vertices would scatter over outnumber a fifteenth of the edges not yet explored, the engine
   *   skips that scatter and the next superstep pulls instead: every v with wants(v) gathers from
   *   its neighbours that changed in the last superstep (the frontier, as a bitmap) and applies
   *   when its accumulator is not the zero; it pushes again once the changed vertices shrink
   *   below n / 18. This must give what pushing would: the frontier neighbours alone decide v.
   */
  pull?: { wants(v: number): boolean; enough(acc: number): boolean };
}

/**
 * A reduction over vertices after each superstep (or every few ms in async
 * runs). The synchronous engine runs a 'gas' program's `map(v)` after the
 * superstep's applies and before its scatters (right after v's apply, in the
 * same pass, or in a pass of its own when the superstep runs from a sparse
 * frontier), so a map should read only v's own data, which no other apply
 * writes; a map that reads neighbours sees some of them already updated in
 * this superstep (fine for a progress figure, not for an exact value, unless,
 * as in ALS, the neighbours are not the ones being applied).
 */
export interface Aggregator {
  /** Value of vertex v, read from columns the closures captured from the context. */
  map: (v: number) => number;
  reduce: 'sum' | 'min' | 'max';
}

export interface ProgramDefinition<VS extends Schema, ES extends Schema, P extends Params, A extends number | Float64Array> {
  /** Short name, used by the command line and in reports. */
  name: string;
  /** The defining module's `import.meta.url`. */
  url: string;
  /** One-line description for `--help`. */
  description?: string;
  /**
   * Vertex columns by schema. May be a function of the run's parameters when
   * a width depends on one (ALS: `(p) => ({ factors: \`f64x${p.rank}\` })`).
   */
  vertex: VS | ((params: P) => VS);
  edge?: ES;
  /** Parameters with their defaults; a run may override any of them (defineProgram also takes ParamSpecs, see ParamDeclarations). */
  params: P;
  /** The ranges declared with the parameters (defineProgram fills this from ParamSpecs). */
  paramRanges?: Readonly<Record<string, ParamRange>>;
  /**
   * Check a run's parameters together (the defaults merged with the run's
   * overrides), for what ranges cannot say (`lo < hi`): return what is wrong,
   * in a few words, or nothing. Every engine calls it before the run.
   */
  validate?(params: P): string | void | undefined;
  /** May be a function of the run's parameters, like `vertex`. */
  accumulator: AccumulatorSpec | ((params: P) => AccumulatorSpec);
  gatherEdges: EdgeSet;
  scatterEdges: EdgeSet;
  /**
   * 'all': every vertex runs every superstep (fixed-iteration algorithms).
   * 'signalled': only vertices signalled in the previous step run (initially
   * those whose init returned true, or all when init returns nothing).
   */
  activation: 'all' | 'signalled';
  /** Delta caching (PowerGraph): scatter's deltas update cached accumulators. Scalar accumulators only. */
  deltaCaching?: boolean;
  /**
   * The signals carry the gather: a scalar program whose accumulator is a minimum, whose scatter
   * calls signal(u, x) with x the contribution of that edge to u's gather whenever it could lower
   * u's value, and whose apply keeps its vertex's value when acc is no smaller (SSSP: x is the
   * tentative distance through the edge). The async engine's 'buckets' scheduler then hands apply
   * the smallest x signalled since u last ran instead of running u's gather (a signal without a
   * value still makes u gather), as delta-stepping relaxes edges by pushing. Other schedulers and
   * engines ignore it. Not with deltaCaching.
   */
  gatherFromSignals?: boolean;
  create(ctx: ProgramContext<VS, ES, P>): VertexFunctions<A>;
  /** Aggregators computed after each superstep, built over the same context. */
  aggregators?(ctx: ProgramContext<VS, ES, P>): Record<string, Aggregator>;
  /**
   * When the aggregators must be computed: 'superstep' (the default) after
   * every superstep, so that `converged`, apply (through `ctx.aggregates`) and
   * progress reports see fresh values; 'end' only once the run is over, for
   * aggregates that just describe the result (BFS's reached and depth). With
   * 'end' a signalled run need not visit the vertices that are not active,
   * which is what lets the synchronous engine work from a sparse frontier:
   * progress reports then carry no aggregates ({}). Not with `converged`,
   * which reads them every superstep.
   */
  aggregateAt?: 'superstep' | 'end';
  /**
   * Stop when this returns true, given the latest aggregates and the superstep just finished
   * (1-based). It must be a function of its arguments alone (no clock, no randomness): in a
   * cluster every machine calls it and they must agree.
   */
  converged?(aggregates: Record<string, number>, superstep: number, params: P): boolean;
  /**
   * What the program touches beyond gather's (v, u, e) and scatter's edge,
   * which a cluster run needs to know (shared memory needs nothing):
   * - 'gas': apply reads and writes only its own vertex's data, gather and
   *   scatter only their edge and its two ends, aggregator maps only their own
   *   vertex. A cluster sends a vertex's new data only to the machines that
   *   hold its edges (its mirrors).
   * - 'vertices' (the default): apply, scatter or an aggregator also reads
   *   other vertices' data (neighbours' labels, say). A cluster sends every
   *   vertex's new data to every machine.
   * - 'shared-memory': apply writes other vertices' data or reads or writes
   *   edge data, which a cluster keeps only on the machine holding the edge.
   *   The program runs on one machine only; a cluster run is refused.
   */
  dataAccess?: 'gas' | 'vertices' | 'shared-memory';
  /**
   * 'gas' programs: the vertex columns that gather, scatter and their signals read of the two
   * ends of an edge (PageRank's gather reads only `contribution`). A cluster sends a mirror only
   * these after each apply; the others stay with the master (its apply and aggregator maps read
   * them there). Default: every column. A column left out that gather or scatter does read gives
   * a cluster run stale values: declare only what is never read across an edge.
   */
  mirrorColumns?: ReadonlyArray<keyof VS & string>;
  /**
   * What `create` and `aggregators` read of the graph: 'view' when only the context's view of the
   * whole graph (degrees, totals, ids) and the edges gather and scatter visit (`graph.weights[e]`,
   * `graph.key(v)` for messages); 'whole' (the default) when they read the graph's arrays (whole
   * adjacency lists). A cluster gives a 'view' program's machines only their own edges; a 'whole'
   * program's machines hold the whole graph.
   */
  graphAccess?: 'view' | 'whole';
  /** The column written by `--out` (id<TAB>value lines), default the first vertex column. */
  output?: keyof VS & string;
  /** 'vertex' when the output column holds dense vertex ids (component labels): `--out` then writes them as the file's ids. Default 'value'. */
  outputKind?: 'value' | 'vertex';
}

export type VertexProgram<
  VS extends Schema = Schema,
  ES extends Schema = Schema,
  P extends Params = Params,
  A extends number | Float64Array = number | Float64Array,
> = ProgramDefinition<VS, ES, P, A> & { readonly kind: 'gasworks.program' };

/**
 * Define a vertex program. Types flow from the schema: `ctx.vertex.rank` is a
 * Float64Array when the schema says `rank: 'f64'`, and a misspelt column is a
 * compile error. The accumulator type is inferred from the accumulator spec:
 * `{ kind: 'vector', size }` makes gather's and apply's `acc` a Float64Array,
 * `{ kind: 'scalar' }` a number, with no explicit generic arguments.
 */
export function defineProgram<
  VS extends Schema,
  D extends Record<string, Params[string] | ParamSpec<Params[string]>>,
  S extends AccumulatorSpec = ScalarAccumulator,
  ES extends Schema = Record<never, never>,
  P extends Params = ParamsOf<D>,
>(
  definition: Omit<ProgramDefinition<VS, ES, P, AccumulatorOf<S>>, 'params' | 'paramRanges'> & {
    accumulator: S | ((params: P) => S);
    params: D;
  },
): VertexProgram<VS, ES, P, AccumulatorOf<S>> {
  if (!definition.url || !/^file:/.test(definition.url)) {
    throw new Error(`defineProgram(${definition.name}): 'url' must be the module's import.meta.url (a file: URL)`);
  }
  const { params, paramRanges } = splitParamDeclarations(definition.name, definition.params as ParamDeclarations<Params>);
  const program = Object.freeze({ ...definition, params: params as P, paramRanges, kind: 'gasworks.program' as const });
  // Check the shape now with the default parameters, so a mistake shows where the program is defined.
  resolveProgram(program as unknown as VertexProgram, program.params);
  return program;
}

function isParamSpec(x: unknown): x is ParamSpec<Params[string]> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && 'default' in x;
}

/** Defaults and ranges from a program's declared params; a default outside its own range is the author's mistake. */
function splitParamDeclarations(name: string, declared: ParamDeclarations<Params>): { params: Params; paramRanges: Record<string, ParamRange> } {
  const params: Params = {};
  const paramRanges: Record<string, ParamRange> = {};
  for (const [key, value] of Object.entries(declared ?? {})) {
    if (!isParamSpec(value)) {
      params[key] = value;
      continue;
    }
    const { default: fallback, ...range } = value;
    params[key] = fallback;
    paramRanges[key] = Object.freeze(range);
    const problem = typeof fallback === 'number' ? rangeProblem(range, fallback) : null;
    if (problem !== null) throw new Error(`defineProgram(${name}): the default of parameter "${key}" must be ${problem}; got ${fallback}`);
  }
  return { params: Object.freeze(params) as Params, paramRanges: Object.freeze(paramRanges) };
}

/** What `x` must be to fit `range` ("in [0, 1]"), or null when it fits. */
export function rangeProblem(range: ParamRange, x: number): string | null {
  const lo = range.min !== undefined ? `[${range.min}` : range.above !== undefined ? `(${range.above}` : null;
  const hi = range.max !== undefined ? `${range.max}]` : range.below !== undefined ? `${range.below})` : null;
  const interval = lo !== null && hi !== null ? `in ${lo}, ${hi}` : lo !== null ? (range.min !== undefined ? `>= ${range.min}` : `> ${range.above}`) : hi !== null ? (range.max !== undefined ? `<= ${range.max}` : `< ${range.below}`) : 'finite';
  const what = `${range.integer ? 'a whole number' : 'a number'}${interval === 'finite' ? '' : ` ${interval}`}`;
  const fits =
    Number.isFinite(x) &&
    (range.min === undefined || x >= range.min) &&
    (range.max === undefined || x <= range.max) &&
    (range.above === undefined || x > range.above) &&
    (range.below === undefined || x < range.below) &&
    (!range.integer || Number.isInteger(x));
  return fits ? null : what;
}

/** A program as it runs with `params`: `vertex` and `accumulator` as plain values, checked. */
export interface ResolvedProgram extends VertexProgram {
  vertex: Schema;
  accumulator: AccumulatorSpec;
}

/**
 * The program with its parameter-dependent `vertex` schema and accumulator
 * worked out for `params` (the defaults merged with a run's overrides). Every
 * thread resolves the same parameters, so all agree on the column widths.
 */
export function resolveProgram(program: VertexProgram, params: Params): ResolvedProgram {
  const vertex = typeof program.vertex === 'function' ? program.vertex(params) : program.vertex;
  const accumulator = typeof program.accumulator === 'function' ? program.accumulator(params) : program.accumulator;
  if (accumulator.kind === 'vector' && !(Number.isInteger(accumulator.size) && accumulator.size > 0)) {
    throw new UsageError(`program ${program.name}: a vector accumulator needs a positive integer size; got ${accumulator.size}`);
  }
  if (program.aggregateAt !== undefined && program.aggregateAt !== 'superstep' && program.aggregateAt !== 'end') {
    throw new UsageError(`program ${program.name}: aggregateAt must be 'superstep' or 'end'; got ${JSON.stringify(program.aggregateAt)}`);
  }
  if (program.aggregateAt === 'end' && program.converged !== undefined) {
    throw new UsageError(`program ${program.name}: aggregateAt 'end' leaves converged without aggregates; use 'superstep'`);
  }
  if (program.gatherFromSignals && (accumulator.kind !== 'scalar' || program.deltaCaching)) {
    throw new UsageError(`program ${program.name}: gatherFromSignals needs a scalar accumulator and no delta caching`);
  }
  if (accumulator.kind === 'vector' && program.deltaCaching) {
    throw new UsageError(`program ${program.name}: delta caching needs a scalar accumulator`);
  }
  if (program.graphAccess !== undefined && program.graphAccess !== 'view' && program.graphAccess !== 'whole') {
    throw new UsageError(`program ${program.name}: graphAccess must be 'view' or 'whole'; got ${JSON.stringify(program.graphAccess)}`);
  }
  if (program.mirrorColumns !== undefined) {
    if ((program.dataAccess ?? 'vertices') !== 'gas') throw new UsageError(`program ${program.name}: mirrorColumns is for dataAccess 'gas' programs (others read any column of any vertex)`);
    const unknown = program.mirrorColumns.find((name) => !(name in vertex));
    if (unknown !== undefined) throw new UsageError(`program ${program.name}: mirrorColumns names ${JSON.stringify(unknown)}, which is not a vertex column (${Object.keys(vertex).join(', ')})`);
  }
  return { ...program, vertex, accumulator };
}

export function isVertexProgram(x: unknown): x is VertexProgram {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'gasworks.program';
}

/**
 * Throw a UsageError naming `who` when `params` has a key the program does
 * not declare, a value of another type than the default's (a string where
 * a number is declared would otherwise turn arithmetic into concatenation),
 * a number outside its declared range, or when the program's `validate`
 * finds the parameters together wrong. Every engine calls it before a run.
 */
export function checkParams(who: string, program: VertexProgram, params: Params | undefined): void {
  for (const [key, value] of Object.entries(params ?? {})) {
    if (!(key in program.params)) {
      throw new UsageError(`${who}: program ${program.name} has no parameter "${key}" (it has: ${Object.keys(program.params).join(', ') || 'none'})`);
    }
    const declared = program.params[key];
    const kind = (x: unknown): string => (x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x);
    if (declared !== null && value !== null && kind(value) !== kind(declared)) {
      throw new UsageError(`${who}: parameter "${key}" of program ${program.name} must be a ${kind(declared)} (like its default ${JSON.stringify(declared)}); got ${JSON.stringify(value)}`);
    }
    const range = program.paramRanges?.[key];
    if (range !== undefined && typeof value === 'number') {
      const problem = rangeProblem(range, value);
      if (problem !== null) throw new UsageError(`${who}: parameter "${key}" of program ${program.name} must be ${problem}${range.description ? ` (${range.description})` : ''}; got ${value}`);
    }
  }
  if (program.validate !== undefined) {
    const problem = program.validate({ ...program.params, ...(params ?? {}) });
    if (typeof problem === 'string' && problem !== '') throw new UsageError(`${who}: program ${program.name}: ${problem}`);
  }
}
