/**
 * A worker's training jobs (the `Train` call of gasworks.proto): it sets a
 * job up by loading the bundled trainer module its setup names
 * (trainer.ts), connects it to the other machines' data channels, passes it
 * the coordinator's calls one at a time and in order (each carries its
 * number, from 0), routes the job's data-channel frames to it (served at
 * once, or kept until received), and ends it on release, on a lost peer's
 * waits, or when its lease runs out. Every call reaches here only after the
 * worker checked its credential (worker-server.ts); here its shape is
 * checked: job id, op, sizes, order.
 */
import { UsageError } from '../../errors.js';
import { parseAddress } from '../../util/address.js';
import type { Frame } from '../data-channel.js';
import type { CreateTrainer, Trainer, TrainerFrame, TrainerLink } from './trainer.js';

export interface TrainRequest {
  job: string;
  op: string;
  json: string;
  parts: Uint8Array[];
}

export interface TrainReply {
  json: string;
  parts: Uint8Array[];
}

export interface TrainingHostOptions {
  /** The file URL of a bundled module named by its path in the package (throws for any other). */
  moduleUrl: (module: string) => string;
  /** Send a frame to the data channel at host:port. */
  send: (address: string, frame: Frame) => void;
  threads: number;
  log: (line: string) => void;
  /** The port of this worker's data channel, which setup's reply names. */
  dataPort: () => number;
}

/** The version of the training calls' arguments and frames; setup carries it. */
export const TRAINING_PROTOCOL = 1;

const JOB_ID = /^[0-9a-f]{16}$/;
const OP = /^[a-z]{1,32}$/;
/** Bounds on one call: its JSON, its parts. */
const MAX_JSON_CHARS = 1 << 20;
const MAX_CALL_PARTS = 4096;
/** Keys (seq, tag) waiting in a job's mailbox at most: a peer that floods it ends the job. */
const MAX_MAILBOX_KEYS = 65_536;
const DEFAULT_LEASE_MS = 60_000;
const LEASE_BOUNDS_MS = [1000, 24 * 3600_000] as const;
const SWEEP_MS = 500;

interface Waiter {
  count: number;
  resolve: (frames: TrainerFrame[]) => void;
  reject: (error: Error) => void;
}

interface Session {
  job: string;
  machine: number;
  machines: number;
  trainer: Trainer;
  /** Connect's epoch (0: not connected yet); frames of another epoch are dropped. */
  epoch: number;
  peers: string[];
  /** The number the next trainer call must carry. */
  nextCall: number;
  busy: boolean;
  leaseMs: number;
  leaseUntil: number;
  mailbox: Map<string, TrainerFrame[]>;
  waiters: Map<string, Waiter>;
  /** Set when the job was aborted: every wait fails with it. */
  failure: Error | null;
  /** What it trains with (its trainer module, for status) and when it was set up. */
  trainerModule: string;
  since: number;
}

/** A training job as `gasworks status` lists it beside the graph jobs. */
export interface TrainingJobStatus {
  job: string;
  machine: number;
  machines: number;
  trainer: string;
  /** Trainer calls answered so far (rounds, for the bundled trainers' loops). */
  calls: number;
  ageMs: number;
  leaseLeftMs: number;
  threads: number;
}

const keyOf = (seq: number, tag: number): string => `${seq}/${tag}`;

