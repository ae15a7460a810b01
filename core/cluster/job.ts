/**
 * One machine's share of a cluster run (a job), on the worker's side. A
 * 'view' program's machine holds its part alone: its own edges, as a CSR over
 * local vertex ids (the vertices it masters or mirrors, ascending whole-graph
 * id; held-ids.ts), and columns, accumulators and flags for those vertices
 * only; `create` sees the whole graph through the context's view (degrees,
 * totals, ids). A program that reads the whole graph gets it on every machine
 * (a sub-CSR of its own edges, with their graph edge ids). Either way a
 * machine does only its share of the work: gather and scatter over its own
 * edges, apply on the vertices it masters. The wire, checkpoints and results
 * speak whole-graph vertex ids; the job maps them at its edges. Per superstep: `gather` returns the partial
 * accumulators of mirrored vertices, batched by master; `apply` adds the
 * other machines' partials (in machine order, so the sums are the same on
 * every run), applies, and returns the new rows batched by mirror machine;
 * `sync` writes the rows it mirrors, folds the aggregator maps over the
 * vertices it masters and runs scatter, returning the signals; `finish`
 * takes every machine's signals, aggregator partials and changed counts and
 * sets the next superstep's active set and aggregates, and whether the run
 * has converged, the same on every machine (so workers can run several
 * supersteps per call). The worker (worker-server.ts) moves the batches
 * between machines.
 * The kernels are the synchronous engine's (sync-kernels.ts), run on one
 * thread over the local sub-CSR.
 */
import type { Columns, Schema } from '../graph/columns.js';
import { allocateColumns } from '../graph/columns.js';
import { decodeGraph } from '../graph/binary.js';
import type { Graph } from '../graph/graph.js';
import type { Aggregator, Params, ResolvedProgram, Signal, VertexFunctions, WholeGraphView } from '../program.js';
import { checkParams, resolveProgram } from '../program.js';
import { UsageError } from '../errors.js';
import { combine, compileListAggregation } from '../engine/aggregation.js';
import { importProgram } from '../engine/load-program.js';
import { createInThread } from '../engine/run-setup.js';
import { GrowableUint32 } from '../graph/loaders/growable.js';
import { toShared } from '../graph/shared.js';
import { lowerBound } from '../util/search.js';
import { hasReplica, wordsFor } from '../graph/replica-sets.js';
import { HeldIds } from './held-ids.js';
import { StagedEdges, buildPart } from './part-build.js';
import type { SyncKernels } from '../engine/sync-kernels.js';
import { PHASE, allocateJobArrays, runChunk, threadKernels, type JobArrays, type LocalEdges } from './job-kernels.js';
import { JobThreads } from './job-threads.js';
import { convergedAfter } from '../engine/sync-loop.js';
import { RowPacker, bytesOf, packRows, toUint16, toUint32, unpackRows, viewFloat64, viewUint32 } from './wire.js';

export interface JobSetup {
  job: string;
  machine: number;
  machines: number;
  /** Where this worker imports the program from (program-shipping.ts resolved it). */
  programUrl: string;
  programName: string;
  paramsJson: string;
  /** Threads to run the job's phases on (this worker's `--threads`). Default 1. */
  threads?: number;
  graph: Uint8Array;
  edgeMachines: Uint8Array;
  masters: Uint8Array;
  replicas: Uint8Array;
  replicaWords: number;
  /** A machine's part only (see gasworks.proto): local edge -> whole-graph edge id, and the whole graph's degrees and totals. */
  globalEdgeIds?: Uint8Array;
  outDegrees?: Uint8Array;
  inDegrees?: Uint8Array;
  totalEdges?: number;
  weightSum?: number;
  /** A machine's part only: the whole graph's id of each vertex held (ascending), and the whole graph's vertex count. */
  globalVertexIds?: Uint8Array;
  totalVertices?: number;
  /** A part's edges as its coordinator streamed them (SendEdges), instead of `graph`, and how many there must be. */
  edges?: StagedEdges;
  partEdges?: number;
  /** The machine holds its part alone (globalVertexIds, totalVertices, ... say what), not the whole graph. */
  part?: boolean;
  /** The coordinator's pass over its input a streamed part came by. */
  pass?: number;
}


export interface WireBatch {
  machine: number;
  ids: Uint8Array;
  values?: Uint8Array;
  columns?: Uint8Array[];
  changed?: Uint8Array;
}

