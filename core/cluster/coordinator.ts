/**
 * The coordinator of a cluster run: `runCluster(program, graph, { workers })`.
 * It places the graph's edges on the machines with a vertex-cut (placement.ts),
 * so that every vertex has one master and mirrors on the other machines that
 * hold its edges, ships each worker the graph, the placement and the program
 * (Setup), tells them where each other's data channels are (Connect), then
 * has them run synchronous supersteps in batches (Superstep; superstep.ts
 * has a machine's order of phases). Every machine works out the same next
 * active set, aggregates and stop by the shared-memory engine's rules, so a
 * run ends with the same answer as one process: exactly for programs whose
 * sums are exact (components, BFS, SSSP, k-core), and within rounding for
 * floating-point sums, which are added in machine order. It also renews the
 * job's lease on the workers, takes checkpoints and replaces lost workers by
 * spares (machines.ts), rolling the run back to its last checkpoint.
 */
import { randomBytes } from 'node:crypto';
import type { Columns, Schema } from '../graph/columns.js';
import { encodeGraphParts } from '../graph/binary.js';
import { verticesOnly, type Graph } from '../graph/graph.js';
import { UsageError } from '../errors.js';
import type { Params, VertexProgram } from '../program.js';
import { prepareRun, wholeGraphView } from '../engine/run-setup.js';
import { heldVertices, machineShare, type MachineShare } from './share.js';
import { canStream, isEdgeSource, streamToMachines, type EdgeChunk, type EdgeSource, type IngressSummary } from './ingress.js';
import type { SyncRunResult } from '../engine/sync.js';
import { randomPlacement, type Placement } from './placement.js';
import type { WireBatch } from './job.js';
import { parseAddress } from '../util/address.js';
import { PROTOCOL_VERSION, bytesOf, packRows, toFloat64, toUint32, unpackRows } from './wire.js';
import { Machines, WorkerLost } from './machines.js';
import { CountsSum, type DistributedLoad, type RangeCounts } from './range-load.js';
import { wordsFor } from '../graph/replica-sets.js';
import { shipmentOf, type ProgramShipment } from './program-shipping.js';
import { secretOf, type ClusterSecurity } from './security.js';
import type { EdgePlacement } from './placement.js';
import type { ResolvedProgram, Aggregator, WholeGraphView } from '../program.js';

export interface ClusterProgress {
  superstep: number;
  /** Vertices active in the next superstep. */
  active: number;
  aggregates: Record<string, number>;
  edgesPerSecond: number;
  /** Bytes of batches routed in the superstep just finished. */
  bytes: number;
}

export interface ClusterRunOptions {
  /** host:port of each worker (`gasworks worker --listen host:port`); one machine each. */
  workers: readonly string[];
  /** The cluster's token and TLS material, as the workers were given them (security.ts). */
  security?: ClusterSecurity;
  params?: Params;
  /** Supersteps at most. Default 100 for 'all' activation, unbounded for 'signalled'. */
  maxIterations?: number;
  /**
   * Where edges go: a vertex-cut placement. Default randomPlacement; gasworks/partitioner's
   * clusterPlacement('hdrf') (what the command line uses) replicates far less on power-law graphs.
   */
  placement?: Placement;
  /** Seed of the placement. Default 1. */
  seed?: number;
  /**
   * Seconds a worker has to answer one call, per superstep for the calls that run several, before
   * it counts as lost. Default 600.
   */
  callTimeoutSeconds?: number;
  /**
   * Save every vertex's and edge's data in the coordinator every this many
   * supersteps (and at the start), to roll back to when a worker is lost.
   * Default 0: only at the start, and only when there are spares.
   */
  checkpointEvery?: number;
  /**
   * Seconds a worker keeps the job without a call from this coordinator (it renews the lease every
   * third of it): a coordinator that dies leaves nothing behind for longer. Default 60.
   */
  leaseSeconds?: number;
  /**
   * PowerGraph-style loading of a file every worker can read (a shared or copied file): each
   * worker reads its own range of `path` (under its `--data-dir`) and sends each edge to its
   * machine's worker; this coordinator sees no edge. The input must then be that file's stream as
   * this process reads its header (gwgSource), and the placement stateless (random). Default: this
   * coordinator reads a streamed input and sends each machine its edges.
   */
  distributedLoad?: DistributedLoad;
  /** Workers standing by: one takes a lost worker's place, and the run carries on from the last checkpoint. */
  spares?: readonly string[];
  onProgress?: (progress: ClusterProgress) => void;
  /** Called after each recovery from a lost worker. */
  onRecovery?: (event: { machine: number; lost: string; replacement: string; superstep: number }) => void;
}

