/**
 * The generated aggregation pass and fold lines against a plain loop over
 * the same maps: sums, minima and maxima, several aggregators at once, names
 * that are not identifiers, and empty vertex ranges.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileAggregation, foldSource, identityOf } from '../../../core/engine/aggregation.js';
import type { Aggregator } from '../../../core/program.js';
import { Random } from '../../../core/util/random.js';

function plain(aggregators: Record<string, Aggregator>, n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, { map, reduce }] of Object.entries(aggregators)) {
    const values = Array.from({ length: n }, (_, v) => map(v));
    out[name] = values.reduce((a, b) => (reduce === 'sum' ? a + b : reduce === 'min' ? Math.min(a, b) : Math.max(a, b)), identityOf(reduce));
  }
  return out;
}

test('compileAggregation: one pass gives what a plain loop gives, per aggregator', () => {
  const random = new Random(7);
  const n = 1000;
  const x = Float64Array.from({ length: n }, () => random.next() * 10 - 5);
  const aggregators: Record<string, Aggregator> = {
    total: { map: (v) => x[v], reduce: 'sum' },
    'lowest value': { map: (v) => x[v], reduce: 'min' },
    highest: { map: (v) => x[v] * 2, reduce: 'max' },
    count: { map: (v) => (x[v] > 0 ? 1 : 0), reduce: 'sum' },
  };
  const all = compileAggregation(aggregators);
  for (const size of [0, 1, 17, n]) assert.equal(all(size), plain(aggregators, size), `n = ${size}`);
});

test('foldSource: one line per reduction, in order', () => {
  assert.is(foldSource(['sum', 'min', 'max']), 'a0 += map0(v); a1 = Math.min(a1, map1(v)); a2 = Math.max(a2, map2(v));');
  assert.is(foldSource([]), '');
});

test.run();
