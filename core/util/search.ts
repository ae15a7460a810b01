/**
 * Binary search in an ascending Float64Array, the lookup behind every map
 * from a file's own ids to dense ids kept as a sorted id list (graphs, factor
 * models).
 */

/** The index of `x` in the ascending array `ids`, or -1. */
export function indexOfSorted(ids: Float64Array, x: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const y = ids[mid];
    if (y === x) return mid;
    if (y < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
