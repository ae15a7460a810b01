/**
 * The vertex-cut partitioners as cluster placements (core/cluster/placement.ts):
 * `clusterPlacement('hdrf')` partitions the graph's edge stream and places
 * each CSR edge on its part's machine, with the partition's own masters.
 */
import type { Graph } from '../core/graph/graph.js';
import { UsageError } from '../core/errors.js';
import { machinesOfCsrEdges, randomPlacement, type EdgePlacement, type Placement } from '../core/cluster/placement.js';
import { getPartitioner, partitionGraph } from './index.js';

/**
 * The vertex-cut partitioner `name` as a cluster placement; an edge-cut is refused. 'random' is
 * core's hashed placement, which also places a stream (a coordinator that never holds the graph).
 */
export function clusterPlacement(name: string): Placement {
  if (name === 'random') return randomPlacement;
  const partitioner = getPartitioner(name);
  return {
    name,
    place(graph: Graph, machines: number, seed: number): EdgePlacement {
      const run = partitionGraph(graph, partitioner, machines, { seed });
      const { partition } = run;
      if (partition.kind !== 'vertex-cut') throw new UsageError(`runCluster: partitioner ${name} is an edge-cut; the cluster runs on vertex-cuts (random, grid, dbh, greedy, hdrf, ne)`);
      return {
        machineOf: machinesOfCsrEdges(graph, partition.parts),
        masters: Uint16Array.from(partition.masters),
        replicas: partition.replicas,
        words: partition.words,
        replicationFactor: run.metrics.replicationFactor,
      };
    },
  };
}
