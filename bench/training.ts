/**
 * Benchmark: logistic regression across machines (apps/sgd/cluster/) on
 * a9a with its test file, on 1, 2 and 3 `gasworks worker` processes on
 * loopback (one thread each), every mode: test accuracy, AUC and log-loss,
 * seconds per epoch (median of the epochs), bytes sent between machines per
 * epoch (all-reduce: beside what the ring predicts, 2 (M - 1) / M of the
 * vector per machine per step), and the first epoch after which the model's
 * training log-loss is within 1% of the full-batch optimum's
 * (full-batch.ts). Baseline in the same run: the same modes on one process,
 * one thread (trainLogistic). Writes bench/results/training.{json,md}.
 *
 * Usage: node dist/bench/training.js [epochs=5] [machines=1,2,3]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLibsvm } from '../core/graph/loaders/libsvm.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import { readSecurityFiles } from '../core/cluster/security.js';
import { workerAddress } from '../core/cluster/worker-process.js';
import { closeWorkers } from '../core/engine/index.js';
import { evaluateModel, logLoss } from '../apps/sgd/logistic.js';
import { fullBatchOptimum } from '../apps/sgd/full-batch.js';
import { SGD_DEFAULTS, trainLogistic } from '../apps/sgd/train.js';
import { shardByNonzeros } from '../apps/sgd/loop.js';
import { trainLogisticCluster, type ClusterSgdOptions } from '../apps/sgd/cluster/train-cluster.js';
import { datasetsDir, resultsPath } from './paths.js';
import { median } from './stats.js';

const epochs = Number(process.argv[2] ?? 5);
const machineCounts = (process.argv[3] ?? '1,2,3').split(',').map(Number);
const cli = fileURLToPath(new URL('../apps/cli/main.js', import.meta.url));

const MODES: Array<[string, Omit<ClusterSgdOptions, 'workers'>]> = [
  ['bsp', { consistency: 'bsp' }],
  ['ssp (s = 2)', { consistency: 'ssp', staleness: 2 }],
  ['async', { consistency: 'async' }],
  ['easgd', { consistency: 'easgd' }],
  ['allreduce ring', { consistency: 'allreduce', topology: 'ring' }],
  ['allreduce tree', { consistency: 'allreduce', topology: 'tree' }],
  ['fedavg', { consistency: 'fedavg' }],
  ['model parallel (bsp)', { consistency: 'bsp', parallelism: 'model' }],
];

/** A redis-server on a free port for the Redis rows, or null (not installed). */
async function startRedis(): Promise<{ url: string; child: ChildProcess } | null> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return null;
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { url: `redis://127.0.0.1:${port}`, child };
}

interface Row {
  mode: string;
  machines: number | 'one process';
  accuracy: number;
  auc: number;
  logLoss: number;
  secondsPerEpoch: number;
  bytesPerEpoch: number;
  predictedBytesPerEpoch: number | null;
  epochsTo1Percent: number | null;
  maxStaleness: number;
}

async function startWorkers(count: number, tokenFile: string): Promise<{ addresses: string[]; children: ChildProcess[] }> {
  const children = Array.from({ length: count }, () => spawn(process.execPath, [cli, 'worker', '--listen', '127.0.0.1:0', '--threads', '1', '--token-file', tokenFile], { stdio: ['ignore', 'pipe', 'inherit'] }));
  return { addresses: await Promise.all(children.map(workerAddress)), children };
}

