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
 * | ne       | vertex-cut | offline   | neighbourhood expansion |
 * | edge-cut | edge-cut   | streaming | hash of the vertex (baseline) |
 */
import { Graph } from '../core/graph/graph.js';
import { UsageError } from '../core/errors.js';
import { dbh } from './dbh.js';
import { edgeCut } from './edge-cut.js';
import { greedy } from './greedy.js';
import { grid } from './grid.js';
import { hdrf } from './hdrf.js';
import { measurePartition, type QualityMetrics } from './metrics.js';
import { ne } from './ne.js';
import { random } from './random.js';
import { MAX_PARTS } from './replicas.js';
import { streamFromGraph } from './stream.js';
import type { EdgeStream, Partition, PartitionOptions, Partitioner } from './types.js';

export type { EdgeStream, Partition, PartitionOptions, Partitioner } from './types.js';
export type { QualityMetrics } from './metrics.js';

/** Every partitioner, in the order reports list them. */
export const partitioners: readonly Partitioner[] = [random, grid, dbh, greedy, hdrf, ne, edgeCut];

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
  seconds: number;
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
  const start = process.hrtime.bigint();
  const partition = partitioner.partition(stream, k, options);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    partition,
    metrics: measurePartition(partition, stream.src, stream.dst),
    seconds,
    edgesPerSecond: seconds > 0 ? stream.count / seconds : Infinity,
  };
}
