/**
 * ALS and SGD on the engine against independent serial implementations: ALS
 * with dense normal equations solved by Gaussian elimination with partial
 * pivoting (same initial factors, same update order: all users, then all
 * items) on 1 and 2 workers; SGD step by step in the same order on 1 worker,
 * and close to that on 2 (Hogwild!). Then recovery of planted low-rank
 * ratings, and MovieLens 100K u1 (when present) against the global-mean and
 * bias-only closed forms.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeWorkers } from '../../../core/engine/index.js';
import { loadRatings, type Ratings } from '../../../core/graph/loaders/movielens.js';
import { hash32 } from '../../../core/util/random.js';
import { ratingError } from '../../../apps/recommender/metrics.js';
import { plantedRatings } from '../../../apps/recommender/source.js';
import { splitRatings } from '../../../apps/recommender/split.js';
import { trainFactorModel } from '../../../apps/recommender/train.js';
import { dataset, needsData } from '../../helpers.js';
import { gaussSolve } from '../../reference/linear.js';

/** The documented starting point: (factor, bias) rows from the seeded hash, zero biases, and the mean rating. */
function serialStart(r: Ratings, rank: number, seed: number): { U: number; users: number[][]; items: number[][]; mean: number } {
  const U = r.numUsers;
  const width = rank + 1;
  const init = (v: number): number[] => [...Array.from({ length: rank }, (_, i) => ((hash32(v * width + i, seed) / 2 ** 32) * 2 - 1) * 0.1), 0];
  let mean = 0;
  for (let k = 0; k < r.count; k++) mean += r.values[k];
  return { U, users: Array.from({ length: U }, (_, u) => init(u)), items: Array.from({ length: r.numItems }, (_, i) => init(U + i)), mean: mean / r.count };
}

/** Serial ALS with the documented model, init and regularisation: rows of (factor, bias) per user, then per item. */
function serialAls(r: Ratings, rank: number, lambda: number, iterations: number, biases: boolean, seed: number): { users: number[][]; items: number[][] } {
  const { U, users, items, mean } = serialStart(r, rank, seed);
  const byUser = Array.from({ length: U }, () => [] as Array<[number, number]>);
  const byItem = Array.from({ length: r.numItems }, () => [] as Array<[number, number]>);
  for (let k = 0; k < r.count; k++) {
    byUser[r.users[k]].push([r.items[k], r.values[k]]);
    byItem[r.items[k]].push([r.users[k], r.values[k]]);
  }
  const unknowns = rank + (biases ? 1 : 0);
  const solve = (rows: number[][], self: number[], ratings: Array<[number, number]>): void => {
    if (ratings.length === 0) return;
    const a = Array.from({ length: unknowns }, () => new Array<number>(unknowns).fill(0));
    const b = new Array<number>(unknowns).fill(0);
    for (const [other, value] of ratings) {
      const z = [...rows[other].slice(0, rank), 1].slice(0, unknowns);
      const t = value - mean - rows[other][rank];
      for (let i = 0; i < unknowns; i++) {
        b[i] += t * z[i];
        for (let j = 0; j < unknowns; j++) a[i][j] += z[i] * z[j];
      }
    }
    for (let i = 0; i < unknowns; i++) a[i][i] += lambda * ratings.length;
    const x = gaussSolve(a, b);
    for (let i = 0; i < unknowns; i++) self[i] = x[i];
  };
  for (let it = 0; it < iterations; it++) {
    for (let u = 0; u < U; u++) solve(items, users[u], byUser[u]);
    for (let i = 0; i < r.numItems; i++) solve(users, items[i], byItem[i]);
  }
  return { users, items };
}

test('ALS on the engine equals a serial ALS (1 and 2 workers, with and without biases)', async () => {
  const ratings = plantedRatings(60, 40, 3, 5);
  for (const biases of [true, false]) {
    const expected = serialAls(ratings, 4, 0.1, 3, biases, 2);
    for (const workers of [1, 2]) {
      const { model } = await trainFactorModel(ratings, { rank: 4, lambda: 0.1, iterations: 3, biases, seed: 2, workers });
      const width = 5;
      let worst = 0;
      for (let u = 0; u < model.numUsers; u++) for (let k = 0; k < width; k++) worst = Math.max(worst, Math.abs(model.users[u * width + k] - expected.users[u][k]));
      for (let i = 0; i < model.numItems; i++) for (let k = 0; k < width; k++) worst = Math.max(worst, Math.abs(model.items[i * width + k] - expected.items[i][k]));
      assert.ok(worst < 1e-9, `biases ${biases}, ${workers} workers: max |difference| ${worst}`);
    }
  }
});

