/**
 * The state of core/util/random.ts's generator (sfc32 seeded by splitmix32)
 * as a plain Int32Array, for generators whose inner loops copy the four state
 * words into local variables and step them inline: there the generator costs
 * a few register operations per draw instead of object field traffic. For a
 * seed, `sfc32Seed` + `sfc32U32`/`sfc32Double` give exactly the stream of
 * `new Random(seed)`'s `nextU32`/`next` (test/core/util/sfc32.test.ts
 * checks this), so a generator may mix both styles and stay reproducible.
 */

/** The state [a, b, c, d] after seeding and warm-up, as `new Random(seed)` has it. */
export function sfc32Seed(seed: number): Int32Array {
  const state = new Int32Array(4);
  let s = seed >>> 0;
  for (let i = 0; i < 4; i++) {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[i] = z ^ (z >>> 16);
  }
  for (let i = 0; i < 12; i++) sfc32U32(state);
  return state;
}

/** One step: uniform 32-bit unsigned integer, advancing `state` in place. */
export function sfc32U32(state: Int32Array): number {
  const a = state[0];
  const b = state[1];
  const c = state[2];
  const d = state[3];
  const t = (((a + b) | 0) + d) | 0;
  state[3] = (d + 1) | 0;
  state[0] = b ^ (b >>> 9);
  state[1] = (c + (c << 3)) | 0;
  state[2] = (((c << 21) | (c >>> 11)) + t) | 0;
  return t >>> 0;
}

/** Uniform double in [0, 1) from two steps (53 bits), as Random.next. */
export function sfc32Double(state: Int32Array): number {
  const hi = sfc32U32(state) >>> 5;
  const lo = sfc32U32(state) >>> 6;
  return (hi * 67108864 + lo) / 9007199254740992;
}

/** Uniform integer in [0, n), as Random.nextInt. */
export function sfc32Int(state: Int32Array, n: number): number {
  return Math.floor(sfc32Double(state) * n);
}

/** Fisher-Yates shuffle in place, the same permutation as Random.shuffle. */
export function sfc32Shuffle<T extends { length: number; [i: number]: number }>(state: Int32Array, array: T): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = sfc32Int(state, i + 1);
    const t = array[i];
    array[i] = array[j];
    array[j] = t;
  }
  return array;
}
