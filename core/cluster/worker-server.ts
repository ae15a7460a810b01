/**
 * A gasworks cluster worker: a gRPC server (`gasworks worker --listen
 * host:port`) that holds jobs (job.ts) and runs their supersteps
 * (superstep.ts) when the coordinator asks, and a data channel
 * (data-channel.ts) on which it sends and receives a superstep's bulk data
 * straight from and to the other workers. It owns who gets in (every call's
 * credential is checked before its handler runs: auth.ts), the order of a
 * job's calls (Setup, Connect, then Supersteps from the next one on), and
 * the jobs' lives: a job ends on Release, or when its lease runs out.
 * Errors in a phase (a program that throws, a partition that does not fit
 * the graph) go back to the coordinator as the call's error message.
 */
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { InputError, UsageError } from '../errors.js';
import { parseAddress } from '../util/address.js';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { CREDENTIAL_KEY, ClusterSecret, REPLY_MAC_KEY } from './auth.js';
import { DataChannel, PeerUnreachable } from './data-channel.js';
import { StagedEdges } from './part-build.js';
import { WorkerClient } from './client.js';
import { gwgRange, streamToMachines, type EdgeChunk, type EdgeSource } from './ingress.js';
import { scanTextRange, textRangeSource } from './text-range.js';
import { IDENTITY_MAX_ID } from '../graph/loaders/snap.js';
import { statelessPlacer } from './placement.js';
import { countsOf, fileUnder, type RangeCounts } from './range-load.js';
import { CheckpointFiles } from './checkpoint-files.js';
import { ClusterJob, type JobSetup, type WireBatch } from './job.js';
import { runSupersteps, type Exchange } from './superstep.js';
import { ProgramCache, defaultProgramCache } from './program-shipping.js';
import { TrainingHost, type TrainRequest } from './training/host.js';
import { dataChannelTls, isLoopbackHost, secretOf, type ClusterSecurity } from './security.js';
import { serverCredentials } from './grpc-credentials.js';
import { DEFAULT_MAX_MESSAGE_BYTES, LOST_MACHINE_KEY, PROTOCOL_VERSION, bytesOf, channelOptions, gasWorkerMethods, toFloat64, toUint32, type MethodDefinition } from './wire.js';

export interface ClusterWorker {
  /** host:port the server listens on (the port the system chose, when asked for port 0). */
  address: string;
  /** Jobs held now. */
  jobs(): number;
  /** Stop serving, after the calls in flight. */
  close(): Promise<void>;
  /** Stop at once, dropping calls in flight, as a crashed machine would (tests lose workers this way). */
  kill(): void;
}

export interface WorkerOptions {
  /** The cluster's secret and TLS material; see security.ts. Default: none. */
  security?: ClusterSecurity;
  /**
   * Serve without a secret on an address beyond this machine (anyone who reaches it may run the
   * bundled programs on it). Default false: without a secret a worker listens on loopback only.
   */
  insecure?: boolean;
  /** Bytes per control message or data frame at most. Default 1 GiB. */
  maxMessageBytes?: number;
  /** Where refused calls and connections, and dropped jobs, are reported. Default: stderr. */
  log?: (line: string) => void;
  /** The folder of shipped programs (program-shipping.ts). Default: ~/.cache/gasworks/programs. */
  programCache?: string;
  /**
   * Threads each job's phases run on, this one included (job-threads.ts): one worker per machine
   * uses every core. Default 1 (`gasworks worker` defaults to one per core).
   */
  threads?: number;
  /**
   * Where this worker writes its part of each checkpoint, and reads every machine's part to roll
   * back (checkpoint-files.ts): storage every worker of a run reads, on a real cluster. Default:
   * none (checkpoints go to the coordinator).
   */
  checkpointDir?: string;
  /**
   * The folder whose files `--load distributed` may read (LoadRange names a file under it, and
   * nothing outside it is read). Default: none (LoadRange is refused).
   */
  dataDir?: string;
}

/** Setup as it arrives: the job, less where its program is, plus how the program was shipped. */
type SetupArrival = Omit<JobSetup, 'programUrl'> & { protocol: number; programModule: string; programSource: Uint8Array; programSha256: string; leaseMs: number };

type Handler<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

/** Where a request's bytes ride until its credential is checked and it is decoded. */
const RAW = Symbol('gasworks request bytes');

/** A job and where its peers' data channels are. */
interface Held {
  job: ClusterJob;
  /** Connect's epoch; 0 until the first Connect, before which no superstep runs. */
  epoch: number;
  peers: string[];
  /** The superstep the next Superstep call must start at (Restore sets it back). */
  next: number;
  /** A Superstep call is running (a second one at once is refused). */
  running: boolean;
  /** When the job was set up, and when it is dropped unless its coordinator calls (Date.now() ms). */
  since: number;
  leaseMs: number;
  leaseUntil: number;
}

