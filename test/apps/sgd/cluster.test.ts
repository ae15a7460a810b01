/**
 * Logistic regression across machines (apps/sgd/cluster/): three `gasworks
 * worker` processes on loopback holding a token, started once, killed at the
 * end. Checked against references written here from the update rules, which
 * share no code with what they check: serial mini-batch BSP (each step sums
 * every shard's batch gradient in shard order), for the parameter server's
 * bsp, all-reduce and model parallelism; a full-batch Newton solve of the
 * log-loss, for every mode's convergence; the staleness bound of ssp with a
 * slowed machine; and the Train call's refusals (no token, out of order,
 * malformed).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import { readSecurityFiles, secretOf, type ClusterSecurity } from '../../../core/cluster/security.js';
import { WorkerClient } from '../../../core/cluster/client.js';
import { workerAddress } from '../../../core/cluster/worker-process.js';
import { sfc32Seed, sfc32Shuffle } from '../../../core/util/sfc32.js';
import { logLoss, sigmoid } from '../../../apps/sgd/logistic.js';
import { shardByNonzeros } from '../../../apps/sgd/loop.js';
import { plantedLogistic } from '../../../apps/sgd/synthetic.js';
import { trainLogisticCluster, type ClusterSgdOptions } from '../../../apps/sgd/cluster/train-cluster.js';
import { examplesToParts } from '../../../apps/sgd/cluster/examples-wire.js';
import { gasworks, gasworksInBackground, expectUserMistakes } from '../cli/cli-runner.js';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { connectRedis } from '../../../apps/sgd/cluster/redis-ps.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir();
const tokenFile = join(dir, 'cluster.token');
const LISTEN_TIMEOUT_MS = 20_000;
const children: ChildProcess[] = [];
let workers: string[] = [];
let security: ClusterSecurity;

test.before(async () => {
  const made = gasworks(['token', '--out', tokenFile]);
  assert.is(made.status, 0, made.stderr);
  security = readSecurityFiles('test', { tokenFile });
  for (let i = 0; i < 3; i++) children.push(gasworksInBackground(['worker', '--listen', '127.0.0.1:0', '--threads', '1', '--token-file', tokenFile]));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the workers did not listen within ${LISTEN_TIMEOUT_MS} ms`)), LISTEN_TIMEOUT_MS);
  });
  try {
    workers = await Promise.race([Promise.all(children.map(workerAddress)), late]);
  } finally {
    clearTimeout(timer);
  }
});

test.after(async () => {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
});

/** Serial mini-batch BSP over `threads` shards, written from the update rule: each step sums every shard's batch gradient (shard order), then one update, regularising the features the step touched. */
function serialBsp(data: SparseDataset, threads: number, p: { epochs: number; batchSize: number; learningRate: number; decay: number; lambda: number; seed: number }): Float64Array {
  const d = data.numFeatures;
  const w = new Float64Array(d + 1);
  const shards = shardByNonzeros(data, threads);
  const randoms = Array.from({ length: threads }, (_, t) => sfc32Seed((p.seed * 1_000_003 + t * 7919) | 0));
  const orders = Array.from({ length: threads }, (_, t) => new Uint32Array(shards[t + 1] - shards[t]));
  const shuffle = (order: Uint32Array, t: number): void => {
    const blocks = sfc32Shuffle(randoms[t], Uint32Array.from({ length: Math.ceil(order.length / 32) }, (_, b) => b));
    let at = 0;
    for (const b of blocks) for (let k = b * 32; k < Math.min(order.length, (b + 1) * 32); k++) order[at++] = shards[t] + k;
  };
  const longest = Math.max(...orders.map((o) => o.length));
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    const rate = p.learningRate / (1 + p.decay * epoch);
    orders.forEach(shuffle);
    for (let s = 0; s < Math.ceil(longest / p.batchSize); s++) {
      const grads = orders.map(() => new Float64Array(d + 1));
      const touched = new Set<number>();
      let examples = 0;
      orders.forEach((order, t) => {
        for (let i = s * p.batchSize; i < Math.min(order.length, (s + 1) * p.batchSize); i++) {
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
        w[j] -= rate * (g + (j < d ? p.lambda * w[j] : 0));
      }
    }
  }
  return w;
}

/** The minimiser of the mean log-loss by Newton's method (dense Hessian; small models only). */
function newtonOptimum(data: SparseDataset): Float64Array {
  const d = data.numFeatures;
  const width = d + 1;
  const w = new Float64Array(width);
  for (let iteration = 0; iteration < 25; iteration++) {
    const g = new Float64Array(width);
    const h = Array.from({ length: width }, () => new Float64Array(width + 1));
    for (let k = 0; k < data.numExamples; k++) {
      const ids = [...data.indices.subarray(data.rowOffsets[k], data.rowOffsets[k + 1]), d];
      const xs = [...data.values.subarray(data.rowOffsets[k], data.rowOffsets[k + 1]), 1];
      let z = 0;
      ids.forEach((j, i) => (z += w[j] * xs[i]));
      const p = sigmoid(z);
      const y = data.labels[k] > 0 ? 1 : 0;
      ids.forEach((j, i) => {
        g[j] += (p - y) * xs[i];
        ids.forEach((l, m) => (h[j][l] += p * (1 - p) * xs[i] * xs[m]));
      });
    }
    // Solve H step = g by Gauss-Jordan elimination with partial pivoting.
    h.forEach((row, i) => (row[width] = g[i]));
    for (let c = 0; c < width; c++) {
      let pivot = c;
      for (let r = c + 1; r < width; r++) if (Math.abs(h[r][c]) > Math.abs(h[pivot][c])) pivot = r;
      [h[c], h[pivot]] = [h[pivot], h[c]];
      for (let r = 0; r < width; r++) {
        if (r === c) continue;
        const f = h[r][c] / h[c][c];
        for (let k = c; k <= width; k++) h[r][k] -= f * h[c][k];
      }
    }
    for (let j = 0; j < width; j++) w[j] -= h[j][width] / h[j][j];
  }
  return w;
}

const maxDifference = (a: Float64Array, b: Float64Array): number => {
  let worst = 0;
  for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]));
  return worst;
};

