/**
 * Parallel SGD for logistic regression: BSP against a serial mini-batch SGD
 * written from the update rule (same shards, same shuffles), exactly on one
 * thread and to rounding on two; every consistency model on 1 and 2 threads
 * learns planted data (held-out accuracy near the planted model's own);
 * evaluateModel by hand; a9a with its test file, when present.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeWorkers } from '../../../core/engine/index.js';
import { loadLibsvm, type SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import { sfc32Seed, sfc32Shuffle } from '../../../core/util/sfc32.js';
import { evaluateModel, sigmoid } from '../../../apps/sgd/logistic.js';
import { shardByNonzeros } from '../../../apps/sgd/loop.js';
import { plantedLogistic } from '../../../apps/sgd/synthetic.js';
import { CONSISTENCIES, trainLogistic } from '../../../apps/sgd/train.js';
import { dataset, needsData } from '../../helpers.js';

/** Serial BSP: each step sums every shard's batch gradient (shard order), then one update by the sum, regularising the features the step touched. */
function serialBsp(data: SparseDataset, threads: number, epochs: number, batch: number, rate0: number, decay: number, lambda: number, seed: number): Float64Array {
  const d = data.numFeatures;
  const w = new Float64Array(d + 1);
  const shards = shardByNonzeros(data, threads);
  const randoms = Array.from({ length: threads }, (_, t) => sfc32Seed((seed * 1_000_003 + t * 7919) | 0));
  const orders = Array.from({ length: threads }, (_, t) => new Uint32Array(shards[t + 1] - shards[t]));
  // The documented order: each shard's blocks of 32 consecutive examples shuffled, in order within a block.
  const shuffle = (order: Uint32Array, t: number): void => {
    const blocks = sfc32Shuffle(randoms[t], Uint32Array.from({ length: Math.ceil(order.length / 32) }, (_, b) => b));
    let at = 0;
    for (const b of blocks) for (let k = b * 32; k < Math.min(order.length, (b + 1) * 32); k++) order[at++] = shards[t] + k;
  };
  const longest = Math.max(...orders.map((o) => o.length));
  for (let epoch = 0; epoch < epochs; epoch++) {
    const rate = rate0 / (1 + decay * epoch);
    orders.forEach(shuffle);
    for (let s = 0; s < Math.ceil(longest / batch); s++) {
      const grads = orders.map(() => new Float64Array(d + 1));
      const touched = new Set<number>();
      let examples = 0;
      orders.forEach((order, t) => {
        for (let i = s * batch; i < Math.min(order.length, (s + 1) * batch); i++) {
          const k = order[i];
          let z = w[d];
          for (let q = data.rowOffsets[k]; q < data.rowOffsets[k + 1]; q++) z += w[data.indices[q]] * data.values[q];
          const g = sigmoid(z) - (data.labels[k] > 0 ? 1 : 0);
          for (let q = data.rowOffsets[k]; q < data.rowOffsets[k + 1]; q++) {
            grads[t][data.indices[q]] += g * data.values[q];
            touched.add(data.indices[q]);
          }
          grads[t][d] += g;
          examples++;
        }
      });
      if (examples === 0) continue;
      for (const j of [...touched, d]) {
        let g = 0;
        for (let t = 0; t < threads; t++) g += grads[t][j];
        w[j] -= rate * (g + (j < d ? lambda * w[j] : 0));
      }
    }
  }
  return w;
}

test('BSP equals serial mini-batch SGD: exactly on 1 thread, to rounding on 2', async () => {
  const data = plantedLogistic({ examples: 600, features: 40, nonzeros: 6, seed: 3 });
  for (const threads of [1, 2]) {
    const expected = serialBsp(data, threads, 3, 16, 0.05, 0.5, 1e-3, 4);
    const r = await trainLogistic(data, { consistency: 'bsp', workers: threads, epochs: 3, batchSize: 16, learningRate: 0.05, decay: 0.5, lambda: 1e-3, seed: 4 });
    let worst = 0;
    for (let j = 0; j < expected.length; j++) worst = Math.max(worst, Math.abs(r.weights[j] - expected[j]));
    assert.ok(worst < (threads === 1 ? 1e-15 : 1e-12), `${threads} threads: max |difference| ${worst}`);
  }
});

