/**
 * A gasworks cluster worker: a gRPC server (`gasworks worker --listen
 * host:port`) that holds jobs (job.ts) and runs their phases when
 * the coordinator asks. It keeps no state beyond its jobs; a job ends on
 * Release, or when the coordinator starts another job with the same id.
 * Errors in a phase (a program that throws, a partition that does not fit
 * the graph) go back to the coordinator as the call's error message.
 */
import * as grpc from '@grpc/grpc-js';
import { UsageError } from '../errors.js';
import { ClusterJob, type JobSetup, type WireBatch } from './job.js';
import { CHANNEL_OPTIONS, bytesOf, gasWorkerService, toFloat64, toUint32 } from './wire.js';

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

type Handler<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

/** Parse `host:port`; throws a UsageError naming `who` on anything else. */
export function parseAddress(who: string, address: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(address.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new UsageError(`${who}: expected host:port (such as 127.0.0.1:7070); got ${JSON.stringify(address)}`);
  return { host: m[1], port };
}

/** Start a worker listening on `listen` (host:port; port 0 picks a free one). */
export async function startWorker(listen: string): Promise<ClusterWorker> {
  const { host } = parseAddress('startWorker', listen);
  const jobs = new Map<string, ClusterJob>();
  const server = new grpc.Server(CHANNEL_OPTIONS);

  const unary = <Req extends { job?: string }, Res>(run: (job: ClusterJob, request: Req) => Res): Handler<Req, Res> => {
    return (call, callback) => {
      try {
        const job = jobs.get(call.request.job ?? '');
        if (!job) throw new Error(`no job ${JSON.stringify(call.request.job)} on this worker (it was released, or the worker restarted)`);
        callback(null, run(job, call.request));
      } catch (error) {
        callback({ code: grpc.status.INTERNAL, details: (error as Error).message });
      }
    };
  };

  server.addService(gasWorkerService().service, {
    Setup: ((call, callback) => {
      const request = call.request as JobSetup;
      ClusterJob.create(request)
        .then((job) => {
          jobs.set(job.id, job);
          callback(null, { initiallyActive: bytesOf(job.initiallyActive), localEdges: job.localEdgeCount, mastered: job.masteredCount });
        })
        .catch((error: Error) => callback({ code: grpc.status.INTERNAL, details: error.message }));
    }) as Handler<JobSetup, unknown>,
    Gather: unary<{ job: string; allActive: boolean; active: Uint8Array; aggregates: Uint8Array }, unknown>((job, r) =>
      job.gather(r.allActive, toUint32(r.active), toFloat64(r.aggregates)),
    ),
    Apply: unary<{ job: string; partials: WireBatch[] }, unknown>((job, r) => {
      const out = job.apply(r.partials);
      return { updates: out.updates, applied: out.applied, changed: out.changed };
    }),
    Sync: unary<{ job: string; updates: WireBatch[]; scatter: boolean }, unknown>((job, r) => {
      const out = job.sync(r.updates, r.scatter);
      return { signalled: bytesOf(out.signalled), edges: out.edges, aggregates: bytesOf(out.aggregates) };
    }),
    Collect: unary<{ job: string }, unknown>((job) => job.collect()),
    Restore: unary<{ job: string; vertices: WireBatch; edges: WireBatch }, unknown>((job, r) => {
      job.restore(r.vertices, r.edges);
      return {};
    }),
    Release: ((call, callback) => {
      jobs.delete(call.request.job);
      callback(null, {});
    }) as Handler<{ job: string }, unknown>,
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(listen, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(new UsageError(`startWorker: cannot listen on ${listen}: ${error.message}`)) : resolve(bound)));
  });
  return {
    address: `${host}:${port}`,
    jobs: () => jobs.size,
    close: () =>
      new Promise<void>((resolve) => {
        jobs.clear();
        server.tryShutdown(() => resolve());
      }),
    kill: () => {
      jobs.clear();
      server.forceShutdown();
    },
  };
}
