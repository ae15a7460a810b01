/**
 * SVD++ against a brute-force reference: on a tiny set, every step's
 * gradient taken by central finite differences of the per-rating loss
 * 1/2 (r - prediction)^2 + lambda/2 (b_u^2 + b_i^2 + |p|^2 + |q|^2), the
 * prediction written out plainly, users in id order and their ratings in
 * item order as one worker runs them, the y gradients summed over the
 * user's ratings and applied at its end. The saved model (implicit term
 * folded into the users) predicts as the reference's SVD++ formula. On
 * MovieLens 100K u1 (when present) it beats biased SGD's test RMSE.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeWorkers } from '../../../core/engine/index.js';
import { loadRatings, type Ratings } from '../../../core/graph/loaders/movielens.js';
import { hash32 } from '../../../core/util/random.js';
import { initFactors } from '../../../apps/recommender/factors.js';
import { DivergedError } from '../../../apps/recommender/divergence.js';
import { predict } from '../../../apps/recommender/model.js';
import { ratingError } from '../../../apps/recommender/metrics.js';
import { trainFactorModel } from '../../../apps/recommender/train.js';
import { dataset } from '../../helpers.js';

const U = 6;
const I = 5;
const RANK = 2;

function tinyRatings(): Ratings {
  const rows: Array<[number, number, number]> = [];
  for (let u = 0; u < U; u++) for (let i = 0; i < I; i++) if ((u + i) % I === 0 || hash32(u * I + i, 11) % 2 === 0) rows.push([u, i, 1 + (hash32(u * I + i, 5) % 5)]);
  return {
    users: Uint32Array.from(rows.map((r) => r[0])),
    items: Uint32Array.from(rows.map((r) => r[1])),
    values: Float64Array.from(rows.map((r) => r[2])),
    times: null,
    numUsers: U,
    numItems: I,
    userIds: Float64Array.from({ length: U }, (_, u) => u + 1),
    itemIds: Float64Array.from({ length: I }, (_, i) => i + 1),
    count: rows.length,
  };
}

interface Params {
  bu: number[];
  bi: number[];
  p: number[][];
  q: number[][];
  y: number[][];
}

function prediction(t: Params, mean: number, rated: number[], u: number, i: number): number {
  const scale = 1 / Math.sqrt(rated.length);
  let s = mean + t.bu[u] + t.bi[i];
  for (let k = 0; k < RANK; k++) {
    let implicit = 0;
    for (const j of rated) implicit += t.y[j][k];
    s += t.q[i][k] * (t.p[u][k] + scale * implicit);
  }
  return s;
}

/** Central difference of f at x[k] (x is changed and restored). */
function derivative(f: () => number, x: number[], k: number): number {
  const h = 1e-5;
  const keep = x[k];
  x[k] = keep + h;
  const up = f();
  x[k] = keep - h;
  const down = f();
  x[k] = keep;
  return (up - down) / (2 * h);
}

