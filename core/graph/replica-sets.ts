/**
 * Replica sets of a vertex-cut, as the partitioners write them and the
 * cluster runtime reads them: an n x words bitset (bit p of vertex v set
 * when part p holds an edge of v), and masters picked by a hash of the
 * vertex id among its replicas (the (hash mod r)-th set bit of r), so any
 * machine that knows the replica set computes the same master, masters
 * spread evenly over parts, and no per-(vertex, part) counters are needed.
 * A vertex with no edge gets the part hash(v) mod k and no replica.
 */
import { popcount32 } from '../util/bits.js';
import { hash32 } from '../util/random.js';

/** Hash of an ordered pair, seeded (two rounds of the murmur3 finalizer). */
export function edgeHash(u: number, v: number, seed: number): number {
  let h = Math.imul(u ^ seed, 0x9e3779b1) ^ v;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h ^ u, 0x85ebca6b);
  h ^= h >>> 15;
  return h >>> 0;
}

/**
 * Map a 32-bit hash to 0..n-1 (n <= 65536) by its top 16 bits, multiply-shift:
 * integer arithmetic, where `h % n` on a hash above 2^31 is a floating-point
 * remainder in V8. Part sizes differ by at most one over the 65536 values.
 */
export function hashToRange(h: number, n: number): number {
  return ((h >>> 16) * n) >>> 16;
}

export function wordsFor(k: number): number {
  return (k + 31) >>> 5;
}


/** Whether part p is in v's replica set. */
export function hasReplica(replicas: Uint32Array, words: number, v: number, p: number): boolean {
  return (replicas[v * words + (p >>> 5)] & (1 << (p & 31))) !== 0;
}

/** Number of replicas of v. */
export function replicaCount(replicas: Uint32Array, words: number, v: number): number {
  let c = 0;
  const base = v * words;
  for (let w = 0; w < words; w++) c += popcount32(replicas[base + w]);
  return c;
}

/** Masters by a hash of the vertex id among its replicas (see the header). */
export function hashMasters(replicas: Uint32Array, n: number, words: number, k: number, seed: number): Uint32Array {
  const masters = new Uint32Array(n);
  for (let v = 0; v < n; v++) {
    const h = hash32(v, seed ^ 0x27d4eb2f);
    const r = replicaCount(replicas, words, v);
    if (r === 0) {
      masters[v] = hashToRange(h, k);
      continue;
    }
    let pick = hashToRange(h, r);
    const base = v * words;
    for (let w = 0; w < words; w++) {
      let bits = replicas[base + w];
      const c = popcount32(bits);
      if (pick >= c) {
        pick -= c;
        continue;
      }
      while (pick > 0) {
        bits &= bits - 1;
        pick--;
      }
      masters[v] = (w << 5) + (31 - Math.clz32(bits & -bits));
      break;
    }
  }
  return masters;
}

