import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { batchedCholeskySolve } from '../../kernels/cholesky.js';
import { addOuter, axpy, dot, scale } from '../../kernels/vector.js';
import { Random } from '../../core/util/random.js';
import { gaussSolve } from '../reference/linear.js';


test('batched Cholesky solves of ALS-shaped systems match Gaussian elimination', () => {
  const random = new Random(7);
  for (const k of [1, 2, 5, 10, 20]) {
    const count = 25;
    const a = new Float64Array(count * k * k);
    const b = new Float64Array(count * k);
    const expected: number[][] = [];
    for (let s = 0; s < count; s++) {
      // V^T V + lambda I built with addOuter, as ALS accumulates it.
      const rows = 3 + random.nextInt(30);
      const v = new Float64Array(k);
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < k; i++) v[i] = random.nextGaussian();
        addOuter(1, v, 0, a, s * k * k, k);
        axpy(random.nextGaussian(), v, 0, b, s * k, k);
      }
      for (let i = 0; i < k; i++) a[s * k * k + i * k + i] += 0.1;
      const m = Array.from({ length: k }, (_, i) => Array.from(a.subarray(s * k * k + i * k, s * k * k + i * k + k)));
      expected.push(gaussSolve(m, Array.from(b.subarray(s * k, s * k + k))));
    }
    batchedCholeskySolve(a, b, k, count);
    for (let s = 0; s < count; s++) {
      for (let i = 0; i < k; i++) {
        const x = expected[s][i];
        assert.ok(Math.abs(b[s * k + i] - x) <= 1e-8 * Math.max(1, Math.abs(x)), `k=${k} system ${s} x${i}: ${b[s * k + i]} vs ${x}`);
      }
    }
  }
});

test('a system that is not positive definite is named', () => {
  const a = Float64Array.from([4, 0, 0, 1, /* second: */ 1, 2, 2, 1]);
  const b = new Float64Array(4);
  assert.throws(() => batchedCholeskySolve(a, b, 2, 2), /system 1 is not positive definite/);
});

test('dot, axpy and scale on slices match their definitions', () => {
  const x = Float64Array.from([9, 1, 2, 3, 9]);
  const y = Float64Array.from([4, 5, 6]);
  assert.is(dot(x, 1, y, 0, 3), 1 * 4 + 2 * 5 + 3 * 6);
  axpy(2, x, 1, y, 0, 3);
  assert.equal(Array.from(y), [6, 9, 12]);
  scale(0.5, y, 1, 2);
  assert.equal(Array.from(y), [6, 4.5, 6]);
});

test.run();
