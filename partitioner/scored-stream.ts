/**
 * The scoring loop shared by HDRF and PowerGraph's greedy, which differ only
 * in g: edge (u, v) goes to the part p with the highest g(u, p) + g(v, p) +
 * C_bal(p), g(x, p) being 0 when p does not hold x yet. Parts outside both
 * replica sets score C_bal alone, and within the parts both ends hold, or u
 * alone, or v alone, the g sum is constant; so the candidates are the least
 * loaded part of each of those three sets and the least loaded part overall
 * (see least-loaded.ts): per edge the work is at most the replicas of u and v,
 * not k, and O(1) for hubs. Parts at the balance cap ceil((1 + slack) m / k)
 * are skipped. Ties go to the lowest part index, as in a scan of all k parts.
 * HDRF counts degrees as the stream goes, or (exactDegrees) in a first pass.
 * State: n x k bits, and for HDRF a 32-bit (partial) degree beside each
 * vertex's replica words so that an endpoint costs one cache miss; k loads.
 * Greedy keeps no degree: half the state at k <= 32, which is what makes it
 * faster than HDRF on graphs whose state outgrows the L2 cache (R-MAT 20).
 */
import { vertexCutPartition, partsArray, wordsFor } from './replicas.js';
import { leastInWord, leastLoaded } from './least-loaded.js';
import { PartLoads } from './loads.js';
import { LOOKAHEAD, keepReads, visitOrder } from './stream.js';
import type { EdgeStream, Partition, PartitionOptions } from './types.js';

export interface ScoreRule {
  algo: string;
  /** HDRF: g(x, p) = 1 + (1 - theta(x)); greedy: g(x, p) = 1. */
  degreeWeighted: boolean;
  lambda: number;
  epsilon: number;
  /** Divide the balance term by (epsilon + maxload - minload). */
  normalized: boolean;
  /** HDRF: full degrees from a first pass instead of partial ones. */
  exactDegrees?: boolean;
}

export function scoredVertexCut(stream: EdgeStream, k: number, options: PartitionOptions, rule: ScoreRule): Partition {
  const { src, dst, count: m, numVertices: n } = stream;
  const seed = options.seed ?? 1;
  const { lambda, epsilon, normalized, degreeWeighted } = rule;
  if (!(lambda >= 0)) throw new Error(`${rule.algo}: lambda must be >= 0, got ${lambda}`);
  if (!(epsilon > 0)) throw new Error(`${rule.algo}: epsilon must be > 0, got ${epsilon}`);
  const words = wordsFor(k);
  const parts = partsArray(m, k);
  // Each vertex's partial degree and replica words side by side: one cache line per endpoint.
  // Greedy needs no degree: its vertices are the replica words alone (half the memory at k <= 32).
  const degreeSlot = degreeWeighted ? 1 : 0;
  const stride = words + degreeSlot;
  const state = new Uint32Array(n * stride);
  const tracker = new PartLoads(k, m, options.balanceSlack ?? 0.05);
  const loads = tracker.loads;
  const capacity = tracker.capacity;
  const visit = visitOrder(stream, options);
  const exact = degreeWeighted && rule.exactDegrees === true;
  if (exact) {
    for (let e = 0; e < m; e++) {
      state[src[e] * stride]++;
      state[dst[e] * stride]++;
    }
  }
  const progress = options.onProgress;
  let scaleMax = -1;
  let scaleMin = -1;
  let scale = 0;
  // Early reads of the state of edges ahead (see LOOKAHEAD): the misses then overlap.
  let touched = 0;
  for (let i = 0; i < m; i++) {
    if (i + LOOKAHEAD < m) {
      const ahead = visit === null ? i + LOOKAHEAD : visit[i + LOOKAHEAD];
      touched ^= state[src[ahead] * stride] ^ state[dst[ahead] * stride];
    }
    const e = visit === null ? i : visit[i];
    const u = src[e];
    const v = dst[e];
    let gU = 1;
    let gV = 1;
    if (degreeWeighted) {
      const du = exact ? state[u * stride] : ++state[u * stride];
      const dv = exact ? state[v * stride] : ++state[v * stride];
      const sum = du + dv;
      gU = 1 + (1 - du / sum);
      gV = 1 + (1 - dv / sum);
    }
    const maxLoad = tracker.maxLoad;
    // The balance scale changes only with the extreme loads: divide only then.
    // Absolute mode multiplies by lambda alone, exactly as the reference does.
    if (maxLoad !== scaleMax || tracker.minLoad !== scaleMin) {
      scaleMax = maxLoad;
      scaleMin = tracker.minLoad;
      scale = normalized ? lambda / (epsilon + maxLoad - scaleMin) : lambda;
    }
    const minPart = tracker.minPart;
    let best = minPart;
    let bestScore = (maxLoad - tracker.minLoad) * scale;
    const baseU = u * stride + degreeSlot;
    const baseV = v * stride + degreeSlot;
    // Within each class of parts (both ends, u only, v only) the score is g_class
    // plus the balance term, so the least loaded part of the class is its best.
    // Scores are summed in the reference's order, (g_u + g_v) + balance, so ties fall the same way.
    let both: number;
    let onlyU: number;
    let onlyV: number;
    if (words === 1) {
      // k <= 32, the common case: the three sets are single words.
      const ru = state[baseU];
      const rv = state[baseV];
      const minBit = 1 << minPart;
      const setBoth = ru & rv;
      const setU = ru & ~rv;
      const setV = rv & ~ru;
      both = setBoth === 0 ? -1 : (setBoth & minBit) !== 0 ? minPart : leastInWord(setBoth, loads, capacity);
      onlyU = setU === 0 ? -1 : (setU & minBit) !== 0 ? minPart : leastInWord(setU, loads, capacity);
      onlyV = setV === 0 ? -1 : (setV & minBit) !== 0 ? minPart : leastInWord(setV, loads, capacity);
    } else {
      both = leastLoaded(state, baseU, baseV, words, 0, loads, capacity, minPart);
      onlyU = leastLoaded(state, baseU, baseV, words, 2, loads, capacity, minPart);
      onlyV = leastLoaded(state, baseU, baseV, words, 3, loads, capacity, minPart);
    }
    if (both >= 0) {
      const score = gU + gV + (maxLoad - loads[both]) * scale;
      if (score > bestScore || (score === bestScore && both < best)) {
        bestScore = score;
        best = both;
      }
    }
    if (onlyU >= 0) {
      const score = gU + (maxLoad - loads[onlyU]) * scale;
      if (score > bestScore || (score === bestScore && onlyU < best)) {
        bestScore = score;
        best = onlyU;
      }
    }
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
  keepReads(touched);
  // Greedy's state is already the n x words replica table; HDRF's drops its degree column.
  let replicas = state;
  if (degreeSlot !== 0) {
    replicas = new Uint32Array(n * words);
    for (let v = 0; v < n; v++) {
      for (let w = 0; w < words; w++) replicas[v * words + w] = state[v * stride + degreeSlot + w];
    }
  }
  return vertexCutPartition(rule.algo, k, n, parts, replicas, words, seed, state.byteLength + loads.byteLength);
}