const run = (data: SparseDataset, machines: number, options: Omit<ClusterSgdOptions, 'workers'>) => trainLogisticCluster(data, { workers: workers.slice(0, machines), security, ...options });

const SMALL = { epochs: 3, batchSize: 16, learningRate: 0.05, decay: 0.5, lambda: 1e-3, seed: 4 };

test('parameter-server bsp on 2 and 3 machines equals serial BSP over as many shards, to the bit (range and hashed shards)', async () => {
  const data = plantedLogistic({ examples: 1500, features: 120, nonzeros: 8, seed: 3 });
  for (const machines of [2, 3]) {
    const expected = serialBsp(data, machines, SMALL);
    for (const [psShards, psPartition] of [[machines, 'range'], [5, 'hash']] as const) {
      const r = await run(data, machines, { consistency: 'bsp', psShards, psPartition, ...SMALL });
      assert.is(maxDifference(r.weights, expected), 0, `${machines} machines, ${psShards} ${psPartition} shards`);
      assert.is(r.maxStaleness, 0);
      assert.ok(r.bytesSent > 0);
    }
  }
});

test('two batches per machine per clock: the batches of one process with machines x 2 shards, to rounding', async () => {
  const data = plantedLogistic({ examples: 1200, features: 80, nonzeros: 6, seed: 5 });
  const expected = serialBsp(data, 4, SMALL);
  const r = await run(data, 2, { consistency: 'bsp', threadsPerMachine: 2, ...SMALL });
  assert.ok(maxDifference(r.weights, expected) < 1e-12, `max |difference| ${maxDifference(r.weights, expected)}`);
});

test('a worker with two threads computes a clock\'s two batches on both: one process with two threads, to the bit', async () => {
  const child = gasworksInBackground(['worker', '--listen', '127.0.0.1:0', '--threads', '2', '--token-file', tokenFile]);
  children.push(child);
  const address = await workerAddress(child);
  const data = plantedLogistic({ examples: 1200, features: 80, nonzeros: 6, seed: 5 });
  const expected = serialBsp(data, 2, SMALL);
  for (const consistency of ['bsp', 'allreduce'] as const) {
    const r = await trainLogisticCluster(data, { workers: [address], security, consistency, threadsPerMachine: 2, ...SMALL });
    assert.is(maxDifference(r.weights, expected), 0, consistency);
  }
  // Beside a one-thread worker: the batches of one process with four threads, to rounding.
  const r = await trainLogisticCluster(data, { workers: [address, workers[0]], security, consistency: 'bsp', threadsPerMachine: 2, ...SMALL });
  assert.ok(maxDifference(r.weights, serialBsp(data, 4, SMALL)) < 1e-12);
});