function localEdges(n: number, offsets: Uint32Array, others: Uint32Array, edgeIdOf: (q: number) => number, machineOf: Uint16Array, me: number): LocalEdges {
  const localOffsets = new Uint32Array(n + 1);
  let count = 0;
  for (let v = 0; v < n; v++) {
    for (let q = offsets[v]; q < offsets[v + 1]; q++) if (machineOf[edgeIdOf(q)] === me) count++;
    localOffsets[v + 1] = count;
  }
  const localOthers = new Uint32Array(count);
  const edgeIds = new Uint32Array(count);
  let at = 0;
  for (let v = 0; v < n; v++) {
    for (let q = offsets[v]; q < offsets[v + 1]; q++) {
      const e = edgeIdOf(q);
      if (machineOf[e] !== me) continue;
      localOthers[at] = others[q];
      edgeIds[at++] = e;
    }
  }
  return { offsets: localOffsets, others: localOthers, edgeIds };
}


/** The rows `rows` (of `count`) of packed columns, packed alike. */
function pickRows(columns: Uint8Array[], count: number, rows: Uint32Array): Uint8Array[] {
  return columns.map((bytes, c) => {
    const width = bytes.byteLength / Math.max(1, count);
    const out = new Uint8Array(rows.length * width);
    for (let i = 0; i < rows.length; i++) out.set(bytes.subarray(rows[i] * width, (rows[i] + 1) * width), i * width);
    return out;
  });
}

export class ClusterJob {
  readonly id: string;
  readonly machine: number;
  readonly machines: number;
  readonly graph: Graph;
  readonly program: ResolvedProgram;
  readonly vertex: Columns<Schema>;
  readonly edge: Columns<Schema>;
  /** Vertices active in the first superstep. */
  readonly initiallyActive: number;
  private readonly masters: Uint16Array;
  private readonly replicas: Uint32Array;
  private readonly words: number;
  private readonly fns: VertexFunctions<number | Float64Array>;
  private readonly params: Params;
  private readonly aggregators: Record<string, Aggregator>;
  private readonly aggregates: Record<string, number>;
  /** This thread's kernels, over the arrays every thread of the job shares. */
  private readonly kernels: SyncKernels;
  private readonly arrays: JobArrays;
  /** The helper threads (none with one thread); set by create. */
  private helpers: JobThreads | null = null;
  private readonly accs: Float64Array;
  private readonly size: number;
  private readonly sum: ((a: number, b: number) => number) | undefined;
  /** Active flags of this superstep (gather reads them); apply gets its own mask. */
  private readonly active: Uint8Array;
  private readonly applyMask: Uint8Array;
  private readonly changed: Uint8Array;
  private readonly signalled: Uint8Array;
  /** Vertices this machine masters, ascending. */
  private readonly mine: Uint32Array;
  /** By machine: the vertices it masters that have a gather edge here (their partials go there). */
  private readonly partialsTo: Uint32Array[];
  /** By machine: the vertices mastered here whose new rows go there (those it holds; all of them unless dataAccess is 'gas'). */
  private readonly rowsTo: Uint32Array[];
  /**
   * Scratch for a list's active members, by machine: one set for the partial ids of gather and one
   * for the row ids of apply, because the partial frames of a superstep may still be draining from
   * the socket while apply fills the row ids (a peer's partials arriving says nothing of ours).
   */
  private readonly partialScratch: Uint32Array[];
  private readonly rowScratch: Uint32Array[];
  /** The same lists' whole-graph ids, as sent (a machine's part only; see partialScratch for why one each). */
  private readonly partialWire: Uint32Array[];
  private readonly rowWire: Uint32Array[];
  /** Local ids of an incoming batch (batches are taken one at a time). */
  private readonly incomingIds: Uint32Array;
  /** Local <-> whole-graph vertex ids. */
  private readonly held: HeldIds;
  /**
   * Outgoing buffers by machine, reused every superstep: partial values, changed flags and rows.
   * Every frame of a superstep has been received before the next superstep starts (a peer sends
   * its last frame only after taking all of ours), so reuse never overwrites data not yet sent.
   * Within a superstep no buffer serves twice (see partialScratch).
   */
  private readonly partialValues: Float64Array[];
  private readonly changedFlags: Uint8Array[];
  private readonly rowPackers: RowPacker[];
  /** The vertex columns a mirror gets after each apply (the program's mirrorColumns, or all). */
  private readonly mirrorSchema: Schema;
  /** Folds the aggregator maps over a list of vertices (generated: each map inlined). */
  private readonly aggregateList: (ids: Uint32Array, out: Float64Array) => void;
  /** 'all' activation: every vertex runs every superstep. */
  private readonly allActive: boolean;
  private readonly doScatter: boolean;
  /** Graph ids of this machine's edges, ascending. */
  private readonly ownEdgeCount: number;
  private readonly edgeMachines: Uint16Array;

