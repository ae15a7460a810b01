import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sfc32Double, sfc32Int, sfc32Seed, sfc32Shuffle, sfc32U32 } from '../../../core/util/sfc32.js';
import { Random } from '../../../core/util/random.js';

test('the inline state gives exactly the stream of Random for the same seed', () => {
  for (const seed of [0, 1, 42, 0xffffffff, 123456789]) {
    const random = new Random(seed);
    const state = sfc32Seed(seed);
    for (let i = 0; i < 1000; i++) assert.is(sfc32U32(state), random.nextU32());
    for (let i = 0; i < 100; i++) assert.is(sfc32Double(state), random.next());
    for (let i = 1; i < 100; i++) assert.is(sfc32Int(state, i * 7919), random.nextInt(i * 7919));
    const a = Uint32Array.from({ length: 500 }, (_, i) => i);
    const b = a.slice();
    assert.equal(sfc32Shuffle(state, a), random.shuffle(b));
  }
});

test.run();
