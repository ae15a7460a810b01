/**
 * Random vertex-cut: each edge goes to part hash(src, dst) mod k, the baseline
 * every vertex-cut paper measures against (PowerGraph's "random" ingress).
 * Repeated edges land together; the order of the stream does not matter. One
 * pass, no state beyond the output: the fastest partitioner and, on power-law
 * graphs, the one with the most replicas.
 */
import { vertexCutPartition, hashToRange, partsArray, wordsFor } from './replicas.js';
import { visitOrder } from './stream.js';
import type { EdgeStream, Partition, PartitionOptions, Partitioner } from './types.js';

// The hash lives in core, where a cluster's workers place the edges they read themselves (--load distributed).
export { edgeHash } from '../core/graph/replica-sets.js';
import { edgeHash } from '../core/graph/replica-sets.js';

export function randomVertexCut(stream: EdgeStream, k: number, options: PartitionOptions = {}): Partition {
  const { src, dst, count: m, numVertices: n } = stream;
  const seed = options.seed ?? 1;
  const words = wordsFor(k);
  const parts = partsArray(m, k);
  const replicas = new Uint32Array(n * words);
  const visit = visitOrder(stream, options);
  const progress = options.onProgress;
  for (let i = 0; i < m; i++) {
    const e = visit === null ? i : visit[i];
    const u = src[e];
    const v = dst[e];
    const p = hashToRange(edgeHash(u, v, seed), k);
    parts[e] = p;
    const word = p >>> 5;
    const bit = 1 << (p & 31);
    replicas[u * words + word] |= bit;
    replicas[v * words + word] |= bit;
    if (progress !== undefined && (i & 0xfffff) === 0) progress(i, m);
  }
  if (progress) progress(m, m);
  return vertexCutPartition('random', k, n, parts, replicas, words, seed, 0);
}

export const random: Partitioner = {
  name: 'random',
  kind: 'vertex-cut',
  streaming: true,
  description: 'hash of the edge (src, dst) mod k',
  partition: randomVertexCut,
};
