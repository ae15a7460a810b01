/**
 * Ranking metrics against brute force: ROC AUC against counting every
 * (positive, negative) pair with ties as half (property test), precision at
 * k by hand.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { precisionAtK, rocAuc } from '../../../apps/metrics/classification.js';

test('rocAuc equals the pair count (ties half) on random scores (property); precisionAtK by hand', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.boolean()), { minLength: 2, maxLength: 40 }), (items) => {
      const scores = items.map(([s]) => s);
      const fraud = items.map(([, f]) => (f ? 1 : 0));
      let pairs = 0;
      let wins = 0;
      for (let i = 0; i < items.length; i++) {
        for (let j = 0; j < items.length; j++) {
          if (fraud[i] !== 1 || fraud[j] !== 0) continue;
          pairs++;
          wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
        }
      }
      const auc = rocAuc(scores, fraud);
      if (pairs === 0) assert.ok(Number.isNaN(auc));
      else assert.ok(Math.abs(auc - wins / pairs) < 1e-12, `auc ${auc} vs ${wins / pairs}`);
    }),
    { seed: 5, numRuns: 300 },
  );
  assert.is(precisionAtK([0.9, 0.1, 0.8, 0.7], [1, 1, 0, 1], 2), 0.5);
  assert.is(precisionAtK([0.9, 0.1, 0.8, 0.7], [1, 1, 0, 1], 10), 0.75);
});

test.run();
