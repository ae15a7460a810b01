/**
 * The coordinator of a cluster run: `runCluster(program, graph, { workers })`.
 * It partitions the graph's edges over the machines with a vertex-cut
 * partitioner (HDRF by default), so that every vertex has one master and
 * mirrors on the other machines that hold its edges, ships each worker the
 * graph, the partition and the program's module URL (Setup), tells them where
 * each other's data channels are (Connect), then runs synchronous supersteps
 * as PowerGraph's engine does, one Superstep call per machine each: machines
 * gather over their own edges and send partial accumulators to the vertex's
 * master, masters combine them and apply, the new vertex data goes to the
 * mirrors, which scatter over their own edges, and every machine sends its
 * signals and aggregator partials to all, so that each works out the same
 * next active set and aggregates. The coordinator decides when to stop by the
 * same rules as the shared-memory engine, so a run ends with the same answer
 * as one process: exactly for programs whose sums are exact (components, BFS,
 * SSSP, k-core), and within rounding for floating-point sums, which are added
 * in machine order. It also takes checkpoints and replaces lost workers.
 */
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Columns, Schema } from '../graph/columns.js';
import { encodeGraph } from '../graph/binary.js';
import type { Graph } from '../graph/graph.js';
import { UsageError } from '../errors.js';
import type { Params, VertexProgram } from '../program.js';
import { combine } from '../engine/aggregation.js';
import { prepareRun } from '../engine/run-setup.js';
import type { SyncRunResult } from '../engine/sync.js';
import { randomPlacement, type Placement } from './placement.js';
import type { WireBatch } from './job.js';
import { LOST_MACHINE_KEY, PROTOCOL_VERSION } from './worker-server.js';
import { parseAddress } from '../util/address.js';
import { bytesOf, packRows, remoteMessage, toFloat64, toUint32, unpackRows } from './wire.js';
import { WorkerClient } from './client.js';
import { shipmentOf } from './program-shipping.js';
import { secretOf, type ClusterSecurity } from './security.js';

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
}

export interface ClusterRunResult<VS extends Schema = Schema> extends SyncRunResult<VS>, ClusterInfo {}

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

/** The loop's state and every vertex and edge row at the end of a superstep. */
interface Checkpoint {
  state: LoopState;
  vertices: WireBatch;
  edges: WireBatch;
  /** The workers' own state: the active set (uint32 ids) and aggregates (float64) for the next superstep. */
  active: Uint8Array;
  aggregateValues: Uint8Array;
}

/** A worker that cannot be reached or did not answer in time (as opposed to one that reported an error). */
class WorkerLost extends UsageError {
  constructor(
    readonly machine: number,
    message: string,
  ) {
    super(message);
  }
}

