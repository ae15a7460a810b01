/**
 * `workerStatus(address)`: what a running `gasworks worker` holds (its jobs,
 * with their size, superstep, age and lease) and how much memory it uses,
 * through its Status call (authenticated like every other).
 */
import type * as grpc from '@grpc/grpc-js';
import { UsageError } from '../errors.js';
import { parseAddress } from '../util/address.js';
import { WorkerClient } from './client.js';
import { secretOf, type ClusterSecurity } from './security.js';
import { remoteMessage } from './wire.js';
import type { TrainingJobStatus } from './training/host.js';

export interface WorkerJobStatus {
  job: string;
  machine: number;
  machines: number;
  program: string;
  /** Vertices and edges the worker holds for the job. */
  vertices: number;
  edges: number;
  /** The next superstep it will run. */
  superstep: number;
  ageMs: number;
  leaseLeftMs: number;
  /** Threads the job's phases run on. */
  threads: number;
}

export interface WorkerStatus {
  address: string;
  protocol: number;
  jobs: WorkerJobStatus[];
  /** Training jobs (gasworks sgd --cluster, DSGD). */
  training: TrainingJobStatus[];
  rssBytes: number;
  heapUsedBytes: number;
  uptimeSeconds: number;
  /** Jobs dropped since the worker started because their coordinator stopped renewing their lease. */
  expired: number;
}

/** Ask the worker at `address` (host:port) for its status; `timeoutSeconds` bounds the wait. */
export async function workerStatus(address: string, options: { security?: ClusterSecurity; timeoutSeconds?: number } = {}): Promise<WorkerStatus> {
  parseAddress('workerStatus', address);
  const client = new WorkerClient(address, options.security, secretOf(options.security));
  try {
    const reply = await client.call<Omit<WorkerStatus, 'address' | 'uptimeSeconds'> & { uptimeS: number }>('Status', {}, Date.now() + (options.timeoutSeconds ?? 10) * 1000);
    const { uptimeS, ...rest } = reply;
    return { address, ...rest, training: rest.training ?? [], uptimeSeconds: uptimeS };
  } catch (error) {
    const code = (error as grpc.ServiceError).code;
    const why = remoteMessage(error).replace(/\.? *Resolution note:.*$/, '');
    throw new UsageError(code === 16 ? `workerStatus: worker ${address} ${why}; give the cluster's token (--token-file)` : `workerStatus: cannot ask worker ${address}: ${why}`);
  } finally {
    client.close();
  }
}
