import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { plantedLowRank, type PlantedRatings } from '../../../../core/graph/generators/low-rank.js';
import { UsageError } from '../../../../core/errors.js';

/** Pairs are unique and every user and item is rated; returns ratings per user. */
function checkStructure(r: PlantedRatings, users: number, items: number): number[] {
  assert.is(r.users.length, r.count);
  assert.is(r.items.length, r.count);
  assert.is(r.values.length, r.count);
  const seen = new Set<number>();
  const perUser = new Array<number>(users).fill(0);
  const perItem = new Array<number>(items).fill(0);
  for (let x = 0; x < r.count; x++) {
    const u = r.users[x];
    const i = r.items[x];
    assert.ok(u < users && i < items);
    const key = u * items + i;
    assert.not.ok(seen.has(key), `pair (${u}, ${i}) twice`);
    seen.add(key);
    perUser[u]++;
    perItem[i]++;
  }
  assert.ok(perUser.every((c) => c > 0), 'a user has no rating');
  assert.ok(perItem.every((c) => c > 0), 'an item has no rating');
  return perUser;
}

function dot(r: PlantedRatings, rank: number, x: number): number {
  let s = 0;
  for (let k = 0; k < rank; k++) s += r.userFactors[r.users[x] * rank + k] * r.itemFactors[r.items[x] * rank + k];
  return s;
}

test('noise 0: every value is the dot product of the returned factors', () => {
  const rank = 5;
  const r = plantedLowRank({ users: 60, items: 40, rank, ratingsPerUser: 7, seed: 3 });
  assert.is(r.userFactors.length, 60 * rank);
  assert.is(r.itemFactors.length, 40 * rank);
  const perUser = checkStructure(r, 60, 40);
  assert.ok(perUser.every((c) => c === 7));
  assert.is(r.count, 60 * 7);
  for (let x = 0; x < r.count; x++) assert.ok(Math.abs(r.values[x] - dot(r, rank, x)) <= 1e-12 * (1 + Math.abs(r.values[x])));
});

test('coverage holds when items outnumber the ratings users would give, and for dense requests', () => {
  const few = plantedLowRank({ users: 10, items: 95, rank: 3, ratingsPerUser: 2, seed: 1 });
  checkStructure(few, 10, 95);
  assert.ok(few.count >= 95);
  const dense = plantedLowRank({ users: 20, items: 30, rank: 2, density: 0.8, seed: 2 });
  const perUser = checkStructure(dense, 20, 30);
  assert.is(dense.count, Math.round(0.8 * 20 * 30));
  assert.ok(perUser.every((c) => c === 24));
  const full = plantedLowRank({ users: 7, items: 9, rank: 2, density: 1, seed: 4 });
  checkStructure(full, 7, 9);
  assert.is(full.count, 63);
});

test('coverItems: false leaves items unrated and counts exact', () => {
  const r = plantedLowRank({ users: 5, items: 100, rank: 2, ratingsPerUser: 2, coverItems: false, seed: 6 });
  assert.is(r.count, 10);
  const rated = new Set(r.items);
  assert.ok(rated.size <= 10);
  assert.equal(new Set(r.users).size, 5);
  const coveredRun = plantedLowRank({ users: 5, items: 100, rank: 2, ratingsPerUser: 2, seed: 6 });
  assert.equal(new Set(coveredRun.items).size, 100);
});

test('noise: residuals have the requested standard deviation; clampRange clamps', () => {
  const rank = 4;
  const noise = 0.2;
  const r = plantedLowRank({ users: 300, items: 200, rank, ratingsPerUser: 20, noise, seed: 5 });
  checkStructure(r, 300, 200);
  let sum = 0;
  let sumSq = 0;
  for (let x = 0; x < r.count; x++) {
    const d = r.values[x] - dot(r, rank, x);
    sum += d;
    sumSq += d * d;
  }
  const mean = sum / r.count;
  const std = Math.sqrt(sumSq / r.count - mean * mean);
  assert.ok(Math.abs(std - noise) < 0.02, `residual std ${std}`);
  assert.ok(Math.abs(mean) < 0.02, `residual mean ${mean}`);

  const clamped = plantedLowRank({ users: 300, items: 200, rank, ratingsPerUser: 20, noise, seed: 5, clampRange: [-0.5, 0.5] });
  let hitLow = false;
  for (let x = 0; x < clamped.count; x++) {
    const v = clamped.values[x];
    assert.ok(v >= -0.5 && v <= 0.5);
    const raw = r.values[x];
    assert.is(v, Math.min(0.5, Math.max(-0.5, raw)));
    if (v === -0.5) hitLow = true;
  }
  assert.ok(hitLow);
});

test('deterministic per seed, different across seeds', () => {
  const options = { users: 50, items: 50, rank: 3, ratingsPerUser: 5, noise: 0.1 };
  const a = plantedLowRank({ ...options, seed: 8 });
  const b = plantedLowRank({ ...options, seed: 8 });
  const c = plantedLowRank({ ...options, seed: 9 });
  assert.equal(a.users, b.users);
  assert.equal(a.items, b.items);
  assert.equal(a.values, b.values);
  assert.equal(a.userFactors, b.userFactors);
  assert.not.equal(a.items, c.items);
  assert.not.equal(a.values, c.values);
});

test('bad options are UsageErrors', () => {
  const usage = (e: unknown): boolean => e instanceof UsageError;
  assert.throws(() => plantedLowRank({ users: 5, items: 5, rank: 2, seed: 1 }), usage);
  assert.throws(() => plantedLowRank({ users: 5, items: 5, rank: 2, ratingsPerUser: 2, density: 0.5 }), usage);
  assert.throws(() => plantedLowRank({ users: 0, items: 5, rank: 2, ratingsPerUser: 2 }), usage);
  assert.throws(() => plantedLowRank({ users: 5, items: 5, rank: 2, density: 1.5 }), usage);
});

test.run();
