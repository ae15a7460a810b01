/** parseIntegerSpec: prefix matching, optional fields, and the message for each kind of mistake. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../../core/errors.js';
import { parseIntegerSpec } from '../../../core/util/spec.js';

const FIELDS = ['USERS', 'ITEMS', 'RANK', 'SEED'] as const;

test('parseIntegerSpec: numbers, optional ones undefined, other strings null', () => {
  assert.equal(parseIntegerSpec('planted:20:10', 'planted', FIELDS, 2), [20, 10, undefined, undefined]);
  assert.equal(parseIntegerSpec('planted:20:10:3:7', 'planted', FIELDS, 2), [20, 10, 3, 7]);
  assert.is(parseIntegerSpec('ratings.csv', 'planted', FIELDS, 2), null);
  assert.is(parseIntegerSpec('plantedx:1:2', 'planted', FIELDS, 2), null);
});

test('parseIntegerSpec: too few or too many fields, zero, fractions and words are UsageErrors showing the form', () => {
  for (const bad of ['planted:20', 'planted:1:2:3:4:5', 'planted:0:5', 'planted:2.5:5', 'planted:a:5', 'planted:']) {
    assert.throws(
      () => parseIntegerSpec(bad, 'planted', FIELDS, 2),
      (e: unknown) => e instanceof UsageError && String(e).includes('planted:USERS:ITEMS[:RANK[:SEED]]') && String(e).includes(bad),
      bad,
    );
  }
});

test.run();
