/**
 * The full-batch Newton optimum of logistic regression: first-order
 * optimality checked by a gradient computed here from the definition (and by
 * finite differences of the objective), no perturbation lowers the
 * objective, the L2 term shrinks the weights, and a model too wide for a
 * dense Hessian is refused by name.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fullBatchOptimum } from '../../../apps/sgd/full-batch.js';
import { plantedLogistic } from '../../../apps/sgd/synthetic.js';
import { loadLibsvm, type SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import { closeWorkers } from '../../../core/engine/index.js';
import { evaluateModel } from '../../../apps/sgd/logistic.js';
import { CONSISTENCIES, SGD_DEFAULTS, trainLogistic } from '../../../apps/sgd/train.js';
import { dataset } from '../../helpers.js';

function objective(w: Float64Array, data: SparseDataset, lambda: number): number {
  const d = data.numFeatures;
  let total = 0;
  for (let k = 0; k < data.numExamples; k++) {
    let z = w[d];
    for (let q = data.rowOffsets[k]; q < data.rowOffsets[k + 1]; q++) z += w[data.indices[q]] * data.values[q];
    const y = data.labels[k] > 0 ? 1 : -1;
    total += Math.log(1 + Math.exp(-y * z));
  }
  let penalty = 0;
  for (let j = 0; j < d; j++) penalty += w[j] * w[j];
  return total / data.numExamples + (lambda / 2) * penalty;
}

test('the Newton optimum has a zero gradient and no perturbation lowers the objective', () => {
  const data = plantedLogistic({ examples: 800, features: 15, nonzeros: 4, seed: 5 });
  for (const lambda of [0, 1e-2]) {
    const r = fullBatchOptimum(data, { lambda });
    const base = objective(r.weights, data, lambda);
    assert.ok(Math.abs(base - r.objective) < 1e-12, `objective ${r.objective} vs ${base}`);
    // Central differences: each partial derivative near zero.
    for (let j = 0; j <= data.numFeatures; j++) {
      const h = 1e-5;
      const plus = Float64Array.from(r.weights);
      const minus = Float64Array.from(r.weights);
      plus[j] += h;
      minus[j] -= h;
      const slope = (objective(plus, data, lambda) - objective(minus, data, lambda)) / (2 * h);
      assert.ok(Math.abs(slope) < 1e-7, `lambda ${lambda}: d/dw${j} = ${slope}`);
      const nudged = Float64Array.from(r.weights);
      nudged[j] += 1e-3;
      assert.ok(objective(nudged, data, lambda) > base);
    }
  }
  const free = fullBatchOptimum(data, { lambda: 0 }).weights;
  const shrunk = fullBatchOptimum(data, { lambda: 0.1 }).weights;
  const norm = (w: Float64Array): number => w.subarray(0, data.numFeatures).reduce((s, x) => s + x * x, 0);
  assert.ok(norm(shrunk) < norm(free));
});

test('a model wider than a dense Hessian allows is refused by name', () => {
  const data = plantedLogistic({ examples: 10, features: 5000, nonzeros: 2, seed: 1 });
  assert.throws(() => fullBatchOptimum(data), /fullBatchOptimum: a dense Newton step needs numFeatures <= 4000; got 5000/);
});

test('a9a: every thread consistency model on 1 and 2 threads within 0.3% test accuracy of the full-batch optimum', async () => {
  const trainPath = dataset('libsvm/a9a.gz', 'a9a optimum');
  const testPath = dataset('libsvm/a9a.t.gz', 'a9a optimum');
  if (!trainPath || !testPath) return;
  const train = await loadLibsvm(trainPath);
  const held = await loadLibsvm(testPath);
  const optimum = evaluateModel(fullBatchOptimum(train, { lambda: SGD_DEFAULTS.lambda }).weights, train.numFeatures, held);
  for (const consistency of CONSISTENCIES) {
    for (const workers of [1, 2]) {
      const r = await trainLogistic(train, { consistency, workers });
      const q = evaluateModel(r.weights, r.numFeatures, held);
      assert.ok(q.accuracy > optimum.accuracy - 0.003, `${consistency} x${workers}: accuracy ${q.accuracy} vs the optimum's ${optimum.accuracy}`);
    }
  }
  await closeWorkers();
});

test.run();