  /** Ids of this machine's edges, ascending: made when asked for (only a program with edge data needs them). */
  private ownEdges(): Uint32Array {
    // A part's edges are all its own.
    if (this.globalEdgeIds !== null) return Uint32Array.from({ length: this.ownEdgeCount }, (_, e) => e);
    const own = new Uint32Array(this.ownEdgeCount);
    let at = 0;
    for (let e = 0; e < this.edgeMachines.length; e++) if (this.edgeMachines[e] === this.machine) own[at++] = e;
    return own;
  }

  /** Edges the partition gave this machine. */
  get localEdgeCount(): number {
    return this.ownEdgeCount;
  }

  /** A machine's part only: the whole graph's id of each edge held (ascending); null when the machine holds the whole graph. */
  private readonly globalEdgeIds: Uint32Array | null;
  /** What the program may know of the whole graph when the machine holds only its part. */
  readonly view: WholeGraphView | undefined;

  private constructor(setup: JobSetup, program: ResolvedProgram, graph: Graph, params: Params) {
    this.id = setup.job;
    this.machine = setup.machine;
    this.machines = setup.machines;
    this.graph = graph;
    this.program = program;
    this.params = params;
    // Held vertices: every vertex, or a machine's part alone.
    const n = graph.numVertices;
    const me = setup.machine;
    this.masters = toUint16(setup.masters);
    this.replicas = toUint32(setup.replicas);
    this.words = setup.replicaWords;
    // A machine's part: the graph holds its own edges alone, so it needs no edge placement; the
    // whole graph comes as a view.
    const part = setup.part === true;
    const edgeMachines = toUint16(setup.edgeMachines);
    if (this.masters.length !== n || edgeMachines.length !== (part ? 0 : graph.numEdges) || this.replicas.length !== n * this.words) {
      throw new UsageError(`job ${setup.job}: the partition does not match the graph (${n} vertices, ${graph.numEdges} edges)`);
    }
    for (const [what, list] of [['master', this.masters], ['edge machine', edgeMachines]] as const) {
      for (let i = 0; i < list.length; i++) if (list[i] >= setup.machines) throw new UsageError(`job ${setup.job}: ${what} ${list[i]} of ${setup.machines} machines`);
    }
    const threads = setup.threads ?? 1;
    if (!(Number.isInteger(threads) && threads >= 1)) throw new UsageError(`job ${setup.job}: threads must be a positive integer; got ${threads}`);
    // Helper threads read the columns too: shared memory then.
    this.vertex = allocateColumns(program.vertex, n, threads > 1) as Columns<Schema>;
    this.edge = allocateColumns((program.edge ?? {}) as Schema, graph.numEdges, threads > 1) as Columns<Schema>;
    // A part's edges' whole-graph ids come only for a program with edge data (its rows go by them).
    const hasEdgeData = Object.keys(program.edge ?? {}).length > 0;
    this.globalEdgeIds = part ? toUint32(setup.globalEdgeIds ?? new Uint8Array(0)) : null;
    if (part) {
      const outDegrees = toShared(toUint32(setup.outDegrees ?? new Uint8Array(0)));
      const inDegrees = toShared(toUint32(setup.inDegrees ?? new Uint8Array(0)));
      const globalIds = toShared(toUint32(setup.globalVertexIds ?? new Uint8Array(0)));
      const total = setup.totalVertices ?? 0;
      if (this.globalEdgeIds!.length !== (hasEdgeData ? graph.numEdges : 0) || outDegrees.length !== n || inDegrees.length !== n || globalIds.length !== n || !(Number.isInteger(total) && total >= n && total <= 2 ** 32)) {
        throw new UsageError(`job ${setup.job}: the part does not match its graph (${graph.numEdges} edges, ${n} vertices held of ${total})`);
      }
      this.held = new HeldIds(globalIds, total, `job ${setup.job}`);
      this.view = { numVertices: total, numEdges: setup.totalEdges ?? 0, weightSum: setup.weightSum ?? 0, outDegrees, inDegrees, globalIds };
    } else {
      this.held = new HeldIds(null, n, `job ${setup.job}`);
      this.view = undefined;
    }
    const setupInThread = createInThread(program, graph, this.vertex, this.edge, params, 0, threads, this.view);
    this.fns = setupInThread.fns;
    this.aggregators = setupInThread.aggregators;
    this.aggregates = setupInThread.aggregates;

    const spec = program.accumulator;
    this.size = spec.kind === 'vector' ? spec.size : 1;
    this.sum = spec.kind === 'scalar' ? spec.sum : undefined;

    const gatherIn = program.gatherEdges === 'in' || program.gatherEdges === 'all';
    const gatherOut = program.gatherEdges === 'out' || program.gatherEdges === 'all';
    const scatterIn = program.scatterEdges === 'in' || program.scatterEdges === 'all';
    const scatterOut = program.scatterEdges === 'out' || program.scatterEdges === 'all';
    const inEdgeIds = graph.inEdgeIds;
    // A machine's part is all its own: its CSR serves as is, no sub-CSR copy.
    const localIn = !(gatherIn || scatterIn) ? null : part ? { offsets: graph.inOffsets, others: graph.inSources, edgeIds: inEdgeIds } : localEdges(n, graph.inOffsets, graph.inSources, (q) => inEdgeIds[q], edgeMachines, me);
    const localOut = !(gatherOut || scatterOut) ? null : part ? { offsets: graph.outOffsets, others: graph.outTargets, edgeIds: new Uint32Array(0) } : localEdges(n, graph.outOffsets, graph.outTargets, (e) => e, edgeMachines, me);
    const empty = (): LocalEdges => ({ offsets: new Uint32Array(n + 1), others: new Uint32Array(0), edgeIds: new Uint32Array(0) });
    // Counted, then filled: a growable list would double past the edge count at its peak.
    let ownCount = part ? graph.numEdges : 0;
    for (let e = 0; e < edgeMachines.length; e++) if (edgeMachines[e] === me) ownCount++;
    this.ownEdgeCount = ownCount;
    this.edgeMachines = edgeMachines;

    const mine = new GrowableUint32();
    const partialsTo = Array.from({ length: this.machines }, () => new GrowableUint32());
    for (let v = 0; v < n; v++) {
      const master = this.masters[v];
      if (master === me) {
        mine.push(v);
        continue;
      }
      const hasIn = gatherIn && localIn!.offsets[v + 1] > localIn!.offsets[v];
      const hasOut = gatherOut && localOut!.offsets[v + 1] > localOut!.offsets[v];
      if (hasIn || hasOut) partialsTo[master].push(v);
    }
    this.mine = mine.view().slice();
    this.partialsTo = partialsTo.map((list) => list.view().slice());
    const everywhere = (program.dataAccess ?? 'vertices') !== 'gas';
    this.rowsTo = Array.from({ length: this.machines }, (_, p) => {
      if (p === me) return new Uint32Array(0);
      if (everywhere) return this.mine;
      const list = new GrowableUint32();
      for (let i = 0; i < this.mine.length; i++) if (hasReplica(this.replicas, this.words, this.mine[i], p)) list.push(this.mine[i]);
      return list.view().slice();
    });
    this.partialScratch = this.partialsTo.map((list) => new Uint32Array(list.length));
    this.rowScratch = this.rowsTo.map((list) => new Uint32Array(list.length));
    const mapped = this.held.globalIds !== null;
    this.partialWire = this.partialsTo.map((list) => new Uint32Array(mapped ? list.length : 0));
    this.rowWire = this.rowsTo.map((list) => new Uint32Array(mapped ? list.length : 0));
    this.incomingIds = new Uint32Array(mapped ? n : 0);
    this.partialValues = this.partialsTo.map((list) => new Float64Array(list.length * this.size));
    this.changedFlags = this.rowsTo.map((list) => new Uint8Array(list.length));
    const mirrored = program.mirrorColumns ?? Object.keys(program.vertex);
    this.mirrorSchema = Object.fromEntries(Object.keys(program.vertex).filter((name) => mirrored.includes(name)).map((name) => [name, program.vertex[name]]));
    this.rowPackers = this.rowsTo.map(() => new RowPacker(this.mirrorSchema));
    this.aggregateList = compileListAggregation(this.aggregators);

    this.doScatter = this.fns.scatter !== undefined && program.scatterEdges !== 'none';
    // Delta caching as PowerGraph caches across machines: each machine caches its own partial
    // accumulator of a vertex and adds the deltas its own scatters post to it.
    const gather = this.fns.gather;
    this.arrays = allocateJobArrays({
      n,
      threads,
      inEdges: localIn ?? empty(),
      outEdges: localOut ?? empty(),
      accumulatorSize: this.size,
      gatherEdges: program.gatherEdges,
      scatterEdges: program.scatterEdges,
      zero: spec.kind === 'scalar' ? (spec.zero ?? 0) : 0,
      aggregators: Object.keys(this.aggregators).length,
      shape: {
        gatherIn,
        gatherOut,
        scatterIn,
        scatterOut,
        hasGather: gather !== undefined,
        gatherUsesEdge: gather !== undefined && gather.length >= 3,
        vector: spec.kind === 'vector',
        size: this.size,
        customSum: this.sum !== undefined,
        cached: program.deltaCaching === true && spec.kind === 'scalar',
        signalled: true,
        scatters: this.doScatter,
        aggregators: [],
        // A sub-CSR's positions are not edge ids; a share's CSR positions are its edge ids.
        outEdgeIds: !part,
      },
    });
    ({ accs: this.accs, active: this.active, applyMask: this.applyMask, changed: this.changed, signalled: this.signalled } = this.arrays);
    this.kernels = threadKernels(this.arrays, this.fns, this.sum, 0);

    // init runs on every vertex, on every machine: it is a function of the graph and the parameters,
    // so every replica starts with the master's data.
    const signalledActivation = program.activation === 'signalled';
    this.allActive = !signalledActivation;
    for (let v = 0; v < n; v++) {
      const initial = this.fns.init ? this.fns.init(v) : undefined;
      this.active[v] = signalledActivation && initial === false ? 0 : 1;
    }
    // Counted over mastered vertices: the machines' counts add up to the run's.
    let initiallyActive = 0;
    for (let i = 0; i < this.mine.length; i++) initiallyActive += this.active[this.mine[i]];
    this.initiallyActive = initiallyActive;
  }

