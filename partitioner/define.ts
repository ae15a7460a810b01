/**
 * Partitioners users write themselves, in two shapes:
 *
 * - `defineScoredPartitioner(rule)`: a streaming vertex-cut given by a score
 *   rule over the shared scan. Edge (u, v) goes to the part p, below the
 *   balance cap, with the highest `replicaScore(holdsU, holdsV, du, dv) +
 *   balanceScore(load(p), minLoad, maxLoad)` (ties to the lowest part), as
 *   greedy and HDRF do (scored-stream.ts: they are this rule with the scores
 *   written inline). Because the replica term depends on p only through
 *   whether p holds u and v, and the balance term must not grow with the load,
 *   the best part of each of the four classes (both ends, u only, v only,
 *   neither) is its least loaded one: four candidates scored per edge, not k.
 *   The scan owns the visiting order, the per-vertex replica bitset and
 *   degrees (partial, counted as the stream goes, or exact from a first
 *   pass), the loads, the cap ceil((1 + slack) m / k) and progress.
 * - `defineOfflinePartitioner({ name, assign })`: a whole-graph function that
 *   returns the part of every edge; replica sets, masters and the checks
 *   (every edge placed once, in 0..k-1) are done here.
 *
 * Both return a Partitioner (types.ts), the interface of the built-in ones:
 * `gasworks bench partitioners --algos hdrf,./my-cut.ts` and `gasworks run
 * --cluster ... --partitioner ./my-cut.ts` load it with `loadPartitioner`.
 */
import { UsageError } from '../core/errors.js';
import { PartLoads } from './loads.js';
import { partsArray, vertexCutPartition, wordsFor } from './replicas.js';
import { visitOrder } from './stream.js';
import type { EdgeStream, Partition, PartitionOptions, Partitioner } from './types.js';

export interface ScoreRuleDefinition {
  name: string;
  description?: string;
  /** Degrees handed to replicaScore: counted as the stream goes ('partial', default) or in a first pass ('exact'). */
  degrees?: 'partial' | 'exact';
  /** Score of a part for holding u and/or v already; du and dv are the degrees (this edge counted). */
  replicaScore(holdsU: boolean, holdsV: boolean, du: number, dv: number): number;
  /** Score of a part with `load` edges, given the least and most loaded parts; must not increase with load. */
  balanceScore(load: number, minLoad: number, maxLoad: number): number;
}

export interface OfflineDefinition {
  name: string;
  description?: string;
  /** The part (0..k-1) of every edge i of the stream. */
  assign(stream: EdgeStream, k: number, options: PartitionOptions): ArrayLike<number>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkName(who: string, name: unknown): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new UsageError(`${who}: name must be letters, digits, '.', '_' or '-'; got ${JSON.stringify(name)}`);
  }
}

export function defineScoredPartitioner(rule: ScoreRuleDefinition): Partitioner {
  checkName('defineScoredPartitioner', rule.name);
  if (typeof rule.replicaScore !== 'function' || typeof rule.balanceScore !== 'function') {
    throw new UsageError(`defineScoredPartitioner: ${rule.name} needs replicaScore and balanceScore functions`);
  }
  const degrees = rule.degrees ?? 'partial';
  if (degrees !== 'partial' && degrees !== 'exact') {
    throw new UsageError(`defineScoredPartitioner: degrees must be 'partial' or 'exact'; got ${JSON.stringify(degrees)}`);
  }
  return {
    name: rule.name,
    kind: 'vertex-cut',
    streaming: true,
    description: rule.description ?? `${rule.name} (a user score rule)`,
    partition: (stream, k, options = {}) => scoreRuleCut(stream, k, options, rule, degrees === 'exact'),
  };
}

