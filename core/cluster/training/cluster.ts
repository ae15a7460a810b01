/**
 * The coordinator's side of a distributed training job: one training job
 * (host.ts) set up on each listed worker with a bundled trainer module and
 * that machine's arguments and arrays, connected to the others' data
 * channels, then called by op (numbered per machine, in order) until it is
 * released. Errors come back as Machines sorts them (machines.ts): a lost
 * worker, a user's mistake, or the trainer's own failure.
 */
import { randomBytes } from 'node:crypto';
import { Machines, WorkerLost } from '../machines.js';
import { secretOf, type ClusterSecurity } from '../security.js';
import { TRAINING_PROTOCOL } from './host.js';

export interface TrainingClusterOptions {
  /** host:port of each worker, by machine. */
  workers: readonly string[];
  security?: ClusterSecurity;
  /** The trainer module's path in the gasworks package, such as apps/sgd/machine-trainer.js. */
  module: string;
  /** Milliseconds one call may take. Default 10 minutes. */
  timeoutMs?: number;
  /** Milliseconds a worker keeps the job without a call. Default 60 s. */
  leaseMs?: number;
  /** The function or command the user called, which errors name. Default 'trainCluster'. */
  who?: string;
}

export interface MachineArgs {
  args: Record<string, unknown>;
  parts?: Uint8Array[];
}

export interface CallReply<T = Record<string, unknown>> {
  json: T;
  parts: Uint8Array[];
}

const DEFAULT_TIMEOUT_MS = 600_000;

export class TrainingCluster {
  private readonly calls: number[];

  private constructor(
    readonly job: string,
    private readonly machines: Machines,
    private readonly timeoutMs: number,
    private readonly who: string,
  ) {
    this.calls = machines.addresses.map(() => 0);
  }

  get size(): number {
    return this.machines.count;
  }

  /** Set the job up on every worker with `setupFor(machine)` and connect them; released again if any fails. */
  static async open(options: TrainingClusterOptions, setupFor: (machine: number) => MachineArgs): Promise<TrainingCluster> {
    const job = randomBytes(8).toString('hex');
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const machines = new Machines(options.workers, [], options.security, secretOf(options.security), timeoutMs, job);
    const cluster = new TrainingCluster(job, machines, timeoutMs, options.who ?? 'trainCluster');
    try {
      const ports = await Promise.all(
        options.workers.map(async (_, m) => {
          const { args, parts } = setupFor(m);
          const setup = { protocol: TRAINING_PROTOCOL, machine: m, machines: options.workers.length, module: options.module, leaseMs: options.leaseMs, trainer: args };
          const reply = await cluster.raw<{ dataPort: number }>(m, 'setup', setup, parts ?? []);
          return reply.json.dataPort;
        }),
      );
      const peers = ports.map((port, m) => machines.dataAddress(m, port));
      await Promise.all(options.workers.map((_, m) => cluster.raw(m, 'connect', { epoch: 1, peers }, [])));
    } catch (error) {
      await cluster.release();
      throw error;
    }
    return cluster;
  }

  private async raw<T>(m: number, op: string, args: Record<string, unknown>, parts: Uint8Array[], limitMs = this.timeoutMs): Promise<CallReply<T>> {
    let reply: { json: string; parts: Uint8Array[] };
    try {
      reply = await this.machines.call<{ json: string; parts: Uint8Array[] }>(m, 'Train', { job: this.job, op, json: JSON.stringify(args), parts }, limitMs);
    } catch (error) {
      // Machines speaks for runCluster: name the caller instead.
      if (error instanceof Error) error.message = error.message.replace(/^runCluster:/, `${this.who}:`);
      throw error;
    }
    return { json: (reply.json ? JSON.parse(reply.json) : {}) as T, parts: reply.parts ?? [] };
  }

  /** The trainer's `op` on machine m. */
  call<T = Record<string, unknown>>(m: number, op: string, args: Record<string, unknown> = {}, parts: Uint8Array[] = []): Promise<CallReply<T>> {
    return this.raw<T>(m, op, { ...args, call: this.calls[m]++ }, parts);
  }

  /**
   * The trainer's `op` on every machine at once; all replies, or the first failure once all have
   * answered (the others are released at the first one: they may be waiting for its frames).
   */
  async all<T = Record<string, unknown>>(op: string, argsFor: (m: number) => Record<string, unknown> = () => ({}), partsFor: (m: number) => Uint8Array[] = () => []): Promise<Array<CallReply<T>>> {
    let cause: unknown = null;
    const settled = await Promise.allSettled(
      this.machines.addresses.map((_, m) =>
        this.call<T>(m, op, argsFor(m), partsFor(m)).catch((error: unknown) => {
          if (cause === null) {
            cause = error;
            this.machines.addresses.forEach((__, other) => {
              if (other !== m) this.raw(other, 'release', {}, [], 5000).catch(() => undefined);
            });
          }
          throw error;
        }),
      ),
    );
    if (cause !== null) throw cause;
    return settled.map((r) => (r as PromiseFulfilledResult<CallReply<T>>).value);
  }

  /** The machines whose worker does not answer (lost: unreachable or past a short deadline). */
  async lostMachines(limitMs = 3000): Promise<number[]> {
    const answers = await Promise.all(
      this.machines.addresses.map((_, m) =>
        this.raw(m, 'renew', {}, [], limitMs).then(
          () => false,
          (error: unknown) => error instanceof WorkerLost,
        ),
      ),
    );
    return answers.flatMap((lost, m) => (lost ? [m] : []));
  }

  /** Drop the job on every worker and close the connections. */
  async release(): Promise<void> {
    await Promise.allSettled(this.machines.addresses.map((_, m) => this.raw(m, 'release', {}, [], 5000)));
    await this.machines.release();
  }
}