  static async create(setup: JobSetup): Promise<ClusterJob> {
    // The sizes everything else is allocated by, checked before anything is.
    const { machines, machine } = setup;
    if (!(Number.isInteger(machines) && machines >= 1 && machines <= 65535)) throw new UsageError(`Setup: machines must be 1..65535; got ${machines}`);
    if (!(Number.isInteger(machine) && machine < machines)) throw new UsageError(`Setup: machine must be below machines (${machines}); got ${machine}`);
    if (setup.replicaWords !== wordsFor(machines)) throw new UsageError(`Setup: ${machines} machines take ${wordsFor(machines)} replica words per vertex; got ${setup.replicaWords}`);
    let params: Params;
    try {
      params = JSON.parse(setup.paramsJson) as Params;
    } catch {
      throw new UsageError('Setup: the parameters are not JSON');
    }
    if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new UsageError('Setup: the parameters must be a JSON object');
    let imported;
    try {
      imported = await importProgram(setup.programUrl, setup.programName);
    } catch (error) {
      throw new UsageError(`cannot load program ${setup.programName} on this worker: ${(error as Error).message}`);
    }
    checkParams('Setup', imported, params);
    params = { ...imported.params, ...params };
    const program = resolveProgram(imported, params);
    // A part whose edges were streamed (none, for a machine that got no edge) is built here.
    const streamed = setup.edges !== undefined || ((setup.graph === undefined || setup.graph.byteLength === 0) && setup.part === true);
    // Sizes first: what is allocated by them must be what the request can justify.
    if (setup.part === true) {
      const total = setup.totalVertices ?? 0;
      const held = (setup.globalVertexIds?.byteLength ?? 0) / 4;
      if (!(Number.isInteger(total) && total >= held && total <= 2 ** 32)) throw new UsageError(`Setup: totalVertices must be a whole number from the ${held} vertices held to 2^32; got ${total}`);
    }
    const arrived = setup.edges?.count ?? 0;
    if (streamed && arrived !== (setup.partEdges ?? 0)) throw new UsageError(`Setup: job ${setup.job} has ${arrived} of its ${setup.partEdges ?? 0} edges (SendEdges)`);
    const graph = streamed
      ? buildPart(setup.edges ?? new StagedEdges(false), toUint32(setup.globalVertexIds ?? new Uint8Array(0)), setup.totalVertices ?? 0, `job ${setup.job}`)
      : decodeGraph(setup.graph, `the graph of job ${setup.job}`);
    const job = new ClusterJob(setup, program, graph, params);
    if (job.arrays.threads > 1) {
      job.helpers = await JobThreads.start({ programUrl: setup.programUrl, programName: setup.programName, params, graph: graph.toArrays(), vertex: job.vertex, edge: job.edge, arrays: job.arrays, view: job.view });
    }
    return job;
  }

