/**
 * Quality figures of a Partition, recounted from its arrays: replication
 * factor (replicas / vertices that have at least one edge; isolated vertices
 * are placed nowhere and left out, as in the vertex-cut literature), edge
 * balance (largest part's edges / mean), vertex balance (largest part's
 * replicas / mean), and for the edge-cut the fraction of edges whose ends have
 * different owners. Time, edges/s and memory are the runner's (see run.ts).
 */
import { popcount32 } from '../core/util/bits.js';
import type { Partition } from './types.js';

export interface QualityMetrics {
  /** Vertices with at least one edge. */
  vertices: number;
  replicas: number;
  replicationFactor: number;
  edgeBalance: number;
  vertexBalance: number;
  /** Edges per part. */
  edgesPerPart: number[];
  /** Replicas (vertex copies) per part. */
  verticesPerPart: number[];
  /** Edge-cut only: fraction of edges whose ends have different owners; else null. */
  cutFraction: number | null;
}

export function measurePartition(partition: Partition, src: Uint32Array, dst: Uint32Array): QualityMetrics {
  const { k, words, replicas, parts, numVertices: n, numEdges: m } = partition;
  const edgesPerPart = new Float64Array(k);
  for (let e = 0; e < m; e++) edgesPerPart[parts[e]]++;
  const verticesPerPart = new Float64Array(k);
  let total = 0;
  let present = 0;
  for (let v = 0; v < n; v++) {
    let count = 0;
    for (let w = 0; w < words; w++) {
      let bits = replicas[v * words + w];
      count += popcount32(bits);
      while (bits !== 0) {
        verticesPerPart[(w << 5) + (31 - Math.clz32(bits & -bits))]++;
        bits &= bits - 1;
      }
    }
    total += count;
    if (count > 0) present++;
  }
  let cutFraction: number | null = null;
  if (partition.kind === 'edge-cut') {
    const owners = partition.masters;
    let cut = 0;
    for (let e = 0; e < m; e++) if (owners[src[e]] !== owners[dst[e]]) cut++;
    cutFraction = m === 0 ? 0 : cut / m;
  }
  return {
    vertices: present,
    replicas: total,
    replicationFactor: present === 0 ? 0 : total / present,
    edgeBalance: balance(edgesPerPart),
    vertexBalance: balance(verticesPerPart),
    edgesPerPart: Array.from(edgesPerPart),
    verticesPerPart: Array.from(verticesPerPart),
    cutFraction,
  };
}

/** Largest / mean; 1 for an empty set of counts. */
function balance(counts: Float64Array): number {
  let sum = 0;
  let max = 0;
  for (const c of counts) {
    sum += c;
    if (c > max) max = c;
  }
  return sum === 0 ? 1 : max / (sum / counts.length);
}
