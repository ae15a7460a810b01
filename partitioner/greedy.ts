/**
 * PowerGraph's greedy vertex-cut, oblivious variant (Gonzalez et al., OSDI
 * 2012): each edge (u, v) goes, by the first rule that applies, to the least
 * loaded part among (1) the parts both u and v already have, (2) the parts
 * either has, (3) all parts. Parts at the balance cap ceil((1 + slack) m / k)
 * are skipped, so the largest part never exceeds it; ties go to the lowest
 * part index. State: the replica bitset (n x k bits) and k loads.
 */
import { hashMasters, partsArray, wordsFor } from './replicas.js';
import { leastLoaded } from './least-loaded.js';
import { PartLoads } from './loads.js';
import { visitOrder } from './stream.js';
import type { EdgeStream, Partition, PartitionOptions, Partitioner } from './types.js';

export function greedyVertexCut(stream: EdgeStream, k: number, options: PartitionOptions = {}): Partition {
  const { src, dst, count: m, numVertices: n } = stream;
  const seed = options.seed ?? 1;
  const words = wordsFor(k);
  const parts = partsArray(m, k);
  const replicas = new Uint32Array(n * words);
  const tracker = new PartLoads(k, m, options.balanceSlack ?? 0.05);
  const loads = tracker.loads;
  const capacity = tracker.capacity;
  const visit = visitOrder(stream, options);
  const progress = options.onProgress;
  for (let i = 0; i < m; i++) {
    const e = visit === null ? i : visit[i];
    const u = src[e];
    const v = dst[e];
    const baseU = u * words;
    const baseV = v * words;
    const minPart = tracker.minPart;
    let best = leastLoaded(replicas, baseU, baseV, words, 0, loads, capacity, minPart);
    if (best < 0) best = leastLoaded(replicas, baseU, baseV, words, 1, loads, capacity, minPart);
    if (best < 0) best = minPart;
    tracker.add(best);
    parts[e] = best;
    const word = best >>> 5;
    const bit = 1 << (best & 31);
    replicas[baseU + word] |= bit;
    replicas[baseV + word] |= bit;
    if (progress !== undefined && (i & 0xfffff) === 0) progress(i, m);
  }
  if (progress) progress(m, m);
  return {
    algo: 'greedy',
    kind: 'vertex-cut',
    k,
    numVertices: n,
    numEdges: m,
    words,
    parts,
    replicas,
    masters: hashMasters(replicas, n, words, k, seed),
    stateBytes: loads.byteLength,
  };
}

export const greedy: Partitioner = {
  name: 'greedy',
  kind: 'vertex-cut',
  streaming: true,
  description: "PowerGraph's oblivious greedy: least loaded of the shared, then either end's, then all parts",
  partition: greedyVertexCut,
};