test('all-reduce (ring and tree) on 3 machines equals serial BSP to 1e-12; each sends 2(M-1)/M of the gradient per step on the ring', async () => {
  const data = plantedLogistic({ examples: 1500, features: 120, nonzeros: 8, seed: 3 });
  const expected = serialBsp(data, 3, SMALL);
  for (const topology of ['ring', 'tree'] as const) {
    const r = await run(data, 3, { consistency: 'allreduce', topology, ...SMALL });
    assert.ok(maxDifference(r.weights, expected) < 1e-12, `${topology}: max |difference| ${maxDifference(r.weights, expected)}`);
    if (topology === 'ring') {
      // Per step: the gradient, the bias and the example count (122 values) in 3 chunks of 40 or 41; 2 (M - 1) of them per machine.
      const shards = shardByNonzeros(data, 3);
      const steps = Math.ceil(Math.max(shards[1] - shards[0], shards[2] - shards[1], shards[3] - shards[2]) / SMALL.batchSize) * SMALL.epochs;
      // The vector is 120 weights, the bias and the example count; each machine sends it once
      // and one chunk of it again: 2 (M - 1) vectors a step over the 3 machines.
      assert.is(r.bytesSent, steps * 2 * (3 - 1) * 122 * 8);
    }
  }
});

test('model parallelism on 2 and 3 machines equals serial mini-batch SGD on one process, to the bit', async () => {
  const data = plantedLogistic({ examples: 900, features: 150, nonzeros: 10, seed: 6 });
  const expected = serialBsp(data, 1, SMALL);
  for (const machines of [2, 3]) {
    const r = await run(data, machines, { consistency: 'bsp', parallelism: 'model', ...SMALL });
    assert.is(maxDifference(r.weights, expected), 0, `${machines} machines`);
  }
});

test('ssp with a slowed machine: no read more than s clocks stale, and some exactly s; async with the same straggler reads staler', async () => {
  const data = plantedLogistic({ examples: 1200, features: 60, nonzeros: 6, seed: 7 });
  const options = { epochs: 2, batchSize: 4, learningRate: 0.05, decay: 0.5, lambda: 0, seed: 1, delays: [0, 0, 3] };
  for (const staleness of [0, 2]) {
    const r = await run(data, 3, { consistency: 'ssp', staleness, ...options });
    assert.ok(r.maxStaleness <= staleness, `ssp ${staleness}: a read ${r.maxStaleness} clocks stale`);
    assert.is(r.staleness.length, staleness + 1, `ssp ${staleness}: reads by staleness ${r.staleness}`);
    assert.ok(r.staleness[staleness] > 0);
  }
  const a = await run(data, 3, { consistency: 'async', ...options });
  assert.ok(a.maxStaleness > 2, `async: largest staleness ${a.maxStaleness}`);
  // The slowed machine is reported as the straggler: about 3 ms x 100 clocks of its rounds are its own.
  assert.equal(a.stragglers.map((s) => s.machine), [2], JSON.stringify(a.stragglers));
});

test('every mode converges to the full-batch optimum: training log-loss within 1e-3 of Newton\'s', async () => {
  const data = plantedLogistic({ examples: 1500, features: 10, nonzeros: 5, seed: 3 });
  const optimum = logLoss(newtonOptimum(data), data);
  // The SGD family with a decaying rate; the averaging methods (easgd's centre, fedavg's mean)
  // with a constant one: their model is an average of iterates, which a decaying rate leaves far
  // from the optimum (easgd 4e-3 above it after 40 epochs at decay 0.3, 4e-5 at decay 0).
  const sgd = { epochs: 12, batchSize: 2, learningRate: 0.1, decay: 0.3, lambda: 0, seed: 2 };
  const cases: Array<[string, Omit<ClusterSgdOptions, 'workers'>]> = [
    ['bsp', { consistency: 'bsp', ...sgd }],
    ['ssp', { consistency: 'ssp', staleness: 2, ...sgd }],
    ['async', { consistency: 'async', ...sgd }],
    ['allreduce', { consistency: 'allreduce', ...sgd }],
    ['model', { consistency: 'bsp', parallelism: 'model', ...sgd }],
    ['easgd', { consistency: 'easgd', ...sgd, epochs: 30, decay: 0, tau: 8, alpha: 0.2 }],
    ['fedavg', { consistency: 'fedavg', ...sgd, epochs: 40, learningRate: 0.05, decay: 0 }],
  ];
  for (const [name, options] of cases) {
    const r = await run(data, 2, options);
    const gap = logLoss(r.weights, data) - optimum;
    assert.ok(gap >= -1e-12 && gap < 1e-3, `${name}: log-loss ${gap} above the optimum ${optimum}`);
  }
});