/** What a cluster run adds to the shared-memory engine's result. */
export interface ClusterInfo {
  machines: number;
  partitioner: string;
  /** Replicas per vertex of the partition the run used. */
  replicationFactor: number;
  /** Shipping the graph and partition, creating the program on every worker. */
  setupSeconds: number;
  /** Bytes sent between workers over the run: partials, vertex rows, signals, aggregator partials, changed counts. */
  bytesRouted: number;
  /** Lost workers replaced by spares, and checkpoints taken. */
  recoveries: number;
  checkpoints: number;
  /** The workers at the end (spares in the place of lost ones). */
  workers: string[];
  /** How the machines got their edges: streamed by this coordinator (it never held them), read by the workers themselves (--load distributed), or cut from the loaded graph. */
  ingress: 'stream' | 'distributed' | 'load';
  /** The whole graph's edge count. */
  edges: number;
  /** Where checkpoints were kept: each worker its part, on its own storage (--checkpoint-dir), or the coordinator all of it. */
  checkpointsAt: 'workers' | 'coordinator';
}

export interface ClusterRunResult<VS extends Schema = Schema> extends SyncRunResult<VS>, ClusterInfo {}

/** Bytes per SendGraph call: one chunk in flight per machine, never a whole serialized graph. */
const GRAPH_CHUNK_BYTES = 16 * 1024 * 1024;

/** Supersteps per Superstep call at most: fewer round trips, progress in batches. */
const SUPERSTEPS_PER_CALL = 8;

/** What the superstep loop carries from one superstep to the next. */
interface LoopState {
  superstep: number;
  aggregates: Record<string, number>;
  converged: boolean;
  vertexUpdates: number;
  edgesTraversed: number;
  bytesRouted: number;
}

/** The loop's state at the end of a superstep, and where its rows are. */
interface Checkpoint {
  state: LoopState;
  /** Every vertex and edge row, kept here; null when the workers keep them (each its part, on its own storage). */
  rows: CheckpointRows | null;
}

/** A checkpoint's rows, kept at the coordinator. */
interface CheckpointRows {
  vertices: WireBatch;
  edges: WireBatch;
  /** The workers' own state: the active set (uint32 ids) and aggregates (float64) for the next superstep. */
  active: Uint8Array;
  aggregateValues: Uint8Array;
}

type SuperstepReply = { steps: number; edges: Uint8Array; applied: Uint8Array; bytes: Uint8Array; active: Uint8Array; aggregates: Uint8Array; converged: boolean };
type SetupReply = { initiallyActive: number; dataPort: number; checkpoints: boolean };

/**
 * Run `program` over `graph` on the cluster's workers, synchronous supersteps; see the module header.
 * `graph` may be an edge stream (ingress.ts: a generator read in chunks), which this coordinator
 * places and sends on without holding it; the program must then read only the view of the whole
 * graph (graphAccess 'view', dataAccess 'gas', no edge data) and the placement must place streams.
 */
export async function runCluster<VS extends Schema, ES extends Schema, P extends Params, A extends number | Float64Array>(
  definition: VertexProgram<VS, ES, P, A>,
  graph: Graph | EdgeSource,
  options: ClusterRunOptions,
): Promise<ClusterRunResult<VS>> {
  const run = new ClusterRun(definition as unknown as VertexProgram, graph, options);
  return (await run.run()) as ClusterRunResult<VS>;
}

/** One cluster run, from its options to its result; `run()` reads as its steps. */
class ClusterRun {
  private readonly program: ResolvedProgram;
  private readonly params: Params;
  private readonly maxIterations: number;
  private readonly vertex: Columns<Schema>;
  private readonly edge: Columns<Schema>;
  private readonly aggregatorNames: string[];
  private readonly placementName: string;
  private readonly checkpointEvery: number;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly job = randomBytes(8).toString('hex');
  private readonly machines: Machines;
  private part!: EdgePlacement;
  /** The graph: loaded, or (streamed input) its vertices alone, the edges having gone to the machines. */
  private readonly graph: Graph;
  /** A streamed input, read again for a spare's part; null for a loaded graph. */
  private readonly source: EdgeSource | null;
  /** A streamed input's pass (counts, degrees, replica sets), once made. */
  private ingress: IngressSummary | null = null;
  /** A streamed input: whether machine m's worker holds its edges. */
  private readonly edgesSent: boolean[];
  /** A streamed input: the pass machine m's edges came by (each pass, whole or a spare's, has a number of its own). */
  private readonly edgesPass: number[];
  private passes = 0;
  /** Each machine's Setup reply, null until set up. */
  private readonly setups: Array<SetupReply | null>;
  /** Where each machine's data channel is. */
  private readonly dataAddresses: string[];
  private epoch = 0;
  private state: LoopState;
  private checkpoint: Checkpoint | null = null;
  private recoveries = 0;
  private checkpoints = 0;
  private setupStart = 0;
  private started = 0;
  private lastTime = 0;
  private setupSeconds = 0;
  private computeSeconds = 0;

