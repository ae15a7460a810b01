/**
 * The second half of a two-level stable counting sort of edges by a vertex id,
 * which buildGraph runs three times (by target, by source, and by target again
 * for the CSC). A one-level counting sort over n buckets writes every item to
 * a random place among n write streams: at millions of vertices each write
 * misses both cache and TLB. Here a vertex id is split into a high part (the
 * bucket, a few hundred to a few thousand of them) and a low part (the digit,
 * at most 16 bits, kept in a Uint16Array beside the items). The caller
 * scatters items stably into their buckets (few streams); `sortBuckets` then
 * sorts each bucket by digit with a counting sort confined to that bucket's
 * range, which stays in cache, and writes the per-vertex offsets on the way.
 */

/** How vertex ids are split: `v >>> loBits` is the bucket, `v & (2^loBits - 1)` the digit. */
export interface VertexSplit {
  loBits: number;
  /** Number of buckets: ceil(n / 2^loBits), at least 1. */
  buckets: number;
}

/** Items per bucket aimed at: a bucket's items and its slice of the output then fit in L2. */
const ITEMS_PER_BUCKET = 1 << 16;
/** At most 2^MAX_HIGH_BITS buckets unless n forces more (digits are 16 bits). */
const MAX_HIGH_BITS = 9;

/**
 * Choose the split for n vertices and `items` items: about ITEMS_PER_BUCKET
 * items per bucket, at most 2^MAX_HIGH_BITS buckets, digits of at most 16 bits.
 * `highBits` overrides the choice (tests use it to force many buckets).
 */
export function splitVertexIds(n: number, items: number, highBits?: number): VertexSplit {
  const bits = n <= 1 ? 0 : 32 - Math.clz32(n - 1);
  let hi = highBits ?? Math.min(MAX_HIGH_BITS, Math.max(0, Math.ceil(Math.log2(Math.max(1, items) / ITEMS_PER_BUCKET))));
  hi = Math.min(bits, Math.max(hi, bits - 16));
  const loBits = bits - hi;
  return { loBits, buckets: n === 0 ? 1 : Math.floor((n - 1) / 2 ** loBits) + 1 };
}

/** Exclusive prefix sums of per-bucket counts: the start of every bucket, plus the total. */
export function bucketStarts(counts: Uint32Array): Uint32Array {
  const starts = new Uint32Array(counts.length + 1);
  for (let k = 0; k < counts.length; k++) starts[k + 1] = starts[k] + counts[k];
  return starts;
}

/**
 * Sort each bucket [starts[k], starts[k+1]) of `digits` stably by digit,
 * moving `a` and, when given, `b` or `w` along, and write `offsets[v]` (the
 * position of vertex v's first item) for every v in 0..n, offsets[n] = total.
 */
export function sortBuckets(
  split: VertexSplit,
  n: number,
  starts: Uint32Array,
  digits: Uint16Array,
  a: Uint32Array,
  b: Uint32Array | null,
  w: Float64Array | null,
  offsets: Uint32Array,
): void {
  const loBits = split.loBits;
  let largest = 0;
  for (let k = 0; k < split.buckets; k++) largest = Math.max(largest, starts[k + 1] - starts[k]);
  const scratchDigits = new Uint16Array(largest);
  const scratchA = new Uint32Array(largest);
  const scratchB = b ? new Uint32Array(largest) : null;
  const scratchW = w ? new Float64Array(largest) : null;
  const cursor = new Uint32Array(Math.min(n, 2 ** loBits));
  for (let k = 0; k < split.buckets; k++) {
    const from = starts[k];
    const to = starts[k + 1];
    const first = k * 2 ** loBits;
    const width = Math.min(n - first, 2 ** loBits);
    cursor.fill(0, 0, width);
    for (let i = from; i < to; i++) cursor[digits[i]]++;
    let position = from;
    for (let d = 0; d < width; d++) {
      offsets[first + d] = position;
      const count = cursor[d];
      cursor[d] = position;
      position += count;
    }
    if (to - from < 2) continue;
    scratchDigits.set(digits.subarray(from, to));
    scratchA.set(a.subarray(from, to));
    const size = to - from;
    if (scratchB) {
      scratchB.set(b!.subarray(from, to));
      for (let i = 0; i < size; i++) {
        const p = cursor[scratchDigits[i]]++;
        a[p] = scratchA[i];
        b![p] = scratchB[i];
      }
    } else if (scratchW) {
      scratchW.set(w!.subarray(from, to));
      for (let i = 0; i < size; i++) {
        const p = cursor[scratchDigits[i]]++;
        a[p] = scratchA[i];
        w![p] = scratchW[i];
      }
    } else {
      for (let i = 0; i < size; i++) a[cursor[scratchDigits[i]]++] = scratchA[i];
    }
  }
  offsets[n] = starts[split.buckets];
}