test('fedavg: only models move (2 x participants x model per round); a label-sorted split learns worse', async () => {
  const data = plantedLogistic({ examples: 1500, features: 30, nonzeros: 5, seed: 8 });
  const options = { consistency: 'fedavg' as const, epochs: 6, learningRate: 0.05, decay: 0, lambda: 0, seed: 3 };
  const half = await run(data, 3, { ...options, participation: 0.5 });
  for (const round of half.rounds) assert.is(round.bytes, 2 * 2 * 31 * 8);
  const iid = await run(data, 3, options);
  const skewed = await run(data, 3, { ...options, nonIid: true });
  assert.ok(logLoss(skewed.weights, data) > logLoss(iid.weights, data), `non-iid ${logLoss(skewed.weights, data)} vs iid ${logLoss(iid.weights, data)}`);
});

test('the Train call: refused without the token, before connect, out of order, and with malformed arguments', async () => {
  const job = '0123456789abcdef';
  const data = plantedLogistic({ examples: 20, features: 5, nonzeros: 2, seed: 1 });
  const setup = { protocol: 1, machine: 0, machines: 1, module: 'dist/apps/sgd/machine-trainer.js', trainer: { mode: 'fedavg', numFeatures: 5, params: { ...SMALL, staleness: 1, tau: 4, alpha: 0.1 }, localEpochs: 1, threadBounds: [0, 20], threadBase: 0, longestShard: 20 } };
  const stranger = new WorkerClient(workers[0], undefined, secretOf(undefined));
  const member = new WorkerClient(workers[0], security, secretOf(security));
  const deadline = (): number => Date.now() + 10_000;
  const refused = async (client: WorkerClient, request: object, message: RegExp): Promise<void> => {
    try {
      await client.call('Train', request, deadline());
      assert.unreachable(`${JSON.stringify(request).slice(0, 80)} should be refused`);
    } catch (error) {
      assert.match((error as { details?: string }).details ?? (error as Error).message, message);
    }
  };
  try {
    const parts = examplesToParts(data, 0, 20);
    await refused(stranger, { job, op: 'setup', json: JSON.stringify(setup), parts }, /refused: no credential/);
    await refused(member, { job, op: 'setup', json: JSON.stringify({ ...setup, module: '../../etc/passwd' }), parts }, /no bundled program module/);
    await refused(member, { job, op: 'setup', json: JSON.stringify({ ...setup, protocol: 99 }), parts }, /training protocol/);
    await refused(member, { job, op: 'setup', json: '{"machine":', parts }, /malformed JSON/);
    await refused(member, { job: 'nope', op: 'setup', json: '{}', parts }, /16 hex digits/);
    await refused(member, { job, op: 'round', json: '{"call":0}', parts: [] }, /no training job/);
    await refused(member, { job, op: 'setup', json: JSON.stringify({ ...setup, trainer: { ...setup.trainer, threadBounds: [0, 25] } }), parts }, /threadBounds must rise from 0 to the 20 examples sent/);
    await refused(member, { job, op: 'setup', json: JSON.stringify({ ...setup, trainer: { ...setup.trainer, numFeatures: 2 ** 40 } }), parts }, /numFeatures must be a whole number up to/);
    await member.call('Train', { job, op: 'setup', json: JSON.stringify(setup), parts }, deadline());
    await refused(member, { job, op: 'setup', json: JSON.stringify(setup), parts }, /already set up/);
    await refused(member, { job, op: 'round', json: '{"call":0}', parts: [] }, /before connect/);
    await refused(member, { job, op: 'connect', json: JSON.stringify({ epoch: 1, peers: ['127.0.0.1:1', '127.0.0.1:2'] }), parts: [] }, /needs 1 peer/);
    await member.call('Train', { job, op: 'connect', json: JSON.stringify({ epoch: 1, peers: ['127.0.0.1:1'] }), parts: [] }, deadline());
    await refused(member, { job, op: 'round', json: '{"call":3}', parts: [] }, /expects call 0/);
    await refused(member, { job, op: 'round', json: '{"call":0,"round":0}', parts: [new Uint8Array(24)] }, /a model of 3 values/);
    await refused(member, { job, op: 'round', json: '{"call":0}', parts: [] }, /expects call 1/);
  } finally {
    await member.call('Train', { job, op: 'release', json: '{}', parts: [] }, deadline()).catch(() => undefined);
    stranger.close();
    member.close();
  }
});