function referenceSvdpp(r: Ratings, eta: number, lambda: number, epochs: number): { t: Params; mean: number; ratedBy: number[][] } {
  const mean = r.values.reduce((a, b) => a + b, 0) / r.count;
  const start = new Float64Array((U + I) * (RANK + 1));
  for (let v = 0; v < U + I; v++) initFactors(start, v, RANK, 1);
  const row = (v: number): number[] => Array.from(start.subarray(v * (RANK + 1), v * (RANK + 1) + RANK));
  const t: Params = { bu: new Array(U).fill(0), bi: new Array(I).fill(0), p: Array.from({ length: U }, (_, u) => row(u)), q: Array.from({ length: I }, (_, i) => row(U + i)), y: Array.from({ length: I }, () => new Array(RANK).fill(0)) };
  const ratedBy: number[][] = Array.from({ length: U }, () => []);
  const value = new Map<string, number>();
  for (let k = 0; k < r.count; k++) {
    ratedBy[r.users[k]].push(r.items[k]);
    value.set(`${r.users[k]} ${r.items[k]}`, r.values[k]);
  }
  ratedBy.forEach((list) => list.sort((a, b) => a - b));
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let u = 0; u < U; u++) {
      const rated = ratedBy[u];
      const yGradient = new Array(RANK).fill(0);
      for (const i of rated) {
        const rating = value.get(`${u} ${i}`)!;
        const loss = (): number => 0.5 * (rating - prediction(t, mean, rated, u, i)) ** 2 + 0.5 * lambda * (t.bu[u] ** 2 + t.bi[i] ** 2 + t.p[u].reduce((a, x) => a + x * x, 0) + t.q[i].reduce((a, x) => a + x * x, 0));
        const gbu = derivative(loss, t.bu, u);
        const gbi = derivative(loss, t.bi, i);
        const gp = t.p[u].map((_, k) => derivative(loss, t.p[u], k));
        const gq = t.q[i].map((_, k) => derivative(loss, t.q[i], k));
        // d(1/2 e^2)/d y_j, the same for every j in N(u): taken at the first.
        const squared = (): number => 0.5 * (rating - prediction(t, mean, rated, u, i)) ** 2;
        for (let k = 0; k < RANK; k++) yGradient[k] += derivative(squared, t.y[rated[0]], k);
        t.bu[u] -= eta * gbu;
        t.bi[i] -= eta * gbi;
        for (let k = 0; k < RANK; k++) {
          t.p[u][k] -= eta * gp[k];
          t.q[i][k] -= eta * gq[k];
        }
      }
      for (const j of rated) for (let k = 0; k < RANK; k++) t.y[j][k] -= eta * (yGradient[k] + lambda * t.y[j][k]);
    }
  }
  return { t, mean, ratedBy };
}

test('SVD++ takes the brute-force gradient steps; the saved model predicts with the implicit term', async () => {
  const r = tinyRatings();
  const eta = 0.05;
  const lambda = 0.1;
  const { t, mean, ratedBy } = referenceSvdpp(r, eta, lambda, 3);
  const { model, trainRmse } = await trainFactorModel(r, { algo: 'svdpp', rank: RANK, learningRate: eta, lambda, iterations: 3, workers: 1 });
  assert.is(trainRmse.length, 3);
  for (let i = 0; i < I; i++) {
    assert.ok(Math.abs(model.items[i * (RANK + 1) + RANK] - t.bi[i]) < 1e-7, `item ${i} bias ${model.items[i * (RANK + 1) + RANK]} vs ${t.bi[i]}`);
    for (let k = 0; k < RANK; k++) assert.ok(Math.abs(model.items[i * (RANK + 1) + k] - t.q[i][k]) < 1e-7, `item ${i} q ${k}`);
  }
  for (let u = 0; u < U; u++) {
    assert.ok(Math.abs(model.users[u * (RANK + 1) + RANK] - t.bu[u]) < 1e-7, `user ${u} bias`);
    for (let i = 0; i < I; i++) {
      const expected = prediction(t, mean, ratedBy[u], u, i);
      assert.ok(Math.abs(predict(model, u, i) - expected) < 1e-7, `user ${u} item ${i}: ${predict(model, u, i)} vs ${expected}`);
    }
  }
});

test('SVD++ with a learning rate of 1000 stops in epoch 1 naming it', async () => {
  try {
    await trainFactorModel(tinyRatings(), { algo: 'svdpp', rank: RANK, learningRate: 1000, workers: 1 });
    assert.unreachable('trained');
  } catch (error) {
    assert.instance(error, DivergedError);
    assert.is((error as DivergedError).setting, 'learningRate');
    assert.is((error as DivergedError).epoch, 1);
  }
});

test('SVD++ on MovieLens 100K u1: test RMSE below biased SGD with the same steps', async () => {
  const base = dataset('movielens/ml-100k.u1.base.gz', 'SVD++ on u1');
  const held = dataset('movielens/ml-100k.u1.test.gz', 'SVD++ on u1');
  if (base === null || held === null) return;
  const train = await loadRatings(base);
  const testSet = await loadRatings(held);
  const common = { rank: 10, learningRate: 0.007, lambda: 0.05, iterations: 20, workers: 1 };
  const plus = ratingError((await trainFactorModel(train, { algo: 'svdpp', ...common })).model, testSet, [1, 5]).rmse;
  const plain = ratingError((await trainFactorModel(train, { algo: 'sgd', ...common })).model, testSet, [1, 5]).rmse;
  assert.ok(plus < plain && plus < 0.92, `SVD++ ${plus}, SGD ${plain}`);
});

test.after(async () => closeWorkers());

test.run();