test('ALS with the conjugate-gradient solver: unknowns steps reach the serial dense solution (1 and 2 workers); 1 step still lowers the training error', async () => {
  const ratings = plantedRatings(60, 40, 3, 5);
  for (const biases of [true, false]) {
    const expected = serialAls(ratings, 4, 0.1, 3, biases, 2);
    const unknowns = 4 + (biases ? 1 : 0);
    for (const workers of [1, 2]) {
      const run = await trainFactorModel(ratings, { rank: 4, lambda: 0.1, iterations: 3, biases, seed: 2, workers, solver: 'cg', cgSteps: unknowns });
      const { model } = run;
      assert.is(model.params.solver, 'cg');
      const width = 5;
      let worst = 0;
      for (let u = 0; u < model.numUsers; u++) for (let k = 0; k < width; k++) worst = Math.max(worst, Math.abs(model.users[u * width + k] - expected.users[u][k]));
      for (let i = 0; i < model.numItems; i++) for (let k = 0; k < width; k++) worst = Math.max(worst, Math.abs(model.items[i * width + k] - expected.items[i][k]));
      assert.ok(worst < 1e-6, `cg, biases ${biases}, ${workers} workers: max |difference| ${worst}`);
    }
  }
  const oneStep = await trainFactorModel(ratings, { rank: 4, lambda: 0.1, iterations: 6, seed: 2, solver: 'cg', cgSteps: 1 });
  for (let k = 1; k < oneStep.trainRmse.length; k++) assert.ok(oneStep.trainRmse[k] < oneStep.trainRmse[k - 1], `training RMSE rose at iteration ${k + 1}: ${oneStep.trainRmse.join(', ')}`);
});

/** Serial SGD epochs: users in id order, each user's ratings in item order. */
function serialSgd(r: Ratings, rank: number, eta: number, lambda: number, epochs: number, seed: number): { users: number[][]; items: number[][] } {
  const { U, users, items, mean } = serialStart(r, rank, seed);
  const byUser = Array.from({ length: U }, () => [] as Array<[number, number]>);
  for (let k = 0; k < r.count; k++) byUser[r.users[k]].push([r.items[k], r.values[k]]);
  for (const list of byUser) list.sort((a, b) => a[0] - b[0]);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let u = 0; u < U; u++) {
      const x = users[u];
      for (const [i, value] of byUser[u]) {
        const y = items[i];
        let prediction = mean + x[rank] + y[rank];
        for (let k = 0; k < rank; k++) prediction += x[k] * y[k];
        const error = value - prediction;
        x[rank] += eta * (error - lambda * x[rank]);
        y[rank] += eta * (error - lambda * y[rank]);
        for (let k = 0; k < rank; k++) {
          const xk = x[k];
          const yk = y[k];
          x[k] = xk + eta * (error * yk - lambda * xk);
          y[k] = yk + eta * (error * xk - lambda * yk);
        }
      }
    }
  }
  return { users, items };
}

test('SGD on the engine equals serial SGD on 1 worker, and is close to it on 2 (Hogwild!)', async () => {
  const ratings = plantedRatings(80, 50, 3, 6);
  const expected = serialSgd(ratings, 4, 0.02, 0.05, 5, 3);
  const one = await trainFactorModel(ratings, { algo: 'sgd', rank: 4, learningRate: 0.02, lambda: 0.05, iterations: 5, seed: 3, workers: 1 });
  let worst = 0;
  for (let u = 0; u < ratings.numUsers; u++) for (let k = 0; k < 5; k++) worst = Math.max(worst, Math.abs(one.model.users[u * 5 + k] - expected.users[u][k]));
  for (let i = 0; i < ratings.numItems; i++) for (let k = 0; k < 5; k++) worst = Math.max(worst, Math.abs(one.model.items[i * 5 + k] - expected.items[i][k]));
  assert.ok(worst < 1e-12, `max |difference| ${worst}`);
  const two = await trainFactorModel(ratings, { algo: 'sgd', rank: 4, learningRate: 0.02, lambda: 0.05, iterations: 5, seed: 3, workers: 2 });
  const last = (r: { trainRmse: number[] }): number => r.trainRmse[r.trainRmse.length - 1];
  assert.ok(Math.abs(last(two) - last(one)) < 0.02, `training RMSE on 2 workers ${last(two)} vs 1 worker ${last(one)}`);
});