test('gasworks sgd --cluster: JSON with accuracy, AUC, log-loss, bytes and staleness; mistakes named', async () => {
  const cluster = workers.slice(0, 2).join(',');
  const r = gasworks(['sgd', '--train', 'planted:3000:50:8:2', '--cluster', cluster, '--token-file', tokenFile, '-c', 'ssp', '--staleness', '1', '-e', '3', '--ps-shards', '3', '--ps-partition', 'hash', '--json'], { timeoutMs: 60_000 });
  assert.is(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { accuracy: number; auc: number; logLoss: number; bytesSent: number; maxStaleness: number; machines: number; rounds: unknown[] };
  assert.is(summary.machines, 2);
  assert.is(summary.rounds.length, 3);
  assert.ok(summary.accuracy > 0.7 && summary.auc > 0.75 && summary.logLoss < 0.6, r.stdout);
  assert.ok(summary.bytesSent > 0 && summary.maxStaleness <= 1, r.stdout);
  expectUserMistakes(
    [
      [['sgd', '--ps-shards', '2'], /sgd: --ps-shards is for cluster runs/],
      [['sgd', '-c', 'allreduce'], /sgd: --consistency must be one of bsp, ssp, async, easgd; got "allreduce"/],
      [['sgd', '--cluster', cluster, '--token-file', tokenFile, '-c', 'gossip'], /sgd: --consistency must be one of bsp, ssp, async, easgd, allreduce, fedavg; got "gossip"/],
      [['sgd', '--cluster', cluster, '--token-file', tokenFile, '-c', 'async', '--parallelism', 'model'], /sgd: --parallelism model runs bsp/],
      [['sgd', '--cluster', cluster, '--token-file', tokenFile, '--topology', 'star'], /sgd: --topology must be one of ring, tree; got "star"/],
      [['sgd', '--cluster', cluster, '--token-file', tokenFile, '--workers', '2'], /sgd: --workers is for one machine/],
      [['sgd', '--cluster', cluster, '--token-file', tokenFile, '--compare', 'bsp,gossip'], /sgd: --compare must be one of bsp, ssp, async, easgd, allreduce, fedavg; got "gossip"/],
      [['sgd', '--cluster', cluster, '--token-file', tokenFile, '--ps', 'memcached://x:1'], /sgd: --ps must be workers or a redis:\/\/host:port URL; got "memcached:\/\/x:1"/],
      [['sgd', '--compare', 'bsp'], /sgd: --compare is for cluster runs/],
    ],
    assert,
  );
  // --compare: several modes, one plot of test log-loss against seconds and bytes.
  const plot = join(dir, 'compare.svg');
  const compared = gasworks(['sgd', '--train', 'planted:2000:30:5:2', '--cluster', cluster, '--token-file', tokenFile, '--compare', 'bsp,allreduce,fedavg', '-e', '2', '--plot', plot, '--json'], { timeoutMs: 60_000 });
  assert.is(compared.status, 0, compared.stderr);
  const runs = (JSON.parse(compared.stdout) as { runs: Array<{ consistency: string; accuracy: number }> }).runs;
  assert.equal(runs.map((r) => r.consistency), ['bsp', 'allreduce', 'fedavg']);
  // bsp and all-reduce take the same steps.
  assert.is(runs[0].accuracy, runs[1].accuracy);
  const svg = readFileSync(plot, 'utf8');
  assert.ok(svg.startsWith('<svg') && svg.includes('bytes sent between machines') && svg.includes('fedavg'), svg.slice(0, 200));
  // A coordinator without the token is refused by name.
  const stranger = gasworks(['sgd', '--train', 'planted:100:5:2', '--cluster', cluster, '-e', '1'], { env: { GASWORKS_TOKEN_FILE: undefined } });
  assert.is(stranger.status, 1);
  assert.match(stranger.stderr, /no credential/);
});

test('a worker killed between rounds: a spare takes its place and bsp resumes from the checkpoint, ending where a run that lost nothing ends', async () => {
  const extra = [gasworksInBackground(['worker', '--listen', '127.0.0.1:0', '--threads', '1', '--token-file', tokenFile]), gasworksInBackground(['worker', '--listen', '127.0.0.1:0', '--threads', '1', '--token-file', tokenFile])];
  children.push(...extra);
  const [victim, spare] = await Promise.all(extra.map(workerAddress));
  const data = plantedLogistic({ examples: 1200, features: 60, nonzeros: 6, seed: 9 });
  const options = { epochs: 4, batchSize: 8, learningRate: 0.05, decay: 0.5, lambda: 1e-3, seed: 5 };
  const expected = serialBsp(data, 3, options);
  let killed = false;
  const recoveries: Array<{ lost: number[]; resumedAt: number }> = [];
  const r = await trainLogisticCluster(data, {
    workers: [workers[0], victim, workers[1]],
    spares: [spare],
    checkpointEvery: 1,
    security,
    consistency: 'bsp',
    ...options,
    onRound: (stats) => {
      if (stats.round === 1 && !killed) {
        killed = true;
        extra[0].kill('SIGKILL');
      }
    },
    onRecovery: (recovery) => recoveries.push(recovery),
  });
  assert.is(r.recoveries, 1);
  assert.equal(recoveries.map((x) => x.lost), [[1]]);
  assert.equal(r.workers, [workers[0], spare, workers[1]]);
  assert.is(r.rounds.length, 4);
  // The shuffles of a resumed run skip the rounds already taken: the same steps, to the bit.
  assert.is(maxDifference(r.weights, expected), 0);
  // Without a spare, the loss is named.
  const gone = trainLogisticCluster(data, { workers: [workers[0], victim], security, consistency: 'bsp', ...options });
  try {
    await gone;
    assert.unreachable('a run on a dead worker must fail');
  } catch (error) {
    assert.match((error as Error).message, /cannot reach worker|lost machine 1/);
  }
});

/** A free loopback port (listen on 0, close). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** Why Redis tests cannot run here, or null. */
async function redisUnavailable(): Promise<string | null> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return 'redis-server is not installed (apt-get install redis-server)';
  try {
    await import('redis' as string);
    return null;
  } catch {
    return 'the redis client package is not installed (npm ci)';
  }
}

