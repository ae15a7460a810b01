/**
 * The apps' public entry points as a user imports them, through the
 * package's `exports` (gasworks/recommender, gasworks/fraud, gasworks/sgd):
 * each resolves to the built module and works end to end on a small case.
 * (Imported by name at run time, so that compiling the tests does not need
 * the package built first.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const load = async (spec: string): Promise<Record<string, unknown>> => (await import(spec)) as Record<string, unknown>;

test('gasworks/recommender, gasworks/fraud and gasworks/sgd export their APIs', async () => {
  const recommender = await load('gasworks/recommender');
  const fraud = await load('gasworks/fraud');
  const sgd = await load('gasworks/sgd');
  for (const [name, mod, keys] of [
    ['recommender', recommender, ['trainFactorModel', 'ratingError', 'rankingQuality', 'recommend', 'saveModel', 'loadModel', 'splitRatings', 'plantedRatings', 'als', 'sgdMf']],
    ['fraud', fraud, ['scoreAccounts', 'evaluateScores', 'splitLabels', 'rev2', 'rocAuc']],
    ['sgd', sgd, ['trainLogistic', 'evaluateModel', 'plantedLogistic', 'splitExamples']],
  ] as const) {
    for (const key of keys) assert.ok(key in mod, `gasworks/${name} exports ${key}`);
  }
  type Train = (data: unknown, options: object) => Promise<{ history: number[]; weights: Float64Array; numFeatures: number }>;
  const data = (sgd.plantedLogistic as (o: object) => unknown)({ examples: 2000, features: 40, nonzeros: 5, seed: 3 });
  const result = await (sgd.trainLogistic as Train)(data, { epochs: 3, learningRate: 0.5 });
  assert.is(result.history.length, 3);
  const quality = (sgd.evaluateModel as (w: Float64Array, n: number, d: unknown) => { accuracy: number })(result.weights, result.numFeatures, data);
  assert.ok(quality.accuracy > 0.7, `accuracy ${quality.accuracy}`);
});

test.run();