/** Serial EASGD on one thread with a dense exchange every tau examples, in the documented block order. */
function serialEasgd(data: SparseDataset, epochs: number, rate0: number, decay: number, lambda: number, tau: number, alpha: number, seed: number): Float64Array {
  const d = data.numFeatures;
  const local = new Float64Array(d + 1);
  const centre = new Float64Array(d + 1);
  const random = sfc32Seed((seed * 1_000_003) | 0);
  let since = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const rate = rate0 / (1 + decay * epoch);
    const blocks = sfc32Shuffle(random, Uint32Array.from({ length: Math.ceil(data.numExamples / 32) }, (_, b) => b));
    for (const b of blocks) {
      for (let k = b * 32; k < Math.min(data.numExamples, (b + 1) * 32); k++) {
        let z = local[d];
        for (let q = data.rowOffsets[k]; q < data.rowOffsets[k + 1]; q++) z += local[data.indices[q]] * data.values[q];
        const g = sigmoid(z) - (data.labels[k] > 0 ? 1 : 0);
        for (let q = data.rowOffsets[k]; q < data.rowOffsets[k + 1]; q++) {
          const j = data.indices[q];
          local[j] -= rate * (g * data.values[q] + lambda * local[j]);
        }
        local[d] -= rate * g;
        if (++since === tau) {
          since = 0;
          for (let j = 0; j <= d; j++) {
            const diff = alpha * (local[j] - centre[j]);
            local[j] -= diff;
            centre[j] += diff;
          }
        }
      }
    }
  }
  return centre;
}

test('EASGD on one thread (sparse exchanges with missed pulls caught up) equals a dense-exchange EASGD', async () => {
  const data = plantedLogistic({ examples: 700, features: 300, nonzeros: 4, seed: 8 });
  const expected = serialEasgd(data, 4, 0.1, 0.5, 1e-3, 3, 0.15, 2);
  const r = await trainLogistic(data, { consistency: 'easgd', workers: 1, epochs: 4, learningRate: 0.1, decay: 0.5, lambda: 1e-3, tau: 3, alpha: 0.15, seed: 2 });
  let worst = 0;
  for (let j = 0; j < expected.length; j++) worst = Math.max(worst, Math.abs(r.weights[j] - expected[j]));
  assert.ok(worst < 1e-12, `max |difference| ${worst}`);
});

test('every consistency model, 1 and 2 threads, learns planted data nearly as well as the planted model', async () => {
  const all = plantedLogistic({ examples: 6000, features: 200, nonzeros: 10, seed: 9 });
  // First 5000 examples train, the rest test (the planted rows are independent draws).
  const split = (lo: number, hi: number): SparseDataset => ({
    numExamples: hi - lo,
    numFeatures: all.numFeatures,
    labels: all.labels.subarray(lo, hi),
    rowOffsets: Uint32Array.from(all.rowOffsets.subarray(lo, hi + 1), (x) => x - all.rowOffsets[lo]),
    indices: all.indices.subarray(all.rowOffsets[lo], all.rowOffsets[hi]),
    values: all.values.subarray(all.rowOffsets[lo], all.rowOffsets[hi]),
  });
  const train = split(0, 5000);
  const held = split(5000, 6000);
  // The planted weights (scaled by the sharpness) are the best any model can do, up to label noise.
  const truth = Float64Array.from([...all.trueWeights].map((x) => 4 * x).concat([0]));
  const best = evaluateModel(truth, all.numFeatures, held).accuracy;
  for (const consistency of CONSISTENCIES) {
    for (const workers of [1, 2]) {
      const r = await trainLogistic(train, { consistency, workers, epochs: 15, learningRate: 0.5, decay: 0.2 });
      const q = evaluateModel(r.weights, r.numFeatures, held);
      assert.ok(q.accuracy > best - 0.04, `${consistency} x${workers}: held-out accuracy ${q.accuracy} vs planted ${best}`);
      assert.ok(r.history[r.history.length - 1] < r.history[0], `${consistency} x${workers}: training loss ${r.history}`);
    }
  }
  await closeWorkers();
});