  constructor(
    definition: VertexProgram,
    input: Graph | EdgeSource,
    private readonly options: ClusterRunOptions,
  ) {
    this.source = isEdgeSource(input) ? input : null;
    // A stream's program is made on its vertices alone: it reads the view, which comes from the pass.
    const graph = this.source === null ? (input as Graph) : verticesOnly(this.source.numVertices, this.source.fileIds ?? null);
    this.graph = graph;
    const workers = [...(options.workers ?? [])];
    if (workers.length === 0) throw new UsageError('runCluster: workers must list at least one host:port');
    if (workers.length > 65535) throw new UsageError(`runCluster: at most 65535 workers; got ${workers.length}`);
    for (const address of workers) parseAddress('runCluster', address);
    const spares = [...(options.spares ?? [])];
    for (const address of spares) parseAddress('runCluster: spares', address);
    const everyAddress = [...workers, ...spares];
    const twice = everyAddress.find((a, i) => everyAddress.indexOf(a) !== i);
    if (twice !== undefined) throw new UsageError(`runCluster: ${twice} is listed twice among the workers and spares; each worker serves one machine`);
    this.checkpointEvery = options.checkpointEvery ?? 0;
    if (!(Number.isInteger(this.checkpointEvery) && this.checkpointEvery >= 0)) throw new UsageError(`runCluster: checkpointEvery must be a whole number of supersteps (0: only the start); got ${this.checkpointEvery}`);
    this.leaseMs = Math.round((options.leaseSeconds ?? 60) * 1000);
    if (!(this.leaseMs >= 1000 && this.leaseMs <= 24 * 3600_000)) throw new UsageError(`runCluster: leaseSeconds must be between 1 and 86400; got ${options.leaseSeconds}`);
    const prepared = prepareRun('runCluster', definition, graph, { threads: 1, params: options.params, maxIterations: options.maxIterations });
    if (prepared.program.dataAccess === 'shared-memory') {
      throw new UsageError(`runCluster: program ${prepared.program.name} runs on one machine only (its dataAccess is 'shared-memory': its apply touches edge data or other vertices' data, which a cluster keeps elsewhere); run it without a cluster`);
    }
    this.edgesSent = workers.map(() => false);
    this.edgesPass = workers.map(() => 0);
    if (options.distributedLoad !== undefined && this.source === null) throw new UsageError('runCluster: distributedLoad needs the file\'s stream (gwgSource), not a loaded graph');
    if (this.source !== null) {
      const p = prepared.program;
      if (!canStream(p)) {
        throw new UsageError(`runCluster: program ${p.name} cannot run on a streamed graph (${this.source.name}): that needs graphAccess 'view', dataAccess 'gas' and no edge data; load the graph instead`);
      }
      const placement = options.placement ?? randomPlacement;
      if (options.distributedLoad !== undefined && placement.stateless === undefined) {
        throw new UsageError(`runCluster: placement ${placement.name} cannot load distributed: its machine for an edge depends on the edges placed before it, which other machines read; use the random placement (--partitioner random), whose machine for an edge is a hash of its ends`);
      }
      if ((options.placement ?? randomPlacement).stream === undefined) {
        throw new UsageError(`runCluster: placement ${(options.placement ?? randomPlacement).name} needs the whole graph, and ${this.source.name} is streamed; use the random placement, or load the graph`);
      }
    }
    this.program = prepared.program;
    this.params = prepared.params;
    this.maxIterations = prepared.maxIterations;
    this.vertex = prepared.vertex as Columns<Schema>;
    this.edge = prepared.edge as Columns<Schema>;
    this.aggregatorNames = Object.keys(prepared.aggregators as Record<string, Aggregator>);
    this.placementName = (options.placement ?? randomPlacement).name;
    this.timeoutMs = (options.callTimeoutSeconds ?? 600) * 1000;
    this.machines = new Machines(workers, spares, options.security, secretOf(options.security), this.timeoutMs, this.job);
    this.setups = workers.map(() => null);
    this.dataAddresses = workers.map(() => '');
    this.state = {
      superstep: 0,
      // As the shared-memory engine reports a run with no superstep: every aggregate 0.
      aggregates: Object.fromEntries(this.aggregatorNames.map((name) => [name, 0])),
      converged: graph.numVertices === 0,
      vertexUpdates: 0,
      edgesTraversed: 0,
      bytesRouted: 0,
    };
  }

