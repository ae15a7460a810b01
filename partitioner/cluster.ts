/**
 * The vertex-cut partitioners as cluster placements (core/cluster/placement.ts):
 * `clusterPlacement('hdrf')` partitions the graph's edge stream and places
 * each CSR edge on its part's machine, with the partition's own masters. A
 * Partitioner object works too (a user's own, from `loadPartitioner`), and
 * `loadClusterPlacement('./my-cut.ts')` does both steps for a name or a path.
 */
import type { Graph } from '../core/graph/graph.js';
import { UsageError } from '../core/errors.js';
import { machinesOfCsrEdges, type EdgePlacement, type Placement } from '../core/cluster/placement.js';
import { getPartitioner, partitionGraph } from './index.js';
import { loadPartitioner } from './load.js';
import type { Partitioner } from './types.js';

/** The vertex-cut partitioner `algo` (a name or a Partitioner) as a cluster placement; an edge-cut is refused. */
export function clusterPlacement(algo: string | Partitioner): Placement {
  const partitioner = typeof algo === 'string' ? getPartitioner(algo) : algo;
  const name = partitioner.name;
  if (partitioner.kind !== 'vertex-cut') throw new UsageError(`runCluster: partitioner ${name} is an edge-cut; the cluster runs on vertex-cuts`);
  return {
    name,
    place(graph: Graph, machines: number, seed: number): EdgePlacement {
      const run = partitionGraph(graph, partitioner, machines, { seed });
      const { partition } = run;
      if (partition.kind !== 'vertex-cut') throw new UsageError(`runCluster: partitioner ${name} is an edge-cut; the cluster runs on vertex-cuts`);
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

/** The placement of a built-in partitioner's name or of a user's module path (`./my-cut.ts`). */
export async function loadClusterPlacement(spec: string, who = 'run'): Promise<Placement> {
  return clusterPlacement(await loadPartitioner(spec, who));
}
