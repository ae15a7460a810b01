/**
 * 2PS, two-phase streaming (Mayer, Orujzade, Jacobsen, "Out-of-Core Edge
 * Partitioning at Linear Run-Time", ICDE 2022), in its two variants 2PS-L
 * and 2PS-HDRF. Passes over the edge stream, all in stream order:
 *
 * 1. degrees: full degrees of every vertex;
 * 2. streaming clustering (after Hollocou et al.): every vertex starts in a
 *    cluster of its own whose volume is its degree; for edge (u, v), when both
 *    clusters' volumes are at most maxVol = floor(2m / k), the end whose
 *    cluster has the smaller volume without it moves to the other's cluster,
 *    if that stays within maxVol. `clusteringPasses` repeats it (default 1);
 * 3. clusters to parts: by volume, largest first, each to the part with the
 *    least volume so far (sorted list scheduling);
 * 4. pre-partitioning: an edge whose ends' clusters sit in the same part goes
 *    there, unless the part is at the cap ceil(1.05 m / k);
 * 5. scoring, the remaining edges: 2PS-L between the two parts of the ends'
 *    clusters only, by HDRF's replica term plus each end's cluster's share of
 *    the two clusters' volume where the part is its cluster's (constant work
 *    per edge, whatever k); 2PS-HDRF by HDRF over every part below the cap
 *    (the shared scan of scored-stream.ts, exact degrees).
 *
 * State: per vertex k bits and three words (degree, its cluster's part,
 * its cluster's volume) side by side, one cache line per endpoint at k <= 32,
 * and a volume per cluster: O(n), nothing per edge.
 *
 * Where this departs from the authors' code (github.com/mayerrn/
 * two_phase_streaming): (a) their fallback when a cluster's part is full
 * hashes the higher-degree end's renamed id modulo k; here the same modulo on
 * the dense id; (b) when every score is 0 their scans keep part 0, full or
 * not; here the least loaded part below the cap; (c) their HDRF balance term
 * divides by epsilon + maxload - 1 (their minimum load is pinned at 1); so
 * does this one, but it never divides by less than epsilon (maxload 0 before
 * any edge is placed); (d) floating-point sums are in a different order, so an
 * exact tie may fall the other way (the linear score keeps their order). Their defaults are kept: balance ratio
 * 1.05, one clustering pass, lambda 1 and epsilon 1 for 2PS-HDRF.
 */
import { partsArray } from './replicas.js';
import type { PartLoads } from './loads.js';
import { countDegrees, finishScan, newScan, scanEdges, type ScoreRule } from './scored-stream.js';
import { LOOKAHEAD, keepReads, visitOrder } from './stream.js';
import type { EdgeStream, Partition, PartitionOptions, Partitioner } from './types.js';
import { UsageError } from '../core/errors.js';

export type TwoPhaseScoring = 'linear' | 'hdrf';

/** Per-vertex header words of the scan's state (before the replica words): one cache line per vertex at k <= 32. */
const DEGREE = 0;
/** The vertex's cluster id while clustering, then its cluster's part ("home"). */
const HOME = 1;
/** Its cluster's volume (at most 2m < 2^32), once clustering is done. */
const VOLUME = 2;
const HEADER = 3;

/**
 * Phase 2: streaming clustering with volumes capped at maxVolume, `passes`
 * times over the stream. Reads degrees from and writes cluster ids (0 = no
 * edge) into the state's header; returns each cluster's volume.
 */