/** Run `program` over `graph` on the cluster's workers, synchronous supersteps; see the module header. */
export async function runCluster<VS extends Schema, ES extends Schema, P extends Params, A extends number | Float64Array>(
  definition: VertexProgram<VS, ES, P, A>,
  graph: Graph,
  options: ClusterRunOptions,
): Promise<ClusterRunResult<VS>> {
  const addresses = [...(options.workers ?? [])];
  if (addresses.length === 0) throw new UsageError('runCluster: workers must list at least one host:port');
  if (addresses.length > 65535) throw new UsageError(`runCluster: at most 65535 workers; got ${addresses.length}`);
  for (const address of addresses) parseAddress('runCluster', address);
  const placement = options.placement ?? randomPlacement;
  const timeoutMs = (options.callTimeoutSeconds ?? 600) * 1000;
  const spares = [...(options.spares ?? [])];
  for (const address of spares) parseAddress('runCluster: spares', address);
  const everyAddress = [...addresses, ...spares];
  const twice = everyAddress.find((a, i) => everyAddress.indexOf(a) !== i);
  if (twice !== undefined) throw new UsageError(`runCluster: ${twice} is listed twice among the workers and spares; each worker serves one machine`);
  const hadSpares = spares.length > 0;
  const checkpointEvery = options.checkpointEvery ?? 0;
  if (!(Number.isInteger(checkpointEvery) && checkpointEvery >= 0)) throw new UsageError(`runCluster: checkpointEvery must be a whole number of supersteps (0: only the start); got ${checkpointEvery}`);
  const { program, params, maxIterations, vertex, edge, aggregators } = prepareRun('runCluster', definition, graph, { threads: 1, params: options.params, maxIterations: options.maxIterations });
  if (program.dataAccess === 'shared-memory') {
    throw new UsageError(`runCluster: program ${program.name} runs on one machine only (its dataAccess is 'shared-memory': its apply touches edge data or other vertices' data, which a cluster keeps elsewhere); run it without a cluster`);
  }
  const n = graph.numVertices;
  const machines = addresses.length;
  const setupStart = performance.now();
  const part = placement.place(graph, machines, options.seed ?? 1);

  const secret = secretOf(options.security);
  const leaseMs = Math.round((options.leaseSeconds ?? 60) * 1000);
  if (!(leaseMs >= 1000 && leaseMs <= 24 * 3600_000)) throw new UsageError(`runCluster: leaseSeconds must be between 1 and 86400; got ${options.leaseSeconds}`);
  const connect = (address: string): WorkerClient => new WorkerClient(address, options.security, secret);
  const clients = addresses.map(connect);
  const job = randomBytes(8).toString('hex');
  const call = <Res>(machine: number, method: string, request: object, limitMs = timeoutMs): Promise<Res> =>
    new Promise((resolve, reject) => {
      const address = addresses[machine];
      clients[machine].call<Res>(method, request, Date.now() + limitMs).then(resolve, (error: grpc.ServiceError) => {
        const lostPeer = error.code === grpc.status.FAILED_PRECONDITION ? Number(error.metadata?.get(LOST_MACHINE_KEY)[0]) : NaN;
        if (Number.isInteger(lostPeer) && lostPeer >= 0 && lostPeer < addresses.length) {
          reject(new WorkerLost(lostPeer, `runCluster: worker ${addresses[machine]} cannot reach worker ${addresses[lostPeer]}: ${remoteMessage(error)}`));
        } else if (error.code === grpc.status.INVALID_ARGUMENT) {
          reject(new UsageError(`runCluster: worker ${address}: ${remoteMessage(error)}`));
        } else if (error.code === grpc.status.UNAUTHENTICATED) {
          reject(new UsageError(`runCluster: worker ${address} ${remoteMessage(error)}; give the coordinator the workers' token (--token-file, or GASWORKS_TOKEN_FILE)`));
        } else if (error.code === grpc.status.RESOURCE_EXHAUSTED) {
          reject(new UsageError(`runCluster: worker ${address} refused ${method}: ${remoteMessage(error)} (start it with a larger --max-message-mb)`));
        } else if (error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.CANCELLED) {
          reject(new WorkerLost(machine, `runCluster: cannot reach worker ${address} (${remoteMessage(error).replace(/\.? *Resolution note:.*$/, '')}); start one there with: gasworks worker --listen ${address}`));
        } else if (error.code === grpc.status.DEADLINE_EXCEEDED) {
          reject(new WorkerLost(machine, `runCluster: worker ${address} did not answer ${method} within ${limitMs / 1000} s`));
        } else reject(new Error(`runCluster: worker ${address} failed in ${method}: ${remoteMessage(error)}`));
      });
    });
  // Every machine's call settles before a failure is reported, so that a recovery starts from quiet
  // workers; when one fails or is lost, the others are told to stop waiting for its data (Abort).
  const everyMachine = async <Res>(method: string, request: (machine: number) => object, limitMs = timeoutMs): Promise<Res[]> => {
    // The first failure is the cause: the others' failures may only be the Abort it set off.
    let cause: unknown = null;
    const calls = addresses.map((_, m) =>
      call<Res>(m, method, request(m), limitMs).catch((error: unknown) => {
        if (cause === null) {
          cause = error;
          // The others may be waiting for this machine's data: tell them to stop.
          addresses.forEach((__, other) => {
            if (other !== m) call(other, 'Abort', { job }, 5000).catch(() => undefined);
          });
        }
        throw error;
      }),
    );
    const settled = await Promise.allSettled(calls);
    if (cause !== null) throw cause;
    return settled.map((r) => (r as PromiseFulfilledResult<Res>).value);
  };
  /** Where each machine's data channel is: the host the coordinator reaches it by, and the port it reported. */
  const dataAddresses: string[] = addresses.map(() => '');
  let epoch = 0;
  const connectAll = (): Promise<unknown[]> => everyMachine('Connect', () => ({ job, epoch, peers: dataAddresses }));

  // The job's lease on every worker, renewed while the run lasts (a failed renewal is the next call's to report).
  const renewals = setInterval(() => {
    addresses.forEach((_, m) => void call(m, 'Renew', { job }, leaseMs / 3).catch(() => undefined));
  }, leaseMs / 3);
  renewals.unref();
  try {
    const shipment = await shipmentOf('runCluster', program.url);
    const graphBytes = encodeGraph(graph);
    const setupRequest = (machine: number): object => ({
      protocol: PROTOCOL_VERSION,
      job,
      machine,
      machines,
      programModule: shipment.module ?? '',
      programSource: shipment.source ?? Buffer.alloc(0),
      programSha256: shipment.sha256 ?? '',
      programName: program.name,
      paramsJson: JSON.stringify(params),
      graph: graphBytes,
      edgeMachines: bytesOf(part.machineOf),
      masters: bytesOf(part.masters),
      replicas: bytesOf(part.replicas),
      replicaWords: part.words,
      leaseMs,
    });
    /**
     * A lost worker's place goes to the next spare: the lost one is told to drop the job (it may
     * yet be alive, past a deadline or cut off from one peer). Throws when no spare is left.
     */
    const replaceWorker = (lost: WorkerLost): string => {
      const spare = spares.shift();
      if (spare === undefined) {
        throw new UsageError(`${lost.message}${hadSpares ? ' (no spare worker left to take its place)' : ' (give spare workers, --spare host:port, to carry on)'}`);
      }
      const m = lost.machine;
      const retired = clients[m];
      call(m, 'Release', { job }, 5000)
        .catch(() => undefined)
        .finally(() => retired.close());
      addresses[m] = spare;
      clients[m] = connect(spare);
      return spare;
    };
    type SetupReply = { initiallyActive: number; dataPort: number };
    const setups: Array<SetupReply | null> = addresses.map(() => null);
    /** Setup on machine m: its reply, and where its data channel is (the host the coordinator reached it by). */
    const setUp = async (m: number): Promise<void> => {
      const reply = await call<SetupReply>(m, 'Setup', setupRequest(m));
      setups[m] = reply;
      dataAddresses[m] = `${parseAddress('runCluster', addresses[m]).host}:${reply.dataPort}`;
    };
    /**
     * Setup on every machine not set up yet, once all have answered: throws an error that is not a
     * lost worker, else returns the workers lost (each is replaced, never asked for Setup twice).
     */
    const setUpRemaining = async (): Promise<WorkerLost[]> => {
      const pending = addresses.map((_, m) => m).filter((m) => setups[m] === null);
      const settled = await Promise.allSettled(pending.map(setUp));
      const failures = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
      const other = failures.find((error) => !(error instanceof WorkerLost));
      if (other !== undefined) throw other;
      return failures as WorkerLost[];
    };
    let recoveries = 0;
    let checkpoints = 0;

    const allActive = program.activation === 'all';
    const names = Object.keys(aggregators);
    const edgeSchema = (program.edge ?? {}) as Schema;
    // Everything the supersteps carry from one to the next on this side: what a checkpoint saves and a recovery restores.
    let state: LoopState = {
      superstep: 0,
      // As the shared-memory engine reports a run with no superstep: every aggregate 0.
      aggregates: Object.fromEntries(names.map((name) => [name, 0])),
      converged: n === 0,
      vertexUpdates: 0,
      edgesTraversed: 0,
      bytesRouted: 0,
    };
    // Compute time starts when the data channels are up (the first checkpoint counts, as later ones do).
    let started = performance.now();
    let lastTime = started;

    // The data every machine holds: the masters' vertex rows and every machine's edge rows, into `vertex` and `edge`.
    // With `state` (a checkpoint), machine 0 also returns the active set and aggregates, which every machine holds alike.
    const collect = async (state: boolean): Promise<{ active: Uint8Array; aggregates: Uint8Array }> => {
      const collected = await everyMachine<{ vertices: WireBatch; edges: WireBatch; active: Uint8Array; aggregates: Uint8Array }>('Collect', (m) => ({ job, state: state && m === 0 }));
      for (const reply of collected) {
        unpackRows(program.vertex, vertex as Columns<Schema>, toUint32(reply.vertices.ids), reply.vertices.columns ?? []);
        unpackRows(edgeSchema, edge as Columns<Schema>, toUint32(reply.edges.ids), reply.edges.columns ?? []);
      }
      return { active: collected[0].active, aggregates: collected[0].aggregates };
    };
    const recoverable = spares.length > 0 || checkpointEvery > 0;
    let checkpoint: Checkpoint | null = null;
    // A checkpoint holds every row: ids 0..n-1 and 0..m-1, made once.
    const allVertices = recoverable ? Uint32Array.from({ length: n }, (_, v) => v) : new Uint32Array(0);
    const allEdges = recoverable ? Uint32Array.from({ length: graph.numEdges }, (_, e) => e) : new Uint32Array(0);
    const takeCheckpoint = async (): Promise<void> => {
      const workerState = await collect(true);
      checkpoint = {
        state: { ...state, aggregates: { ...state.aggregates } },
        vertices: { machine: 0, ids: bytesOf(allVertices), columns: packRows(program.vertex, vertex as Columns<Schema>, allVertices, n) },
        edges: { machine: 0, ids: bytesOf(allEdges), columns: packRows(edgeSchema, edge as Columns<Schema>, allEdges, allEdges.length) },
        active: workerState.active,
        aggregateValues: workerState.aggregates,
      };
    };
    // Start-up: Setup everywhere, the data channels, the first checkpoint. A worker lost here leaves
    // nothing to roll back: every other machine still holds the initial state, so a spare set up in
    // its place makes the run whole, and start-up goes on.
    // Replacements are reported once start-up is through, and only those whose spare joined the run.
    const replaced: Array<{ machine: number; lost: string; replacement: string }> = [];
    const replace = (lost: WorkerLost): void => {
      replaced.push({ machine: lost.machine, lost: lost.message, replacement: replaceWorker(lost) });
      setups[lost.machine] = null;
    };
    for (;;) {
      try {
        const lost = await setUpRemaining();
        if (lost.length > 0) {
          lost.forEach(replace);
          continue;
        }
        epoch++;
        await connectAll();
        started = performance.now();
        lastTime = started;
        state.converged = n === 0 || setups[0]!.initiallyActive === 0;
        if (recoverable) {
          await takeCheckpoint();
          checkpoints++;
        }
        break;
      } catch (error) {
        if (!(error instanceof WorkerLost)) throw error;
        replace(error);
      }
    }
    for (const r of replaced) {
      if (addresses[r.machine] !== r.replacement) continue;
      recoveries++;
      options.onRecovery?.({ ...r, superstep: 0 });
    }
    const setupSeconds = (started - setupStart) / 1000;

    // Supersteps go in batches of up to SUPERSTEPS_PER_CALL per Superstep call (the workers decide
    // alike when to stop), cut at checkpoints; progress is reported for each superstep of a batch.
    const superstepRound = async (): Promise<void> => {
      const toCheckpoint = checkpointEvery > 0 ? checkpointEvery - (state.superstep % checkpointEvery) : Infinity;
      const count = Math.max(1, Math.min(SUPERSTEPS_PER_CALL, maxIterations - state.superstep, toCheckpoint));
      const replies = await everyMachine<{ steps: number; edges: Uint8Array; applied: Uint8Array; bytes: Uint8Array; active: Uint8Array; aggregates: Uint8Array; converged: boolean }>('Superstep', () => ({
        job,
        superstep: state.superstep,
        count,
      }), timeoutMs * count);
      const steps = replies[0].steps;
      if (replies.some((r) => r.steps !== steps || r.converged !== replies[0].converged)) {
        throw new Error(`runCluster: the workers disagree on how many supersteps they ran (${replies.map((r) => r.steps).join(', ')})`);
      }
      const perMachine = replies.map((r) => ({ edges: toFloat64(r.edges), applied: toFloat64(r.applied), bytes: toFloat64(r.bytes) }));
      const activeAll = toFloat64(replies[0].active);
      // Progress rates are the batch's: its supersteps end together.
      const now = performance.now();
      let batchEdges = 0;
      for (const m of perMachine) for (let i = 0; i < steps; i++) batchEdges += m.edges[i];
      const rate = now > lastTime ? (batchEdges * 1000) / (now - lastTime) : 0;
      lastTime = now;
      const values = toFloat64(replies[0].aggregates);
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
        const done = state.superstep + 1;
        const last = i === steps - 1;
        state = {
          superstep: done,
          aggregates,
          converged: last && replies[0].converged,
          vertexUpdates: state.vertexUpdates + updates,
          edgesTraversed: state.edgesTraversed + stepEdges,
          bytesRouted: state.bytesRouted + stepBytes,
        };
        options.onProgress?.({ superstep: done, active: allActive ? n : activeAll[i], aggregates: { ...aggregates }, edgesPerSecond: rate, bytes: stepBytes });
      }
    };

    /** A lost worker: take a spare in its place, set it up, and roll every machine back to the last checkpoint. */
    const recover = async (lost: WorkerLost): Promise<void> => {
      if (checkpoint === null) throw new UsageError(`${lost.message} (give spare workers, --spare host:port, to carry on from a checkpoint)`);
      const spare = replaceWorker(lost);
      const m = lost.machine;
      await setUp(m);
      const saved: Checkpoint = checkpoint;
      await everyMachine('Restore', () => ({ job, vertices: saved.vertices, edges: saved.edges, active: saved.active, aggregates: saved.aggregateValues, superstep: saved.state.superstep }));
      epoch++;
      await connectAll();
      state = { ...saved.state, aggregates: { ...saved.state.aggregates } };
      recoveries++;
      options.onRecovery?.({ machine: m, lost: lost.message, replacement: spare, superstep: state.superstep });
    };

    // Supersteps, then the final collection; a worker lost in either rolls the run back.
    let computeSeconds = 0;
    for (let collected = false; !collected; ) {
      try {
        while (!state.converged && state.superstep < maxIterations) {
          await superstepRound();
          if (checkpointEvery > 0 && state.superstep % checkpointEvery === 0 && !state.converged && state.superstep < maxIterations) {
            await takeCheckpoint();
            checkpoints++;
          }
        }
        computeSeconds = (performance.now() - started) / 1000;
        await collect(false);
        collected = true;
      } catch (error) {
        if (!(error instanceof WorkerLost)) throw error;
        // A spare can be lost too: keep recovering while spares last.
        for (let attempt: WorkerLost | null = error; attempt !== null; ) {
          try {
            await recover(attempt);
            attempt = null;
          } catch (again) {
            if (!(again instanceof WorkerLost)) throw again;
            attempt = again;
          }
        }
      }
    }
    return {
      vertex,
      edge: edge as Columns<Schema>,
      iterations: state.superstep,
      vertexUpdates: state.vertexUpdates,
      edgesTraversed: state.edgesTraversed,
      computeSeconds,
      edgesPerSecond: computeSeconds > 0 ? state.edgesTraversed / computeSeconds : 0,
      converged: state.converged,
      aggregates: state.aggregates,
      machines,
      partitioner: placement.name,
      replicationFactor: part.replicationFactor,
      setupSeconds,
      bytesRouted: state.bytesRouted,
      recoveries,
      checkpoints,
      workers: [...addresses],
    };
  } finally {
    clearInterval(renewals);
    await Promise.allSettled(addresses.map((_, m) => call(m, 'Release', { job }, 5000)));
    for (const client of clients) client.close();
  }
}