  /** The run: place, set up, supersteps (recovering from lost workers), collect; the job released on every worker in the end. */
  async run(): Promise<ClusterRunResult> {
    // The job's lease on every worker, renewed while the run lasts (a failed renewal is the next call's to report).
    // Only machines set up hold the job: a Renew before Setup would only be refused (and logged).
    const renew = (m: number): void => void this.machines.call(m, 'Renew', { job: this.job }, this.leaseMs / 3).catch(() => undefined);
    const renewals = setInterval(() => this.setups.forEach((setup, m) => setup !== null && renew(m)), this.leaseMs / 3);
    renewals.unref();
    try {
      this.setupStart = performance.now();
      // A streamed input is placed as it is sent, in start-up.
      if (this.source === null) this.part = (this.options.placement ?? randomPlacement).place(this.graph, this.machines.count, this.options.seed ?? 1);
      await this.startUp(await shipmentOf('runCluster', this.program.url));
      // Post: every machine holds the job at its initial state, connected to the others; a first checkpoint if recoverable.
      await this.superstepsAndCollect();
      // Post: the columns hold every master's final rows.
      return this.result();
    } finally {
      clearInterval(renewals);
      await this.machines.release();
    }
  }

  // ---- Start-up ------------------------------------------------------------------------------

  /**
   * Setup everywhere, the data channels, the first checkpoint. A worker lost here leaves nothing to
   * roll back: every other machine still holds the initial state, so a spare set up in its place
   * makes the run whole, and start-up goes on. Replacements are reported once start-up is through,
   * and only those whose spare joined the run.
   */
  private async startUp(shipment: ProgramShipment): Promise<void> {
    this.shipment = shipment;
    // A 'view' program's machines get their shares (share.ts) instead of the whole graph.
    this.graphParts = this.program.graphAccess === 'view' ? [] : encodeGraphParts(this.graph);
    const replaced: Array<{ machine: number; lost: string; replacement: string }> = [];
    const replace = (lost: WorkerLost): void => {
      replaced.push({ machine: lost.machine, lost: lost.message, replacement: this.machines.replace(lost) });
      this.setups[lost.machine] = null;
      this.edgesSent[lost.machine] = false;
    };
    for (;;) {
      try {
        if (this.source !== null && this.ingress === null) await this.ingest();
        // Post: every machine's worker holds its edges (a streamed input), or the graph is placed.
        const lost = await this.setUpRemaining();
        if (lost.length > 0) {
          lost.forEach(replace);
          continue;
        }
        await this.connectAll();
        this.started = performance.now();
        this.lastTime = this.started;
        // Each machine counts the vertices it masters.
        this.state.converged = this.graph.numVertices === 0 || this.setups.every((setup) => setup!.initiallyActive === 0);
        if (this.recoverable) await this.takeCheckpoint();
        break;
      } catch (error) {
        if (!(error instanceof WorkerLost)) throw error;
        replace(error);
        if (this.source !== null && this.ingress === null) {
          // Lost within the pass: the others hold part of their edges; drop them and pass again.
          await Promise.allSettled(this.setups.map((_, m) => this.machines.call(m, 'Release', { job: this.job }, 5000)));
          this.edgesSent.fill(false);
        }
      }
    }
    for (const r of replaced) {
      if (this.machines.addresses[r.machine] !== r.replacement) continue;
      this.recoveries++;
      this.options.onRecovery?.({ ...r, superstep: 0 });
    }
    // Compute time starts when the data channels are up (the first checkpoint counts, as later ones do).
    this.setupSeconds = (this.started - this.setupStart) / 1000;
  }

