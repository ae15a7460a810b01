/**
 * The machines of a cluster run, as the coordinator sees them: one worker
 * address and client per machine, the spares standing by, and calls to one
 * machine or to every machine at once. A call's failure is sorted here into
 * a lost worker (unreachable, past its deadline, or named by a peer that
 * could not reach it: `WorkerLost`, which a spare can make good), a user's
 * mistake (`UsageError`: a refused token, a bad program) or an error of the
 * program on the worker. When one machine of an every-machine call fails,
 * the others are told to stop waiting for its data (Abort), and the call
 * settles only once all have answered, so a recovery starts from quiet
 * workers.
 */
import type * as grpc from '@grpc/grpc-js';
import { UsageError } from '../errors.js';
import { parseAddress } from '../util/address.js';
import type { ClusterSecret } from './auth.js';
import { WorkerClient } from './client.js';
import type { ClusterSecurity } from './security.js';
import { LOST_MACHINE_KEY, remoteMessage } from './wire.js';

/** gRPC status codes (grpc.status, without loading gRPC here). */
const STATUS = { CANCELLED: 1, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, FAILED_PRECONDITION: 9, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;

/** A worker that cannot be reached or did not answer in time (as opposed to one that reported an error). */
export class WorkerLost extends UsageError {
  constructor(
    readonly machine: number,
    message: string,
  ) {
    super(message);
  }
}

export class Machines {
  /** host:port of each machine's worker (a spare's, once it has taken a lost worker's place). */
  readonly addresses: string[];
  private readonly clients: WorkerClient[];
  private readonly spares: string[];
  private readonly hadSpares: boolean;

  constructor(
    workers: readonly string[],
    spares: readonly string[],
    private readonly security: ClusterSecurity | undefined,
    private readonly secret: ClusterSecret,
    /** Milliseconds a call may take by default. */
    private readonly timeoutMs: number,
    /** The job every call is about (Abort names it). */
    private readonly job: string,
  ) {
    this.addresses = [...workers];
    this.spares = [...spares];
    this.hadSpares = spares.length > 0;
    this.clients = this.addresses.map((a) => this.connect(a));
  }

  get count(): number {
    return this.addresses.length;
  }

  get hasSpares(): boolean {
    return this.spares.length > 0;
  }

  private connect(address: string): WorkerClient {
    return new WorkerClient(address, this.security, this.secret);
  }

  /** Call `method` on machine `m`; fails with WorkerLost, UsageError or Error (see the header). */
  async call<Res>(m: number, method: string, request: object, limitMs = this.timeoutMs): Promise<Res> {
    const address = this.addresses[m];
    try {
      return await this.clients[m].call<Res>(method, request, Date.now() + limitMs);
    } catch (e) {
      const error = e as grpc.ServiceError;
      const lostPeer = error.code === STATUS.FAILED_PRECONDITION ? Number(error.metadata?.get(LOST_MACHINE_KEY)[0]) : NaN;
      if (Number.isInteger(lostPeer) && lostPeer >= 0 && lostPeer < this.addresses.length) {
        throw new WorkerLost(lostPeer, `runCluster: worker ${address} cannot reach worker ${this.addresses[lostPeer]}: ${remoteMessage(error)}`);
      }
      switch (error.code) {
        case STATUS.INVALID_ARGUMENT:
          throw new UsageError(`runCluster: worker ${address}: ${remoteMessage(error)}`);
        case STATUS.UNAUTHENTICATED:
          throw new UsageError(`runCluster: worker ${address} ${remoteMessage(error)}; give the coordinator the workers' token (--token-file, or GASWORKS_TOKEN_FILE)`);
        case STATUS.RESOURCE_EXHAUSTED:
          throw new UsageError(`runCluster: worker ${address} refused ${method}: ${remoteMessage(error)} (start it with a larger --max-message-mb)`);
        case STATUS.UNAVAILABLE:
        case STATUS.CANCELLED:
          throw new WorkerLost(m, `runCluster: cannot reach worker ${address} (${remoteMessage(error).replace(/\.? *Resolution note:.*$/, '')}); start one there with: gasworks worker --listen ${address}`);
        case STATUS.DEADLINE_EXCEEDED:
          throw new WorkerLost(m, `runCluster: worker ${address} did not answer ${method} within ${limitMs / 1000} s`);
        default:
          throw new Error(`runCluster: worker ${address} failed in ${method}: ${remoteMessage(error)}`);
      }
    }
  }

  /**
   * Call `method` on every machine; once all have answered, their replies, or the first failure
   * (the others' failures may only be the Abort it set off).
   */
  async everyMachine<Res>(method: string, request: (m: number) => object, limitMs = this.timeoutMs): Promise<Res[]> {
    let cause: unknown = null;
    const calls = this.addresses.map((_, m) =>
      this.call<Res>(m, method, request(m), limitMs).catch((error: unknown) => {
        if (cause === null) {
          cause = error;
          // The others may be waiting for this machine's data: tell them to stop.
          this.addresses.forEach((__, other) => {
            if (other !== m) this.call(other, 'Abort', { job: this.job }, 5000).catch(() => undefined);
          });
        }
        throw error;
      }),
    );
    const settled = await Promise.allSettled(calls);
    if (cause !== null) throw cause;
    return settled.map((r) => (r as PromiseFulfilledResult<Res>).value);
  }

  /**
   * Put the next spare in a lost worker's place (the lost one is told to drop the job: it may yet be
   * alive, past a deadline or cut off from one peer). Returns the spare's address; throws when none is left.
   */
  replace(lost: WorkerLost): string {
    const spare = this.spares.shift();
    if (spare === undefined) {
      throw new UsageError(`${lost.message}${this.hadSpares ? ' (no spare worker left to take its place)' : ' (give spare workers, --spare host:port, to carry on)'}`);
    }
    const m = lost.machine;
    const retired = this.clients[m];
    // It may be alive: its checkpoint files are for its spare to read.
    this.call(m, 'Release', { job: this.job, keepCheckpoints: true }, 5000)
      .catch(() => undefined)
      .finally(() => retired.close());
    this.addresses[m] = spare;
    this.clients[m] = this.connect(spare);
    return spare;
  }

  /** The host:port of machine m's data channel: the host the coordinator reaches it by, and the port it reported. */
  dataAddress(m: number, port: number): string {
    return `${parseAddress('runCluster', this.addresses[m]).host}:${port}`;
  }

  /** Tell every worker to drop the job, and close the connections. */
  async release(): Promise<void> {
    await Promise.allSettled(this.addresses.map((_, m) => this.call(m, 'Release', { job: this.job }, 5000)));
    for (const client of this.clients) client.close();
  }
}