test('users and items with no training rating stay out of the model: unknown to the metrics, never recommended', async () => {
  const ratings = plantedRatings(60, 400, 3, 2);
  const { train, test: held } = splitRatings(ratings, 0.2, 3);
  const trainedItems = new Set(Array.from(train.items.subarray(0, train.count)));
  const { model } = await trainFactorModel(train, { rank: 3, iterations: 2 });
  assert.is(model.numItems, trainedItems.size);
  assert.ok(model.numItems < ratings.numItems, 'the split leaves some items untrained');
  let unseen = 0;
  for (let k = 0; k < held.count; k++) if (!trainedItems.has(held.items[k])) unseen++;
  assert.ok(unseen > 0);
  assert.is(ratingError(model, held, [1, 5]).unknown, unseen);
});

test('ALS recovers planted low-rank ratings: held-out RMSE near the noise', async () => {
  const ratings = plantedRatings(400, 200, 3, 7);
  const { train, test } = splitRatings(ratings, 0.2, 3);
  const { model, trainRmse } = await trainFactorModel(train, { rank: 3, lambda: 0.05, iterations: 15 });
  for (let i = 1; i < trainRmse.length; i++) assert.ok(trainRmse[i] <= trainRmse[i - 1] + 1e-9, `training RMSE rose at iteration ${i + 1}: ${trainRmse}`);
  const error = ratingError(model, test, [1, 5]);
  // The planted ratings carry noise of standard deviation 0.25 (before clamping to 1..5).
  assert.ok(error.rmse < 0.4, `held-out RMSE ${error.rmse}`);
});

needsData(test, 'movielens/ml-100k.u1.base.gz', 'movielens/ml-100k.u1.test.gz')('MovieLens 100K u1: ALS and SGD beat the global mean and the bias-only model on the test split', async () => {
  const base = dataset('movielens/ml-100k.u1.base.gz', 'MovieLens u1 ALS');
  const held = dataset('movielens/ml-100k.u1.test.gz', 'MovieLens u1 ALS');
  if (!base || !held) return;
  const train = await loadRatings(base);
  const test = await loadRatings(held);
  const { model } = await trainFactorModel(train, { workers: 2 });
  const als = ratingError(model, test, [1, 5]);
  // Closed forms on the same split: the global mean, and mean + user bias + item bias (damped means, 25 pseudo-ratings).
  const mean = train.values.reduce((a, b) => a + b, 0) / train.count;
  const itemSum = new Map<number, [number, number]>();
  const userSum = new Map<number, [number, number]>();
  for (let k = 0; k < train.count; k++) {
    const id = train.itemIds[train.items[k]];
    const s = itemSum.get(id) ?? [0, 0];
    itemSum.set(id, [s[0] + train.values[k] - mean, s[1] + 1]);
  }
  const itemBias = (id: number): number => {
    const s = itemSum.get(id);
    return s ? s[0] / (s[1] + 25) : 0;
  };
  for (let k = 0; k < train.count; k++) {
    const id = train.userIds[train.users[k]];
    const s = userSum.get(id) ?? [0, 0];
    userSum.set(id, [s[0] + train.values[k] - mean - itemBias(train.itemIds[train.items[k]]), s[1] + 1]);
  }
  const userBias = (id: number): number => {
    const s = userSum.get(id);
    return s ? s[0] / (s[1] + 25) : 0;
  };
  let meanSquared = 0;
  let biasSquared = 0;
  for (let k = 0; k < test.count; k++) {
    const value = test.values[k];
    meanSquared += (value - mean) ** 2;
    const p = Math.min(5, Math.max(1, mean + userBias(test.userIds[test.users[k]]) + itemBias(test.itemIds[test.items[k]])));
    biasSquared += (value - p) ** 2;
  }
  const meanRmse = Math.sqrt(meanSquared / test.count);
  const biasRmse = Math.sqrt(biasSquared / test.count);
  assert.ok(als.rmse < biasRmse, `ALS test RMSE ${als.rmse} vs bias-only ${biasRmse}`);
  assert.ok(als.rmse < meanRmse - 0.15, `ALS test RMSE ${als.rmse} vs global mean ${meanRmse}`);
  assert.ok(als.rmse < 0.95, `ALS test RMSE ${als.rmse}`);
  const sgd = ratingError((await trainFactorModel(train, { algo: 'sgd' })).model, test, [1, 5]);
  assert.ok(sgd.rmse < biasRmse && sgd.rmse < 0.95, `SGD test RMSE ${sgd.rmse} vs bias-only ${biasRmse}`);
  await closeWorkers();
});

test.run();
