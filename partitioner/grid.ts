/**
 * Grid (2-D constrained) vertex-cut, as in PowerGraph's constrained ingress
 * and GraphX's EdgePartition2D: the k parts form an r x c grid with r * c = k
 * (r the largest divisor of k not above sqrt(k); a prime k gives 1 x k). Each
 * vertex hashes to a cell; its edges may go only to parts in its cell's row or
 * column, so a vertex has at most r + c - 1 replicas whatever its degree. Edge
 * (u, v) has two cells allowed by both ends, (row u, col v) and (row v, col u);
 * it goes to the less loaded of the two (the first on a tie).
 */
import { hash32 } from '../core/util/random.js';
import { vertexCutPartition, hashToRange, partsArray, wordsFor } from './replicas.js';
import { visitOrder } from './stream.js';
import type { EdgeStream, Partition, PartitionOptions, Partitioner } from './types.js';

/** The grid shape for k parts: rows <= columns, rows * columns = k. */
export function gridShape(k: number): { rows: number; columns: number } {
  let rows = Math.floor(Math.sqrt(k));
  while (k % rows !== 0) rows--;
  return { rows, columns: k / rows };
}

export function gridVertexCut(stream: EdgeStream, k: number, options: PartitionOptions = {}): Partition {
  const { src, dst, count: m, numVertices: n } = stream;
  const seed = options.seed ?? 1;
  const { columns } = gridShape(k);
  const words = wordsFor(k);
  const parts = partsArray(m, k);
  const replicas = new Uint32Array(n * words);
  const loads = new Float64Array(k);
  const visit = visitOrder(stream, options);
  const progress = options.onProgress;
  const cellSeed = seed ^ 0x68e31da4;
  for (let i = 0; i < m; i++) {
    const e = visit === null ? i : visit[i];
    const u = src[e];
    const v = dst[e];
    const cu = hashToRange(hash32(u, cellSeed), k);
    const cv = hashToRange(hash32(v, cellSeed), k);
    const rowU = cu - (cu % columns);
    const rowV = cv - (cv % columns);
    const a = rowU + (cv % columns);
    const b = rowV + (cu % columns);
    const p = loads[b] < loads[a] ? b : a;
    loads[p]++;
    parts[e] = p;
    const word = p >>> 5;
    const bit = 1 << (p & 31);
    replicas[u * words + word] |= bit;
    replicas[v * words + word] |= bit;
    if (progress !== undefined && (i & 0xfffff) === 0) progress(i, m);
  }
  if (progress) progress(m, m);
  return vertexCutPartition('grid', k, n, parts, replicas, words, seed, loads.byteLength);
}

export const grid: Partitioner = {
  name: 'grid',
  kind: 'vertex-cut',
  streaming: true,
  description: '2-D constrained: r x c grid, at most r + c - 1 replicas per vertex',
  partition: gridVertexCut,
};
