/**
 * The one entry point for running a vertex program:
 * `runProgram(program, graph, { engine, workers, ... })`. It picks the
 * synchronous (BSP) engine or the asynchronous one, maps the common options
 * onto each, and returns the same result shape from both. `workers: 1` runs
 * inline with no threads; the default is one worker per core.
 *
 * Determinism: in the synchronous engine every vertex's gather runs in one
 * thread, in edge order, and every gather reads the previous superstep's
 * values, so results are bit-identical for every worker count (aggregates are
 * combined from per-thread partials, so their last bits may differ). The
 * asynchronous engine gives no such guarantee.
 */
import { availableParallelism } from 'node:os';
import type { Columns, Schema } from '../graph/columns.js';
import { Graph } from '../graph/graph.js';
import { UsageError } from '../errors.js';
import type { Params, VertexProgram } from '../program.js';
import { runAsync, type AsyncScheduler, type Consistency, type EdgeConsistency } from './async.js';
import { runSync, type DirectionMode, type FrontierMode } from './sync.js';
// The cluster (gRPC, protobuf, esbuild) loads only for a cluster run: see runProgram.
import type { ClusterInfo } from '../cluster/coordinator.js';
import type { ClusterSecurity } from '../cluster/security.js';
import type { Placement } from '../cluster/placement.js';
import type { EdgeSource } from '../cluster/ingress.js';
import { closeEngineWorkers } from './worker-pool.js';
import { refuseRunWhileImporting } from './load-program.js';

export type { ClusterInfo };

export type EngineName = 'sync' | 'async';

export interface RunProgress {
  /** Superstep (sync) or sweep / update round (async) just finished. */
  superstep: number;
  /** Vertices to run next (sync); -1 when the engine does not know (async). */
  active: number;
  aggregates: Record<string, number>;
  edgesPerSecond: number;
}

export interface RunOptions<P extends Params = Params> {
  /** 'sync' (BSP supersteps, the default) or 'async' (workers run signalled vertices at once). */
  engine?: EngineName;
  /** Threads; 1 runs inline with no worker threads. Default: one per core. */
  workers?: number;
  /** Supersteps (sync), sweeps (async sweep/chromatic) or updates / n (async queues). */
  maxIterations?: number;
  /** Override the program's parameters (others keep their defaults). */
  params?: Partial<P>;
  /** Async only: 'sweep' (in-place Gauss-Seidel sweeps, default), 'fifo', 'priority' or 'buckets' (smallest signalled key first, delta-stepping style). */
  scheduler?: AsyncScheduler;
  /** Async only, scheduler 'buckets': the key range of one bucket (delta; default 1). */
  bucketWidth?: number;
  /** Async only: 'none' (lock-free, Hogwild!, default), 'vertex' or 'edge'. */
  consistency?: Consistency;
  /** Async only, with consistency 'edge': per-vertex 'locks' (default) or the 'chromatic' engine. */
  edgeConsistency?: EdgeConsistency;
  /** Async only: aggregate every this many milliseconds; 0: after every sweep (default for the sweep modes; 100 for the queue modes). */
  aggregateEveryMs?: number;
  onProgress?: (progress: RunProgress) => void;
  /**
   * Sync engine, 'signalled' programs: 'auto' (default) runs a superstep from a list of its active
   * vertices when they are at most a twentieth of all, 'sparse' whenever the list holds them,
   * 'dense' never (every superstep scans every vertex's flag). The answers are the same.
   */
  frontier?: FrontierMode;
  /**
   * Sync engine, programs whose gather may stop early (VertexFunctions.pull): 'auto' (default)
   * chooses push or pull per superstep by the frontier's edges; 'push' never pulls.
   */
  direction?: DirectionMode;
  /**
   * Run across machines: the host:port of each `gasworks worker` (one machine
   * each), synchronous engine only. `workers` is then the number of machines.
   */
  cluster?: readonly string[];
  /** Cluster runs: where edges go (default random; gasworks/partitioner's clusterPlacement('hdrf') replicates less). */
  placement?: Placement;
  /** Cluster runs: checkpoint every this many supersteps (default 0: only at the start, with spares). */
  checkpointEvery?: number;
  /** Cluster runs: workers standing by to replace a lost one (the run rolls back to the last checkpoint). */
  spares?: readonly string[];
  /** Cluster runs: the cluster's token and TLS material, as its workers were given them. */
  security?: ClusterSecurity;
  /** Cluster runs: seconds the workers keep the job after the coordinator's last call (default 60). */
  leaseSeconds?: number;
  /** Cluster runs of a .gwg stream: each worker reads its range of this file under its --data-dir (runCluster's distributedLoad). */
  distributedLoad?: { path: string; format?: 'gwg' | 'text'; fileBytes?: number };
}

