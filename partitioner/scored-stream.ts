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
  /**
   * Use this in place of the least load in the normalised balance term's
   * denominator: 2PS-HDRF's code fixes it at 1 (its minimum load is never updated).
   */
  fixedMinLoad?: number;
}

/**
 * The scan's state between calls of scanEdges, so that a stream can be scored
 * in pieces (chunks from a file or a generator, the edges left after a
 * pre-partitioning pass) and start from a placement made by another method
 * (HEP's in-memory phase, 2PS's pre-partitioning).
 */
export interface ScanState {
  k: number;
  words: number;
  /** Words before each vertex's replica words: 1 for HDRF's degree, 0 for greedy, 3 for 2PS. */
  degreeSlot: number;
  stride: number;
  /** n x stride words: [degree,] replica words. */
  state: Uint32Array;
  tracker: PartLoads;
  /**
   * Restreaming: the replica sets of the previous pass (n x words), which count
   * as held when scoring (their union with this pass's); null for one pass.
   */
  prior: Uint32Array | null;
  /**
   * With prior: each vertex's degree. A vertex's previous copies then count
   * only while some of its edges are still to be placed in this pass (its
   * count in word 0 of its header is below its degree): once all are placed
   * anew, its previous placement is gone. Null: they count all pass long.
   */
  priorDegree: Uint32Array | null;
}

/** A fresh scan over n vertices and (for the balance cap) m edges in all. */
export function newScan(n: number, k: number, m: number, options: PartitionOptions, rule: ScoreRule, headerWords = rule.degreeWeighted ? 1 : 0): ScanState {
  const { lambda, epsilon } = rule;
  if (!(lambda >= 0)) throw new Error(`${rule.algo}: lambda must be >= 0, got ${lambda}`);
  if (!(epsilon > 0)) throw new Error(`${rule.algo}: epsilon must be > 0, got ${epsilon}`);
  const words = wordsFor(k);
  // Each vertex's degree and replica words side by side: one cache line per endpoint.
  // Greedy needs no degree: its vertices are the replica words alone (half the memory at k <= 32).
  // More header words (2PS keeps its cluster's part and volume there); the degree is always word 0.
  const degreeSlot = headerWords;
  const stride = words + degreeSlot;
  return { k, words, degreeSlot, stride, state: new Uint32Array(n * stride), tracker: new PartLoads(k, m, options.balanceSlack ?? 0.05), prior: null, priorDegree: null };
}

/** Count full degrees into the scan's degree words (HDRF with exact degrees). */
export function countDegrees(scan: ScanState, src: Uint32Array, dst: Uint32Array, count: number): void {
  const { state, stride } = scan;
  for (let e = 0; e < count; e++) {
    state[src[e] * stride]++;
    state[dst[e] * stride]++;
  }
}

export function scoredVertexCut(stream: EdgeStream, k: number, options: PartitionOptions, rule: ScoreRule): Partition {
  const { src, dst, count: m, numVertices: n } = stream;
  const parts = partsArray(m, k);
  const scan = newScan(n, k, m, options, rule);
  if (rule.degreeWeighted && rule.exactDegrees === true) countDegrees(scan, src, dst, m);
  scanEdges(scan, rule, src, dst, parts, visitOrder(stream, options), m, options.onProgress);
  if (options.onProgress) options.onProgress(m, m);
  return finishScan(scan, rule.algo, n, parts, options.seed ?? 1);
}

/** The result of a scan: its replica words (without the degree column) as a Partition. */
export function finishScan(scan: ScanState, algo: string, n: number, parts: Uint8Array | Uint16Array, seed: number): Partition {
  const { state, stride, words, degreeSlot, k, tracker } = scan;
  // Greedy's state is already the n x words replica table; HDRF's drops its degree column.
  let replicas = state;
  if (degreeSlot !== 0) {
    replicas = new Uint32Array(n * words);
    for (let v = 0; v < n; v++) {
      for (let w = 0; w < words; w++) replicas[v * words + w] = state[v * stride + degreeSlot + w];
    }
  }
  const priorBytes = scan.prior === null ? 0 : scan.prior.byteLength;
  return vertexCutPartition(algo, k, n, parts, replicas, words, seed, state.byteLength + tracker.loads.byteLength + priorBytes);
}

/**
 * Score `count` edges: edge visit[i] (or i, when visit is null) of src/dst for
 * i < count, writing its part into parts at the same index. Degrees are
 * counted as the edges go unless the rule says exact (then they are already
 * in the state). With `skipSlot`, an edge whose ends have equal values in
 * that header word is left alone (2PS: placed by its pre-partitioning pass).
 */