test('--ps redis: a real redis-server as the store; bsp equals serial BSP, ssp keeps its bound, the job leaves no keys', async () => {
  const why = await redisUnavailable();
  if (why !== null) {
    console.log(`  skip: Redis parameter server: ${why}`);
    return;
  }
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  try {
    // Wait (bounded) until it answers.
    let client: Awaited<ReturnType<typeof connectRedis>> | null = null;
    for (let i = 0; i < 50 && client === null; i++) {
      client = await connectRedis(url).catch(() => null);
      if (client === null) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(client !== null, `redis-server did not answer on ${url}`);
    const data = plantedLogistic({ examples: 1200, features: 100, nonzeros: 8, seed: 3 });
    const expected = serialBsp(data, 2, SMALL);
    const bsp = await run(data, 2, { consistency: 'bsp', ps: url, psShards: 3, ...SMALL });
    assert.ok(maxDifference(bsp.weights, expected) < 1e-12, `bsp: max |difference| ${maxDifference(bsp.weights, expected)}`);
    const ssp = await run(data, 3, { consistency: 'ssp', staleness: 1, ps: url, epochs: 2, batchSize: 4, learningRate: 0.05, decay: 0.5, lambda: 0, seed: 1, delays: [0, 0, 3] });
    assert.ok(ssp.maxStaleness <= 1 && ssp.staleness.length === 2 && ssp.staleness[1] > 0, `ssp: reads by staleness ${ssp.staleness}`);
    const left = (await client!.sendCommand(['KEYS', 'gasworks:*'])) as string[];
    assert.equal(left, []);
    await client!.close();
  } finally {
    server.kill('SIGKILL');
  }
});

test.run();