  /**
   * A streamed input's pass: every edge placed and sent to its machine's worker (SendEdges), or only
   * machine `only`'s (a spare's, after the first pass). The pass's counts give the view and the
   * placement's replica sets and masters.
   */
  private async ingest(only?: number): Promise<void> {
    const source = this.source!;
    const machines = this.machines.count;
    const seed = this.options.seed ?? 1;
    const pass = ++this.passes;
    const summary = this.options.distributedLoad !== undefined ? await this.loadRanges(pass, only) : await this.streamPass(pass, only);
    if (only !== undefined) {
      this.edgesSent[only] = true;
      this.edgesPass[only] = pass;
      return;
    }
    this.ingress = summary;
    this.edgesSent.fill(true);
    this.edgesPass.fill(pass);
    this.part = { machineOf: new Uint16Array(0), masters: summary.masters, replicas: summary.replicas, words: summary.words, replicationFactor: summary.replicationFactor };
    this.view = { numVertices: summary.numVertices, numEdges: summary.numEdges, outDegrees: summary.outDegrees, inDegrees: summary.inDegrees, weightSum: summary.weightSum, globalIds: null };
  }

  /** A pass of this coordinator's own: it reads the input and sends each machine its edges. */
  private async streamPass(pass: number, only: number | undefined): Promise<IngressSummary> {
    const source = this.source!;
    const machines = this.machines.count;
    const seed = this.options.seed ?? 1;
    const placer = (this.options.placement ?? randomPlacement).stream!(source.numVertices, source.numEdges, machines, seed);
    const send = async (m: number, chunk: EdgeChunk): Promise<void> => {
      await this.machines.call(m, 'SendEdges', { job: this.job, ...chunk });
    };
    return streamToMachines(source, placer, send, { machines, seed, only, pass });
  }

  /**
   * A distributed pass (range-load.ts): every machine's worker reads its range of the file and
   * sends each edge to its machine (or only machine `only`'s, for a spare, which reads the lost
   * machine's range); their counts, added up, are the pass's summary.
   */
  private async loadRanges(pass: number, only: number | undefined): Promise<IngressSummary> {
    const source = this.source!;
    const machines = this.machines.count;
    const seed = this.options.seed ?? 1;
    const placement = (this.options.placement ?? randomPlacement).stateless!;
    const workers = [...this.machines.addresses];
    const load = this.options.distributedLoad!;
    const sum = new CountsSum(source.numVertices, wordsFor(machines), machines);
    // Each reply is added as it comes, then dropped: one at a time beside the sums.
    const calls = workers.map((_, m) =>
      this.machines
        .call<RangeCounts>(m, 'LoadRange', {
          job: this.job,
          path: load.path,
          format: load.format ?? 'gwg',
          weighted: source.weighted,
          fileBytes: load.fileBytes ?? 0,
          reader: m,
          readers: machines,
          workers,
          placement,
          seed,
          pass,
          only: only ?? -1,
          numVertices: source.numVertices,
          numEdges: source.numEdges,
        })
        .then((reply) => sum.add(reply, m)),
    );
    // Settled, all of them, before a failure is reported: no reader of this pass still sends when the caller moves on.
    const settled = await Promise.allSettled(calls);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const summary = sum.summary(seed);
    // A text file is read twice (a scan, then this): the same edges both times, or it changed.
    if (summary.numEdges !== source.numEdges) throw new UsageError(`runCluster: the workers read ${summary.numEdges} edges of ${load.path}, and ${source.numEdges} before: did the file change?`);
    return summary;
  }

  /** What start-up ships: the program, and the graph in the gasworks graph-file format, as views of its arrays (kept for spares). */
  private shipment: ProgramShipment | null = null;
  private graphParts: Uint8Array[] = [];

  /** Machine m's Setup: the job, the whole graph, the placement, the program. */
  private setupRequest(machine: number, share: MachineShare | null): object {
    return {
      protocol: PROTOCOL_VERSION,
      job: this.job,
      machine,
      machines: this.machines.count,
      programModule: this.shipment!.module ?? '',
      programSource: this.shipment!.source ?? Buffer.alloc(0),
      programSha256: this.shipment!.sha256 ?? '',
      programName: this.program.name,
      paramsJson: JSON.stringify(this.params),
      graph: new Uint8Array(0),
      // A share's edges are all its own: no placement to send.
      edgeMachines: share !== null ? new Uint8Array(0) : bytesOf(this.part.machineOf),
      masters: bytesOf(share?.masters ?? this.part.masters),
      replicas: bytesOf(share?.replicas ?? this.part.replicas),
      replicaWords: this.part.words,
      leaseMs: this.leaseMs,
      ...(this.ingress !== null ? { partEdges: this.ingress.machineEdges[machine], pass: this.edgesPass[machine] } : {}),
      ...(share !== null
        ? {
            part: true,
            globalEdgeIds: bytesOf(share.globalEdgeIds),
            globalVertexIds: bytesOf(share.globalVertexIds),
            outDegrees: bytesOf(share.outDegrees),
            inDegrees: bytesOf(share.inDegrees),
            totalVertices: this.graph.numVertices,
            totalEdges: this.numEdges,
            weightSum: this.wholeView().weightSum,
          }
        : {}),
    };
  }

