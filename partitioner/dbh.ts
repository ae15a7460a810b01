/**
 * DBH, degree-based hashing (Xie et al., NIPS 2014): an edge goes to the part
 * of the hash of its lower-degree end (the source on a tie), so low-degree
 * vertices keep all their edges in one part and hubs are the ones cut. Degrees
 * are full degrees (in + out, counted over the whole stream in a first pass),
 * as in the paper and the 2PS authors' implementation; the second pass is the
 * stream itself.
 */
import { hash32 } from '../core/util/random.js';
import { vertexCutPartition, hashToRange, partsArray, wordsFor } from './replicas.js';
import { visitOrder } from './stream.js';
import type { EdgeStream, Partition, PartitionOptions, Partitioner } from './types.js';

export function dbhVertexCut(stream: EdgeStream, k: number, options: PartitionOptions = {}): Partition {
  const { src, dst, count: m, numVertices: n } = stream;
  const seed = options.seed ?? 1;
  const words = wordsFor(k);
  const parts = partsArray(m, k);
  const replicas = new Uint32Array(n * words);
  const degree = new Uint32Array(n);
  for (let e = 0; e < m; e++) {
    degree[src[e]]++;
    degree[dst[e]]++;
  }
  const visit = visitOrder(stream, options);
  const progress = options.onProgress;
  const vertexSeed = seed ^ 0x1b873593;
  for (let i = 0; i < m; i++) {
    const e = visit === null ? i : visit[i];
    const u = src[e];
    const v = dst[e];
    const p = hashToRange(hash32(degree[u] <= degree[v] ? u : v, vertexSeed), k);
    parts[e] = p;
    const word = p >>> 5;
    const bit = 1 << (p & 31);
    replicas[u * words + word] |= bit;
    replicas[v * words + word] |= bit;
    if (progress !== undefined && (i & 0xfffff) === 0) progress(i, m);
  }
  if (progress) progress(m, m);
  return vertexCutPartition('dbh', k, n, parts, replicas, words, seed, degree.byteLength);
}

export const dbh: Partitioner = {
  name: 'dbh',
  kind: 'vertex-cut',
  streaming: true,
  description: 'degree-based hashing: hash of the lower-degree end (full degrees, first pass)',
  partition: dbhVertexCut,
};