  /** Threads the job's phases run on. */
  get threads(): number {
    return this.arrays.threads;
  }

  /** Let the helper threads go (back to the pool). The job must not run again. */
  async close(): Promise<void> {
    const helpers = this.helpers;
    this.helpers = null;
    await helpers?.close();
  }

  /** Run a phase over every chunk of vertices: on this thread alone, or with the helpers. */
  private runPhase(phase: number): void {
    if (this.helpers !== null) this.helpers.run(phase, this.kernels);
    else for (let c = 0; c + 1 < this.arrays.chunks.length; c++) runChunk(this.arrays, this.kernels, phase, c);
  }

  /** Total of a tally column ([edges, updates, changed]) over the threads. */
  private tallied(column: number): number {
    const t = this.arrays.tallies;
    let total = 0;
    for (let i = column; i < t.length; i += 3) total += t[i];
    return total;
  }

  /** The members of `list` active this superstep, into `out`: the list itself when all are. */
  private activeIn(list: Uint32Array, out: Uint32Array): Uint32Array {
    if (this.allActive) return list;
    const active = this.active;
    let count = 0;
    for (let i = 0; i < list.length; i++) if (active[list[i]] !== 0) out[count++] = list[i];
    return out.subarray(0, count);
  }


  /** Gather phase over this machine's edges, for the vertices active now; partials for other masters out. */
  gather(): { partials: WireBatch[]; edges: number } {
    const edgesBefore = this.tallied(0);
    this.runPhase(PHASE.GATHER);
    // Partials of active mirrored vertices, batched by master machine.
    const size = this.size;
    const accs = this.accs;
    const partials: WireBatch[] = [];
    for (let machine = 0; machine < this.machines; machine++) {
      const ids = this.activeIn(this.partialsTo[machine], this.partialScratch[machine]);
      if (ids.length === 0) continue;
      const values = this.partialValues[machine].subarray(0, ids.length * size);
      if (size === 1) for (let i = 0; i < ids.length; i++) values[i] = accs[ids[i]];
      else for (let i = 0; i < ids.length; i++) for (let w = 0; w < size; w++) values[i * size + w] = accs[ids[i] * size + w];
      partials.push({ machine, ids: bytesOf(this.held.toGlobal(ids, this.partialWire[machine])), values: bytesOf(values) });
    }
    return { partials, edges: this.tallied(0) - edgesBefore };
  }

