/**
 * The vertex-cut partitioners as cluster placements (core/cluster/placement.ts):
 * `clusterPlacement('hdrf')` partitions the graph's edge stream and places
 * each CSR edge on its part's machine, with the partition's own masters. A
 * Partitioner object works too (a user's own, from `loadPartitioner`), and
 * `loadClusterPlacement('./my-cut.ts')` does both steps for a name or a path.
 */
import type { Graph } from '../core/graph/graph.js';
import { UsageError } from '../core/errors.js';
import { machinesOfCsrEdges, statelessPlacer, type EdgePlacement, type Placement, type StreamPlacer } from '../core/cluster/placement.js';
import { newScan, scanEdges, type ScoreRule } from './scored-stream.js';
import { getPartitioner, partitionGraph } from './index.js';
import { loadPartitioner } from './load.js';
import type { Partitioner } from './types.js';

/**
 * The vertex-cut partitioner `algo` (a name or a Partitioner) as a cluster placement; an edge-cut
 * is refused. The built-in random, greedy and HDRF also place a stream, edge by edge as it comes
 * (a coordinator that never holds the graph: core/cluster/ingress.ts).
 */
export function clusterPlacement(algo: string | Partitioner): Placement {
  const partitioner = typeof algo === 'string' ? getPartitioner(algo) : algo;
  const name = partitioner.name;
  if (partitioner.kind !== 'vertex-cut') throw new UsageError(`runCluster: partitioner ${name} is an edge-cut; the cluster runs on vertex-cuts`);
  return {
    name,
    stream: streamPlacer(partitioner),
    // Random's machine of an edge is a hash of its ends: every machine can place what it reads.
    ...(partitioner === getPartitioner('random') ? { stateless: 'edge-hash' as const } : {}),
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

/**
 * A built-in streaming partitioner placing a stream as it comes, as its partition() places the
 * graph's edge stream: the same part for the same edge at the same point of the stream (random's
 * hash needs no state; greedy's and HDRF's scan keeps O(n k) bits and loads, and the balance cap
 * needs the stream's edge count). Undefined for the others.
 */
function streamPlacer(partitioner: Partitioner): Placement['stream'] {
  if (partitioner === getPartitioner('random')) {
    return (_numVertices, _numEdges, machines, seed): StreamPlacer => statelessPlacer('edge-hash', machines, seed);
  }
  const scored = partitioner === getPartitioner('hdrf') ? 'hdrf' : partitioner === getPartitioner('greedy') ? 'greedy' : null;
  if (scored === null) return undefined;
  return (numVertices, numEdges, machines, seed): StreamPlacer => {
    // The rules hdrf.ts and greedy.ts give the shared scan at their defaults.
    const rule: ScoreRule = { algo: scored, degreeWeighted: scored === 'hdrf', lambda: 1, epsilon: 1, normalized: true };
    const scan = newScan(numVertices, machines, numEdges, { seed }, rule);
    return {
      assign(src, dst, count, out) {
        scanEdges(scan, rule, src, dst, out, null, count);
      },
    };
  };
}

/** The placement of a built-in partitioner's name or of a user's module path (`./my-cut.ts`). */
export async function loadClusterPlacement(spec: string, who = 'run'): Promise<Placement> {
  return clusterPlacement(await loadPartitioner(spec, who));
}