/** A job's lease when Setup names none, and the bounds of one it names (ms). */
export const DEFAULT_LEASE_MS = 60_000;
const LEASE_BOUNDS_MS = [1000, 24 * 3600_000] as const;
/** How often a worker looks for jobs whose lease ran out (ms). */
const LEASE_SWEEP_MS = 500;
/** A graph being sent (SendGraph) is dropped this long after its last chunk unless Setup takes it (ms). */
const STAGED_GRAPH_MS = 120_000;
/** The largest graph a worker takes by SendGraph, bytes. */
const MAX_GRAPH_BYTES = 2 ** 40;
/** The most edges a worker takes by SendEdges for one job (local edge ids are 32-bit). */
const MAX_STAGED_EDGES = 2 ** 32 - 1;

/** How long a reader waits for a peer to take one chunk of its edges (ms). */
const PEER_SEND_MS = 120_000;

/** A LoadRange request as it arrives (see gasworks.proto). */
interface LoadRangeRequest {
  job: string;
  path: string;
  reader: number;
  readers: number;
  workers: string[];
  placement: string;
  seed: number;
  pass: number;
  only: number;
  numVertices: number;
  numEdges: number;
  format: string;
  scan: boolean;
  weighted: boolean;
  fileBytes: number;
}

/** A call that comes out of the job's order (a superstep before Connect, one skipped or repeated). */
class OutOfOrder extends UsageError {}

/** A machine of the job whose data channel cannot be reached: the coordinator counts it as lost. */
export class PeerLost extends Error {
  constructor(
    readonly machine: number,
    message: string,
  ) {
    super(message);
  }
}

export { PROTOCOL_VERSION, LOST_MACHINE_KEY } from './wire.js';

/** Seconds `close()` waits for calls in flight before it drops them. */
const CLOSE_GRACE_MS = 2000;

/** Bytes of the parts of a frame. */
const partBytes = (parts: Uint8Array[]): number => parts.reduce((sum, p) => sum + p.byteLength, 0);

/**
 * The service's methods with their requests left as bytes (a request is decoded only once its
 * credential is checked), and replies already serialized passed through (they are MAC'd as bytes).
 */
function undecodedMethods(): grpc.ServiceDefinition {
  const out: Record<string, MethodDefinition> = {};
  for (const [name, method] of Object.entries(gasWorkerMethods())) {
    out[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => ({ [RAW]: bytes }),
      responseSerialize: (reply: object) => (Buffer.isBuffer(reply) ? reply : method.responseSerialize(reply)),
    };
  }
  return out as unknown as grpc.ServiceDefinition;
}

/** The one credential of a call's metadata (undefined: none; '' when there are several, which is malformed). */
function credentialOf(metadata: grpc.Metadata): string | undefined {
  const values = metadata.get(CREDENTIAL_KEY);
  return values.length === 1 && typeof values[0] === 'string' ? values[0] : values.length === 0 ? undefined : '';
}

/** The path prefix of the calls that need a credential (all of GasWorker's but Hello; not the health service's). */
const GUARDED_PREFIX = '/gasworks.cluster.GasWorker/';
const HELLO_PATH = '/gasworks.cluster.GasWorker/Hello';

const stderrLog = (line: string): void => {
  process.stderr.write(`${new Date().toISOString()} gasworks worker: ${line}\n`);
};