  /** Machines' shares are built and sent one after another (see setUpOne). */
  private shareTurn: Promise<void> = Promise.resolve();

  /** The whole graph's degrees and totals, which every machine of a 'view' program gets (made once). */
  private view: WholeGraphView | null = null;
  private wholeView(): WholeGraphView {
    return (this.view ??= wholeGraphView(this.graph));
  }

  /** The whole graph's edge count (a streamed input's from its pass). */
  private get numEdges(): number {
    return this.ingress?.numEdges ?? this.graph.numEdges;
  }

  /** Setup on machine m, its graph (or its share) sent in chunks first; its reply says where its data channel is. */
  private async setUpOne(m: number): Promise<void> {
    const sendGraph = async (parts: Uint8Array[]): Promise<void> => {
      const total = parts.reduce((sum, part) => sum + part.length, 0);
      let offset = 0;
      for (const part of parts) {
        for (let at = 0; at < part.length; at += GRAPH_CHUNK_BYTES) {
          const bytes = part.subarray(at, Math.min(part.length, at + GRAPH_CHUNK_BYTES));
          await this.machines.call(m, 'SendGraph', { job: this.job, total, offset, bytes });
          offset += bytes.length;
        }
      }
    };
    let share: MachineShare | null = null;
    if (this.source !== null) {
      // Its edges streamed (again, for a spare); Setup names the vertices it holds.
      if (!this.edgesSent[m]) await this.ingest(m);
      share = { ...heldVertices(this.part, m, this.wholeView()), parts: [], globalEdgeIds: new Uint32Array(0) };
    } else if (this.program.graphAccess === 'view') {
      // One share at a time: each is built, sent and dropped before the next (the coordinator
      // never holds more than the graph and one machine's share).
      const turn = this.shareTurn.then(async () => {
        share = machineShare(this.graph, this.part, m, { everyVertex: (this.program.dataAccess ?? 'vertices') !== 'gas', edgeIds: Object.keys(this.program.edge ?? {}).length > 0, view: this.wholeView() });
        await sendGraph(share.parts);
        share.parts = [];
      });
      this.shareTurn = turn.catch(() => undefined);
      await turn;
    } else await sendGraph(this.graphParts);
    const reply = await this.machines.call<SetupReply>(m, 'Setup', this.setupRequest(m, share));
    this.setups[m] = reply;
    this.dataAddresses[m] = this.machines.dataAddress(m, reply.dataPort);
  }

  /**
   * Setup on every machine not set up yet, once all have answered: throws an error that is not a
   * lost worker, else returns the workers lost (each is replaced, never asked for Setup twice).
   */
  private async setUpRemaining(): Promise<WorkerLost[]> {
    const pending = this.setups.map((_, m) => m).filter((m) => this.setups[m] === null);
    const settled = await Promise.allSettled(pending.map((m) => this.setUpOne(m)));
    const failures = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    const other = failures.find((error) => !(error instanceof WorkerLost));
    if (other !== undefined) throw other;
    return failures as WorkerLost[];
  }

  /** A new epoch: every machine learns where the others' data channels are (frames of older epochs are dropped). */
  private async connectAll(): Promise<void> {
    this.epoch++;
    await this.machines.everyMachine('Connect', () => ({ job: this.job, epoch: this.epoch, peers: this.dataAddresses }));
  }

  // ---- Supersteps ----------------------------------------------------------------------------

  /** Supersteps until the run stops, then the final collection; a worker lost in either rolls the run back. */
  private async superstepsAndCollect(): Promise<void> {
    for (;;) {
      try {
        while (!this.state.converged && this.state.superstep < this.maxIterations) {
          await this.superstepBatch();
          const { superstep, converged } = this.state;
          if (this.checkpointEvery > 0 && superstep % this.checkpointEvery === 0 && !converged && superstep < this.maxIterations) await this.takeCheckpoint();
        }
        this.computeSeconds = (performance.now() - this.started) / 1000;
        await this.collect(false);
        return;
      } catch (error) {
        if (!(error instanceof WorkerLost)) throw error;
        await this.recover(error);
      }
    }
  }

