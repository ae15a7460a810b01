/**
 * A seeded random hold-out split of ratings into training and test sets, for
 * evaluating on a single ratings file. Each rating goes to the test set with
 * probability `testFraction` (a hash of its index and the seed decides, so the
 * split is the same on every run). Both halves keep the original dense user
 * and item numbering and id lists.
 */
import { UsageError } from '../../core/errors.js';
import type { Ratings } from '../../core/graph/loaders/movielens.js';
import { hash32 } from '../../core/util/random.js';

function subset(r: Ratings, keep: Uint8Array, want: number, count: number): Ratings {
  const users = new Uint32Array(count);
  const items = new Uint32Array(count);
  const values = new Float64Array(count);
  const times = r.times ? new Float64Array(count) : null;
  let j = 0;
  for (let k = 0; k < r.count; k++) {
    if (keep[k] !== want) continue;
    users[j] = r.users[k];
    items[j] = r.items[k];
    values[j] = r.values[k];
    if (times) times[j] = r.times![k];
    j++;
  }
  return { ...r, users, items, values, times, count };
}

export function splitRatings(r: Ratings, testFraction: number, seed = 1): { train: Ratings; test: Ratings } {
  if (!(testFraction > 0 && testFraction < 1)) throw new UsageError(`splitRatings: testFraction must be in (0, 1); got ${testFraction}`);
  const inTest = new Uint8Array(r.count);
  const threshold = testFraction * 2 ** 32;
  let testCount = 0;
  for (let k = 0; k < r.count; k++) {
    if (hash32(k, seed) < threshold) {
      inTest[k] = 1;
      testCount++;
    }
  }
  return { train: subset(r, inTest, 0, r.count - testCount), test: subset(r, inTest, 1, testCount) };
}
