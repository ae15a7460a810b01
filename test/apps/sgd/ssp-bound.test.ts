/**
 * SSP's staleness bound, pinned (not only the end accuracy): a thread goes
 * on only while it is at most `staleness` clocks ahead of the slowest. On
 * lopsided data (a few dense examples, then many one-feature ones; shards
 * balance nonzeros, so one thread has few examples and races through empty
 * clocks) the fast thread reaches the bound, and never passes it: the most
 * lead seen is exactly the staleness.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import { trainLogistic } from '../../../apps/sgd/train.js';

function lopsided(dense: number, sparse: number, features: number): SparseDataset {
  const rowOffsets = new Uint32Array(dense + sparse + 1);
  const indices: number[] = [];
  const values: number[] = [];
  const labels = new Float64Array(dense + sparse);
  for (let k = 0; k < dense + sparse; k++) {
    const width = k < dense ? features : 1;
    for (let j = 0; j < width; j++) {
      indices.push(k < dense ? j : k % features);
      values.push(((k * 31 + j * 7) % 13) / 13 - 0.5);
    }
    labels[k] = k % 3 === 0 ? 1 : 0;
    rowOffsets[k + 1] = indices.length;
  }
  return { numExamples: dense + sparse, numFeatures: features, labels, rowOffsets, indices: Uint32Array.from(indices), values: Float64Array.from(values) };
}

test('ssp: the most clocks a thread runs ahead of the slowest is exactly the staleness', async () => {
  const data = lopsided(200, 4000, 200);
  for (const staleness of [0, 2, 5]) {
    const r = await trainLogistic(data, { consistency: 'ssp', workers: 2, epochs: 2, staleness, batchSize: 16 });
    assert.is(r.maxClockLead, staleness, `staleness ${staleness}: lead ${r.maxClockLead}`);
    assert.ok(r.weights.every(Number.isFinite));
  }
  const bsp = await trainLogistic(data, { consistency: 'bsp', workers: 2, epochs: 1 });
  assert.is(bsp.maxClockLead, null);
});

test.run();