/** The shared scan with a user's score rule; see the header for why four candidates suffice. */
function scoreRuleCut(stream: EdgeStream, k: number, options: PartitionOptions, rule: ScoreRuleDefinition, exact: boolean): Partition {
  const { src, dst, count: m, numVertices: n } = stream;
  const seed = options.seed ?? 1;
  const words = wordsFor(k);
  const parts = partsArray(m, k);
  const replicas = new Uint32Array(n * words);
  const degree = new Uint32Array(n);
  const tracker = new PartLoads(k, m, options.balanceSlack ?? 0.05);
  const { loads, capacity } = tracker;
  const visit = visitOrder(stream, options);
  const progress = options.onProgress;
  const { replicaScore, balanceScore } = rule;
  if (exact) {
    for (let e = 0; e < m; e++) {
      degree[src[e]]++;
      degree[dst[e]]++;
    }
  }
  const lastMask = k % 32 === 0 ? -1 : (1 << k % 32) - 1;
  for (let i = 0; i < m; i++) {
    const e = visit === null ? i : visit[i];
    const u = src[e];
    const v = dst[e];
    const du = exact ? degree[u] : ++degree[u];
    const dv = exact ? degree[v] : ++degree[v];
    const minLoad = tracker.minLoad;
    const maxLoad = tracker.maxLoad;
    let best = -1;
    let bestScore = -Infinity;
    // The least loaded part of each class: 0 both, 1 u only, 2 v only, 3 neither.
    for (let cls = 0; cls < 4; cls++) {
      let p = -1;
      let pLoad = capacity;
      for (let w = 0; w < words; w++) {
        const a = replicas[u * words + w];
        const b = replicas[v * words + w];
        const mask = w === words - 1 ? lastMask : -1;
        const bits = (cls === 0 ? a & b : cls === 1 ? a & ~b : cls === 2 ? b & ~a : ~(a | b)) & mask;
        const q = leastInWordAt(bits, w, loads, pLoad);
        if (q >= 0) {
          p = q;
          pLoad = loads[p];
        }
      }
      if (p < 0) continue;
      const score = replicaScore(cls === 0 || cls === 1, cls === 0 || cls === 2, du, dv) + balanceScore(loads[p], minLoad, maxLoad);
      if (!Number.isFinite(score)) {
        throw new UsageError(`${rule.name}: the score rule gave ${score} for an edge (${u}, ${v}); scores must be finite numbers`);
      }
      if (score > bestScore || (score === bestScore && p < best)) {
        bestScore = score;
        best = p;
      }
    }
    tracker.add(best);
    parts[e] = best;
    const bit = 1 << (best & 31);
    replicas[u * words + (best >>> 5)] |= bit;
    replicas[v * words + (best >>> 5)] |= bit;
    if (progress !== undefined && (i & 0xfffff) === 0) progress(i, m);
  }
  if (progress) progress(m, m);
  return vertexCutPartition(rule.name, k, n, parts, replicas, words, seed, degree.byteLength + loads.byteLength);
}

/** The least loaded part among the set bits of word w (parts 32w..32w+31) below `bound`, or -1. */
function leastInWordAt(bits: number, w: number, loads: Int32Array, bound: number): number {
  let best = -1;
  let bestLoad = bound;
  while (bits !== 0) {
    const low = bits & -bits;
    bits ^= low;
    const p = (w << 5) + (31 - Math.clz32(low));
    if (loads[p] < bestLoad) {
      bestLoad = loads[p];
      best = p;
    }
  }
  return best;
}

export function defineOfflinePartitioner(definition: OfflineDefinition): Partitioner {
  checkName('defineOfflinePartitioner', definition.name);
  if (typeof definition.assign !== 'function') throw new UsageError(`defineOfflinePartitioner: ${definition.name} needs an assign function`);
  const name = definition.name;
  return {
    name,
    kind: 'vertex-cut',
    streaming: false,
    description: definition.description ?? `${name} (a user whole-graph function)`,
    partition(stream, k, options = {}) {
      const assigned = definition.assign(stream, k, options);
      return partitionFromParts(name, stream, k, assigned, options.seed ?? 1);
    },
  };
}

/** A vertex-cut Partition from the part of every edge, checked: one part per edge, each in 0..k-1. */
export function partitionFromParts(name: string, stream: EdgeStream, k: number, assigned: ArrayLike<number>, seed: number): Partition {
  const { src, dst, count: m, numVertices: n } = stream;
  if (assigned === null || typeof assigned !== 'object' || assigned.length !== m) {
    throw new UsageError(`${name}: assign must return one part per edge (${m}); got ${assigned === null || typeof assigned !== 'object' ? String(assigned) : `${assigned.length} entries`}`);
  }
  const words = wordsFor(k);
  const parts = partsArray(m, k);
  const replicas = new Uint32Array(n * words);
  for (let e = 0; e < m; e++) {
    const p = assigned[e];
    if (!Number.isInteger(p) || p < 0 || p >= k) throw new UsageError(`${name}: edge ${e} was given part ${p}; parts must be integers in 0..${k - 1}`);
    parts[e] = p;
    const bit = 1 << (p & 31);
    replicas[src[e] * words + (p >>> 5)] |= bit;
    replicas[dst[e] * words + (p >>> 5)] |= bit;
  }
  return vertexCutPartition(name, k, n, parts, replicas, words, seed, 0);
}

/** Whether a value has the Partitioner shape (what a user's module must export). */
export function isPartitioner(value: unknown): value is Partitioner {
  if (value === null || typeof value !== 'object') return false;
  const p = value as Partial<Partitioner>;
  return typeof p.name === 'string' && typeof p.partition === 'function' && (p.kind === 'vertex-cut' || p.kind === 'edge-cut');
}
