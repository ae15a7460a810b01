import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { NO_DIGITS, TOO_LARGE, scanNumber, scanUint, scanned } from '../../../core/io/scan.js';

function number(text: string): [number, number] {
  const b = Buffer.from(text + '\n');
  return [scanNumber(b, 0), scanned.end];
}

test('scanNumber equals Number() on its token for random decimals (property)', () => {
  const decimal = fc
    .tuple(
      fc.constantFrom('', '-', '+'),
      fc.stringMatching(/^[0-9]{1,20}$/),
      fc.option(fc.stringMatching(/^[0-9]{0,20}$/)),
      fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '-', '+'), fc.integer({ min: 0, max: 400 }))),
    )
    .map(([sign, int, frac, exp]) => sign + int + (frac === null ? '' : '.' + frac) + (exp === null ? '' : exp[0] + exp[1] + exp[2]));
  fc.assert(
    fc.property(decimal, (text) => {
      const [value, end] = number(text);
      assert.is(end, text.length);
      assert.ok(Object.is(value, Number(text)), `${text}: ${value} vs ${Number(text)}`);
    }),
    { seed: 42, numRuns: 3000 },
  );
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      const text = String(x);
      assert.ok(Object.is(number(text)[0], Number(text)), text);
    }),
    { seed: 42, numRuns: 2000 },
  );
});

test('scanNumber: forms it accepts and rejects', () => {
  assert.equal(number('.5'), [0.5, 2]);
  assert.equal(number('5.'), [5, 2]);
  assert.equal(number('-0'), [-0, 2]);
  assert.equal(number('1289241911.72836,'), [1289241911.72836, 16]);
  for (const bad of ['', '.', '-', 'NaN', 'nan', 'inf', 'Infinity', '1e', '1e+', 'e5', '--1']) {
    assert.ok(Number.isNaN(number(bad)[0]), bad);
  }
  assert.is(number('1e999')[0], Infinity);
  assert.is(number('0x10')[1], 1);
});

test('scanUint: digits, the 2^53 - 1 limit, no digits', () => {
  const at = (text: string) => scanUint(Buffer.from(text + '\n'), 0);
  assert.is(at('0'), 0);
  assert.is(at('0042 7'), 42);
  assert.is(scanned.end, 4);
  assert.is(at('9007199254740991'), 9007199254740991);
  assert.is(at('9007199254740992'), TOO_LARGE);
  assert.is(at('99999999999999999999'), TOO_LARGE);
  assert.is(at('-1'), NO_DIGITS);
  assert.is(at('x'), NO_DIGITS);
});

test.run();
