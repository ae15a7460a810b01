/**
 * The public entry points as a user imports them, through the package's
 * `exports` (gasworks/recommender, gasworks/fraud, gasworks/sgd, and the
 * cluster from gasworks):
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
    ['recommender', recommender, ['trainFactorModel', 'ratingError', 'rankingQuality', 'rankingQualityOnGpu', 'trainAlsBatched', 'recommend', 'saveModel', 'loadModel', 'splitRatings', 'plantedRatings', 'als', 'sgdMf']],
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

test('gasworks exports the cluster: startWorker and runCluster run a program across two workers', async () => {
  const gasworks = await load('gasworks');
  type Worker = { address: string; close(): Promise<void> };
  const startWorker = gasworks.startWorker as (listen: string) => Promise<Worker>;
  const runCluster = gasworks.runCluster as (p: unknown, g: unknown, o: object) => Promise<{ iterations: number; machines: number; aggregates: Record<string, number> }>;
  const graphFromPairs = gasworks.graphFromPairs as (pairs: Array<[number, number]>, o: object) => unknown;
  const { programs } = await load('gasworks/vertex-programs');
  const workers = await Promise.all([startWorker('127.0.0.1:0'), startWorker('127.0.0.1:0')]);
  try {
    const graph = graphFromPairs([[0, 1], [1, 2], [3, 4]], { undirected: true });
    const result = await runCluster((programs as Record<string, unknown>)['connected-components'], graph, { workers: workers.map((w) => w.address) });
    assert.is(result.machines, 2);
    assert.is(result.aggregates.components, 2);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
});

test.run();
