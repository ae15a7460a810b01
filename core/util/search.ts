/**
 * Binary search in ascending arrays: `indexOfSorted`, the lookup behind
 * every map from a file's own ids to dense ids kept as a sorted id list
 * (graphs, factor models), and `lowerBound` over a range (a neighbour list).
 */

/** The first index in [from, to) of the ascending `list` whose value is >= x (`to` when none is). */
export function lowerBound(list: ArrayLike<number>, from: number, to: number, x: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

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
