/**
 * The generated aggregation pass and fold lines against a plain loop over
 * the same maps: sums, minima and maxima, several aggregators at once, names
 * that are not identifiers, and empty vertex ranges.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { combine, compileAggregation, compileListAggregation, foldSource, identityOf } from '../../../core/engine/aggregation.js';
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

test('identities and combination of partials, each reduce against Math (a serial fold from the identity)', () => {
  assert.is(identityOf('sum'), 0);
  assert.is(identityOf('min'), Infinity);
  assert.is(identityOf('max'), -Infinity);
  const random = new Random(5);
  const xs = Array.from({ length: 50 }, () => random.next() * 200 - 100);
  const reference = { sum: xs.reduce((a, b) => a + b, 0), min: Math.min(...xs), max: Math.max(...xs) };
  for (const reduce of ['sum', 'min', 'max'] as const) {
    let folded = identityOf(reduce);
    for (const x of xs) folded = combine(reduce, folded, x);
    assert.is(folded, reference[reduce], reduce);
  }
});

test('compileListAggregation: the aggregates of just the listed vertices, in list order', () => {
  const values = Float64Array.from([5, -2, 9, 4, 7, 1]);
  const aggregators: Record<string, Aggregator> = {
    total: { map: (v) => values[v], reduce: 'sum' },
    low: { map: (v) => values[v], reduce: 'min' },
    high: { map: (v) => values[v], reduce: 'max' },
  };
  const out = new Float64Array(3);
  compileListAggregation(aggregators)(Uint32Array.from([4, 1, 3]), out);
  assert.equal(Array.from(out), [7 - 2 + 4, -2, 7]);
  compileListAggregation(aggregators)(new Uint32Array(0), out);
  assert.equal(Array.from(out), [0, Infinity, -Infinity]);
});

test.run();
