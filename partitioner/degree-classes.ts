/**
 * Where a vertex-cut spends its replicas: vertices grouped by degree class
 * (degree 1, 2-3, 4-7, ..., doubling), with each class's vertex count and
 * replica total. The replication factor is one number; this says which
 * vertices make it, which is how HDRF and greedy differ: HDRF keeps
 * low-degree vertices near one copy by replicating hubs, so it wins where
 * low-degree vertices dominate and can lose where many vertices have degrees
 * in the tens to hundreds (the partitioner benchmark prints this table for
 * both). Degree here is a vertex's edge count in the stream, both directions;
 * vertices without edges are left out, as in the replication factor.
 */
import { replicaCount } from './replicas.js';
import type { Partition } from './types.js';

export interface DegreeClass {
  /** Smallest degree in the class (a power of two). */
  minDegree: number;
  /** Largest degree in the class: 2 * minDegree - 1. */
  maxDegree: number;
  vertices: number;
  replicas: number;
}

/** Replicas per degree class, lowest class first; classes with no vertex are left out. */
export function replicasByDegree(partition: Partition, src: Uint32Array, dst: Uint32Array): DegreeClass[] {
  const { numVertices: n, numEdges: m, replicas, words } = partition;
  if (src.length < m || dst.length < m) {
    throw new Error(`replicasByDegree: the partition has ${m} edges, the stream ${Math.min(src.length, dst.length)}`);
  }
  const degree = new Uint32Array(n);
  for (let e = 0; e < m; e++) {
    degree[src[e]]++;
    degree[dst[e]]++;
  }
  // 33 classes cover every 32-bit degree.
  const vertices = new Float64Array(33);
  const copies = new Float64Array(33);
  for (let v = 0; v < n; v++) {
    const d = degree[v];
    if (d === 0) continue;
    const cls = 31 - Math.clz32(d);
    vertices[cls]++;
    copies[cls] += replicaCount(replicas, words, v);
  }
  const classes: DegreeClass[] = [];
  for (let cls = 0; cls < 33; cls++) {
    if (vertices[cls] === 0) continue;
    const minDegree = 2 ** cls;
    classes.push({ minDegree, maxDegree: 2 * minDegree - 1, vertices: vertices[cls], replicas: copies[cls] });
  }
  return classes;
}