  /**
   * Up to SUPERSTEPS_PER_CALL supersteps in one Superstep call per machine (the workers decide alike
   * when to stop), cut at checkpoints; progress is reported for each superstep of the batch.
   */
  private async superstepBatch(): Promise<void> {
    const { superstep } = this.state;
    const toCheckpoint = this.checkpointEvery > 0 ? this.checkpointEvery - (superstep % this.checkpointEvery) : Infinity;
    const count = Math.max(1, Math.min(SUPERSTEPS_PER_CALL, this.maxIterations - superstep, toCheckpoint));
    const replies = await this.machines.everyMachine<SuperstepReply>('Superstep', () => ({ job: this.job, superstep, count }), this.timeoutMs * count);
    const steps = replies[0].steps;
    if (replies.some((r) => r.steps !== steps || r.converged !== replies[0].converged)) {
      throw new Error(`runCluster: the workers disagree on how many supersteps they ran (${replies.map((r) => r.steps).join(', ')})`);
    }
    const perMachine = replies.map((r) => ({ edges: toFloat64(r.edges), applied: toFloat64(r.applied), bytes: toFloat64(r.bytes) }));
    // Each machine counts the active vertices it masters.
    const activeByMachine = replies.map((r) => toFloat64(r.active));
    // Progress rates are the batch's: its supersteps end together.
    const now = performance.now();
    let batchEdges = 0;
    for (const m of perMachine) for (let i = 0; i < steps; i++) batchEdges += m.edges[i];
    const rate = now > this.lastTime ? (batchEdges * 1000) / (now - this.lastTime) : 0;
    this.lastTime = now;
    const values = toFloat64(replies[0].aggregates);
    const names = this.aggregatorNames;
    for (let i = 0; i < steps; i++) {
      let stepEdges = 0;
      let stepBytes = 0;
      let updates = 0;
      for (const m of perMachine) {
        stepEdges += m.edges[i];
        stepBytes += m.bytes[i];
        updates += m.applied[i];
      }
      const aggregates: Record<string, number> = {};
      names.forEach((name, a) => (aggregates[name] = values[i * names.length + a]));
      const done = this.state.superstep + 1;
      this.state = {
        superstep: done,
        aggregates,
        converged: i === steps - 1 && replies[0].converged,
        vertexUpdates: this.state.vertexUpdates + updates,
        edgesTraversed: this.state.edgesTraversed + stepEdges,
        bytesRouted: this.state.bytesRouted + stepBytes,
      };
      let active = 0;
      for (const counts of activeByMachine) active += counts[i];
      if (this.program.activation === 'all') active = this.graph.numVertices;
      this.options.onProgress?.({ superstep: done, active, aggregates: { ...aggregates }, edgesPerSecond: rate, bytes: stepBytes });
    }
  }

  // ---- Checkpoints and recovery --------------------------------------------------------------

  private get recoverable(): boolean {
    return this.machines.hasSpares || this.checkpointEvery > 0;
  }

  /**
   * The data every machine holds, into the columns: the masters' vertex rows and every machine's
   * edge rows. With `state` (a checkpoint), every machine also returns the active vertices it
   * masters (together: the active set), and machine 0 the aggregates, which every machine holds alike.
   */
  private async collect(state: boolean): Promise<{ active: Uint8Array; aggregates: Uint8Array }> {
    const collected = await this.machines.everyMachine<{ vertices: WireBatch; edges: WireBatch; active: Uint8Array; aggregates: Uint8Array }>('Collect', () => ({ job: this.job, state }));
    const edgeSchema = (this.program.edge ?? {}) as Schema;
    for (const reply of collected) {
      unpackRows(this.program.vertex, this.vertex, toUint32(reply.vertices.ids), reply.vertices.columns ?? []);
      unpackRows(edgeSchema, this.edge, toUint32(reply.edges.ids), reply.edges.columns ?? []);
    }
    return { active: state ? Buffer.concat(collected.map((reply) => reply.active ?? new Uint8Array(0))) : new Uint8Array(0), aggregates: collected[0].aggregates };
  }

  /** Every row (ids 0..n-1 and 0..m-1, made once) and the loop's state, kept here to roll back to. */
  private allRows: { vertices: Uint32Array; edges: Uint32Array } | null = null;

  /** Whether every worker keeps checkpoints on its own storage (`gasworks worker --checkpoint-dir`). */
  private get checkpointsOnWorkers(): boolean {
    return this.setups.every((setup) => setup !== null && setup.checkpoints === true);
  }

  /** The superstep of the last checkpoint every worker wrote (workers' checkpoints), -1 before the first. */
  private lastWorkerCheckpoint = -1;