export function streamingClusters(
  stream: EdgeStream,
  visit: Uint32Array | null,
  state: Uint32Array,
  stride: number,
  maxVolume: number,
  passes: number,
): { volume: Float64Array; clusters: number } {
  const { src, dst, count: m, numVertices: n } = stream;
  const volume = new Float64Array(n + 1);
  let next = 1;
  let touched = 0;
  for (let pass = 0; pass < passes; pass++) {
    for (let i = 0; i < m; i++) {
      if (i + LOOKAHEAD < m) {
        const ahead = visit === null ? i + LOOKAHEAD : visit[i + LOOKAHEAD];
        touched ^= state[src[ahead] * stride] ^ state[dst[ahead] * stride];
      }
      const e = visit === null ? i : visit[i];
      const bu = src[e] * stride;
      const bv = dst[e] * stride;
      const du = state[bu + DEGREE];
      const dv = state[bv + DEGREE];
      if (state[bu + HOME] === 0) {
        state[bu + HOME] = next;
        volume[next++] += du;
      }
      if (state[bv + HOME] === 0) {
        state[bv + HOME] = next;
        volume[next++] += dv;
      }
      const cu = state[bu + HOME];
      const cv = state[bv + HOME];
      const volU = volume[cu];
      const volV = volume[cv];
      if (volU > maxVolume || volV > maxVolume) continue;
      if (volU - du <= volV - dv) {
        if (volV + du <= maxVolume) {
          volume[cu] -= du;
          volume[cv] += du;
          state[bu + HOME] = cv;
        }
      } else if (volU + dv <= maxVolume) {
        volume[cv] -= dv;
        volume[cu] += dv;
        state[bv + HOME] = cu;
      }
    }
  }
  keepReads(touched);
  return { volume, clusters: next - 1 };
}

/** Phase 3: each cluster (largest volume first; ties to the higher id) to the part with the least volume so far. */
export function clustersToParts(volume: Float64Array, clusters: number, k: number): Uint32Array {
  const partOf = new Uint32Array(clusters + 1);
  const order = new Uint32Array(clusters);
  for (let c = 0; c < clusters; c++) order[c] = c + 1;
  order.sort((a, b) => volume[b] - volume[a] || b - a);
  const partVolume = new Float64Array(k);
  for (let i = 0; i < clusters; i++) {
    const c = order[i];
    if (volume[c] === 0) break;
    let p = 0;
    for (let q = 1; q < k; q++) if (partVolume[q] < partVolume[p]) p = q;
    partVolume[p] += volume[c];
    partOf[c] = p;
  }
  return partOf;
}

/**
 * 2PS-L's score between the two parts of the ends' clusters (also the
 * fallback of pre-partitioning when the shared part is full).
 */
function linearPart(state: Uint32Array, stride: number, u: number, v: number, k: number, tracker: PartLoads): number {
  const { loads, capacity } = tracker;
  const bu = u * stride;
  const bv = v * stride;
  const pu = state[bu + HOME];
  const pv = state[bv + HOME];
  const du = state[bu + DEGREE];
  const dv = state[bv + DEGREE];
  if (loads[pu] >= capacity || loads[pv] >= capacity) {
    const p = (du > dv ? u : v) % k;
    return loads[p] < capacity ? p : tracker.minPart;
  }
  const sum = du + dv;
  const volU = state[bu + VOLUME];
  const volV = state[bv + VOLUME];
  const volumes = volU + volV;
  let best = 0;
  let bestScore = -1;
  for (let side = 0; side < 2; side++) {
    const p = side === 0 ? pu : pv;
    const word = HEADER + (p >>> 5);
    const bit = 1 << (p & 31);
    // Summed as the authors' code does, ((g_u + g_v) + c_u) + c_v, so that exact ties fall alike.
    let gu = 0;
    let gv = 0;
    let cu = 0;
    let cv = 0;
    if ((state[bu + word] & bit) !== 0) {
      gu = 1 + (1 - du / sum);
      if (pu === p) cu = volU / volumes;
    }
    if ((state[bv + word] & bit) !== 0) {
      gv = 1 + (1 - dv / sum);
      if (pv === p) cv = volV / volumes;
    }
    const score = gu + gv + cu + cv;
    // >=: on a tie the second candidate, v's cluster's part, wins (as in the authors' code).
    if (score >= bestScore) {
      bestScore = score;
      best = p;
    }
  }
  return best;
}

