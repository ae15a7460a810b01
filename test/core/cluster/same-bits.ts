/** The cluster tests' bit-for-bit comparison of two columns (NaN equals NaN, -0 differs from 0). */
import * as assert from 'uvu/assert';

export function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.is(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.unreachable(`${what}: vertex ${i}: ${a[i]} vs ${b[i]}`);
}
