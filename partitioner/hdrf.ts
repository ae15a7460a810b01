/**
 * HDRF, high-degree (are) replicated first (Petroni et al., CIKM 2015): edge
 * (u, v) goes to the part p with the highest score C_rep(p) + C_bal(p), where
 * C_rep = g(u, p) + g(v, p), g(x, p) = 1 + (1 - theta(x)) when p already holds
 * x (else 0), theta(u) = d(u) / (d(u) + d(v)) over partial degrees (counted as
 * the stream goes, this edge included), and C_bal = lambda * (maxload - load(p))
 * / (epsilon + maxload - minload). Defaults lambda = 1, epsilon = 1, as in the
 * paper. `balanceTerm: 'absolute'` drops the denominator, C_bal = lambda *
 * (maxload - load(p)): that is what the 2PS authors' C++ HDRF computes (its
 * minimum load is never updated, so its normalisation is skipped), and the
 * option reproduces their figures; it balances far harder, at the cost of
 * replicas, on ordered streams.
 *
 * Parts outside both replica sets score C_bal alone, and within the parts both
 * ends hold, or u alone, or v alone, C_rep is constant; so the candidates are
 * the least loaded part of each of those three sets and the least loaded part
 * overall (see least-loaded.ts): per edge the work is at most the replicas of
 * u and v, not k, and O(1) for hubs. Parts at the balance cap ceil((1 + slack)
 * m / k) are skipped. Ties go to the lowest part index, as in a scan of all k
 * parts. State: n x (k bits + a 32-bit partial degree), each vertex's degree
 * beside its replica words so that an endpoint costs one cache miss; k loads.
 */
import { hashMasters, partsArray, wordsFor } from './replicas.js';
import { leastLoaded } from './least-loaded.js';
import { PartLoads } from './loads.js';
import { visitOrder } from './stream.js';
import type { EdgeStream, Partition, PartitionOptions, Partitioner } from './types.js';

export function hdrfVertexCut(stream: EdgeStream, k: number, options: PartitionOptions = {}): Partition {
  const { src, dst, count: m, numVertices: n } = stream;
  const seed = options.seed ?? 1;
  const lambda = options.lambda ?? 1;
  const epsilon = options.epsilon ?? 1;
  if (!(lambda >= 0)) throw new Error(`hdrf: lambda must be >= 0, got ${lambda}`);
  if (!(epsilon > 0)) throw new Error(`hdrf: epsilon must be > 0, got ${epsilon}`);
  const normalized = (options.balanceTerm ?? 'normalized') === 'normalized';
  const words = wordsFor(k);
  const parts = partsArray(m, k);
  // Each vertex's partial degree and replica words side by side: one cache line per endpoint.
  const stride = words + 1;
  const state = new Uint32Array(n * stride);
  const tracker = new PartLoads(k, m, options.balanceSlack ?? 0.05);
  const loads = tracker.loads;
  const capacity = tracker.capacity;
  const visit = visitOrder(stream, options);
  const progress = options.onProgress;
  for (let i = 0; i < m; i++) {
    const e = visit === null ? i : visit[i];
    const u = src[e];
    const v = dst[e];
    const du = ++state[u * stride];
    const dv = ++state[v * stride];
    // Summed in the reference's order, (g_u + g_v) + balance, so ties fall the same way.
    const sum = du + dv;
    const gU = 1 + (1 - du / sum);
    const gV = 1 + (1 - dv / sum);
    const maxLoad = tracker.maxLoad;
    // Absolute mode multiplies by lambda alone, exactly as the reference does.
    const scale = normalized ? lambda / (epsilon + maxLoad - tracker.minLoad) : lambda;
    const minPart = tracker.minPart;
    let best = minPart;
    let bestScore = (maxLoad - tracker.minLoad) * scale;
    const baseU = u * stride + 1;
    const baseV = v * stride + 1;
    // Within each class of parts (both ends, u only, v only) the score is g_class
    // plus the balance term, so the least loaded part of the class is its best.
    const both = leastLoaded(state, baseU, baseV, words, 0, loads, capacity, minPart);
    if (both >= 0) {
      const score = gU + gV + (maxLoad - loads[both]) * scale;
      if (score > bestScore || (score === bestScore && both < best)) {
        bestScore = score;
        best = both;
      }
    }
    const onlyU = leastLoaded(state, baseU, baseV, words, 2, loads, capacity, minPart);
    if (onlyU >= 0) {
      const score = gU + (maxLoad - loads[onlyU]) * scale;
      if (score > bestScore || (score === bestScore && onlyU < best)) {
        bestScore = score;
        best = onlyU;
      }
    }
    const onlyV = leastLoaded(state, baseU, baseV, words, 3, loads, capacity, minPart);
    if (onlyV >= 0) {
      const score = gV + (maxLoad - loads[onlyV]) * scale;
      if (score > bestScore || (score === bestScore && onlyV < best)) {
        bestScore = score;
        best = onlyV;
      }
    }
    tracker.add(best);
    parts[e] = best;
    const word = best >>> 5;
    const bit = 1 << (best & 31);
    state[baseU + word] |= bit;
    state[baseV + word] |= bit;
    if (progress !== undefined && (i & 0xfffff) === 0) progress(i, m);
  }
  if (progress) progress(m, m);
  const replicas = new Uint32Array(n * words);
  for (let v = 0; v < n; v++) {
    for (let w = 0; w < words; w++) replicas[v * words + w] = state[v * stride + 1 + w];
  }
  return {
    algo: 'hdrf',
    kind: 'vertex-cut',
    k,
    numVertices: n,
    numEdges: m,
    words,
    parts,
    replicas,
    masters: hashMasters(replicas, n, words, k, seed),
    stateBytes: state.byteLength + loads.byteLength,
  };
}

export const hdrf: Partitioner = {
  name: 'hdrf',
  kind: 'vertex-cut',
  streaming: true,
  description: 'HDRF: replicate high-degree vertices first; lambda weighs balance (default 1)',
  partition: hdrfVertexCut,
};
