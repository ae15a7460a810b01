/**
 * The factor model's pieces against brute force: prediction by its formula,
 * id lookup, ranking
 * metrics on a hand-worked example, the hold-out split, and the model file
 * (round trip; damaged, truncated and foreign files are InputErrors naming it).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../core/errors.js';
import type { Ratings } from '../../../core/graph/loaders/movielens.js';
import { indexOfId, loadModel, predict, saveModel, type FactorModel } from '../../../apps/recommender/model.js';
import { rankingQuality, ratingError } from '../../../apps/recommender/metrics.js';
import { plantedRatings } from '../../../apps/recommender/source.js';
import { splitRatings } from '../../../apps/recommender/split.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir();

/** Rank 1, 2 users (ids 10, 20), 4 items (ids 1, 3, 5, 7). */
function tinyModel(): FactorModel {
  return {
    algo: 'test',
    params: { rank: 1 },
    rank: 1,
    mean: 3,
    numUsers: 2,
    numItems: 4,
    userIds: Float64Array.of(10, 20),
    itemIds: Float64Array.of(1, 3, 5, 7),
    // (factor, bias) rows.
    users: Float64Array.of(1, 0.5, -1, 0),
    items: Float64Array.of(0.5, 0, 1, -0.25, -1, 0.25, 0, 0),
  };
}

function ratingsOf(rows: Array<[number, number, number]>, userIds: number[], itemIds: number[]): Ratings {
  return {
    users: Uint32Array.from(rows.map((r) => userIds.indexOf(r[0]))),
    items: Uint32Array.from(rows.map((r) => itemIds.indexOf(r[1]))),
    values: Float64Array.from(rows.map((r) => r[2])),
    times: null,
    numUsers: userIds.length,
    numItems: itemIds.length,
    userIds: Float64Array.from(userIds),
    itemIds: Float64Array.from(itemIds),
    count: rows.length,
  };
}

test('predict is mean + biases + dot product; indexOfId finds file ids', () => {
  const m = tinyModel();
  // user 10 (factor 1, bias 0.5) and item 3 (factor 1, bias -0.25): 3 + 0.5 - 0.25 + 1.
  assert.is(predict(m, 0, 1), 4.25);
  assert.is(predict(m, 1, 2), 3 + 0 + 0.25 + 1);
  assert.is(indexOfId(m.itemIds, 5), 2);
  assert.is(indexOfId(m.itemIds, 4), -1);
  assert.is(indexOfId(m.userIds, 20), 1);
});

test('rankingQuality: precision, recall and NDCG on a hand-worked example', () => {
  const m = tinyModel();
  // User 10 scores: item 1: 4.0, item 3: 4.25, item 5: 2.75, item 7: 3.5. Trained on item 3, so its list is 1, 7, 5.
  const train = ratingsOf([[10, 3, 5]], [10, 20], [1, 3, 5, 7]);
  // Relevant (>= 4) test items of user 10: 7 and 5; item 1 is rated 2 (not relevant). User 20 has none.
  const test_ = ratingsOf([[10, 7, 4], [10, 5, 5], [10, 1, 2], [20, 1, 3]], [10, 20], [1, 3, 5, 7]);
  const q = rankingQuality(m, train, test_, 2, 4);
  // Top 2: items 1, 7; one hit at rank 2.
  assert.is(q.users, 1);
  assert.is(q.precision, 0.5);
  assert.is(q.recall, 0.5);
  assert.ok(Math.abs(q.ndcg - 1 / Math.log2(3) / (1 + 1 / Math.log2(3))) < 1e-12, `ndcg ${q.ndcg}`);
  // Rating error on the same test set, clamped to 1..5, by hand.
  const e = ratingError(m, test_, [1, 5]);
  const errors = [4 - 3.5, 5 - 2.75, 2 - 4, 3 - (3 + 0 + 0 - 1 * 0.5)];
  assert.ok(Math.abs(e.rmse - Math.sqrt(errors.reduce((a, x) => a + x * x, 0) / 4)) < 1e-12);
  assert.ok(Math.abs(e.mae - errors.reduce((a, x) => a + Math.abs(x), 0) / 4) < 1e-12);
  assert.is(e.unknown, 0);
});

test('splitRatings: a seeded partition of the ratings with the test share asked for', () => {
  const r = plantedRatings(300, 100, 3, 1);
  const { train, test: held } = splitRatings(r, 0.25, 9);
  assert.is(train.count + held.count, r.count);
  assert.ok(Math.abs(held.count / r.count - 0.25) < 0.03, `test share ${held.count / r.count}`);
  const key = (x: Ratings, k: number): string => `${x.users[k]}:${x.items[k]}:${x.values[k]}`;
  const all = new Set(Array.from({ length: r.count }, (_, k) => key(r, k)));
  const seen = new Set<string>();
  for (const part of [train, held]) for (let k = 0; k < part.count; k++) seen.add(key(part, k));
  assert.equal(seen, all);
  assert.equal(splitRatings(r, 0.25, 9).test.values, held.values);
});

test('saveModel / loadModel: a round trip; damaged, truncated and foreign files name the file', async () => {
  const path = join(dir, 'model.gwm');
  const m = tinyModel();
  await saveModel(path, m);
  assert.equal(await loadModel(path), m);
  const bytes = readFileSync(path);
  const damaged = Buffer.from(bytes);
  damaged[damaged.length - 3] ^= 0x40;
  const cases: Array<[string, Buffer, RegExp]> = [
    ['damaged.gwm', damaged, /checksum/],
    ['truncated.gwm', bytes.subarray(0, bytes.length - 8), /expected \d+ bytes/],
    ['foreign.gwm', Buffer.from('user item rating\n'), /not a gasworks model/],
  ];
  for (const [name, content, message] of cases) {
    const file = join(dir, name);
    writeFileSync(file, content);
    try {
      await loadModel(file);
      assert.unreachable(`${name} should not load`);
    } catch (error) {
      assert.instance(error, InputError, name);
      assert.match(String((error as Error).message), file);
      assert.match(String((error as Error).message), message);
    }
  }
  try {
    await loadModel(join(dir, 'missing.gwm'));
    assert.unreachable('a missing file should not load');
  } catch (error) {
    assert.instance(error, InputError);
  }
});

test.run();