export function scanEdges(
  scan: ScanState,
  rule: ScoreRule,
  src: Uint32Array,
  dst: Uint32Array,
  parts: Uint8Array | Uint16Array,
  visit: Uint32Array | null,
  count: number,
  progress?: (done: number, total: number) => void,
  skipSlot = -1,
): void {
  const { lambda, epsilon, normalized, degreeWeighted } = rule;
  const { state, stride, words, degreeSlot, tracker, prior } = scan;
  const m = count;
  const loads = tracker.loads;
  const capacity = tracker.capacity;
  const exact = degreeWeighted && rule.exactDegrees === true;
  const fixedMin = rule.fixedMinLoad;
  const hasFixedMin = fixedMin !== undefined;
  const hasPrior = prior !== null;
  const hasSkip = skipSlot >= 0;
  const priorDegree = scan.priorDegree;
  // Fading prior: edges seen this pass are counted in header word 0 (HDRF's partial degree, or a count of greedy's own).
  const fade = hasPrior && priorDegree !== null;
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
    if (hasSkip && state[u * stride + skipSlot] === state[v * stride + skipSlot]) continue;
    let gU = 1;
    let gV = 1;
    if (degreeWeighted) {
      const du = exact ? state[u * stride] : ++state[u * stride];
      const dv = exact ? state[v * stride] : ++state[v * stride];
      const sum = du + dv;
      gU = 1 + (1 - du / sum);
      gV = 1 + (1 - dv / sum);
    } else if (fade) {
      ++state[u * stride];
      ++state[v * stride];
    }
    const priorU = hasPrior && (!fade || state[u * stride] < priorDegree[u]);
    const priorV = hasPrior && (!fade || state[v * stride] < priorDegree[v]);
    const maxLoad = tracker.maxLoad;
    // The balance scale changes only with the extreme loads: divide only then.
    // Absolute mode multiplies by lambda alone, exactly as the reference does.
    if (maxLoad !== scaleMax || tracker.minLoad !== scaleMin) {
      scaleMax = maxLoad;
      scaleMin = tracker.minLoad;
      scale = normalized ? lambda / (epsilon + maxLoad - (hasFixedMin ? Math.min(fixedMin, maxLoad) : scaleMin)) : lambda;
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
      const ru = priorU ? state[baseU] | prior![u] : state[baseU];
      const rv = priorV ? state[baseV] | prior![v] : state[baseV];
      const minBit = 1 << minPart;
      const setBoth = ru & rv;
      const setU = ru & ~rv;
      const setV = rv & ~ru;
      both = setBoth === 0 ? -1 : (setBoth & minBit) !== 0 ? minPart : leastInWord(setBoth, loads, capacity);
      onlyU = setU === 0 ? -1 : (setU & minBit) !== 0 ? minPart : leastInWord(setU, loads, capacity);
      onlyV = setV === 0 ? -1 : (setV & minBit) !== 0 ? minPart : leastInWord(setV, loads, capacity);
    } else if (hasPrior) {
      const pu = priorU ? u * words : -1;
      const pv = priorV ? v * words : -1;
      both = leastWithPrior(state, prior, baseU, baseV, pu, pv, words, 0, loads, capacity);
      onlyU = leastWithPrior(state, prior, baseU, baseV, pu, pv, words, 2, loads, capacity);
      onlyV = leastWithPrior(state, prior, baseU, baseV, pu, pv, words, 3, loads, capacity);
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
  keepReads(touched);
}

/** leastLoaded over (this pass's replicas | the previous pass's; priorU/V -1: none), for k > 32 with restreaming. */
function leastWithPrior(
  state: Uint32Array,
  prior: Uint32Array,
  baseU: number,
  baseV: number,
  priorU: number,
  priorV: number,
  words: number,
  mode: number,
  loads: Int32Array,
  capacity: number,
): number {
  let best = -1;
  let bestLoad = capacity;
  for (let w = 0; w < words; w++) {
    const a = priorU < 0 ? state[baseU + w] : state[baseU + w] | prior[priorU + w];
    const b = priorV < 0 ? state[baseV + w] : state[baseV + w] | prior[priorV + w];
    let bits = mode === 0 ? a & b : mode === 2 ? a & ~b : b & ~a;
    while (bits !== 0) {
      const low = bits & -bits;
      bits ^= low;
      const p = (w << 5) + (31 - Math.clz32(low));
      if (loads[p] < bestLoad) {
        bestLoad = loads[p];
        best = p;
      }
    }
  }
  return best;
}
