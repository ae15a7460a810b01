/**
 * Benchmark: parallel SGD for logistic regression (apps/sgd) under each
 * consistency model on 1 and 2 threads, against a hand-written serial SGD
 * loop with the same update on plain typed arrays (the baseline), on planted
 * sparse data large enough that an epoch is work (held-out accuracy and
 * log-loss reported beside the time); and a9a with its test file when
 * present. Medians of `runs` after a warm-up. Writes bench/results/sgd.{json,md}.
 *
 * Usage: node --expose-gc dist/bench/sgd.js [examples=400000] [runs=3]
 */
import { existsSync } from 'node:fs';
import { closeWorkers } from '../core/engine/index.js';
import { loadLibsvm, type SparseDataset } from '../core/graph/loaders/libsvm.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import { evaluateModel, sigmoid } from '../apps/sgd/logistic.js';
import { splitExamples } from '../apps/sgd/split.js';
import { sfc32Seed, sfc32Shuffle } from '../core/util/sfc32.js';
import { plantedLogistic } from '../apps/sgd/synthetic.js';
import { CONSISTENCIES, SGD_DEFAULTS, trainLogistic } from '../apps/sgd/train.js';
import { datasetsDir, resultsPath } from './paths.js';
import { median } from './stats.js';

const EPOCHS = 5;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Visiting orders for the hand loop: file order, one shuffle of single examples, one of blocks of 32 (as apps/sgd walks). */
function handOrders(n: number): Record<'file order' | 'examples shuffled' | 'blocks of 32 shuffled', Uint32Array> {
  const random = sfc32Seed(7);
  const blocks = sfc32Shuffle(random, Uint32Array.from({ length: Math.ceil(n / 32) }, (_, b) => b));
  const blockOrder = new Uint32Array(n);
  let at = 0;
  for (const b of blocks) for (let k = b * 32; k < Math.min(n, (b + 1) * 32); k++) blockOrder[at++] = k;
  return {
    'file order': Uint32Array.from({ length: n }, (_, k) => k),
    'examples shuffled': sfc32Shuffle(random, Uint32Array.from({ length: n }, (_, k) => k)),
    'blocks of 32 shuffled': blockOrder,
  };
}

/** The per-example update of apps/sgd (async mode on one thread) over the examples in `order`; returns seconds. */
function handSgd(data: SparseDataset, order: Uint32Array): number {
  const d = data.numFeatures;
  const w = new Float64Array(d + 1);
  const { labels, rowOffsets, indices, values } = data;
  const lambda = SGD_DEFAULTS.lambda;
  const t0 = performance.now();
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const rate = SGD_DEFAULTS.learningRate / (1 + SGD_DEFAULTS.decay * epoch);
    for (let i = 0; i < order.length; i++) {
      const k = order[i];
      let z = w[d];
      for (let q = rowOffsets[k]; q < rowOffsets[k + 1]; q++) z += w[indices[q]] * values[q];
      const g = sigmoid(z) - (labels[k] > 0 ? 1 : 0);
      for (let q = rowOffsets[k]; q < rowOffsets[k + 1]; q++) {
        const j = indices[q];
        w[j] -= rate * (g * values[q] + lambda * w[j]);
      }
      w[d] -= rate * g;
    }
  }
  return (performance.now() - t0) / 1000;
}

interface Row {
  data: string;
  what: string;
  workers: number;
  secondsPerEpoch: number;
  vsHand: number;
  accuracy: number;
  logLoss: number;
}

async function benchData(name: string, train: SparseDataset, test: SparseDataset, runs: number): Promise<Row[]> {
  const rows: Row[] = [];
  // The baseline walks the file in order; the shuffled walks show what visiting order alone costs.
  const orders = handOrders(train.numExamples);
  const hand = median(Array.from({ length: runs + 1 }, () => handSgd(train, orders['file order'])).slice(1));
  rows.push({ data: name, what: 'hand-written serial SGD, file order', workers: 1, secondsPerEpoch: hand / EPOCHS, vsHand: 1, accuracy: NaN, logLoss: NaN });
  for (const kind of ['examples shuffled', 'blocks of 32 shuffled'] as const) {
    const seconds = median(Array.from({ length: runs + 1 }, () => handSgd(train, orders[kind])).slice(1));
    rows.push({ data: name, what: `hand-written serial SGD, ${kind}`, workers: 1, secondsPerEpoch: seconds / EPOCHS, vsHand: hand / seconds, accuracy: NaN, logLoss: NaN });
  }
  for (const consistency of CONSISTENCIES) {
    for (const workers of [1, 2]) {
      const times: number[] = [];
      let quality = { accuracy: NaN, logLoss: NaN };
      for (let r = 0; r <= runs; r++) {
        gc();
        const result = await trainLogistic(train, { consistency, workers, epochs: EPOCHS });
        if (r > 0) times.push(result.seconds);
        quality = evaluateModel(result.weights, result.numFeatures, test);
      }
      const seconds = median(times);
      rows.push({ data: name, what: consistency, workers, secondsPerEpoch: seconds / EPOCHS, vsHand: hand / seconds, accuracy: quality.accuracy, logLoss: quality.logLoss });
      const row = rows[rows.length - 1];
      console.log(`  ${name} ${consistency} x${workers}: ${(row.secondsPerEpoch * 1000).toFixed(1)} ms/epoch, ${row.vsHand.toFixed(2)}x the hand loop, test accuracy ${row.accuracy.toFixed(4)}`);
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const examples = Number(process.argv[2] ?? 400000);
  const runs = Number(process.argv[3] ?? 3);
  const planted = plantedLogistic({ examples, features: 100000, nonzeros: 30, seed: 1 });
  const { train, test } = splitExamples(planted, 0.2, 1);
  console.log(`bench/sgd: planted logistic data, ${train.numExamples} training / ${test.numExamples} test examples, ${planted.numFeatures} features, 30 nonzeros each; ${EPOCHS} epochs`);
  const rows = await benchData('planted', train, test, runs);
  const a9a = `${datasetsDir}/libsvm/a9a.gz`;
  const a9aTest = `${datasetsDir}/libsvm/a9a.t.gz`;
  if (existsSync(a9a) && existsSync(a9aTest)) rows.push(...(await benchData('a9a', await loadLibsvm(a9a), await loadLibsvm(a9aTest), runs)));
  else console.log(`bench/sgd: skip a9a: ${a9a} not found`);
  await closeWorkers();
  const md = [
    `# Parallel SGD for logistic regression: consistency models vs a hand-written serial loop`,
    '',
    `Medians of ${runs} runs after a warm-up; ${EPOCHS} epochs; default parameters. Planted data: ${train.numExamples} training examples, ${planted.numFeatures} features, 30 nonzeros each.`,
    '',
    '| data | model | workers | ms / epoch | speed vs hand-written | test accuracy | test log-loss |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.data} | ${r.what} | ${r.workers} | ${(r.secondsPerEpoch * 1000).toFixed(1)} | ${r.vsHand.toFixed(2)}x | ${Number.isNaN(r.accuracy) ? '' : r.accuracy.toFixed(4)} | ${Number.isNaN(r.logLoss) ? '' : r.logLoss.toFixed(4)} |`),
    '',
  ].join('\n');
  await writeFileAtomic(resultsPath('sgd.json'), JSON.stringify({ epochs: EPOCHS, runs, rows }, null, 2) + '\n');
  await writeFileAtomic(resultsPath('sgd.md'), md);
  console.log(md);
}

await main();
