/**
 * The per-user hold-out split: every user holds out round(f x its ratings),
 * the two halves partition the ratings, the same seed gives the same split
 * and another seed another.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { plantedRatings } from '../../../apps/recommender/source.js';
import { splitRatingsPerUser } from '../../../apps/recommender/split.js';
import type { Ratings } from '../../../core/graph/loaders/movielens.js';

const keys = (r: Ratings): string[] => Array.from({ length: r.count }, (_, k) => `${r.users[k]} ${r.items[k]} ${r.values[k]}`);

test('splitRatingsPerUser: round(f n_u) per user, a partition, seeded', () => {
  const r = plantedRatings(60, 40, 3, 2);
  const { train, test: held } = splitRatingsPerUser(r, 0.1, 5);
  const perUser = (x: Ratings): number[] => {
    const c = new Array<number>(r.numUsers).fill(0);
    for (let k = 0; k < x.count; k++) c[x.users[k]]++;
    return c;
  };
  const all = perUser(r);
  const tested = perUser(held);
  all.forEach((n, u) => assert.is(tested[u], Math.round(0.1 * n), `user ${u}`));
  assert.equal([...keys(train), ...keys(held)].sort(), keys(r).sort());
  assert.equal(keys(splitRatingsPerUser(r, 0.1, 5).test), keys(held));
  assert.not.equal(keys(splitRatingsPerUser(r, 0.1, 6).test), keys(held));
  assert.throws(() => splitRatingsPerUser(r, 1), /splitRatingsPerUser: testFraction must be in \(0, 1\); got 1/);
});

test.run();
