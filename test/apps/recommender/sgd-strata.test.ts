/**
 * Stratified SGD (apps/recommender/sgd-strata.ts): with one stratum it is the
 * SGD vertex program's one-thread run, bit for bit; with more, the same model
 * on 1, 2 and 3 threads; its blocks hold every rating once, each in its user's
 * and its item's range; it learns planted ratings as Hogwild! does.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeWorkers } from '../../../core/engine/index.js';
import { ratingsToGraph } from '../../../core/graph/loaders/movielens.js';
import { ratingError } from '../../../apps/recommender/metrics.js';
import { prepareStrata } from '../../../apps/recommender/sgd-strata.js';
import { plantedRatings } from '../../../apps/recommender/source.js';
import { splitRatings } from '../../../apps/recommender/split.js';
import { trainFactorModel } from '../../../apps/recommender/train.js';

const { train, test: held } = splitRatings(plantedRatings(400, 150, 3, 6), 0.2, 2);

test('one stratum: the SGD vertex program\'s one-thread model, bit for bit', async () => {
  const common = { algo: 'sgd' as const, rank: 4, iterations: 4, seed: 3 };
  const engine = await trainFactorModel(train, { ...common, workers: 1 });
  const strata = await trainFactorModel(train, { ...common, workers: 1, schedule: 'strata', strata: 1 });
  assert.equal(Array.from(strata.model.users), Array.from(engine.model.users));
  assert.equal(Array.from(strata.model.items), Array.from(engine.model.items));
  strata.trainRmse.forEach((x, i) => assert.ok(Math.abs(x - engine.trainRmse[i]) < 1e-12, `epoch ${i + 1}: ${x} vs ${engine.trainRmse[i]}`));
  assert.is(strata.backend, 'strata');
});

test('any number of threads: the same model and the same errors, bit for bit', async () => {
  const common = { algo: 'sgd' as const, rank: 4, iterations: 3, schedule: 'strata' as const, strata: 5 };
  const one = await trainFactorModel(train, { ...common, workers: 1 });
  for (const workers of [2, 3]) {
    const many = await trainFactorModel(train, { ...common, workers });
    assert.equal(Array.from(many.model.users), Array.from(one.model.users), `${workers} threads: users`);
    assert.equal(Array.from(many.model.items), Array.from(one.model.items), `${workers} threads: items`);
    assert.equal(many.trainRmse, one.trainRmse, `${workers} threads: RMSE per epoch`);
  }
  await closeWorkers();
});

test('blocks: every rating once, in its user\'s and its item\'s range; a sub-epoch\'s blocks share no user or item', () => {
  const graph = ratingsToGraph(train);
  const strata = 4;
  const shared = prepareStrata(graph, { numUsers: train.numUsers, rank: 2, learningRate: 0.01, lambda: 0.05, biases: true, seed: 1, epochs: 1, strata, threads: 1 });
  assert.is(shared.blockOffsets[strata * strata], graph.numEdges);
  const seen = new Map<string, number>();
  for (let e = 0; e < graph.numEdges; e++) {
    let u = 0;
    while (graph.outOffsets[u + 1] <= e) u++;
    const key = `${u}:${graph.outTargets[e]}:${graph.weights![e]}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const userOwner = new Map<number, number>();
  const itemOwner = new Map<number, number>();
  for (let b = 0; b < strata; b++) {
    for (let i = 0; i < strata; i++) {
      const c = b * strata + i;
      for (let x = shared.blockOffsets[c]; x < shared.blockOffsets[c + 1]; x++) {
        const key = `${shared.users[x]}:${shared.items[x]}:${shared.values[x]}`;
        assert.ok((seen.get(key) ?? 0) > 0, `rating ${key} listed but not in the graph, or twice`);
        seen.set(key, seen.get(key)! - 1);
        // A user belongs to one user range, an item to one item range.
        assert.is(userOwner.get(shared.users[x]) ?? b, b);
        userOwner.set(shared.users[x], b);
        assert.is(itemOwner.get(shared.items[x]) ?? i, i);
        itemOwner.set(shared.items[x], i);
        if (x > shared.blockOffsets[c]) assert.ok(shared.users[x] >= shared.users[x - 1], 'users in order inside a block');
      }
    }
  }
  assert.ok([...seen.values()].every((count) => count === 0), 'every rating listed');
});

test('learns planted ratings about as well as Hogwild!', async () => {
  const common = { algo: 'sgd' as const, rank: 3, iterations: 25, learningRate: 0.03 };
  const hogwild = ratingError((await trainFactorModel(train, { ...common, workers: 1 })).model, held, [1, 5]).rmse;
  const strata = ratingError((await trainFactorModel(train, { ...common, workers: 2, schedule: 'strata' })).model, held, [1, 5]).rmse;
  assert.ok(strata < hogwild * 1.05, `test RMSE ${strata} against Hogwild!'s ${hogwild}`);
  await closeWorkers();
});

test('schedule mistakes are named', async () => {
  const message = async (p: Promise<unknown>): Promise<string> => p.then(() => '', (e: Error) => e.message);
  assert.match(await message(trainFactorModel(train, { schedule: 'strata' })), /schedule 'strata' is for SGD/);
  assert.match(await message(trainFactorModel(train, { algo: 'sgd', schedule: 'blocks' as never })), /schedule must be 'hogwild' or 'strata'; got "blocks"/);
  assert.match(await message(trainFactorModel(train, { algo: 'sgd', schedule: 'strata', strata: 0 })), /strata must be a positive integer; got 0/);
});

test.run();