async function main(): Promise<void> {
  const trainPath = join(datasetsDir, 'libsvm', 'a9a.gz');
  const testPath = join(datasetsDir, 'libsvm', 'a9a.t.gz');
  if (!existsSync(trainPath) || !existsSync(testPath)) {
    console.log(`skip: a9a not found under ${datasetsDir}/libsvm`);
    return;
  }
  const train = await loadLibsvm(trainPath);
  const test = await loadLibsvm(testPath);
  const optimum = fullBatchOptimum(train, { lambda: SGD_DEFAULTS.lambda });
  const target = optimum.logLoss * 1.01;
  const rows: Row[] = [];
  // Baseline: one process, one thread, the thread modes.
  for (const consistency of ['bsp', 'ssp', 'async', 'easgd'] as const) {
    // Epochs to 1%: runs of 1, 2, ... epochs (the thread modes give no model between epochs).
    let reached: number | null = null;
    for (let e = 1; e <= epochs && reached === null; e++) {
      const partial = await trainLogistic(train, { consistency, workers: 1, epochs: e });
      if (logLoss(partial.weights, train) <= target) reached = e;
    }
    const r = await trainLogistic(train, { consistency, workers: 1, epochs });
    const q = evaluateModel(r.weights, r.numFeatures, test);
    rows.push({ mode: consistency, machines: 'one process', ...q, secondsPerEpoch: r.seconds / epochs, bytesPerEpoch: 0, predictedBytesPerEpoch: null, epochsTo1Percent: reached, maxStaleness: 0 });
  }
  await closeWorkers();
  const dir = mkdtempSync(join(tmpdir(), 'gasworks-bench-training-'));
  const tokenFile = join(dir, 'token');
  const made = spawn(process.execPath, [cli, 'token', '--out', tokenFile], { stdio: 'ignore' });
  await new Promise((resolve) => made.once('exit', resolve));
  const security = readSecurityFiles('bench', { tokenFile });
  const redis = await startRedis();
  const modes = redis === null ? MODES : [...MODES, ['bsp, Redis store', { consistency: 'bsp', ps: redis.url }] as [string, Omit<ClusterSgdOptions, 'workers'>], ['async, Redis store', { consistency: 'async', ps: redis.url }] as [string, Omit<ClusterSgdOptions, 'workers'>]];
  try {
    for (const machines of machineCounts) {
      const { addresses, children } = await startWorkers(machines, tokenFile);
      try {
        for (const [mode, options] of modes) {
          let reached: number | null = null;
          const onModel = (round: number, weights: Float64Array): void => {
            if (reached === null && logLoss(weights, train) <= target) reached = round + 1;
          };
          const r = await trainLogisticCluster(train, { workers: addresses, security, epochs, onModel, ...options });
          const q = evaluateModel(r.weights, r.numFeatures, test);
          let predicted: number | null = null;
          if (options.consistency === 'allreduce' && options.topology === 'ring') {
            const bounds = shardByNonzeros(train, machines);
            let longest = 0;
            for (let m = 0; m < machines; m++) longest = Math.max(longest, bounds[m + 1] - bounds[m]);
            // The vector: the weights, the bias and the example count; 2 (M - 1) / M of it per machine per step.
            predicted = Math.ceil(longest / SGD_DEFAULTS.batchSize) * 2 * (machines - 1) * (train.numFeatures + 2) * 8;
          }
          rows.push({
            mode,
            machines,
            ...q,
            secondsPerEpoch: median(r.rounds.map((x) => x.seconds)),
            bytesPerEpoch: r.bytesSent / epochs,
            predictedBytesPerEpoch: predicted,
            epochsTo1Percent: reached,
            maxStaleness: r.maxStaleness,
          });
          console.log(JSON.stringify(rows[rows.length - 1]));
        }
      } finally {
        for (const child of children) child.kill('SIGTERM');
      }
    }
  } finally {
    redis?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  const md = [
    `# Logistic regression across machines: a9a (${train.numExamples} training, ${test.numExamples} test examples, ${train.numFeatures} features), ${epochs} epochs`,
    '',
    `Workers on loopback, one thread each; defaults of gasworks sgd (learning rate ${SGD_DEFAULTS.learningRate}, decay ${SGD_DEFAULTS.decay}, batch ${SGD_DEFAULTS.batchSize}). Full-batch optimum (Newton): training log-loss ${optimum.logLoss.toFixed(5)}, test accuracy ${evaluateModel(optimum.weights, train.numFeatures, test).accuracy.toFixed(4)}. "1%": the first epoch after which the model's training log-loss is within 1% of the optimum's.`,
    '',
    '| mode | machines | test accuracy | AUC | test log-loss | s / epoch | bytes / epoch | ring predicts | epochs to 1% | max staleness |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.mode} | ${r.machines} | ${r.accuracy.toFixed(4)} | ${r.auc.toFixed(4)} | ${r.logLoss.toFixed(4)} | ${r.secondsPerEpoch.toFixed(3)} | ${Math.round(r.bytesPerEpoch).toLocaleString('en-US')} | ${r.predictedBytesPerEpoch === null ? '' : r.predictedBytesPerEpoch.toLocaleString('en-US')} | ${r.epochsTo1Percent ?? `> ${epochs}`} | ${r.maxStaleness} |`),
    '',
  ].join('\n');
  await writeFileAtomic(resultsPath('training.json'), JSON.stringify({ epochs, optimumTrainLogLoss: optimum.logLoss, rows }, null, 2) + '\n');
  await writeFileAtomic(resultsPath('training.md'), md);
  console.log(md);
}

await main();
