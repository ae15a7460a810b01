/**
 * ALS as batched kernels (apps/recommender/als-batched.ts) against the ALS
 * vertex program on the engine: bit for bit on the CPU kernels (same sums in
 * the same order), to 32-bit precision on gpu.js; gpu.js ranking figures
 * against the CPU's; and the options that do not go together.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeWorkers } from '../../../core/engine/index.js';
import { loadRatings, ratingsToGraph } from '../../../core/graph/loaders/movielens.js';
import { trainAlsBatched } from '../../../apps/recommender/als-batched.js';
import { rankingQuality, rankingQualityOnGpu, ratingError } from '../../../apps/recommender/metrics.js';
import { plantedRatings } from '../../../apps/recommender/source.js';
import { splitRatings } from '../../../apps/recommender/split.js';
import { trainFactorModel } from '../../../apps/recommender/train.js';
import { dataset, needsData } from '../../helpers.js';

function maxDifference(a: Float64Array, b: Float64Array): number {
  assert.is(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

test('cpu kernels give the engine ALS model bit for bit (with and without biases); gpu.js to 1e-4', async () => {
  const { train } = splitRatings(plantedRatings(150, 90, 4, 5), 0.2, 3);
  for (const biases of [true, false]) {
    const common = { algo: 'als' as const, rank: 6, iterations: 4, biases, seed: 2 };
    const engine = await trainFactorModel(train, common);
    const cpu = await trainFactorModel(train, { ...common, kernels: 'cpu' });
    assert.is(cpu.backend, 'cpu');
    assert.equal(Array.from(cpu.model.users), Array.from(engine.model.users), `biases=${biases}: users`);
    assert.equal(Array.from(cpu.model.items), Array.from(engine.model.items), `biases=${biases}: items`);
    assert.equal(cpu.trainRmse, engine.trainRmse, `biases=${biases}: training RMSE per iteration`);
    for (const gpuMode of ['cpu', 'async'] as const) {
      const gpu = await trainFactorModel(train, { ...common, kernels: 'gpu', gpuMode });
      assert.ok(/Kernel$/.test(gpu.backend), gpu.backend);
      assert.ok(maxDifference(gpu.model.users, engine.model.users) < 1e-4, `biases=${biases} ${gpuMode}: users`);
      assert.ok(maxDifference(gpu.model.items, engine.model.items) < 1e-4, `biases=${biases} ${gpuMode}: items`);
      gpu.trainRmse.forEach((x, i) => assert.ok(Math.abs(x - engine.trainRmse[i]) < 1e-5, `biases=${biases} ${gpuMode}: RMSE ${i}`));
    }
  }
  await closeWorkers();
});

test('many blocks of uneven sizes per half-step: the same model as one block', async () => {
  const { train } = splitRatings(plantedRatings(90, 60, 3, 4), 0.2, 2);
  const graph = ratingsToGraph(train);
  const options = { numUsers: train.numUsers, rank: 4, lambda: 0.1, biases: true, seed: 1, iterations: 3 };
  const whole = await trainAlsBatched(graph, { ...options, kernels: 'cpu' });
  for (const blockSize of [1, 7, 64]) {
    const cpu = await trainAlsBatched(graph, { ...options, kernels: 'cpu', blockSize });
    assert.equal(Array.from(cpu.factors), Array.from(whole.factors), `cpu, blocks of ${blockSize}`);
    const gpu = await trainAlsBatched(graph, { ...options, kernels: 'gpu', blockSize, gpuMode: 'async' });
    assert.ok(maxDifference(gpu.factors, whole.factors) < 1e-4, `gpu.js, blocks of ${blockSize}`);
  }
});

test('users whose every rating was held out: trained like the engine (their factors stay as initialised)', async () => {
  // 3 users, 4 items; a split that keeps every id can leave a user with no training rating.
  const all = plantedRatings(60, 40, 2, 9);
  const keep = new Uint8Array(all.count).fill(1);
  for (let k = 0; k < all.count; k++) if (all.users[k] === 1 || all.users[k] === 7) keep[k] = 0;
  const pick = <T extends Float64Array | Uint32Array>(xs: T): T => xs.filter((_, k) => keep[k] === 1) as T;
  const train = { ...all, users: pick(all.users), items: pick(all.items), values: pick(all.values), count: keep.reduce((a, b) => a + b, 0) };
  const common = { rank: 3, iterations: 2 };
  const engine = await trainFactorModel(train, { ...common, workers: 1 });
  for (const kernels of ['cpu', 'gpu'] as const) {
    const batched = await trainFactorModel(train, { ...common, kernels });
    assert.is(batched.model.numUsers, engine.model.numUsers, `${kernels}: users in the model`);
    assert.ok(maxDifference(batched.model.users, engine.model.users) <= (kernels === 'cpu' ? 0 : 1e-4), `${kernels}: users`);
  }
  await closeWorkers();
});

test('ranking figures from gpu.js scores match the CPU ones', async () => {
  const { train, test: held } = splitRatings(plantedRatings(120, 80, 3, 7), 0.25, 1);
  const { model } = await trainFactorModel(train, { rank: 4, iterations: 3, kernels: 'cpu' });
  const cpu = rankingQuality(model, train, held, 5, 3);
  for (const mode of ['cpu', 'async'] as const) {
    const gpu = await rankingQualityOnGpu(model, train, held, 5, 3, { mode, blockSize: 32 });
    assert.is(gpu.users, cpu.users);
    assert.ok(cpu.users > 50, `users evaluated: ${cpu.users}`);
    for (const key of ['precision', 'recall', 'ndcg'] as const) assert.ok(Math.abs(gpu[key] - cpu[key]) < 1e-3, `${mode} ${key}: ${gpu[key]} vs ${cpu[key]}`);
  }
});

needsData(test, 'movielens/ml-100k.u1.base.gz', 'movielens/ml-100k.u1.test.gz')('MovieLens 100K u1: gpu.js ALS reaches the CPU kernels\' test RMSE', async () => {
  const name = 'MovieLens 100K u1 on gpu.js';
  const base = dataset('movielens/ml-100k.u1.base.gz', name);
  const heldOut = dataset('movielens/ml-100k.u1.test.gz', name);
  if (base === null || heldOut === null) return;
  const train = await loadRatings(base);
  const held = await loadRatings(heldOut);
  const cpu = await trainFactorModel(train, { iterations: 3, kernels: 'cpu' });
  const gpu = await trainFactorModel(train, { iterations: 3, kernels: 'gpu' });
  const a = ratingError(cpu.model, held, [1, 5]).rmse;
  const b = ratingError(gpu.model, held, [1, 5]).rmse;
  assert.ok(Math.abs(a - b) < 1e-5, `test RMSE ${b} vs ${a}`);
  assert.ok(a < 1.0, `test RMSE ${a}`);
});

test('kernels go with ALS on this machine only, and are named when wrong', async () => {
  const r = plantedRatings(20, 10, 2, 1);
  const message = async (p: Promise<unknown>): Promise<string> => p.then(() => '', (e: Error) => e.message);
  assert.match(await message(trainFactorModel(r, { algo: 'sgd', kernels: 'gpu' })), /kernels 'gpu' are for ALS/);
  assert.match(await message(trainFactorModel(r, { kernels: 'cpu', cluster: ['localhost:1'] })), /kernels 'cpu' run on this machine; leave out cluster/);
  assert.match(await message(trainFactorModel(r, { kernels: 'tpu' as never })), /kernels must be 'engine', 'cpu' or 'gpu'; got "tpu"/);
  assert.match(await message(trainFactorModel(r, { kernels: 'cpu', workers: 2 })), /kernels 'cpu' run on one thread; leave out workers \(got 2\)/);
  const graph = ratingsToGraph(r);
  const batched = { numUsers: r.numUsers, rank: 2, lambda: 0.1, biases: true, seed: 1, iterations: 1 };
  assert.match(await message(trainAlsBatched(graph, { ...batched, kernels: 'cpu', blockSize: 0 })), /blockSize must be a positive integer; got 0/);
  assert.match(await message(trainAlsBatched(graph, { ...batched, kernels: 'cpu', numUsers: 1 })), /vertex 1 is an item \(numUsers is 1\) but rates others/);
  // Factor rows are read through 32-bit float indices: vertices x (rank + 1) must stay below 2^24.
  assert.match(await message(trainAlsBatched(graph, { ...batched, kernels: 'gpu', rank: 2 ** 20 })), /exact below 16777216: this run has \d+ factor values/);
});

test.run();