export function twoPhaseVertexCut(stream: EdgeStream, k: number, options: PartitionOptions, scoring: TwoPhaseScoring): Partition {
  const { src, dst, count: m, numVertices: n } = stream;
  const algo = scoring === 'linear' ? '2ps-l' : '2ps-hdrf';
  const passes = options.clusteringPasses ?? 1;
  if (!Number.isInteger(passes) || passes < 1) throw new UsageError(`${algo}: clusteringPasses must be an integer >= 1; got ${passes}`);
  const rule: ScoreRule = {
    algo,
    degreeWeighted: true,
    lambda: options.lambda ?? 1,
    epsilon: options.epsilon ?? 1,
    normalized: true,
    exactDegrees: true,
    fixedMinLoad: 1,
  };
  const scan = newScan(n, k, m, options, rule, HEADER);
  const { state, stride, tracker } = scan;
  countDegrees(scan, src, dst, m);
  const visit = visitOrder(stream, options);
  const progress = options.onProgress;
  const { volume, clusters } = streamingClusters(stream, visit, state, stride, Math.floor((2 * m) / k), passes);
  const partOf = clustersToParts(volume, clusters, k);
  // Each vertex's header now holds its cluster's part and volume: an edge is
  // pre-partitioned exactly when its ends' parts are equal.
  for (let v = 0; v < n; v++) {
    const c = state[v * stride + HOME];
    state[v * stride + HOME] = partOf[c];
    state[v * stride + VOLUME] = volume[c];
  }
  const parts = partsArray(m, k);
  const loads = tracker.loads;
  const capacity = tracker.capacity;
  const place = (e: number, bu: number, bv: number, p: number): void => {
    parts[e] = p;
    tracker.add(p);
    const word = HEADER + (p >>> 5);
    const bit = 1 << (p & 31);
    state[bu + word] |= bit;
    state[bv + word] |= bit;
  };

  // Phase 4: pre-partitioning.
  let touched = 0;
  for (let i = 0; i < m; i++) {
    if (i + LOOKAHEAD < m) {
      const ahead = visit === null ? i + LOOKAHEAD : visit[i + LOOKAHEAD];
      touched ^= state[src[ahead] * stride] ^ state[dst[ahead] * stride];
    }
    const e = visit === null ? i : visit[i];
    const u = src[e];
    const v = dst[e];
    const p = state[u * stride + HOME];
    if (p !== state[v * stride + HOME]) continue;
    place(e, u * stride, v * stride, loads[p] >= capacity ? linearPart(state, stride, u, v, k, tracker) : p);
  }
  if (progress) progress(Math.floor(m / 2), m);

  // Phase 5: the rest, a second read of the stream that skips the edges placed above.
  if (scoring === 'hdrf') {
    scanEdges(scan, rule, src, dst, parts, visit, m, undefined, HOME);
  } else {
    for (let i = 0; i < m; i++) {
      if (i + LOOKAHEAD < m) {
        const ahead = visit === null ? i + LOOKAHEAD : visit[i + LOOKAHEAD];
        touched ^= state[src[ahead] * stride] ^ state[dst[ahead] * stride];
      }
      const e = visit === null ? i : visit[i];
      const u = src[e];
      const v = dst[e];
      if (state[u * stride + HOME] !== state[v * stride + HOME]) place(e, u * stride, v * stride, linearPart(state, stride, u, v, k, tracker));
    }
  }
  keepReads(touched);
  if (progress) progress(m, m);
  const partition = finishScan(scan, algo, n, parts, options.seed ?? 1);
  partition.stateBytes += volume.byteLength + partOf.byteLength;
  return partition;
}

export const twoPsL: Partitioner = {
  name: '2ps-l',
  kind: 'vertex-cut',
  streaming: true,
  description: '2PS-L: streaming clustering, clusters to parts, then a linear-time score between two parts',
  partition: (stream, k, options = {}) => twoPhaseVertexCut(stream, k, options, 'linear'),
};

export const twoPsHdrf: Partitioner = {
  name: '2ps-hdrf',
  kind: 'vertex-cut',
  streaming: true,
  description: '2PS-HDRF: streaming clustering, clusters to parts, then HDRF scoring over all parts',
  partition: (stream, k, options = {}) => twoPhaseVertexCut(stream, k, options, 'hdrf'),
};