  /** Apply phase: the other machines' partials in; new rows for mirrors, aggregator partials and counts out. */
  apply(incoming: WireBatch[]): { updates: WireBatch[]; applied: number; changed: number } {
    const size = this.size;
    const accs = this.accs;
    const sum = this.sum;
    const ordered = [...incoming].sort((a, b) => a.machine - b.machine);
    const masters = this.masters;
    const me = this.machine;
    for (const batch of ordered) {
      const ids = this.held.toLocal(viewUint32(batch.ids), this.incomingIds, `job ${this.id}: partials from machine ${batch.machine}`);
      const values = viewFloat64(batch.values ?? new Uint8Array(0));
      if (values.length !== ids.length * size) throw new Error(`job ${this.id}: a batch of ${ids.length} partials holds ${values.length} values`);
      for (let i = 0; i < ids.length; i++) {
        if (masters[ids[i]] !== me) throw new Error(`job ${this.id}: machine ${me} got a partial for vertex ${ids[i]}, mastered by ${masters[ids[i]]}`);
      }
      if (size !== 1) for (let i = 0; i < ids.length; i++) for (let w = 0; w < size; w++) accs[ids[i] * size + w] += values[i * size + w];
      else if (sum !== undefined) for (let i = 0; i < ids.length; i++) accs[ids[i]] = sum(accs[ids[i]], values[i]);
      else for (let i = 0; i < ids.length; i++) accs[ids[i]] += values[i];
    }
    const mine = this.mine;
    const mask = this.applyMask;
    for (let i = 0; i < mine.length; i++) mask[mine[i]] = this.active[mine[i]];
    const [updatesBefore, changedBefore] = [this.tallied(1), this.tallied(2)];
    this.runPhase(PHASE.APPLY);
    // New rows of applied vertices, for every other machine that holds a replica (or every machine).
    const updates: WireBatch[] = [];
    for (let machine = 0; machine < this.machines; machine++) {
      const ids = this.activeIn(this.rowsTo[machine], this.rowScratch[machine]);
      if (ids.length === 0) continue;
      const changed = this.changedFlags[machine].subarray(0, ids.length);
      for (let i = 0; i < ids.length; i++) changed[i] = this.changed[ids[i]];
      updates.push({ machine, ids: bytesOf(this.held.toGlobal(ids, this.rowWire[machine])), columns: this.rowPackers[machine].pack(this.vertex, ids, ids.length), changed: bytesOf(changed) });
    }
    return { updates, applied: this.tallied(1) - updatesBefore, changed: this.tallied(2) - changedBefore };
  }