export interface RunResult<VS extends Schema = Schema> {
  /** The program's vertex columns, as the run left them. */
  vertex: Columns<VS>;
  edge: Columns<Schema>;
  engine: EngineName;
  workers: number;
  /** Supersteps (sync), sweeps or ceil(updates / n) (async). */
  iterations: number;
  /** Exact number of apply calls. */
  vertexUpdates: number;
  /** Edges visited by gather and scatter. */
  edgesTraversed: number;
  /** Engine time, setup and loading excluded. */
  computeSeconds: number;
  edgesPerSecond: number;
  /** True when the run stopped by convergence (aggregator test, or no work left), not by maxIterations. */
  converged: boolean;
  aggregates: Record<string, number>;
  /** Present for cluster runs. */
  cluster?: ClusterInfo;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export async function runProgram<VS extends Schema, ES extends Schema, P extends Params, A extends number | Float64Array>(
  program: VertexProgram<VS, ES, P, A>,
  input: Graph | EdgeSource,
  options: RunOptions<P> = {},
): Promise<RunResult<VS>> {
  refuseRunWhileImporting('runProgram');
  const engine = options.engine ?? 'sync';
  // An edge stream (core/cluster/ingress.ts) runs on a cluster, whose coordinator sends it on unbuilt.
  if (!(input instanceof Graph) && options.cluster === undefined) throw new UsageError(`runProgram: an edge stream (${input.name}) runs on a cluster only; build it into a graph for one machine`);
  const graph = input as Graph;
  const params = options.params as Params | undefined;
  if (options.cluster !== undefined) {
    if (engine !== 'sync') throw new UsageError(`runProgram: a cluster run uses the sync engine; got engine '${engine}'`);
    for (const key of ['scheduler', 'bucketWidth', 'consistency', 'edgeConsistency'] as const) {
      if (options[key] !== undefined) throw new UsageError(`runProgram: option "${key}" is for the async engine, not cluster runs`);
    }
    if (options.frontier !== undefined) throw new UsageError('runProgram: option "frontier" is for the sync engine in shared memory, not cluster runs');
    if (options.direction !== undefined) throw new UsageError('runProgram: option "direction" is for the sync engine in shared memory, not cluster runs');
    const { runCluster } = await import('../cluster/coordinator.js');
    const r = await runCluster(program, input, {
      workers: options.cluster,
      params,
      maxIterations: options.maxIterations,
      placement: options.placement,
      checkpointEvery: options.checkpointEvery,
      spares: options.spares,
      security: options.security,
      leaseSeconds: options.leaseSeconds,
      distributedLoad: options.distributedLoad,
      onProgress: options.onProgress,
    });
    const { machines, partitioner, replicationFactor, setupSeconds, bytesRouted, recoveries, checkpoints, workers: finalWorkers, ingress, edges, checkpointsAt, ...rest } = r;
    return { ...rest, engine, workers: machines, cluster: { machines, partitioner, replicationFactor, setupSeconds, bytesRouted, recoveries, checkpoints, workers: finalWorkers, ingress, edges, checkpointsAt } };
  }
  for (const key of ['placement', 'checkpointEvery', 'spares', 'security', 'leaseSeconds', 'distributedLoad'] as const) {
    if (options[key] !== undefined) throw new UsageError(`runProgram: option "${key}" is for cluster runs (give "cluster" too)`);
  }
  const workers = options.workers ?? defaultWorkers();
  if (engine === 'sync') {
    for (const key of ['scheduler', 'bucketWidth', 'consistency', 'edgeConsistency'] as const) {
      if (options[key] !== undefined) throw new UsageError(`runProgram: option "${key}" is for the async engine; this run uses engine 'sync'`);
    }
    const r = await runSync(program, graph, {
      threads: workers,
      params,
      maxIterations: options.maxIterations,
      onProgress: options.onProgress,
      frontier: options.frontier,
      direction: options.direction,
    });
    return { ...r, engine, workers };
  }
  if (engine === 'async') {
    if (options.frontier !== undefined) throw new UsageError(`runProgram: option "frontier" is for the sync engine; this run uses engine 'async'`);
    if (options.direction !== undefined) throw new UsageError(`runProgram: option "direction" is for the sync engine; this run uses engine 'async'`);
    const r = await runAsync(program, graph, {
      threads: workers,
      params,
      maxIterations: options.maxIterations,
      scheduler: options.scheduler,
      bucketWidth: options.bucketWidth,
      consistency: options.consistency,
      edgeConsistency: options.edgeConsistency,
      aggregateEveryMs: options.aggregateEveryMs,
      onAggregate: options.onProgress
        ? (aggregates, iterations) => {
            options.onProgress!({ superstep: iterations, active: -1, aggregates, edgesPerSecond: 0 });
          }
        : undefined,
    });
    return {
      vertex: r.vertex,
      edge: r.edge,
      engine,
      workers,
      iterations: r.iterations,
      vertexUpdates: r.vertexUpdates,
      edgesTraversed: r.edgesTraversed,
      computeSeconds: r.computeSeconds,
      edgesPerSecond: r.edgesPerSecond,
      converged: r.converged,
      aggregates: r.aggregates,
    };
  }
  throw new UsageError(`runProgram: engine must be 'sync' or 'async'; got ${JSON.stringify(engine)}`);
}

/** End the idle worker threads kept between runs (they never keep the process alive anyway). */
export async function closeWorkers(): Promise<void> {
  await closeEngineWorkers();
}

export { runSync, runAsync };
export type { AsyncScheduler, Consistency, EdgeConsistency };