test('uneven shards (an odd example count on 2 threads, small batches): every model finishes its epochs', async () => {
  const data = plantedLogistic({ examples: 1001, features: 30, nonzeros: 5, seed: 4 });
  for (const consistency of CONSISTENCIES) {
    const r = await trainLogistic(data, { consistency, workers: 2, batchSize: 7, staleness: 1, epochs: 6 });
    assert.is(r.history.length, 6);
    assert.ok(r.history.every(Number.isFinite), `${consistency}: ${r.history}`);
  }
});

test('evaluateModel: accuracy, log-loss and AUC by hand; features beyond the model ignored', () => {
  // Two features and a bias of 0.5; examples: (1, 0) +1, (0, 1) -1, (1, 1) -1, and one with feature 2 (unknown) +1.
  const data: SparseDataset = {
    numExamples: 4,
    numFeatures: 3,
    labels: Float64Array.of(1, -1, -1, 1),
    rowOffsets: Uint32Array.of(0, 1, 2, 4, 5),
    indices: Uint32Array.of(0, 1, 0, 1, 2),
    values: Float64Array.of(1, 1, 1, 1, 1),
  };
  const w = Float64Array.of(1, -2, 0.5);
  const q = evaluateModel(w, 2, data);
  // Margins: 1.5, -1.5, -0.5, 0.5: all four on the right side.
  assert.is(q.accuracy, 1);
  const loss = (Math.log1p(Math.exp(-1.5)) * 2 + Math.log1p(Math.exp(-0.5)) * 2) / 4;
  assert.ok(Math.abs(q.logLoss - loss) < 1e-12, `log-loss ${q.logLoss} vs ${loss}`);
  assert.is(q.auc, 1);
});

needsData(test, 'libsvm/a9a.gz', 'libsvm/a9a.t.gz')('a9a with its test file: every consistency model on 2 threads reaches the known ~0.85 accuracy', async () => {
  const trainPath = dataset('libsvm/a9a.gz', 'a9a SGD');
  const testPath = dataset('libsvm/a9a.t.gz', 'a9a SGD');
  if (!trainPath || !testPath) return;
  const train = await loadLibsvm(trainPath);
  const held = await loadLibsvm(testPath);
  for (const consistency of CONSISTENCIES) {
    const r = await trainLogistic(train, { consistency, workers: 2, epochs: 5 });
    const q = evaluateModel(r.weights, r.numFeatures, held);
    assert.ok(q.accuracy > 0.84, `${consistency}: test accuracy ${q.accuracy}`);
    assert.ok(q.auc > 0.89, `${consistency}: test AUC ${q.auc}`);
  }
  await closeWorkers();
});

test('trainLogistic rejects bad options with a message naming them', async () => {
  const data = plantedLogistic({ examples: 10, features: 5, nonzeros: 2 });
  for (const [options, message] of [
    [{ consistency: 'gossip' }, /consistency must be one of bsp, ssp, async, easgd/],
    [{ epochs: 0 }, /epochs must be a positive integer/],
    [{ alpha: 2 }, /alpha must be in \(0, 1\]/],
    [{ staleness: -1 }, /staleness must be an integer >= 0/],
  ] as const) {
    try {
      await trainLogistic(data, options as never);
      assert.unreachable(`${JSON.stringify(options)} should be rejected`);
    } catch (error) {
      assert.match(String(error), message);
    }
  }
});

test.run();
