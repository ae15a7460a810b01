/**
 * The k highest of a list of scores, by a size-k min-heap: O(n log k) and no
 * allocation beyond the result; ties go to the lower index. Used for top-N
 * recommendations and the most suspicious accounts.
 */

/** Indices of the `n` highest scores (excluded indices skipped), best first; ties to the lower index. */
export function topByScore(scores: Float64Array | Float32Array, n: number, exclude: Uint8Array | null): Int32Array {
  const heap = new Int32Array(Math.max(0, n));
  let size = 0;
  // "a ranks below b": a lower score, or the same score and a higher index.
  const below = (a: number, b: number): boolean => scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
  const siftDown = (at: number): void => {
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) return;
      const right = left + 1;
      const child = right < size && below(heap[right], heap[left]) ? right : left;
      if (!below(heap[child], heap[at])) return;
      const t = heap[at];
      heap[at] = heap[child];
      heap[child] = t;
      at = child;
    }
  };
  for (let i = 0; i < scores.length; i++) {
    if (exclude !== null && exclude[i] === 1) continue;
    if (size < n) {
      // Sift up.
      let at = size++;
      heap[at] = i;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!below(heap[at], heap[parent])) break;
        const t = heap[at];
        heap[at] = heap[parent];
        heap[parent] = t;
        at = parent;
      }
    } else if (n > 0 && below(heap[0], i)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  // Pop the worst first into the back of the result.
  const out = new Int32Array(size);
  for (let r = size - 1; r >= 0; r--) {
    out[r] = heap[0];
    heap[0] = heap[--size];
    siftDown(0);
  }
  return out;
}

