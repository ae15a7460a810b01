/**
 * The weighted symmetric rank-k update (kernels/syrk.ts) against a brute-force
 * sum of outer products over the same neighbours: every count of neighbours
 * from 0 to 11 (the rank-4 blocks and every remainder), odd and even ranks
 * (the two-row blocks and the last row), with and without the bias column,
 * unit weights and weights read through edge ids; the lower triangle and
 * cells outside the window are left as they were. The matrix-free product
 * syrkMultiply against the same brute-force matrix times a vector.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { syrkMultiply, syrkNeighbours } from '../../kernels/syrk.js';
import { hash32 } from '../../core/util/random.js';

const uniform = (k: number, seed: number): number => (hash32(k, seed) / 2 ** 32) * 2 - 1;

test('syrkNeighbours adds sum w z z^T to the upper triangle, as a brute-force sum does', () => {
  const vertices = 17;
  for (const rank of [1, 2, 5, 6]) {
    const width = rank + 1;
    const factors = Float64Array.from({ length: vertices * width }, (_, k) => uniform(k, rank));
    for (const bias of [false, true]) {
      for (const weighted of [false, true]) {
        for (let count = 0; count <= 11; count++) {
          const from = 3;
          const to = from + count;
          const neighbours = Uint32Array.from({ length: to + 2 }, (_, q) => hash32(q, 7 + count) % vertices);
          const edgeIds = Uint32Array.from({ length: to + 2 }, (_, q) => (q * 5 + 1) % (to + 2));
          const scale = Float64Array.from({ length: to + 2 }, (_, q) => 1 + (hash32(q, 3) % 5));
          const alpha = 0.5;
          const n = rank + (bias ? 1 : 0);
          const stride = n + 2;
          const at = 4;
          const out = Float64Array.from({ length: at + n * stride + 3 }, (_, k) => uniform(k, 99));
          const expected = Array.from(out);
          for (let q = from; q < to; q++) {
            const z = [...Array.from(factors.subarray(neighbours[q] * width, neighbours[q] * width + rank)), ...(bias ? [1] : [])];
            const w = weighted ? alpha * scale[edgeIds[q]] : 1;
            for (let i = 0; i < n; i++) for (let j = i; j < n; j++) expected[at + i * stride + j] += w * z[i] * z[j];
          }
          syrkNeighbours({ factors, width, rank, bias, neighbours, edgeIds: weighted ? edgeIds : null, scale: weighted ? scale : null, alpha }, from, to, out, at, stride);
          for (let k = 0; k < out.length; k++) {
            assert.ok(Math.abs(out[k] - expected[k]) < 1e-12, `rank ${rank} bias ${bias} weighted ${weighted} count ${count}: cell ${k} ${out[k]} vs ${expected[k]}`);
          }
        }
      }
    }
  }
});

test('syrkNeighbours with null edge ids reads weight q for slot q', () => {
  const factors = Float64Array.from([1, 2, 0, 3, 4, 0]);
  const out = new Float64Array(4);
  syrkNeighbours({ factors, width: 3, rank: 2, bias: false, neighbours: Uint32Array.from([0, 1]), edgeIds: null, scale: Float64Array.from([2, 10]), alpha: 1 }, 0, 2, out, 0, 2);
  // 2 (1,2)(1,2)^T + 10 (3,4)(3,4)^T, upper triangle.
  assert.equal(Array.from(out), [2 + 90, 4 + 120, 0, 8 + 160]);
});

test('syrkMultiply adds (sum w z z^T) p, as the brute-force matrix times p does', () => {
  const vertices = 13;
  for (const rank of [1, 3, 4]) {
    const width = rank + 1;
    const factors = Float64Array.from({ length: vertices * width }, (_, k) => uniform(k, 10 + rank));
    for (const bias of [false, true]) {
      for (const weighted of [false, true]) {
        for (let count = 0; count <= 9; count++) {
          const from = 2;
          const to = from + count;
          const neighbours = Uint32Array.from({ length: to + 1 }, (_, q) => hash32(q, 21 + count) % vertices);
          const edgeIds = Uint32Array.from({ length: to + 1 }, (_, q) => (q * 3 + 2) % (to + 1));
          const scale = Float64Array.from({ length: to + 1 }, (_, q) => 1 + (hash32(q, 5) % 4));
          const n = rank + (bias ? 1 : 0);
          const p = Float64Array.from({ length: n }, (_, k) => uniform(k, 77));
          const out = Float64Array.from({ length: n }, (_, k) => uniform(k, 88));
          const expected = Array.from(out);
          for (let q = from; q < to; q++) {
            const z = [...Array.from(factors.subarray(neighbours[q] * width, neighbours[q] * width + rank)), ...(bias ? [1] : [])];
            const w = weighted ? 0.25 * scale[edgeIds[q]] : 1;
            for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expected[i] += w * z[i] * z[j] * p[j];
          }
          syrkMultiply({ factors, width, rank, bias, neighbours, edgeIds: weighted ? edgeIds : null, scale: weighted ? scale : null, alpha: 0.25 }, from, to, p, out);
          for (let k = 0; k < n; k++) assert.ok(Math.abs(out[k] - expected[k]) < 1e-12, `rank ${rank} bias ${bias} weighted ${weighted} count ${count}: ${out[k]} vs ${expected[k]}`);
        }
      }
    }
  }
});

test.run();