  private async takeCheckpoint(): Promise<void> {
    const state = { ...this.state, aggregates: { ...this.state.aggregates } };
    if (this.checkpointsOnWorkers) {
      // Each machine writes its own part; the coordinator keeps the loop's state alone.
      const { superstep } = this.state;
      await this.machines.everyMachine('Checkpoint', () => ({ job: this.job, superstep, complete: this.lastWorkerCheckpoint }));
      this.lastWorkerCheckpoint = superstep;
      this.checkpoint = { state, rows: null };
      this.checkpoints++;
      return;
    }
    const workerState = await this.collect(true);
    const n = this.graph.numVertices;
    // Edge rows only for a program with edge data.
    const edgeRows = Object.keys(this.program.edge ?? {}).length > 0 ? this.graph.numEdges : 0;
    this.allRows ??= { vertices: Uint32Array.from({ length: n }, (_, v) => v), edges: Uint32Array.from({ length: edgeRows }, (_, e) => e) };
    const { vertices, edges } = this.allRows;
    this.checkpoint = {
      state,
      rows: {
        vertices: { machine: 0, ids: bytesOf(vertices), columns: packRows(this.program.vertex, this.vertex, vertices, n) },
        edges: { machine: 0, ids: bytesOf(edges), columns: packRows((this.program.edge ?? {}) as Schema, this.edge, edges, edges.length) },
        active: workerState.active,
        aggregateValues: workerState.aggregates,
      },
    };
    this.checkpoints++;
  }

  /**
   * A lost worker: a spare in its place, set up, every machine rolled back to the last checkpoint,
   * a new epoch. A spare can be lost too: keep recovering while spares last.
   */
  private async recover(lost: WorkerLost): Promise<void> {
    for (let attempt: WorkerLost | null = lost; attempt !== null; ) {
      try {
        await this.recoverOnce(attempt);
        attempt = null;
      } catch (again) {
        if (!(again instanceof WorkerLost)) throw again;
        attempt = again;
      }
    }
  }

  private async recoverOnce(lost: WorkerLost): Promise<void> {
    const saved = this.checkpoint;
    if (saved === null) throw new UsageError(`${lost.message} (give spare workers, --spare host:port, to carry on from a checkpoint)`);
    const spare = this.machines.replace(lost);
    // Not set up until its Setup answers (renewals skip it meanwhile); a streamed input's edges go to it again.
    this.setups[lost.machine] = null;
    this.edgesSent[lost.machine] = false;
    await this.setUpOne(lost.machine);
    const rows = saved.rows;
    const superstep = saved.state.superstep;
    if (rows === null && this.setups[lost.machine]?.checkpoints !== true) {
      throw new UsageError(`runCluster: spare ${spare} keeps no checkpoints, and the run's are on the workers: start every spare with --checkpoint-dir on the storage the workers share`);
    }
    if (rows === null) await this.machines.everyMachine('RestoreCheckpoint', () => ({ job: this.job, superstep }));
    else await this.machines.everyMachine('Restore', () => ({ job: this.job, vertices: rows.vertices, edges: rows.edges, active: rows.active, aggregates: rows.aggregateValues, superstep }));
    await this.connectAll();
    this.state = { ...saved.state, aggregates: { ...saved.state.aggregates } };
    this.recoveries++;
    this.options.onRecovery?.({ machine: lost.machine, lost: lost.message, replacement: spare, superstep: this.state.superstep });
  }

  // ---- Result --------------------------------------------------------------------------------

  private result(): ClusterRunResult {
    const { state } = this;
    return {
      vertex: this.vertex,
      edge: this.edge,
      iterations: state.superstep,
      vertexUpdates: state.vertexUpdates,
      edgesTraversed: state.edgesTraversed,
      computeSeconds: this.computeSeconds,
      edgesPerSecond: this.computeSeconds > 0 ? state.edgesTraversed / this.computeSeconds : 0,
      converged: state.converged,
      aggregates: state.aggregates,
      machines: this.machines.count,
      partitioner: this.placementName,
      replicationFactor: this.part.replicationFactor,
      setupSeconds: this.setupSeconds,
      bytesRouted: state.bytesRouted,
      recoveries: this.recoveries,
      checkpoints: this.checkpoints,
      workers: [...this.machines.addresses],
      ingress: this.source === null ? 'load' : this.options.distributedLoad !== undefined ? 'distributed' : 'stream',
      checkpointsAt: this.checkpointsOnWorkers ? 'workers' : 'coordinator',
      edges: this.numEdges,
    };
  }
}
