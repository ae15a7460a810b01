import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GpuNormalEquations, GpuScores } from '../../kernels/gpu.js';
import { normalEquations, unknownsOf } from '../../kernels/normal-equations.js';
import { scoreItems } from '../../kernels/scores.js';
import { Random } from '../../core/util/random.js';
import { randomBlock } from './blocks.js';

// 'cpu' is gpu.js's JavaScript backend; 'async' its best one here (WebAssembly without a GPU).
const modes = ['cpu', 'async'] as const;

test('gpu.js normal equations agree with the CPU kernel to 32-bit precision, blocks shorter than the kernel included', async () => {
  for (const mode of modes) {
    for (const biases of [true, false]) {
      const rank = 5;
      const count = 11;
      const b = randomBlock(count, 40, rank, 9, 3);
      const unknowns = unknownsOf(rank, biases);
      const expectedA = new Float64Array(count * unknowns * unknowns);
      const expectedC = new Float64Array(count * unknowns);
      normalEquations({ ...b, edgeIds: null, rank, biases, mean: 3.5 }, 0, count, expectedA, expectedC);
      const gpu = new GpuNormalEquations(rank, biases, 16, 9, { mode });
      try {
        const a = new Float64Array(count * unknowns * unknowns);
        const c = new Float64Array(count * unknowns);
        await gpu.compute(Float32Array.from(b.offsets), Float32Array.from(b.neighbours), Float32Array.from(b.ratings), Float32Array.from(b.factors), 3.5, count, a, c);
        const scale = Math.max(...expectedA.map(Math.abs), ...expectedC.map(Math.abs));
        for (let x = 0; x < a.length; x++) assert.ok(Math.abs(a[x] - expectedA[x]) <= 1e-6 * scale, `${mode} biases=${biases}: matrix cell ${x}: ${a[x]} vs ${expectedA[x]}`);
        for (let x = 0; x < c.length; x++) assert.ok(Math.abs(c[x] - expectedC[x]) <= 1e-6 * scale, `${mode} biases=${biases}: rhs cell ${x}`);
        assert.ok(/Kernel$/.test(gpu.backend), `backend named: ${gpu.backend}`);
      } finally {
        await gpu.destroy();
      }
    }
  }
});

test('gpu.js scores agree with the CPU kernel to 32-bit precision', async () => {
  const random = new Random(8);
  const rank = 6;
  const width = rank + 1;
  const numItems = 37;
  const users = Float64Array.from({ length: 4 * width }, () => random.next() - 0.5);
  const items = Float64Array.from({ length: numItems * width }, () => random.next() - 0.5);
  const expected = new Float64Array(numItems);
  for (const mode of modes) {
    const gpu = new GpuScores(rank, numItems, 4, { mode });
    try {
      const rows = await gpu.compute(Float32Array.from(users), Float32Array.from(items), 3.5);
      for (let u = 0; u < 4; u++) {
        scoreItems(users, u, items, numItems, rank, 3.5, expected);
        for (let i = 0; i < numItems; i++) assert.ok(Math.abs(rows[u][i] - expected[i]) < 1e-5, `${mode}: user ${u} item ${i}`);
      }
    } finally {
      await gpu.destroy();
    }
  }
});

test('a block larger than the kernel is refused by name', async () => {
  const gpu = new GpuNormalEquations(2, true, 2, 1, { mode: 'cpu' });
  try {
    let message = '';
    await gpu.compute(new Float32Array(4), new Float32Array(0), new Float32Array(0), new Float32Array(3), 0, 3, new Float64Array(27), new Float64Array(9)).catch((e: Error) => {
      message = e.message;
    });
    assert.match(message, /GpuNormalEquations: 3 systems exceed the block size 2/);
  } finally {
    await gpu.destroy();
  }
});

test.run();
