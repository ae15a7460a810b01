/** Random CSR blocks of ratings for the kernel tests (a helper, not a test file). */
import { Random } from '../../core/util/random.js';

/** A random CSR block: `count` vertices with 0..maxDegree neighbours among `others` rows. */
export function randomBlock(count: number, others: number, rank: number, maxDegree: number, seed: number) {
  const generator = new Random(seed);
  const random = (): number => generator.next();
  const offsets = new Uint32Array(count + 1);
  for (let s = 0; s < count; s++) offsets[s + 1] = offsets[s] + Math.floor(random() * (maxDegree + 1));
  const m = offsets[count];
  const neighbours = Uint32Array.from({ length: m }, () => Math.floor(random() * others));
  const edgeIds = Uint32Array.from({ length: m }, (_, q) => m - 1 - q);
  const ratings = Float64Array.from({ length: m }, () => 1 + Math.floor(random() * 5));
  const factors = Float64Array.from({ length: others * (rank + 1) }, () => random() - 0.5);
  return { offsets, neighbours, edgeIds, ratings, factors };
}
