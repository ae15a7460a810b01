/**
 * A seeded random hold-out split of ratings into training and test sets, for
 * evaluating on a single ratings file. `splitRatings`: each rating goes to
 * the test set with probability `testFraction` (a hash of its index and the
 * seed decides, so the split is the same on every run). `splitRatingsPerUser`:
 * each user holds out round(testFraction x its ratings) of its own, those
 * with the lowest hashes, so every user with ratings enough is tested on the
 * same share. Both halves keep the original dense user and item numbering
 * and id lists.
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

export function splitRatingsPerUser(r: Ratings, testFraction: number, seed = 1): { train: Ratings; test: Ratings } {
  if (!(testFraction > 0 && testFraction < 1)) throw new UsageError(`splitRatingsPerUser: testFraction must be in (0, 1); got ${testFraction}`);
  // Each user's ratings (CSR by user), ordered by their hash: the first round(f n_u) go to test.
  const offsets = new Uint32Array(r.numUsers + 1);
  for (let k = 0; k < r.count; k++) offsets[r.users[k] + 1]++;
  for (let u = 0; u < r.numUsers; u++) offsets[u + 1] += offsets[u];
  const fill = offsets.slice(0, r.numUsers);
  const byUser = new Uint32Array(r.count);
  for (let k = 0; k < r.count; k++) byUser[fill[r.users[k]]++] = k;
  const inTest = new Uint8Array(r.count);
  let testCount = 0;
  for (let u = 0; u < r.numUsers; u++) {
    const list = Array.from(byUser.subarray(offsets[u], offsets[u + 1]));
    list.sort((a, b) => hash32(a, seed) - hash32(b, seed) || a - b);
    const held = Math.round(testFraction * list.length);
    for (let q = 0; q < held; q++) inTest[list[q]] = 1;
    testCount += held;
  }
  return { train: subset(r, inTest, 0, r.count - testCount), test: subset(r, inTest, 1, testCount) };
}