  /**
   * Sync phase: the masters' new rows in (and whether they scatter); then the aggregator partials over
   * the vertices this machine masters (each vertex counted once in all, after every apply of the
   * superstep, so a map that reads other vertices sees their new data), then scatter; signals out.
   */
  sync(incoming: WireBatch[]): { signalled: Uint32Array; edges: number; aggregates: Float64Array } {
    const schema = this.mirrorSchema;
    for (const batch of incoming) {
      const ids = this.held.toLocal(viewUint32(batch.ids), this.incomingIds, `job ${this.id}: rows from machine ${batch.machine}`);
      unpackRows(schema, this.vertex, ids, batch.columns ?? []);
      const changed = batch.changed ?? new Uint8Array(0);
      for (let i = 0; i < ids.length; i++) this.changed[ids[i]] = changed[i];
    }
    const aggregates = new Float64Array(Object.keys(this.aggregators).length);
    this.aggregateList(this.mine, aggregates);
    const edgesBefore = this.tallied(0);
    if (this.doScatter) this.runPhase(PHASE.SCATTER);
    else this.changed.fill(0);
    const { signalList, signalCount } = this.arrays;
    const signalled = signalList.slice(0, signalCount[0]);
    for (let i = 0; i < signalled.length; i++) this.signalled[signalled[i]] = 0;
    signalCount[0] = 0;
    // Every machine gets the signals, by whole-graph id.
    this.held.toGlobal(signalled, signalled);
    return { signalled, edges: this.tallied(0) - edgesBefore, aggregates };
  }

  /**
   * The end of a superstep, once every machine's signals and aggregator partials are in (`states`, by
   * machine, this one's included): the next active set is their union, and the aggregates are reduced
   * in machine order, so every machine ends the superstep with the same ones. Returns them, how many
   * of the vertices this machine masters are active next (the machines' counts add up to the run's)
   * and whether the run has converged (the same on every machine).
   */
  finish(states: Array<{ signalled: Uint32Array; aggregates: Float64Array; changed: number }>, done: number): { aggregates: Float64Array; active: number; converged: boolean } {
    const names = Object.keys(this.aggregators);
    const values = new Float64Array(names.length);
    names.forEach((name, i) => {
      const reduce = this.aggregators[name].reduce;
      let acc = states[0].aggregates[i];
      for (let m = 1; m < states.length; m++) acc = combine(reduce, acc, states[m].aggregates[i]);
      values[i] = acc;
      this.aggregates[name] = acc;
    });
    this.shareAggregates();
    let active = this.mine.length;
    let signals = 0;
    if (!this.allActive) {
      this.active.fill(0);
      for (const { signalled } of states) {
        signals += signalled.length;
        // Signals name whole-graph ids; a machine marks those it holds.
        for (let i = 0; i < signalled.length; i++) {
          const v = this.held.local(signalled[i]);
          if (v >= 0) this.active[v] = 1;
        }
      }
      active = 0;
      for (let i = 0; i < this.mine.length; i++) active += this.active[this.mine[i]];
    }
    let changed = 0;
    for (const state of states) changed += state.changed;
    // The shared-memory engine's stopping rule, worked out alike on every machine (it asks only
    // whether any vertex was signalled).
    const converged = convergedAfter(this.program, names.length > 0 ? { ...this.aggregates } : null, done, this.params, this.allActive, signals, changed);
    return { aggregates: values, active, converged };
  }

  /** The program's aggregators' names, in the order of every aggregate array. */
  get aggregatorNames(): string[] {
    return Object.keys(this.aggregators);
  }

  /** Whole-graph ids of the vertices this machine masters that are active in the next superstep (all of them under 'all' activation). */
  activeIds(): Uint32Array {
    const list = new GrowableUint32();
    for (let i = 0; i < this.mine.length; i++) if (this.allActive || this.active[this.mine[i]] !== 0) list.push(this.mine[i]);
    const ids = list.view();
    return this.held.toGlobal(ids, ids);
  }

  /** The aggregates the last superstep ended with (empty before the first). */
  aggregateValues(): Float64Array {
    const names = Object.keys(this.aggregators);
    return names.every((name) => name in this.aggregates) ? Float64Array.from(names, (name) => this.aggregates[name]) : new Float64Array(0);
  }

