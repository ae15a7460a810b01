/**
 * Never NaN, never silently diverging: an SGD learning rate or lambda that
 * makes the model blow up stops training at the end of the epoch that shows
 * it (Hogwild! on 1 and 2 workers, stratified SGD) with an error naming the
 * setting to lower; a healthy run is untouched; saveModel refuses a model
 * with a non-finite value, loadModel refuses such a file, and recommend
 * refuses to rank by scores that overflow.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, UsageError } from '../../../core/errors.js';
import { crc32 } from '../../../core/graph/binary.js';
import { closeWorkers } from '../../../core/engine/index.js';
import { DivergedError } from '../../../apps/recommender/divergence.js';
import { loadModel, saveModel, type FactorModel } from '../../../apps/recommender/model.js';
import { recommend } from '../../../apps/recommender/recommend.js';
import { plantedRatings } from '../../../apps/recommender/source.js';
import { trainFactorModel, type TrainOptions } from '../../../apps/recommender/train.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir();
const ratings = plantedRatings(200, 60, 3, 5);

async function divergence(options: TrainOptions): Promise<DivergedError> {
  try {
    await trainFactorModel(ratings, { algo: 'sgd', rank: 3, iterations: 20, ...options });
  } catch (error) {
    assert.instance(error, DivergedError);
    return error as DivergedError;
  }
  throw new assert.Assertion({ message: `no divergence with ${JSON.stringify(options)}`, generated: true, operator: 'throws', expects: 'DivergedError', actual: 'a model' });
}

test('SGD with a learning rate of 1000 stops in epoch 1, naming the learning rate (Hogwild! x1, x2; strata x2)', async () => {
  for (const options of [{ workers: 1 }, { workers: 2 }, { workers: 2, schedule: 'strata' as const, strata: 4 }]) {
    const error = await divergence({ learningRate: 1000, ...options });
    assert.is(error.epoch, 1, JSON.stringify(options));
    assert.is(error.setting, 'learningRate');
    assert.is(error.value, 1000);
    assert.match(error.message, /lower learningRate \(now 1000\)/);
  }
});

test('SGD with lambda 400 diverges and names lambda; a learning rate of 0.5 is caught in epoch 1', async () => {
  const lambda = await divergence({ lambda: 400, workers: 1 });
  assert.is(lambda.setting, 'lambda');
  assert.ok(lambda.epoch <= 3, `epoch ${lambda.epoch}`);
  const slow = await divergence({ learningRate: 0.5, workers: 1 });
  assert.is(slow.setting, 'learningRate');
  assert.is(slow.epoch, 1);
});

test('a healthy SGD run is not flagged and all its factors are finite', async () => {
  const run = await trainFactorModel(ratings, { algo: 'sgd', rank: 3, iterations: 20, learningRate: 0.02, workers: 1 });
  assert.is(run.trainRmse.length, 20);
  for (const side of [run.model.users, run.model.items]) assert.ok(side.every(Number.isFinite));
});

function model(users: number[], items: number[]): FactorModel {
  return { algo: 'test', params: {}, rank: 1, mean: 3, numUsers: 2, numItems: 2, userIds: Float64Array.of(1, 2), itemIds: Float64Array.of(1, 2), users: Float64Array.from(users), items: Float64Array.from(items) };
}

test('saveModel refuses a non-finite value and writes nothing; loadModel refuses a file holding one', async () => {
  const path = join(dir, 'nan.gwm');
  try {
    await saveModel(path, model([1, 0, NaN, 0], [1, 0, 1, 0]));
    assert.unreachable('saved a NaN model');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, /saveModel: the model must hold finite values only; got user row 1, column 0: NaN/);
  }
  assert.not.ok(existsSync(path));
  // A file with a valid checksum over an Infinity, as another writer could make it.
  await saveModel(path, model([1, 0, 2, 0], [1, 0, 1, 0]));
  const bytes = readFileSync(path);
  const payload = bytes.length - (2 + 2 + 4 + 4) * 8;
  bytes.writeDoubleLE(Infinity, bytes.length - 8);
  bytes.writeUInt32LE(crc32(bytes.subarray(payload)), 12);
  writeFileSync(path, bytes);
  try {
    await loadModel(path);
    assert.unreachable('loaded an Infinity');
  } catch (error) {
    assert.instance(error, InputError);
    assert.match((error as Error).message, /non-finite value \(item row 1, column 1: Infinity\)/);
  }
});

test('recommend refuses scores that overflow rather than rank NaN', () => {
  assert.throws(() => recommend(model([1e200, 0, 1, 0], [1e200, 0, -1e200, 0]), 0, 2, null), /score of item 1 for user 1 is Infinity/);
  assert.equal(recommend(model([1, 0, 1, 0], [2, 0, 1, 0]), 0, 2, null).map((r) => r.item), [1, 2]);
});

test.after(async () => closeWorkers());

test.run();
