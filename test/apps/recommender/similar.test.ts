/**
 * Item similarity against brute force: cosines recomputed with plain
 * arrays and sorted in full, for the "more like this" list and for the
 * rated item most like a recommendation.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hash32 } from '../../../core/util/random.js';
import type { FactorModel } from '../../../apps/recommender/model.js';
import { itemNorms, mostSimilarRated, similarItems } from '../../../apps/recommender/similar.js';

const RANK = 4;
const ITEMS = 40;

function randomModel(): FactorModel {
  const items = new Float64Array(ITEMS * (RANK + 1));
  for (let k = 0; k < items.length; k++) items[k] = hash32(k, 3) / 2 ** 31 - 1;
  return { algo: 'test', params: {}, rank: RANK, mean: 0, numUsers: 0, numItems: ITEMS, userIds: new Float64Array(0), itemIds: Float64Array.from({ length: ITEMS }, (_, i) => 10 + i), users: new Float64Array(0), items };
}

function cosine(m: FactorModel, a: number, b: number): number {
  const x = Array.from(m.items.subarray(a * (RANK + 1), a * (RANK + 1) + RANK));
  const y = Array.from(m.items.subarray(b * (RANK + 1), b * (RANK + 1) + RANK));
  const dot = x.reduce((s, v, k) => s + v * y[k], 0);
  return dot / Math.hypot(...x) / Math.hypot(...y);
}

test('similarItems: the n highest cosines, the item itself left out', () => {
  const m = randomModel();
  for (const i of [0, 7, 39]) {
    const expected = [...Array(ITEMS).keys()].filter((j) => j !== i).sort((a, b) => cosine(m, i, b) - cosine(m, i, a) || a - b).slice(0, 6);
    const got = similarItems(m, i, 6);
    assert.equal(got.map((s) => s.index), expected);
    got.forEach((s) => assert.ok(Math.abs(s.similarity - cosine(m, i, s.index)) < 1e-12));
  }
});

test('mostSimilarRated: the rated item with the highest cosine', () => {
  const m = randomModel();
  const norms = itemNorms(m);
  const rated = [3, 11, 25, 30];
  for (const i of [0, 5, 17]) {
    const expected = rated.reduce((best, r) => (cosine(m, i, r) > cosine(m, i, best) ? r : best));
    const got = mostSimilarRated(m, norms, i, rated);
    assert.is(got.index, expected);
    assert.ok(Math.abs(got.similarity - cosine(m, i, expected)) < 1e-12);
  }
  assert.is(mostSimilarRated(m, norms, 0, []).index, -1);
});

test.run();
