/**
 * The cluster's entry points as the package exports them: each loads the
 * cluster's modules (gRPC, protobuf, esbuild) on its first call, so that a
 * program that never touches a cluster does not pay for them at import
 * (about 90 ms and a hundred modules).
 */
import type { runCluster as RunCluster } from './coordinator.js';
import type { startWorker as StartWorker } from './worker-server.js';
import type { workerStatus as WorkerStatusOf } from './status.js';

/** Run a program across machines; see coordinator.ts. */
export const runCluster: typeof RunCluster = async (program, graph, options) => (await import('./coordinator.js')).runCluster(program, graph, options);

/** Serve as one machine of a cluster; see worker-server.ts. */
export const startWorker: typeof StartWorker = async (listen, options) => (await import('./worker-server.js')).startWorker(listen, options);

/** Ask a worker what it holds; see status.ts. */
export const workerStatus: typeof WorkerStatusOf = async (address, options) => (await import('./status.js')).workerStatus(address, options);