function parseArgs(json: string): Record<string, unknown> {
  if (json.length > MAX_JSON_CHARS) throw new UsageError(`Train: arguments must be at most ${MAX_JSON_CHARS} characters of JSON; got ${json.length}`);
  if (json === '') return {};
  let args: unknown;
  try {
    args = JSON.parse(json);
  } catch {
    throw new UsageError('Train: arguments must be a JSON object; got malformed JSON');
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new UsageError('Train: arguments must be a JSON object');
  return args as Record<string, unknown>;
}

const wholeIn = (x: unknown, lo: number, hi: number): x is number => Number.isInteger(x) && (x as number) >= lo && (x as number) <= hi;

export class TrainingHost {
  private readonly sessions = new Map<string, Session>();
  private readonly creating = new Set<string>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly options: TrainingHostOptions) {
    this.sweep = setInterval(() => this.expire(), SWEEP_MS);
    this.sweep.unref();
  }

  /** Jobs held now. */
  get size(): number {
    return this.sessions.size;
  }

  /** The training jobs held now, for Status. */
  status(now = Date.now()): TrainingJobStatus[] {
    return [...this.sessions.values()].map((s) => ({
      job: s.job,
      machine: s.machine,
      machines: s.machines,
      trainer: s.trainerModule,
      calls: s.nextCall,
      ageMs: now - s.since,
      leaseLeftMs: Math.max(0, s.leaseUntil - now),
      threads: this.options.threads,
    }));
  }

  async handle(request: TrainRequest): Promise<TrainReply> {
    const { job, op } = request;
    if (!JOB_ID.test(job ?? '')) throw new UsageError('Train: a job id is 16 hex digits');
    if (!OP.test(op ?? '')) throw new UsageError('Train: op must be a lower-case word');
    const parts = request.parts ?? [];
    if (parts.length > MAX_CALL_PARTS) throw new UsageError(`Train: at most ${MAX_CALL_PARTS} parts per call; got ${parts.length}`);
    const args = parseArgs(request.json ?? '');
    if (op === 'setup') return this.setup(job, args, parts);
    if (op === 'release') {
      this.release(job, 'the job was released');
      return { json: '{}', parts: [] };
    }
    const s = this.sessions.get(job);
    if (s === undefined) throw new UsageError(`Train: no training job ${job} on this worker (it was released, its lease ran out, or the worker restarted)`);
    s.leaseUntil = Date.now() + s.leaseMs;
    if (op === 'connect') return this.connect(s, args);
    if (op === 'renew') return { json: '{}', parts: [] };
    if (s.epoch === 0) throw new UsageError(`Train: ${op} before connect in job ${job}`);
    if (s.busy) throw new UsageError(`Train: ${op} while another call runs in job ${job}`);
    if (args.call !== s.nextCall) throw new UsageError(`Train: call number ${JSON.stringify(args.call)} in job ${job}, which expects call ${s.nextCall} (calls come in order)`);
    s.busy = true;
    s.nextCall++;
    try {
      const reply = await s.trainer.call(op, args, parts);
      return { json: JSON.stringify(reply.json ?? {}), parts: reply.parts ?? [] };
    } finally {
      s.busy = false;
      s.leaseUntil = Date.now() + s.leaseMs;
    }
  }

  private async setup(job: string, args: Record<string, unknown>, parts: Uint8Array[]): Promise<TrainReply> {
    if (this.sessions.has(job) || this.creating.has(job)) throw new UsageError(`Train: job ${job} is already set up on this worker`);
    if (args.protocol !== TRAINING_PROTOCOL) throw new UsageError(`Train: this worker speaks training protocol ${TRAINING_PROTOCOL} and the coordinator ${JSON.stringify(args.protocol)}: run the same gasworks version on every machine`);
    const { machine, machines, module } = args;
    if (!wholeIn(machines, 1, 65_535)) throw new UsageError(`Train: machines must be 1..65535; got ${JSON.stringify(machines)}`);
    if (!wholeIn(machine, 0, machines - 1)) throw new UsageError(`Train: machine must be 0..${machines - 1}; got ${JSON.stringify(machine)}`);
    if (typeof module !== 'string') throw new UsageError('Train: setup names no trainer module');
    const leaseMs = Math.min(LEASE_BOUNDS_MS[1], Math.max(LEASE_BOUNDS_MS[0], Number(args.leaseMs) || DEFAULT_LEASE_MS));
    const url = this.options.moduleUrl(module);
    this.creating.add(job);
    try {
      const loaded = (await import(url)) as { createTrainer?: CreateTrainer };
      if (typeof loaded.createTrainer !== 'function') throw new UsageError(`Train: the module ${module} exports no createTrainer`);
      const session = {
        job,
        machine,
        machines,
        trainerModule: module,
        since: Date.now(),
        epoch: 0,
        peers: [] as string[],
        nextCall: 0,
        busy: false,
        leaseMs,
        leaseUntil: Date.now() + leaseMs,
        mailbox: new Map(),
        waiters: new Map(),
        failure: null,
      } as Omit<Session, 'trainer'> as Session;
      session.trainer = await loaded.createTrainer({ machine, machines, threads: this.options.threads, args: (args.trainer ?? {}) as Record<string, unknown>, parts }, this.linkOf(session));
      if (!this.creating.has(job)) {
        session.trainer.close?.();
        throw new UsageError(`Train: job ${job} was released while it was being set up`);
      }
      this.sessions.set(job, session);
      return { json: JSON.stringify({ dataPort: this.options.dataPort() }), parts: [] };
    } finally {
      this.creating.delete(job);
    }
  }

  private connect(s: Session, args: Record<string, unknown>): TrainReply {
    const { epoch, peers } = args;
    if (!Array.isArray(peers) || peers.length !== s.machines || !peers.every((p) => typeof p === 'string')) throw new UsageError(`Train: connect needs ${s.machines} peer addresses`);
    if (!(Number.isInteger(epoch) && (epoch as number) > s.epoch && (epoch as number) < 2 ** 32)) throw new UsageError(`Train: connect epoch ${JSON.stringify(epoch)} after epoch ${s.epoch} (epochs only grow)`);
    (peers as string[]).forEach((p) => parseAddress('Train', p));
    s.epoch = epoch as number;
    s.peers = peers as string[];
    return { json: '{}', parts: [] };
  }

  private linkOf(s: Session): TrainerLink {
    return {
      machine: s.machine,
      machines: s.machines,
      send: (to, seq, tag, parts) => {
        if (!(Number.isInteger(to) && to >= 0 && to < s.machines)) throw new Error(`training link: no machine ${to} of ${s.machines}`);
        if (to === s.machine) {
          const frame: TrainerFrame = { seq, tag, from: s.machine, parts };
          queueMicrotask(() => this.deliver(s, frame));
          return 0;
        }
        this.options.send(s.peers[to], { job: s.job, epoch: s.epoch, superstep: seq, exchange: tag, from: s.machine, parts });
        let bytes = 0;
        for (const p of parts) bytes += p.byteLength;
        return bytes;
      },
      receive: (seq, tag, count) => {
        if (s.failure !== null) return Promise.reject(s.failure);
        const key = keyOf(seq, tag);
        const have = s.mailbox.get(key) ?? [];
        const byFrom = (frames: TrainerFrame[]): TrainerFrame[] => frames.sort((a, b) => a.from - b.from);
        if (have.length >= count) {
          s.mailbox.delete(key);
          return Promise.resolve(byFrom(have));
        }
        return new Promise((resolve, reject) => s.waiters.set(key, { count, resolve: (frames) => resolve(byFrom(frames)), reject }));
      },
    };
  }

  /**
   * A frame from the data channel: true when it belongs to a training job here (taken, or dropped
   * as from another epoch or a machine the job does not have); false when it is no training job's.
   */
  take(frame: Frame): boolean {
    const s = this.sessions.get(frame.job);
    if (s === undefined) return false;
    if (frame.epoch !== s.epoch || frame.from >= s.machines || frame.from === s.machine) return true;
    this.deliver(s, { seq: frame.superstep, tag: frame.exchange, from: frame.from, parts: frame.parts });
    return true;
  }

  private deliver(s: Session, frame: TrainerFrame): void {
    if (s.failure !== null || !this.sessions.has(s.job)) return;
    try {
      if (s.trainer.serve?.(frame) === true) return;
    } catch (error) {
      this.abort(s, new Error(`the trainer failed on a frame from machine ${frame.from}: ${(error as Error).message}`));
      return;
    }
    const key = keyOf(frame.seq, frame.tag);
    const frames = s.mailbox.get(key) ?? [];
    if (frames.length === 0 && s.mailbox.size >= MAX_MAILBOX_KEYS) {
      this.abort(s, new Error(`more than ${MAX_MAILBOX_KEYS} kinds of frames wait unreceived (a peer out of step)`));
      return;
    }
    frames.push(frame);
    s.mailbox.set(key, frames);
    const waiter = s.waiters.get(key);
    if (waiter && frames.length >= waiter.count) {
      s.waiters.delete(key);
      s.mailbox.delete(key);
      waiter.resolve(frames);
    }
  }

  private abort(s: Session, error: Error): void {
    if (s.failure === null) s.failure = error;
    for (const waiter of s.waiters.values()) waiter.reject(error);
    s.waiters.clear();
    s.mailbox.clear();
  }

  /** A peer's data channel is gone: the jobs that send to it fail their waits. */
  peerLost(address: string, why: string): void {
    for (const s of this.sessions.values()) {
      const machine = s.peers.indexOf(address);
      if (machine >= 0) this.abort(s, new Error(`machine ${machine}: ${why}`));
    }
  }

  release(job: string, why: string): void {
    this.creating.delete(job);
    const s = this.sessions.get(job);
    if (s === undefined) return;
    this.sessions.delete(job);
    this.abort(s, new Error(why));
    s.trainer.close?.();
  }

  private expire(): void {
    const now = Date.now();
    for (const s of [...this.sessions.values()]) {
      if (s.leaseUntil > now || s.busy) continue;
      this.release(s.job, "the job's lease ran out");
      this.options.log(`dropped training job ${s.job} (machine ${s.machine} of ${s.machines}): its coordinator made no call for ${(s.leaseMs / 1000).toFixed(1)} s`);
    }
  }

  close(): void {
    clearInterval(this.sweep);
    for (const job of [...this.sessions.keys()]) this.release(job, 'the worker is shutting down');
  }
}
