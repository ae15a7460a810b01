/**
 * Hash edge-cut (vertex partitioning), the baseline vertex-cuts exist to beat
 * on power-law graphs: vertex v is owned by part hash(v) mod k, and each edge
 * is stored with its source's owner. In vertex-cut terms a vertex is then
 * replicated at its owner (its master) and, as a ghost, at the owner of every
 * in-neighbour; an edge is cut when its ends have different owners (metrics
 * report that fraction).
 */
import { hash32 } from '../core/util/random.js';
import { hashToRange, partsArray, wordsFor } from './replicas.js';
import type { EdgeStream, Partition, PartitionOptions, Partitioner } from './types.js';

export function hashEdgeCut(stream: EdgeStream, k: number, options: PartitionOptions = {}): Partition {
  const { src, dst, count: m, numVertices: n } = stream;
  const seed = options.seed ?? 1;
  const words = wordsFor(k);
  const parts = partsArray(m, k);
  const replicas = new Uint32Array(n * words);
  const owners = new Uint32Array(n);
  const ownerSeed = seed ^ 0x3c6ef372;
  for (let v = 0; v < n; v++) owners[v] = hashToRange(hash32(v, ownerSeed), k);
  const progress = options.onProgress;
  // Every edge is placed independently of the others, so the visiting order is moot.
  for (let e = 0; e < m; e++) {
    const u = src[e];
    const v = dst[e];
    const p = owners[u];
    parts[e] = p;
    const word = p >>> 5;
    const bit = 1 << (p & 31);
    replicas[u * words + word] |= bit;
    replicas[v * words + word] |= bit;
    const q = owners[v];
    replicas[v * words + (q >>> 5)] |= 1 << (q & 31);
    if (progress !== undefined && (e & 0xfffff) === 0) progress(e, m);
  }
  if (progress) progress(m, m);
  return {
    algo: 'edge-cut',
    kind: 'edge-cut',
    k,
    numVertices: n,
    numEdges: m,
    words,
    parts,
    replicas,
    masters: owners,
    stateBytes: 0,
  };
}

export const edgeCut: Partitioner = {
  name: 'edge-cut',
  kind: 'edge-cut',
  streaming: true,
  description: 'hash edge-cut: vertex v owned by hash(v) mod k, edges stored with their source',
  partition: hashEdgeCut,
};
