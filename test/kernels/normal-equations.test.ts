import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { normalEquations, unknownsOf } from '../../kernels/normal-equations.js';
import { randomBlock } from './blocks.js';

test('normal equations equal sums of outer products written out plainly, with and without biases and edge ids', () => {
  for (const biases of [true, false]) {
    for (const withIds of [false, true]) {
      const rank = 3;
      const b = randomBlock(9, 20, rank, 6, biases ? 1 : 2);
      const block = { ...b, edgeIds: withIds ? b.edgeIds : null, rank, biases, mean: 3.2 };
      const unknowns = unknownsOf(rank, biases);
      const first = 2;
      const count = 6;
      const matrices = new Float64Array(count * unknowns * unknowns).fill(7);
      const rhs = new Float64Array(count * unknowns).fill(7);
      normalEquations(block, first, count, matrices, rhs);
      for (let s = 0; s < count; s++) {
        const a = Array.from({ length: unknowns }, () => new Array<number>(unknowns).fill(0));
        const c = new Array<number>(unknowns).fill(0);
        for (let q = b.offsets[first + s]; q < b.offsets[first + s + 1]; q++) {
          const w = b.neighbours[q];
          const row = Array.from(b.factors.subarray(w * (rank + 1), (w + 1) * (rank + 1)));
          const z = biases ? [...row.slice(0, rank), 1] : row.slice(0, rank);
          const r = b.ratings[withIds ? b.edgeIds[q] : q];
          for (let i = 0; i < unknowns; i++) {
            c[i] += (r - 3.2 - row[rank]) * z[i];
            for (let j = 0; j < unknowns; j++) a[i][j] += z[i] * z[j];
          }
        }
        for (let i = 0; i < unknowns; i++) {
          assert.ok(Math.abs(rhs[s * unknowns + i] - c[i]) < 1e-12, `rhs ${s} ${i}`);
          for (let j = 0; j < unknowns; j++) {
            assert.ok(Math.abs(matrices[s * unknowns * unknowns + i * unknowns + j] - a[i][j]) < 1e-12, `matrix ${s} ${i} ${j}`);
          }
        }
      }
    }
  }
});

test('normal equations refuse short outputs and vertices outside the block, by name', () => {
  const b = randomBlock(4, 5, 2, 3, 9);
  const block = { ...b, rank: 2, biases: true, mean: 0 };
  assert.throws(() => normalEquations(block, 0, 4, new Float64Array(10), new Float64Array(12)), /normalEquations: need 36 matrix/);
  assert.throws(() => normalEquations(block, 2, 3, new Float64Array(27), new Float64Array(9)), /normalEquations: vertices 2\.\.4 are outside the block's 4/);
});

test.run();
