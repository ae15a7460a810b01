/**
 * The hyper-parameter search: the grid is the full product; each setting's
 * score on a given split is what training it alone and scoring it gives;
 * the best is the minimum (RMSE) or maximum (precision); k-fold scores one
 * model per fold on disjoint test folds that cover every rating; random
 * search is seeded and picks distinct settings of the grid; a diverging
 * setting is marked, not fatal.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeWorkers } from '../../../core/engine/index.js';
import { plantedRatings } from '../../../apps/recommender/source.js';
import { splitRatings } from '../../../apps/recommender/split.js';
import { rankingQuality, ratingError } from '../../../apps/recommender/metrics.js';
import { trainFactorModel } from '../../../apps/recommender/train.js';
import { gridOf, tuneFactorModel } from '../../../apps/recommender/tune.js';

const ratings = plantedRatings(120, 50, 3, 6);
const { train, test: held } = splitRatings(ratings, 0.25, 4);

test('gridOf: every combination, the first parameter slowest', () => {
  assert.equal(gridOf({ rank: [2, 4], lambda: [0.1, 0.2, 0.3] }), [
    { rank: 2, lambda: 0.1 }, { rank: 2, lambda: 0.2 }, { rank: 2, lambda: 0.3 },
    { rank: 4, lambda: 0.1 }, { rank: 4, lambda: 0.2 }, { rank: 4, lambda: 0.3 },
  ]);
});

test('given split: each score is the model trained alone, and the best is the lowest RMSE / highest precision', async () => {
  const space = { rank: [2, 3], lambda: [0.05, 0.5], iterations: [4] };
  const result = await tuneFactorModel(train, { algo: 'als', space, test: held, seed: 3 });
  assert.is(result.trials.length, 4);
  for (const t of result.trials) {
    const { model } = await trainFactorModel(train, { algo: 'als', seed: 3, workers: 1, ...t.params });
    assert.is(t.score, ratingError(model, held, [1, 5]).rmse);
  }
  assert.is(result.best.score, Math.min(...result.trials.map((t) => t.score)));
  const ranked = await tuneFactorModel(train, { algo: 'ials', space: { rank: [2, 3], alpha: [0.5, 2], iterations: [3] }, test: held, metric: 'precision', k: 5 });
  for (const t of ranked.trials) {
    const { model } = await trainFactorModel(train, { algo: 'ials', seed: 1, workers: 1, ...t.params });
    assert.is(t.score, rankingQuality(model, train, held, 5, 4).precision);
  }
  assert.is(ranked.best.score, Math.max(...ranked.trials.map((t) => t.score)));
});

test('k-fold: one score per fold; random search is seeded and distinct; divergence is marked', async () => {
  const result = await tuneFactorModel(ratings, { algo: 'sgd', space: { rank: [2, 3, 4], learningRate: [0.01, 0.02], iterations: [5] }, folds: 3, search: 'random', trials: 4, seed: 7 });
  assert.is(result.folds, 3);
  assert.is(result.trials.length, 4);
  for (const t of result.trials) assert.is(t.folds.length, 3);
  assert.is(new Set(result.trials.map((t) => JSON.stringify(t.params))).size, 4);
  const again = await tuneFactorModel(ratings, { algo: 'sgd', space: { rank: [2, 3, 4], learningRate: [0.01, 0.02], iterations: [5] }, folds: 3, search: 'random', trials: 4, seed: 7 });
  assert.equal(again.trials, result.trials);
  const wild = await tuneFactorModel(ratings, { algo: 'sgd', space: { learningRate: [0.01, 1000], iterations: [3] }, folds: 2 });
  assert.equal(wild.trials.map((t) => t.diverged), [false, true]);
  assert.is(wild.trials[1].score, Infinity);
  assert.equal(wild.best.params, { learningRate: 0.01, iterations: 3 });
});

test('mistakes are UsageErrors naming tuneFactorModel', async () => {
  const cases: Array<[Parameters<typeof tuneFactorModel>[1], RegExp]> = [
    [{ algo: 'ials', metric: 'rmse' }, /metric rmse is for rating models/],
    [{ algo: 'als', space: { alpha: [1] } }, /alpha is for ials/],
    [{ algo: 'als', space: { rank: [0] } }, /space.rank values must be positive integers; got 0/],
    [{ algo: 'als', folds: 1 }, /folds must be an integer >= 2; got 1/],
  ];
  for (const [options, message] of cases) {
    try {
      await tuneFactorModel(ratings, options);
      assert.unreachable(JSON.stringify(options));
    } catch (error) {
      assert.match((error as Error).message, message);
      assert.match((error as Error).message, /^tuneFactorModel: /);
    }
  }
});

test.after(async () => closeWorkers());

test.run();