  /**
   * Roll back to a checkpoint: every vertex's and edge's data, the active set and the aggregates
   * (none: as before the first superstep); caches, flags and signals are dropped.
   */
  restore(vertices: WireBatch, edges: WireBatch, activeIds: Uint32Array, aggregateValues: Float64Array): void {
    this.beginRestore();
    this.restoreRows(vertices, edges, activeIds);
    this.endRestore(aggregateValues);
  }

  /** A roll back in parts (one checkpoint file per machine): caches, flags, signals and the active set dropped. */
  beginRestore(): void {
    this.arrays.cacheValid?.fill(0);
    this.arrays.deltas?.fill(0);
    this.changed.fill(0);
    this.signalled.fill(0);
    this.arrays.signalCount[0] = 0;
    if (!this.allActive) this.active.fill(0);
  }

  /** Rows of a checkpoint (all of it, or one machine's part), by whole-graph ids: the held ones are kept; active ids are marked. */
  restoreRows(vertices: WireBatch, edges: WireBatch, activeIds: Uint32Array): void {
    if (this.held.globalIds === null) unpackRows(this.program.vertex, this.vertex, toUint32(vertices.ids), vertices.columns ?? []);
    else {
      // Keep the held vertices' rows, at their local ids.
      const ids = toUint32(vertices.ids);
      const picked = new GrowableUint32();
      const local = new GrowableUint32();
      for (let i = 0; i < ids.length; i++) {
        const v = this.held.local(ids[i]);
        if (v < 0) continue;
        picked.push(i);
        local.push(v);
      }
      unpackRows(this.program.vertex, this.vertex, local.view(), pickRows(vertices.columns ?? [], ids.length, picked.view()));
    }
    const edgeSchema = (this.program.edge ?? {}) as Schema;
    if (this.globalEdgeIds === null) unpackRows(edgeSchema, this.edge, toUint32(edges.ids), edges.columns ?? []);
    else if (Object.keys(edgeSchema).length > 0) {
      // Keep this machine's edges' rows, at their local ids.
      const ids = toUint32(edges.ids);
      const picked: number[] = [];
      const local: number[] = [];
      const held = this.globalEdgeIds;
      for (let i = 0; i < ids.length; i++) {
        const at = lowerBound(held, 0, held.length, ids[i]);
        if (at < held.length && held[at] === ids[i]) {
          picked.push(i);
          local.push(at);
        }
      }
      const rows = Uint32Array.from(picked);
      const columns = pickRows(edges.columns ?? [], ids.length, rows);
      unpackRows(edgeSchema, this.edge, Uint32Array.from(local), columns);
    }
    if (!this.allActive) {
      for (let i = 0; i < activeIds.length; i++) {
        const v = this.held.local(activeIds[i]);
        if (v >= 0) this.active[v] = 1;
      }
    }
  }

  /** The end of a roll back: the aggregates the checkpoint's superstep ended with (empty: none yet). */
  endRestore(aggregateValues: Float64Array): void {
    const names = Object.keys(this.aggregators);
    for (const name of names) delete this.aggregates[name];
    if (aggregateValues.length === names.length) names.forEach((name, i) => (this.aggregates[name] = aggregateValues[i]));
    this.shareAggregates();
  }

  /** The aggregates as this thread holds them, for the helper threads (job-kernels.ts aggregateValues). */
  private shareAggregates(): void {
    const names = Object.keys(this.aggregators);
    const out = this.arrays.aggregateValues;
    const present = names.length > 0 && names.every((name) => name in this.aggregates);
    out[0] = present ? 1 : 0;
    if (present) names.forEach((name, i) => (out[1 + i] = this.aggregates[name]));
  }

  /** The end of the run: the mastered vertices' rows and this machine's edges' rows. */
  collect(): { vertices: WireBatch; edges: WireBatch } {
    const vertexSchema = this.program.vertex;
    const edgeSchema = (this.program.edge ?? {}) as Schema;
    // Edge rows only for a program with edge data, with the whole graph's edge ids.
    const eids = Object.keys(edgeSchema).length > 0 ? this.ownEdges() : new Uint32Array(0);
    const ids = this.globalEdgeIds === null || eids.length === 0 ? eids : this.globalEdgeIds;
    return {
      vertices: { machine: this.machine, ids: bytesOf(this.held.toGlobal(this.mine, new Uint32Array(this.mine.length))), columns: packRows(vertexSchema, this.vertex, this.mine, this.mine.length) },
      edges: { machine: this.machine, ids: bytesOf(ids), columns: packRows(edgeSchema, this.edge, eids, eids.length) },
    };
  }
}
