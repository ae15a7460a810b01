/**
 * The partitioner registry and the one call most users need. `partitioners`
 * maps each name the command line accepts to its module; `resolveAlgos`
 * turns a user's list (`all`, or names separated by commas) into partitioners
 * with a UsageError naming the unknown ones; `partitionGraph` checks k, picks
 * the partitioner, runs it on an edge stream or a built Graph and returns the
 * partition with its quality metrics, wall time and edges per second.
 *
 * | name     | kind       | pass      | idea |
 * | ---      | ---        | ---       | ---  |
 * | random   | vertex-cut | streaming | hash of the edge |
 * | grid     | vertex-cut | streaming | r x c grid, <= r + c - 1 replicas per vertex |
 * | dbh      | vertex-cut | streaming | hash of the lower-degree end (degrees from a first pass) |
 * | greedy   | vertex-cut | streaming | PowerGraph's oblivious greedy |
 * | hdrf     | vertex-cut | streaming | HDRF, lambda balance weight |
 * | restream-greedy | vertex-cut | streaming | greedy, several passes, each seeing the last |
 * | restream-hdrf | vertex-cut | streaming | HDRF, several passes, each seeing the last |
 * | 2ps-l    | vertex-cut | streaming | 2PS: clustering, then a linear score between two parts |
 * | 2ps-hdrf | vertex-cut | streaming | 2PS: clustering, then HDRF scoring |
 * | ne       | vertex-cut | offline   | neighbourhood expansion |
 * | hep      | vertex-cut | hybrid    | NE++ on low-degree edges, HDRF on the rest (tau) |
 * | edge-cut | edge-cut   | streaming | hash of the vertex (baseline) |
 *
 * Usage:
 *
 *     const list = await parseEdgeList('soc-Epinions1.txt.gz');      // file order kept
 *     const run = partitionGraph(streamFromEdgeList(list), 'hdrf', 32, { order: 'shuffled', seed: 7 });
 *     run.partition.parts[e];        // part of edge e (input index)
 *     run.partition.masters[v];      // part holding v's master copy
 *     hasReplica(run.partition.replicas, run.partition.words, v, p);
 *     run.metrics.replicationFactor; // replicas / vertices with an edge
 *
 * Options (all optional): seed (1), order 'file' | 'shuffled' ('file') or a
 * precomputed `visit` permutation, balanceSlack (0.05: greedy, HDRF and NE
 * never put more than ceil(1.05 m / k) edges in a part), HDRF's lambda (1),
 * epsilon (1) and balanceTerm ('normalized'), onProgress. Every partitioner is
 * deterministic for a seed and order. Streaming ones hold O(n k / 8) bytes of
 * state besides their output (replica bitset, plus n degrees for DBH and HDRF);
 * NE holds O(m). Masters are a hash of the vertex id among its replicas (see
 * replicas.ts); the edge-cut's masters are its owners.
 */
import { Graph } from '../core/graph/graph.js';
import { UsageError } from '../core/errors.js';
import { dbh } from './dbh.js';
import { edgeCut } from './edge-cut.js';
import { greedy } from './greedy.js';
import { grid } from './grid.js';
import { hdrf } from './hdrf.js';
import { hep } from './hep.js';
import { measurePartition, type QualityMetrics } from './metrics.js';
import { ne } from './ne.js';
import { random } from './random.js';
import { restreamGreedy, restreamHdrf } from './restream.js';
import { twoPsHdrf, twoPsL } from './two-phase.js';
import { MAX_PARTS } from './replicas.js';
import { streamFromGraph } from './stream.js';
import type { EdgeStream, Partition, PartitionOptions, Partitioner } from './types.js';

export type { EdgeStream, Partition, PartitionOptions, Partitioner } from './types.js';
export type { QualityMetrics } from './metrics.js';
export { streamFromEdgeList, streamFromGraph, shuffledOrder } from './stream.js';
export { hasReplica, replicaCount } from './replicas.js';
export { clusterPlacement, loadClusterPlacement } from './cluster.js';
export { defineScoredPartitioner, defineOfflinePartitioner, partitionFromParts, isPartitioner, type ScoreRuleDefinition, type OfflineDefinition } from './define.js';
export { loadPartitioner, resolvePartitioners } from './load.js';
export { measurePartition } from './metrics.js';
export { replicasByDegree, type DegreeClass } from './degree-classes.js';
export { partitionChunks, rmatChunkSource, fileChunkSource, type EdgeChunkSource, type ChunkedResult, type ChunkedOptions } from './chunked.js';

/** Every partitioner, in the order reports list them. */
export const partitioners: readonly Partitioner[] = [random, grid, dbh, greedy, hdrf, restreamGreedy, restreamHdrf, twoPsL, twoPsHdrf, ne, hep, edgeCut];

export function getPartitioner(name: string): Partitioner {
  const found = partitioners.find((p) => p.name === name);
  if (!found) {
    throw new UsageError(`unknown partitioner '${name}': expected one of ${partitioners.map((p) => p.name).join(', ')} or all`);
  }
  return found;
}

/** `all`, or a comma-separated list of names (repeats dropped), to partitioners. */
export function resolveAlgos(list: string | readonly string[]): Partitioner[] {
  const names = (typeof list === 'string' ? [list] : list)
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length === 0) throw new UsageError('no partitioner named: expected a list such as hdrf,dbh or all');
  if (names.includes('all')) return [...partitioners];
  return [...new Set(names)].map(getPartitioner);
}

/** k must be an integer in 1..65536. */
export function checkParts(k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > MAX_PARTS) {
    throw new UsageError(`number of parts k must be an integer from 1 to ${MAX_PARTS}, got ${k}`);
  }
}

export interface PartitionRun {
  partition: Partition;
  metrics: QualityMetrics;
  /** Wall-clock seconds of the partitioner call. */
  seconds: number;
  /** CPU seconds (user + system) of this process over the call: on a shared machine, the steadier figure. */
  cpuSeconds: number;
  edgesPerSecond: number;
}

/** Partition a stream or Graph into k parts with the named partitioner, timed and measured. */
export function partitionGraph(
  input: EdgeStream | Graph,
  algo: string | Partitioner,
  k: number,
  options: PartitionOptions = {},
): PartitionRun {
  checkParts(k);
  const partitioner = typeof algo === 'string' ? getPartitioner(algo) : algo;
  const stream = input instanceof Graph ? streamFromGraph(input) : input;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const partition = partitioner.partition(stream, k, options);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    partition,
    metrics: measurePartition(partition, stream.src, stream.dst),
    seconds,
    cpuSeconds,
    edgesPerSecond: seconds > 0 ? stream.count / seconds : Infinity,
  };
}
