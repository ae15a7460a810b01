/** topByScore against a full sort, with exclusions and ties (property test). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { topByScore } from '../../../apps/metrics/top-k.js';

test('topByScore equals a full sort (score descending, then index), excluded items skipped (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 60 }),
      fc.nat(70),
      fc.array(fc.boolean(), { maxLength: 60 }),
      (values, n, skip) => {
        const scores = Float64Array.from(values);
        const exclude = Uint8Array.from(values, (_, i) => (skip[i] ? 1 : 0));
        const expected = values
          .map((s, i) => ({ s, i }))
          .filter(({ i }) => exclude[i] === 0)
          .sort((a, b) => b.s - a.s || a.i - b.i)
          .slice(0, n)
          .map(({ i }) => i);
        assert.equal(Array.from(topByScore(scores, n, exclude)), expected);
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

test.run();