/** Start a worker listening on `listen` (host:port; port 0 picks a free one). */
export async function startWorker(listen: string, options: WorkerOptions = {}): Promise<ClusterWorker> {
  const { host, bareHost } = parseAddress('startWorker', listen);
  const secret = secretOf(options.security);
  if (!secret.required && !options.insecure && !isLoopbackHost(bareHost)) {
    throw new UsageError(
      `startWorker: a worker without the cluster token listens on loopback only (anyone who reaches ${listen} could run programs on it); give it a token (--token-file F, the same file as the coordinator's) or, on a network you trust, --insecure; got ${listen}`,
    );
  }
  const log = options.log ?? stderrLog;
  if (options.dataDir !== undefined && !(existsSync(options.dataDir) && statSync(options.dataDir).isDirectory())) throw new UsageError(`startWorker: dataDir must be a folder (--data-dir); got ${options.dataDir}`);
  const threads = options.threads ?? 1;
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= 1024)) throw new UsageError(`startWorker: threads must be a whole number from 1 to 1024; got ${threads}`);
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const jobs = new Map<string, Held>();
  const checkpointFiles = options.checkpointDir !== undefined ? new CheckpointFiles(options.checkpointDir, secret.checkpointKey()) : null;
  /** Edges being received by SendEdges, by job, until Setup takes them. */
  const stagedEdges = new Map<string, StagedEdges>();
  /** Graphs being received by SendGraph, by job, until Setup takes them. */
  const staged = new Map<string, { bytes: Uint8Array; received: number; until: number }>();
  const programs = new ProgramCache(options.programCache ?? defaultProgramCache());
  // This worker's id for this start: credentials name it (auth.ts), so none is good on another worker, or after a restart.
  const workerId = randomBytes(16).toString('hex');
  // Every guarded call's credential is checked from its metadata, before its request is read: a
  // caller without the token never gets a request decoded (or buffered past its first frames).
  const authenticate: grpc.ServerInterceptor = (descriptor, call) => {
    const path = descriptor.path;
    if (!secret.required || !path.startsWith(GUARDED_PREFIX) || path === HELLO_PATH) return new grpc.ServerInterceptingCall(call);
    // A refused call goes no further: its message and half-close are not passed on, so no handler runs.
    let refused = false;
    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        const checked = secret.checkCredential(path, workerId, credentialOf(metadata));
        if ('digest' in checked) return next(metadata);
        refused = true;
        log(`refused ${path.slice(GUARDED_PREFIX.length)} from ${call.getPeer()}: ${checked.refused}`);
        call.sendStatus({ code: grpc.status.UNAUTHENTICATED, details: `refused: ${checked.refused}`, metadata: new grpc.Metadata() });
      })
      .withOnReceiveMessage((message, next) => {
        if (!refused) next(message);
      })
      .withOnReceiveHalfClose((next) => {
        if (!refused) next();
      })
      .build();
    return new grpc.ServerInterceptingCall(call, new grpc.ResponderBuilder().withStart((next) => next(listener)).build());
  };
  const server = new grpc.Server({
    ...channelOptions(maxMessageBytes),
    // Bounds on what one connection may hold open.
    'grpc.max_concurrent_streams': 64,
    'grpc.max_connection_idle_ms': 10 * 60_000,
    interceptors: [authenticate],
  });
  let channel: DataChannel;
  try {
    channel = await DataChannel.listen(host, { secret, tls: dataChannelTls(options.security), maxFrameBytes: maxMessageBytes, log });
  } catch (error) {
    throw new UsageError(`startWorker: cannot listen for data on ${host}: ${(error as Error).message}`);
  }
  // Training jobs (the Train call) hold their own state and take their own frames.
  const training = new TrainingHost({
    moduleUrl: (module) => programs.urlOf({ module } as never, false),
    send: (address, frame) => channel.send(address, frame),
    threads,
    log,
    dataPort: () => channel.port,
  });
  // Frames of jobs this worker no longer holds, or of epochs a rollback left behind, are dropped.
  channel.accept = (frame) => {
    if (training.take(frame)) return false;
    const h = jobs.get(frame.job);
    return h !== undefined && frame.epoch >= h.epoch;
  };
  // A peer's data channel is gone: every job that sends to it fails its waits, naming the machine.
  channel.onPeerUnreachable = (error: PeerUnreachable) => {
    training.peerLost(error.address, error.message);
    for (const h of jobs.values()) {
      const machine = h.peers.indexOf(error.address);
      if (machine >= 0) channel.abort(h.job.id, new PeerLost(machine, `machine ${machine}: ${error.message}`));
    }
  };

  const held = (id: string | undefined): Held => {
    const h = jobs.get(id ?? '');
    if (!h) throw new UsageError(`no job ${JSON.stringify(id)} on this worker (it was released, its lease ran out, or the worker restarted)`);
    h.leaseUntil = Date.now() + h.leaseMs;
    return h;
  };
  // How an error goes back: a user's mistake as INVALID_ARGUMENT (the coordinator shows the message
  // alone), a lost peer as FAILED_PRECONDITION naming the machine, anything else (a program that
  // throws) as INTERNAL with the stack from this worker, which the coordinator cannot see otherwise.
  const fail = (callback: grpc.sendUnaryData<unknown>, error: unknown): void => {
    const e = error as Error;
    if (e instanceof UsageError || e instanceof InputError) {
      log(`refused a call: ${e.message}`);
      return callback({ code: grpc.status.INVALID_ARGUMENT, details: e.message });
    }
    if (e instanceof PeerLost) {
      const metadata = new grpc.Metadata();
      metadata.set(LOST_MACHINE_KEY, String(e.machine));
      return callback({ code: grpc.status.FAILED_PRECONDITION, details: e.message, metadata });
    }
    const stack = (e.stack ?? '').split('\n').slice(1, 9).join('\n');
    callback({ code: grpc.status.INTERNAL, details: stack ? `${e.message}\n  on the worker:\n${stack}` : e.message });
  };
  const unary = <Req extends { job?: string }>(run: (h: Held, request: Req) => unknown | Promise<unknown>): Handler<Req, unknown> => {
    return (call, callback) => {
      try {
        Promise.resolve(run(held(call.request.job), call.request)).then((reply) => callback(null, reply), (error) => fail(callback, error));
      } catch (error) {
        fail(callback, error);
      }
    };
  };

  /** A job's exchanges with the other machines of its job, over this worker's data channel. */
  const exchangeOf = (h: Held): Exchange => ({
    sendAll: (superstep, exchange, partsFor) => sendAll(h, superstep, exchange, partsFor),
    receiveAll: (superstep, exchange) => channel.receive(h.job.id, h.epoch, superstep, exchange, h.job.machines - 1),
  });
  const sendAll = (h: Held, superstep: number, exchange: number, partsFor: (machine: number) => Uint8Array[]): number => {
    let bytes = 0;
    for (let p = 0; p < h.job.machines; p++) {
      if (p === h.job.machine) continue;
      const parts = partsFor(p);
      bytes += partBytes(parts);
      channel.send(h.peers[p], { job: h.job.id, epoch: h.epoch, superstep, exchange, from: h.job.machine, parts });
    }
    return bytes;
  };

  // Jobs whose coordinator stopped calling (it died, or lost its network) are dropped: their waits
  // fail, their memory goes back.
  let expired = 0;
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, s] of stagedEdges) {
      if (s.until > now) continue;
      stagedEdges.delete(id);
      log(`dropped the ${s.total} edges of job ${id}: no Setup took them within ${STAGED_GRAPH_MS / 1000} s`);
    }
    for (const [id, s] of staged) {
      if (s.until > now) continue;
      staged.delete(id);
      log(`dropped the graph of job ${id} (${s.received} of ${s.bytes.length} bytes): no Setup took it within ${STAGED_GRAPH_MS / 1000} s`);
    }
    for (const [id, h] of jobs) {
      // A job in a Superstep is not dropped: its phases block the event loop, so its coordinator's
      // renewals wait unread; the lease restarts when the call ends.
      if (h.leaseUntil > now || h.running) continue;
      jobs.delete(id);
      channel.abort(id, 'the job\'s lease ran out');
      void h.job.close();
      // Its checkpoint files stay: a coordinator that lost touch with this worker may have given
      // its machine to a spare, which reads them (or has written newer ones under the same names).
      expired++;
      log(`dropped job ${id} (machine ${h.job.machine} of ${h.job.machines}, ${h.job.program.name}): its coordinator made no call for ${(h.leaseMs / 1000).toFixed(1)} s`);
    }
  }, LEASE_SWEEP_MS);
  sweep.unref();

  /** Set by close() and kill(): a Setup that finishes after it drops its job. */
  let closing = false;
  // Jobs whose Setup is still building them, and those of them released meanwhile.
  const creating = new Set<string>();
  const releasedWhileCreating = new Set<string>();
  const methods = gasWorkerMethods();
  /**
   * A handler that runs only for a call whose request is the one its credential vouched for (the
   * credential itself was checked from the metadata, before the request was read: see the server's
   * interceptor below), decoded only then.
   */
  const guarded = (name: string, handler: Handler<unknown, unknown>): Handler<unknown, unknown> => (call, callback) => {
    const bytes = (call.request as Record<symbol, Buffer>)[RAW];
    // The interceptor refused every call without a good credential; a digest is still required here, in depth.
    const vouched = secret.required ? ClusterSecret.vouchedDigest(credentialOf(call.metadata)) : '';
    const why = secret.required && name !== 'Hello' ? (vouched === '' ? 'no credential' : ClusterSecret.checkDigest(vouched, bytes)) : null;
    if (why !== null) {
      log(`refused ${name} from ${call.getPeer()}: ${why}`);
      return callback({ code: grpc.status.UNAUTHENTICATED, details: `refused: ${why}` });
    }
    try {
      (call as { request: unknown }).request = methods[name].requestDeserialize(bytes);
    } catch (error) {
      log(`refused ${name} from ${call.getPeer()}: not a ${name} request (${(error as Error).message})`);
      return callback({ code: grpc.status.INVALID_ARGUMENT, details: `refused: not a ${name} request` });
    }
    if (!secret.required || name === 'Hello') return handler(call, callback);
    // The reply goes as bytes, with a MAC that ties them to this call (auth.ts).
    const credential = credentialOf(call.metadata) ?? '';
    handler(call, (error, reply, ...rest) => {
      if (error) return callback(error, reply, ...rest);
      const replyBytes = methods[name].responseSerialize(reply as object);
      const metadata = new grpc.Metadata();
      metadata.set(REPLY_MAC_KEY, secret.replyMac(methods[name].path, workerId, credential, replyBytes)!);
      call.sendMetadata(metadata);
      callback(null, replyBytes);
    });
  };
  /**
   * LoadRange: read this machine's range of a file under --data-dir, place each edge by the
   * stateless placement named, and send it to its machine's worker (this one included) as SendEdges
   * chunks tagged with this reader; the counts of what was read go back (range-load.ts).
   */
  const loadRange = async (r: LoadRangeRequest): Promise<RangeCounts | { maxId: number; numEdges: number; firstColumns: number; fileBytes: number }> => {
    if (!/^[0-9a-f]{16}$/.test(r.job)) throw new UsageError('LoadRange: a job id is 16 hex digits');
    const readers = r.readers;
    if (!(Number.isInteger(readers) && readers >= 1 && readers <= 65535 && r.workers.length === readers)) throw new UsageError(`LoadRange: readers must be 1..65535 and name one worker each; got ${readers} readers and ${r.workers.length} workers`);
    if (!(Number.isInteger(r.reader) && r.reader < readers)) throw new UsageError(`LoadRange: reader must be below ${readers}; got ${r.reader}`);
    if (!(Number.isInteger(r.pass) && r.pass >= 1)) throw new UsageError(`LoadRange: pass must be 1 or more; got ${r.pass}`);
    if (!(Number.isInteger(r.only) && r.only < readers)) throw new UsageError(`LoadRange: only must be a machine below ${readers}, or negative; got ${r.only}`);
    r.workers.forEach((w) => parseAddress('LoadRange', w));
    if (r.format !== 'gwg' && r.format !== 'text') throw new UsageError(`LoadRange: format must be gwg or text; got ${JSON.stringify(r.format)}`);
    const file = fileUnder(options.dataDir, r.path);
    if (r.format === 'text' && r.scan) {
      const scan = scanTextRange(file, r.reader, readers);
      return { maxId: scan.maxId, numEdges: scan.edges, firstColumns: scan.firstColumns, fileBytes: scan.fileBytes };
    }
    const placer = statelessPlacer(r.placement, readers, r.seed);
    let source: EdgeSource;
    if (r.format === 'text') {
      const bytes = statSync(file).size;
      if (bytes !== r.fileBytes) throw new UsageError(`LoadRange: ${r.path} here has ${bytes} bytes, and ${r.fileBytes} when it was scanned: every machine must read the same file, unchanged`);
      if (!(Number.isInteger(r.numVertices) && r.numVertices >= 1 && r.numVertices <= IDENTITY_MAX_ID + 1)) throw new UsageError(`LoadRange: numVertices must be 1..${IDENTITY_MAX_ID + 1}; got ${r.numVertices}`);
      source = textRangeSource(file, r.reader, readers, r.numVertices, r.weighted);
    } else {
      const range = gwgRange(file, r.reader, readers);
      if (range === null) throw new UsageError(`LoadRange: ${r.path} is an undirected graph; --load distributed reads directed .gwg files`);
      if (range.source.numVertices !== r.numVertices || range.fileEdges !== r.numEdges) {
        throw new UsageError(`LoadRange: ${r.path} here has ${range.source.numVertices} vertices and ${range.fileEdges} edges, and the coordinator's ${r.numVertices} and ${r.numEdges}: every machine must read the same file`);
      }
      source = range.source;
    }
    const peers = r.workers.map((address) => new WorkerClient(address, options.security, secret));
    try {
      const send = async (m: number, chunk: EdgeChunk): Promise<void> => {
        try {
          await peers[m].call('SendEdges', { job: r.job, ...chunk, reader: r.reader }, Date.now() + PEER_SEND_MS);
        } catch (e) {
          const error = e as grpc.ServiceError;
          const details = error.details ?? error.message;
          if (error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.DEADLINE_EXCEEDED || error.code === grpc.status.CANCELLED) throw new PeerLost(m, `machine ${m}: reader ${r.reader} cannot send it its edges: ${details}`);
          throw new UsageError(`LoadRange: worker ${r.workers[m]} refused this reader's edges: ${details}`);
        }
      };
      const summary = await streamToMachines(source, placer, send, { machines: readers, seed: r.seed, pass: r.pass, ...(r.only >= 0 ? { only: r.only } : {}) });
      return countsOf(summary);
    } finally {
      for (const peer of peers) peer.close();
    }
  };
  const handlers: Record<string, Handler<never, unknown>> = {
    SendEdges: ((call, callback) => {
      const { job, sources, targets, weights, weighted, pass, reader } = call.request as { job: string; sources: Uint8Array; targets: Uint8Array; weights: Uint8Array; weighted: boolean; pass: number; reader: number };
      try {
        if (!/^[0-9a-f]{16}$/.test(job)) throw new UsageError('SendEdges: a job id is 16 hex digits');
        if (jobs.has(job) || creating.has(job) || staged.has(job)) throw new UsageError(`SendEdges: job ${job} is already set up on this worker, or has a graph sent`);
        const count = sources.length / 4;
        if (!Number.isInteger(count) || targets.length !== sources.length || weights.length !== (weighted ? count * 8 : 0)) {
          throw new UsageError(`SendEdges: ${sources.length} bytes of sources, ${targets.length} of targets and ${weights.length} of weights are not edges (4, 4 and ${weighted ? 8 : 0} bytes each)`);
        }
        let s = stagedEdges.get(job);
        // A later pass (the one before was cut short by a lost worker) starts over; an earlier one's late chunks are refused.
        if (s !== undefined && pass < s.pass) throw new OutOfOrder(`SendEdges: a chunk of pass ${pass} of job ${job}, which is at pass ${s.pass}`);
        if (s === undefined || pass > s.pass) {
          s = new StagedEdges(weighted, pass);
          stagedEdges.set(job, s);
        }
        if (s.weighted !== weighted) throw new UsageError(`SendEdges: job ${job}'s edges came ${s.weighted ? '' : 'un'}weighted, and now ${weighted ? '' : 'un'}weighted`);
        if (!(Number.isInteger(reader) && reader >= 0 && reader < 65535)) throw new UsageError(`SendEdges: reader must be a machine number below 65535; got ${reader}`);
        if (s.total + count > MAX_STAGED_EDGES) throw new UsageError(`SendEdges: more than ${MAX_STAGED_EDGES} edges for job ${job}`);
        s.append(toUint32(sources), toUint32(targets), weighted ? toFloat64(weights) : null, reader);
        s.until = Date.now() + STAGED_GRAPH_MS;
        callback(null, {});
      } catch (error) {
        fail(callback, error);
      }
    }) as Handler<{ job: string; sources: Uint8Array; targets: Uint8Array; weights: Uint8Array; weighted: boolean; pass: number; reader: number }, unknown>,
    LoadRange: ((call, callback) => {
      loadRange(call.request as LoadRangeRequest).then((reply) => callback(null, reply), (error) => fail(callback, error));
    }) as Handler<LoadRangeRequest, unknown>,
    SendGraph: ((call, callback) => {
      const { job, total, offset, bytes } = call.request as { job: string; total: number; offset: number; bytes: Uint8Array };
      try {
        if (!/^[0-9a-f]{16}$/.test(job)) throw new UsageError('SendGraph: a job id is 16 hex digits');
        if (jobs.has(job) || creating.has(job) || stagedEdges.has(job)) throw new UsageError(`SendGraph: job ${job} is already set up on this worker, or has edges sent`);
        if (!(Number.isInteger(total) && total > 0 && total <= MAX_GRAPH_BYTES)) throw new UsageError(`SendGraph: total must be 1..${MAX_GRAPH_BYTES} bytes; got ${total}`);
        let s = staged.get(job);
        if (s === undefined) {
          if (offset !== 0) throw new UsageError(`SendGraph: the first chunk of job ${job} starts at ${offset}, not 0`);
          // On shared memory: the graph decodes as views of these bytes, not a copy (binary.ts).
          s = { bytes: new Uint8Array(new SharedArrayBuffer(total)), received: 0, until: 0 };
          staged.set(job, s);
        }
        if (total !== s.bytes.length || offset !== s.received || offset + bytes.length > total) {
          throw new UsageError(`SendGraph: a chunk of ${bytes.length} bytes at ${offset} of ${total}, where ${s.received} of ${s.bytes.length} were received (chunks come in order)`);
        }
        s.bytes.set(bytes, offset);
        s.received += bytes.length;
        s.until = Date.now() + STAGED_GRAPH_MS;
        callback(null, {});
      } catch (error) {
        fail(callback, error);
      }
    }) as Handler<{ job: string; total: number; offset: number; bytes: Uint8Array }, unknown>,
    Setup: ((call, callback) => {
      const request = call.request as SetupArrival;
      // The graph came in chunks (SendGraph), or within Setup (an incomplete one fails to decode, by name).
      const sent = staged.get(request.job);
      staged.delete(request.job);
      if (sent !== undefined && (request.graph === undefined || request.graph.length === 0)) request.graph = sent.bytes.subarray(0, sent.received);
      // Or its edges came streamed (SendEdges): the job builds its part from them.
      const streamed = stagedEdges.get(request.job);
      stagedEdges.delete(request.job);
      if (!/^[0-9a-f]{16}$/.test(request.job)) return fail(callback, new UsageError('Setup: a job id is 16 hex digits'));
      if (streamed !== undefined && streamed.pass !== (request.pass ?? 0)) return fail(callback, new OutOfOrder(`Setup: job ${request.job}'s edges came by pass ${streamed.pass}, and Setup names pass ${request.pass ?? 0}`));
      // Edges read by several machines (--load distributed) go in readers' order: the file's.
      streamed?.merge();
      if (request.protocol !== PROTOCOL_VERSION) {
        return fail(callback, new UsageError(`this worker speaks cluster protocol ${PROTOCOL_VERSION} and the coordinator ${request.protocol || 'an older one'}: run the same gasworks version on every machine`));
      }
      const other = jobs.get(request.job);
      if (other && other.job.machine !== request.machine) {
        return fail(callback, new UsageError(`job ${request.job} already runs on this worker as machine ${other.job.machine}; a worker serves one machine of a job (is it listed twice, or as a spare too?)`));
      }
      // One Setup per job: a second one (a coordinator retrying past a deadline) would build the
      // job again and, finishing last, replace the running one with its initial state.
      if (other || creating.has(request.job)) {
        return fail(callback, new UsageError(`job ${request.job} is already set up on this worker as machine ${request.machine}`));
      }
      let programUrl: string;
      try {
        programUrl = programs.urlOf({ module: request.programModule, source: request.programSource, sha256: request.programSha256 } as never, secret.required);
      } catch (error) {
        return fail(callback, error);
      }
      creating.add(request.job);
      ClusterJob.create({ ...request, programUrl, threads, edges: streamed })
        .then((job) => {
          creating.delete(job.id);
          // Released, or given up by the coordinator (past its deadline), or the worker closing, while it was being built: drop it.
          if (releasedWhileCreating.delete(job.id) || call.cancelled || closing) {
            void job.close();
            return fail(callback, new Error(`job ${job.id} was released while it was being set up`));
          }
          const leaseMs = Math.min(LEASE_BOUNDS_MS[1], Math.max(LEASE_BOUNDS_MS[0], request.leaseMs || DEFAULT_LEASE_MS));
          const now = Date.now();
          jobs.set(job.id, { job, epoch: 0, peers: [], next: 0, running: false, since: now, leaseMs, leaseUntil: now + leaseMs });
          callback(null, { initiallyActive: job.initiallyActive, dataPort: channel.port, checkpoints: checkpointFiles !== null });
        })
        .catch((error: Error) => {
          creating.delete(request.job);
          releasedWhileCreating.delete(request.job);
          fail(callback, error);
        });
    }) as Handler<SetupArrival, unknown>,
    Connect: unary<{ job: string; epoch: number; peers: string[] }>((h, r) => {
      if (r.peers.length !== h.job.machines) throw new UsageError(`Connect: ${r.peers.length} peers for ${h.job.machines} machines`);
      if (!(r.epoch > h.epoch)) throw new OutOfOrder(`Connect: epoch ${r.epoch} after epoch ${h.epoch} (epochs only grow)`);
      r.peers.forEach((peer) => parseAddress('Connect', peer));
      channel.abort(h.job.id, 'the job moved to a new epoch');
      h.epoch = r.epoch;
      h.peers = r.peers;
      return {};
    }),
    Superstep: unary<{ job: string; superstep: number; count: number }>(async (h, r) => {
      if (h.epoch === 0) throw new OutOfOrder(`Superstep before Connect in job ${h.job.id}`);
      if (h.running) throw new OutOfOrder(`Superstep while another runs in job ${h.job.id}`);
      if (r.superstep !== h.next) throw new OutOfOrder(`Superstep from superstep ${r.superstep} in job ${h.job.id}, which is at superstep ${h.next}`);
      h.running = true;
      try {
        const ran = await runSupersteps(h.job, exchangeOf(h), r.superstep, Math.max(1, r.count));
        h.next = r.superstep + ran.edges.length;
        h.leaseUntil = Date.now() + h.leaseMs;
        return {
          steps: ran.edges.length,
          edges: bytesOf(Float64Array.from(ran.edges)),
          applied: bytesOf(Float64Array.from(ran.applied)),
          bytes: bytesOf(Float64Array.from(ran.bytes)),
          active: bytesOf(Float64Array.from(ran.active)),
          aggregates: bytesOf(ran.aggregates),
          converged: ran.converged,
        };
      } finally {
        h.running = false;
      }
    }),
    Collect: unary<{ job: string; state: boolean }>((h, r) => {
      if (h.running) throw new OutOfOrder(`Collect while job ${h.job.id} runs (a superstep, a checkpoint or a restore)`);
      return {
        ...h.job.collect(),
        ...(r.state ? { active: bytesOf(h.job.activeIds()), aggregates: bytesOf(h.job.aggregateValues()) } : {}),
      };
    }),
    Restore: unary<{ job: string; vertices: WireBatch; edges: WireBatch; active: Uint8Array; aggregates: Uint8Array; superstep: number }>((h, r) => {
      if (h.running) throw new OutOfOrder(`Restore while a Superstep runs in job ${h.job.id}`);
      h.job.restore(r.vertices, r.edges, toUint32(r.active), toFloat64(r.aggregates));
      h.next = r.superstep;
      return {};
    }),
    Checkpoint: unary<{ job: string; superstep: number; complete: number }>(async (h, r) => {
      if (checkpointFiles === null) throw new UsageError('Checkpoint: this worker keeps no checkpoints (start it with --checkpoint-dir)');
      if (h.running) throw new OutOfOrder(`Checkpoint while a Superstep runs in job ${h.job.id}`);
      if (r.superstep !== h.next) throw new OutOfOrder(`Checkpoint after superstep ${r.superstep} in job ${h.job.id}, which is at superstep ${h.next}`);
      // Running until written: no other call of the job's may come between (see RestoreCheckpoint).
      h.running = true;
      try {
        const { vertices, edges } = h.job.collect();
        const bytes = await checkpointFiles.write(h.job.id, h.job.machine, r.superstep, { vertices, edges, active: h.job.activeIds(), aggregates: h.job.aggregateValues() });
        // Files older than the last checkpoint every machine wrote are no longer needed to roll back.
        if (r.complete >= 0 && r.complete <= r.superstep) await checkpointFiles.drop(h.job.id, h.job.machine, r.complete);
        return { bytes };
      } finally {
        h.running = false;
      }
    }),
    RestoreCheckpoint: unary<{ job: string; superstep: number }>(async (h, r) => {
      if (checkpointFiles === null) throw new UsageError('RestoreCheckpoint: this worker keeps no checkpoints (start it with --checkpoint-dir)');
      if (h.running) throw new OutOfOrder(`RestoreCheckpoint while a Superstep runs in job ${h.job.id}`);
      const vertexColumns = Object.keys(h.job.program.vertex).length;
      const edgeColumns = Object.keys(h.job.program.edge ?? {}).length;
      // A restore reads files between its steps: the job is running until it is whole again, so
      // that no other call (a Superstep, another restore) sees it half restored.
      h.running = true;
      try {
        h.job.beginRestore();
        let aggregates: Float64Array = new Float64Array(0);
        // One machine's part at a time: no machine holds every row at once.
        for (let m = 0; m < h.job.machines; m++) {
          const part = await checkpointFiles.read(h.job.id, m, r.superstep, vertexColumns, edgeColumns);
          h.job.restoreRows(part.vertices, part.edges, part.active);
          aggregates = part.aggregates;
        }
        h.job.endRestore(aggregates);
        h.next = r.superstep;
        return {};
      } finally {
        h.running = false;
      }
    }),
    Abort: ((call, callback) => {
      channel.abort(call.request.job, 'the coordinator aborted this round (a worker was lost)');
      callback(null, {});
    }) as Handler<{ job: string }, unknown>,
    Release: ((call, callback) => {
      channel.abort(call.request.job, 'the job was released');
      staged.delete(call.request.job);
      stagedEdges.delete(call.request.job);
      if (creating.has(call.request.job)) releasedWhileCreating.add(call.request.job);
      const h = jobs.get(call.request.job);
      jobs.delete(call.request.job);
      void h?.job.close();
      // A worker replaced while it may be alive keeps its files: they are its spare's to read.
      if (h !== undefined && checkpointFiles !== null && !call.request.keepCheckpoints) void checkpointFiles.drop(h.job.id, h.job.machine).catch(() => undefined);
      callback(null, {});
    }) as Handler<{ job: string; keepCheckpoints?: boolean }, unknown>,
    Renew: unary<{ job: string }>(() => ({})),
    Train: ((call, callback) => {
      training.handle(call.request).then((reply) => callback(null, reply), (error) => fail(callback, error));
    }) as Handler<TrainRequest, unknown>,
    // Unauthenticated: what a coordinator must know to sign its calls to this worker.
    Hello: ((_call, callback) => callback(null, { worker: workerId, protocol: PROTOCOL_VERSION })) as Handler<unknown, unknown>,
    Status: ((_call, callback) => {
      const now = Date.now();
      const memory = process.memoryUsage();
      callback(null, {
        protocol: PROTOCOL_VERSION,
        jobs: [...jobs.values()].map((h) => ({
          job: h.job.id,
          machine: h.job.machine,
          machines: h.job.machines,
          program: h.job.program.name,
          vertices: h.job.graph.numVertices,
          edges: h.job.localEdgeCount,
          superstep: h.next,
          ageMs: now - h.since,
          leaseLeftMs: Math.max(0, h.leaseUntil - now),
          threads: h.job.threads,
        })),
        training: training.status(now),
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        uptimeS: process.uptime(),
        expired,
      });
    }) as Handler<unknown, unknown>,
  };
  // The standard gRPC health service (grpc.health.v1), unauthenticated as probes are: it tells only
  // whether the worker serves.
  const health = new HealthImplementation({ '': 'SERVING', 'gasworks.cluster.GasWorker': 'SERVING' });
  health.addToServer(server);
  server.addService(
    undecodedMethods(),
    Object.fromEntries(Object.entries(handlers).map(([name, handler]) => [name, guarded(name, handler as Handler<unknown, unknown>)])),
  );

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(listen, serverCredentials(options.security), (error, bound) => (error ? reject(new UsageError(`startWorker: cannot listen on ${listen}: ${error.message}`)) : resolve(bound)));
  }).catch((error) => {
    clearInterval(sweep);
    training.close();
    channel.close();
    throw error;
  });
  return {
    address: `${host}:${port}`,
    jobs: () => jobs.size,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        clearInterval(sweep);
        health.setStatus('', 'NOT_SERVING');
        for (const h of jobs.values()) void h.job.close();
        jobs.clear();
        training.close();
        channel.close();
        const force = setTimeout(() => server.forceShutdown(), CLOSE_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
    kill: () => {
      closing = true;
      clearInterval(sweep);
      for (const h of jobs.values()) void h.job.close();
      jobs.clear();
      training.close();
      channel.close();
      server.forceShutdown();
    },
  };
}
