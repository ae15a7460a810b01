/**
 * The least loaded part among a combination of two vertices' replica sets,
 * the inner step of greedy and HDRF. `mode` picks the set: 0 both (u AND v),
 * 1 either (u OR v), 2 u only (u AND NOT v), 3 v only (v AND NOT u). Parts at
 * `capacity` are skipped; ties go to the lowest index. When the set holds the
 * globally least loaded part (hubs hold every part), that part is the answer
 * at once, which makes the step O(1) for the edges of high-degree vertices.
 * Returns -1 for an empty set.
 */
export function leastLoaded(
  replicas: Uint32Array,
  baseU: number,
  baseV: number,
  words: number,
  mode: number,
  loads: Int32Array,
  capacity: number,
  minPart: number,
): number {
  const minWord = minPart >>> 5;
  const ru = replicas[baseU + minWord];
  const rv = replicas[baseV + minWord];
  const set = mode === 0 ? ru & rv : mode === 1 ? ru | rv : mode === 2 ? ru & ~rv : rv & ~ru;
  if ((set & (1 << (minPart & 31))) !== 0) return minPart;
  let best = -1;
  let bestLoad = capacity;
  for (let w = 0; w < words; w++) {
    const a = replicas[baseU + w];
    const b = replicas[baseV + w];
    let bits = mode === 0 ? a & b : mode === 1 ? a | b : mode === 2 ? a & ~b : b & ~a;
    while (bits !== 0) {
      const low = bits & -bits;
      bits ^= low;
      const p = (w << 5) + (31 - Math.clz32(low));
      const load = loads[p];
      if (load < bestLoad) {
        bestLoad = load;
        best = p;
      }
    }
  }
  return best;
}

/** The least loaded part among the set bits of one word (parts 0..31) under `capacity`, or -1. */
export function leastInWord(bits: number, loads: Int32Array, capacity: number): number {
  let best = -1;
  let bestLoad = capacity;
  while (bits !== 0) {
    const low = bits & -bits;
    bits ^= low;
    const p = 31 - Math.clz32(low);
    const load = loads[p];
    if (load < bestLoad) {
      bestLoad = load;
      best = p;
    }
  }
  return best;
}
