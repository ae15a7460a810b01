/**
 * `gasworks sgd --cluster`: logistic regression trained across worker
 * machines (core/cluster/training/), each machine's share done by
 * apps/sgd/machine-trainer.ts. Here: the options and their defaults, how
 * the examples are split (contiguous shards by nonzeros, one per virtual
 * thread, as loop.ts splits them over threads; for fedavg --non-iid sorted
 * by label first; for model parallelism every example, each machine with
 * its block of the features), the rounds (epochs; fedavg's rounds of local
 * epochs), and what is reported per round: training loss, seconds, bytes
 * sent between machines, the largest staleness read.
 */
import { fileURLToPath } from 'node:url';
import { relative, sep } from 'node:path';
import { UsageError } from '../../../core/errors.js';
import type { SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import type { ClusterSecurity } from '../../../core/cluster/security.js';
import { sfc32Seed, sfc32Shuffle } from '../../../core/util/sfc32.js';
import { toFloat64, toUint32 } from '../../../core/cluster/wire.js';
import { shardByNonzeros, type SgdParams } from '../loop.js';
import { SGD_DEFAULTS } from '../train.js';
import { examplesToParts } from './examples-wire.js';
import { KeyLayout, type KeyPartition } from './key-layout.js';
import { CLUSTER_CONSISTENCIES, CLUSTER_DEFAULTS, type ClusterConsistency } from './options.js';
import type { TrainingCluster as TrainingClusterType } from '../../../core/cluster/training/cluster.js';
import { collectFromRedis, dropFromRedis, seedRedis } from './redis-ps.js';
import { randomBytes } from 'node:crypto';
import type { Topology } from './allreduce.js';

export { CLUSTER_CONSISTENCIES, CLUSTER_DEFAULTS, type ClusterConsistency } from './options.js';

export interface ClusterSgdOptions extends Partial<SgdParams> {
  /** host:port of each `gasworks worker`. */
  workers: string[];
  security?: ClusterSecurity;
  consistency?: ClusterConsistency;
  /** 'data' (default): examples split over machines; 'model': features split, every example everywhere (bsp only). */
  parallelism?: 'data' | 'model';
  /** Virtual threads per machine: each takes its own batch per clock (the batches of one process with machines x threads threads). Default 1. */
  threadsPerMachine?: number;
  /** Parameter-server shards (default: one per machine), by key ranges or hashed keys. */
  psShards?: number;
  psPartition?: KeyPartition;
  /** Where the parameter server keeps the model: 'workers' (default) or a Redis / Valkey URL (redis://host:port). */
  ps?: string;
  topology?: Topology;
  localEpochs?: number;
  participation?: number;
  nonIid?: boolean;
  /** Milliseconds machine m sleeps before each clock (a straggler, for experiments). */
  delays?: number[];
  /** Called after each round. */
  onRound?: (round: RoundStats) => void;
  /** Workers standing by: one takes a lost worker's place and the run resumes from the last checkpoint. */
  spares?: string[];
  /** Checkpoint the model every this many rounds (default 0: only the start, which a resumed run starts over from). */
  checkpointEvery?: number;
  /** Called when a spare took a lost worker's place. */
  onRecovery?: (recovery: { lost: number[]; round: number; resumedAt: number; workers: string[] }) => void;
  /** Called with the model after each round but the last (gathered from the machines for it: not counted in the bytes sent). */
  onModel?: (round: number, weights: Float64Array) => void;
}

export interface RoundStats {
  round: number;
  /** Mean training log-loss met in the round (each example's loss before its step). */
  loss: number;
  seconds: number;
  /** Bytes sent between machines (and, for fedavg, models to and from the coordinator). */
  bytes: number;
  /** Seconds each machine computed in the round (not waiting for the others; NaN: it sat the round out). */
  busySeconds: number[];
}

export interface Straggler {
  machine: number;
  worker: string;
  /** Its median busy seconds per round, and the median of every machine's. */
  busySeconds: number;
  typicalSeconds: number;
}

export interface ClusterSgdResult {
  weights: Float64Array;
  numFeatures: number;
  consistency: ClusterConsistency;
  parallelism: 'data' | 'model';
  machines: number;
  params: SgdParams;
  history: number[];
  rounds: RoundStats[];
  bytesSent: number;
  /** Clocks a read was behind the slowest machine, at most (ps modes; 0 for synchronous ones). */
  maxStaleness: number;
  /** Reads answered by the parameter server, by clocks behind (ps modes). */
  staleness: number[];
  /** Lost workers replaced by spares, and the workers at the end. */
  recoveries: number;
  workers: string[];
  /** Machines that computed more than STRAGGLER_RATIO times the typical machine's time per round: the others waited for them. */
  stragglers: Straggler[];
  seconds: number;
}

const bytesOf = (a: Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The trainer module's path in the package, as the workers look it up (dist/apps/sgd/machine-trainer.js compiled). */
async function trainerModule(): Promise<string> {
  const { packageRoot } = await import('../../../core/cluster/program-shipping.js');
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return relative(packageRoot, fileURLToPath(new URL(`../machine-trainer${ext}`, import.meta.url))).split(sep).join('/');
}

function check(ok: boolean, name: string, expected: string, value: unknown): void {
  if (!ok) throw new UsageError(`trainLogisticCluster: ${name} must be ${expected}; got ${JSON.stringify(value)}`);
}

/** The examples sorted by label (negatives first), each class in its order: the non-iid split's input. */
function sortedByLabel(data: SparseDataset): SparseDataset {
  const order = Array.from({ length: data.numExamples }, (_, k) => k).sort((a, b) => (data.labels[a] > 0 ? 1 : 0) - (data.labels[b] > 0 ? 1 : 0) || a - b);
  const labels = new Float64Array(data.numExamples);
  const rowOffsets = new Uint32Array(data.numExamples + 1);
  const indices = new Uint32Array(data.indices.length);
  const values = new Float64Array(data.values.length);
  let at = 0;
  order.forEach((k, row) => {
    labels[row] = data.labels[k];
    for (let q = data.rowOffsets[k]; q < data.rowOffsets[k + 1]; q++, at++) {
      indices[at] = data.indices[q];
      values[at] = data.values[q];
    }
    rowOffsets[row + 1] = at;
  });
  return { ...data, labels, rowOffsets, indices, values };
}

/** Feature blocks with about the same number of nonzeros each: machine m holds [cuts[m], cuts[m + 1]). */
export function featureBlocks(data: SparseDataset, machines: number): number[] {
  const counts = new Float64Array(data.numFeatures);
  for (let q = 0; q < data.indices.length; q++) counts[data.indices[q]]++;
  const cuts = [0];
  let seen = 0;
  let j = 0;
  for (let m = 1; m < machines; m++) {
    while (j < data.numFeatures && seen + counts[j] <= (data.indices.length * m) / machines) seen += counts[j++];
    cuts.push(Math.max(j, cuts[m - 1]));
  }
  cuts.push(data.numFeatures);
  return cuts;
}

/** A machine is a straggler when its median busy time per round exceeds this many times the median machine's. */
export const STRAGGLER_RATIO = 1.5;

function medianOf(xs: number[]): number {
  const sorted = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function stragglersOf(rounds: RoundStats[], workers: readonly string[]): Straggler[] {
  if (workers.length < 2) return [];
  const perMachine = workers.map((_, m) => medianOf(rounds.map((r) => r.busySeconds[m])));
  const typical = medianOf(perMachine);
  return perMachine.flatMap((busy, machine) => (busy > STRAGGLER_RATIO * typical ? [{ machine, worker: workers[machine], busySeconds: busy, typicalSeconds: typical }] : []));
}

export async function trainLogisticCluster(data: SparseDataset, options: ClusterSgdOptions): Promise<ClusterSgdResult> {
  const { TrainingCluster } = await import('../../../core/cluster/training/cluster.js');
  const pick = <K extends keyof SgdParams>(key: K): SgdParams[K] => options[key] ?? SGD_DEFAULTS[key];
  const params: SgdParams = {
    epochs: pick('epochs'), learningRate: pick('learningRate'), decay: pick('decay'), lambda: pick('lambda'), batchSize: pick('batchSize'),
    staleness: pick('staleness'), tau: pick('tau'), alpha: pick('alpha'), seed: pick('seed'),
  };
  const consistency = options.consistency ?? 'bsp';
  const parallelism = options.parallelism ?? CLUSTER_DEFAULTS.parallelism;
  const M = options.workers.length;
  const T = options.threadsPerMachine ?? CLUSTER_DEFAULTS.threadsPerMachine;
  const shards = options.psShards ?? M;
  const localEpochs = options.localEpochs ?? CLUSTER_DEFAULTS.localEpochs;
  const participation = options.participation ?? CLUSTER_DEFAULTS.participation;
  check((CLUSTER_CONSISTENCIES as readonly string[]).includes(consistency), 'consistency', `one of ${CLUSTER_CONSISTENCIES.join(', ')}`, consistency);
  check(parallelism === 'data' || parallelism === 'model', 'parallelism', "'data' or 'model'", parallelism);
  check(parallelism === 'data' || consistency === 'bsp', 'consistency', "'bsp' with model parallelism (the margins of a batch are summed across machines each step)", consistency);
  check(M >= 1, 'workers', 'at least one worker address', options.workers);
  check(Number.isInteger(T) && T >= 1 && T <= 1024, 'threadsPerMachine', 'a whole number from 1 to 1024', T);
  check(Number.isInteger(shards) && shards >= 1 && shards <= 65_535, 'psShards', 'a whole number from 1 to 65535', shards);
  check(Number.isInteger(params.epochs) && params.epochs >= 1, 'epochs', 'a positive integer', params.epochs);
  check(Number.isInteger(params.batchSize) && params.batchSize >= 1, 'batchSize', 'a positive integer', params.batchSize);
  check(Number.isInteger(params.staleness) && params.staleness >= 0, 'staleness', 'an integer >= 0', params.staleness);
  check(Number.isInteger(params.tau) && params.tau >= 1, 'tau', 'a positive integer', params.tau);
  check(params.learningRate > 0 && params.decay >= 0 && params.lambda >= 0, 'learningRate, decay, lambda', '> 0, >= 0, >= 0', [params.learningRate, params.decay, params.lambda]);
  check(params.alpha > 0 && params.alpha <= 1, 'alpha', 'in (0, 1]', params.alpha);
  check(Number.isInteger(localEpochs) && localEpochs >= 1, 'localEpochs', 'a positive integer', localEpochs);
  check(participation > 0 && participation <= 1, 'participation', 'in (0, 1]', participation);
  check(options.topology === undefined || options.topology === 'ring' || options.topology === 'tree', 'topology', "'ring' or 'tree'", options.topology);
  check(options.psPartition === undefined || options.psPartition === 'range' || options.psPartition === 'hash', 'psPartition', "'range' or 'hash'", options.psPartition);
  if (data.numExamples === 0) throw new UsageError('trainLogisticCluster: no examples to train on');
  const redisUrl = options.ps === undefined || options.ps === 'workers' ? null : options.ps;
  check(redisUrl === null || /^rediss?:\/\/[^\s]+$/.test(redisUrl), 'ps', "'workers' or a redis://host:port URL", options.ps);
  check(redisUrl === null || (parallelism === 'data' && ['bsp', 'ssp', 'async', 'easgd'].includes(consistency)), 'consistency', 'bsp, ssp, async or easgd with a Redis parameter server (the store of the parameter server)', consistency);

  const d = data.numFeatures;
  const train = consistency === 'fedavg' && options.nonIid ? sortedByLabel(data) : data;
  const bounds = shardByNonzeros(train, M * T);
  let longestShard = 0;
  for (let t = 0; t < M * T; t++) longestShard = Math.max(longestShard, bounds[t + 1] - bounds[t]);
  const blocks = parallelism === 'model' ? featureBlocks(train, M) : [];
  // Each job (a resumed run starts a new one) keeps its own keys in Redis.
  const newPrefix = (): string => `gasworks:sgd:${randomBytes(8).toString('hex')}`;
  let redisPrefix = newPrefix();
  /** The machines (a spare takes a lost one's place), and where a resumed run starts. */
  const workers = [...options.workers];
  const spares = [...(options.spares ?? [])];
  const checkpointEvery = options.checkpointEvery ?? 0;
  check(Number.isInteger(checkpointEvery) && checkpointEvery >= 0, 'checkpointEvery', 'a whole number of rounds (0: only the start)', checkpointEvery);
  let checkpoint: { round: number; weights: Float64Array | null } = { round: 0, weights: null };
  const resume = (): { startRound: number; parts: Uint8Array[] } => ({ startRound: checkpoint.round, parts: checkpoint.weights === null ? [] : [bytesOf(checkpoint.weights)] });
  const layout = new KeyLayout(d + 1, shards, M, options.psPartition ?? CLUSTER_DEFAULTS.psPartition);
  const mode = parallelism === 'model' ? 'model' : consistency === 'allreduce' ? 'allreduce' : consistency === 'fedavg' ? 'fedavg' : 'ps';
  const setupFor = (m: number): { args: Record<string, unknown>; parts: Uint8Array[] } => {
    if (mode === 'model') {
      return { args: { mode, params, numFeatures: d, featureFrom: blocks[m], featureTo: blocks[m + 1], startRound: resume().startRound }, parts: [...examplesToParts(train, 0, train.numExamples, blocks[m], blocks[m + 1]), ...resume().parts] };
    }
    const first = bounds[m * T];
    const threadBounds = Array.from({ length: T + 1 }, (_, t) => bounds[m * T + t] - first);
    const args = {
      mode, params, numFeatures: d, consistency, shards, partition: options.psPartition ?? CLUSTER_DEFAULTS.psPartition, topology: options.topology ?? CLUSTER_DEFAULTS.topology,
      threadBounds, threadBase: m * T, longestShard, localEpochs, delayMs: options.delays?.[m] ?? 0,
      redis: redisUrl === null ? null : { url: redisUrl, prefix: redisPrefix },
      startRound: resume().startRound,
    };
    return { args, parts: [...examplesToParts(train, first, bounds[(m + 1) * T]), ...resume().parts] };
  };

  const module = await trainerModule();
  const openCluster = async (): Promise<TrainingClusterType> => {
    if (redisUrl !== null && checkpoint.weights !== null) await seedRedis(redisUrl, redisPrefix, layout, checkpoint.weights);
    return TrainingCluster.open({ workers, security: options.security, module, who: 'trainLogisticCluster' }, setupFor);
  };
  let cluster = await openCluster();
  let recoveries = 0;
  const started = performance.now();
  const rounds: RoundStats[] = [];
  let maxStaleness = 0;
  let staleness: number[] = [];
  let weights: Float64Array = new Float64Array(d + 1);
  const clocks = new Array<number>(M).fill(0);
  let finished = false;
  const collect = async (): Promise<void> => {
    if (mode === 'ps' && redisUrl !== null) {
      const replies = await cluster.all<{ staleness: number[] }>('collect', () => ({ clocks }));
      staleness = [];
      for (const r of replies) r.json.staleness.forEach((n, behind) => (staleness[behind] = (staleness[behind] ?? 0) + n));
      staleness = Array.from(staleness, (n) => n ?? 0);
      weights = await collectFromRedis(redisUrl, redisPrefix, layout, clocks, finished);
    } else if (mode === 'ps') {
      const replies = await cluster.all<{ shards: number[]; staleness: number[] }>('collect', () => ({ clocks }));
      // The shards' counts are since the start: this collection's replace the last one's.
      staleness = [];
      weights = new Float64Array(d + 1);
      const seen = new Uint8Array(d + 1);
      for (const r of replies) {
        r.json.staleness.forEach((n, behind) => (staleness[behind] = (staleness[behind] ?? 0) + n));
        for (let i = 0; i + 1 < r.parts.length; i += 2) {
          const keys = toUint32(r.parts[i]);
          const values = toFloat64(r.parts[i + 1]);
          keys.forEach((key, at) => {
            if (key > d || seen[key]) throw new Error(`trainLogisticCluster: key ${key} came from two shards`);
            seen[key] = 1;
            weights[key] = values[at];
          });
        }
      }
      if (seen.some((x) => x === 0)) throw new Error('trainLogisticCluster: the shards did not hold every key');
      staleness = Array.from(staleness, (n) => n ?? 0);
    } else if (mode === 'allreduce') {
      const replies = await cluster.all('collect');
      weights = toFloat64(replies[0].parts[0]);
      // Every replica takes the same steps: they must agree to the bit.
      for (const r of replies) if (!toFloat64(r.parts[0]).every((x, j) => Object.is(x, weights[j]))) throw new Error('trainLogisticCluster: the all-reduce replicas disagree');
    } else if (mode === 'model') {
      const replies = await cluster.all<{ featureFrom: number; featureTo: number; bias: number | null }>('collect');
      weights = new Float64Array(d + 1);
      replies.forEach((r, m) => {
        weights.set(toFloat64(r.parts[0]), r.json.featureFrom);
        if (m === 0) weights[d] = r.json.bias ?? 0;
      });
    }
  };
  try {
    const random = sfc32Seed((params.seed * 7_368_787) | 0);
    let round = 0;
    while (round < params.epochs) {
      try {
      const began = performance.now();
      let loss = 0;
      let bytes = 0;
      const busySeconds = new Array<number>(M).fill(NaN);
      if (mode === 'fedavg') {
        // The round's participants: a seeded draw of ceil(participation M) machines.
        const chosen = Array.from(sfc32Shuffle(random, Uint32Array.from({ length: M }, (_, m) => m)).subarray(0, Math.max(1, Math.ceil(participation * M)))).sort((a, b) => a - b);
        const model = bytesOf(weights);
        const replies = await Promise.all(chosen.map((m) => cluster.call<{ loss: number; examples: number; busySeconds: number }>(m, 'round', { round }, [model])));
        replies.forEach((r, i) => (busySeconds[chosen[i]] = r.json.busySeconds));
        const sum = new Float64Array(d + 1);
        let examples = 0;
        replies.forEach((r) => {
          const w = toFloat64(r.parts[0]);
          if (w.length !== d + 1) throw new Error(`trainLogisticCluster: a machine returned a model of ${w.length} values`);
          for (let j = 0; j <= d; j++) sum[j] += w[j] * r.json.examples;
          examples += r.json.examples;
          loss += r.json.loss;
        });
        // Participants without examples leave the model as it was.
        if (examples > 0) {
          for (let j = 0; j <= d; j++) sum[j] /= examples;
          weights = sum;
          loss /= examples;
        }
        bytes = 2 * chosen.length * (d + 1) * 8;
      } else {
        const replies = await cluster.all<{ loss: number; bytes: number; clock: number; maxStaleness: number; busySeconds: number }>('round', () => ({ epoch: round }));
        replies.forEach((r, m) => {
          busySeconds[m] = r.json.busySeconds;
          loss += r.json.loss;
          bytes += r.json.bytes;
          clocks[m] = r.json.clock;
          maxStaleness = Math.max(maxStaleness, r.json.maxStaleness);
        });
        loss /= train.numExamples;
      }
      const stats = { round, loss, seconds: (performance.now() - began) / 1000, bytes, busySeconds };
      rounds.push(stats);
      options.onRound?.(stats);
      const checkpointNow = checkpointEvery > 0 && (round + 1) % checkpointEvery === 0 && round < params.epochs - 1;
      if ((options.onModel !== undefined || checkpointNow) && round < params.epochs - 1) {
        if (mode !== 'fedavg') await collect();
        options.onModel?.(round, weights);
        if (checkpointNow) checkpoint = { round: round + 1, weights: Float64Array.from(weights) };
      }
      round++;
      } catch (error) {
        // A lost worker: a spare takes its place and the run resumes from the last checkpoint.
        const lost = await cluster.lostMachines();
        if (lost.length === 0) throw error;
        if (spares.length < lost.length) {
          throw new UsageError(`trainLogisticCluster: lost ${lost.map((m) => `machine ${m} (${workers[m]})`).join(', ')} in round ${round + 1}${options.spares?.length ? ' and no spare worker is left to take its place' : '; give spare workers (--spare host:port) to carry on'}`);
        }
        await cluster.release();
        if (redisUrl !== null) await dropFromRedis(redisUrl, redisPrefix, shards).catch(() => undefined);
        for (const m of lost) workers[m] = spares.shift()!;
        recoveries++;
        options.onRecovery?.({ lost, round, resumedAt: checkpoint.round, workers: [...workers] });
        rounds.length = checkpoint.round;
        round = checkpoint.round;
        weights = checkpoint.weights === null ? new Float64Array(d + 1) : Float64Array.from(checkpoint.weights);
        clocks.fill(0);
        redisPrefix = newPrefix();
        cluster = await openCluster();
      }
    }
    finished = true;
    await collect();
    options.onModel?.(params.epochs - 1, weights);
  } catch (error) {
    if (redisUrl !== null) await dropFromRedis(redisUrl, redisPrefix, shards).catch(() => undefined);
    throw error;
  } finally {
    await cluster.release();
  }
  return {
    weights, numFeatures: d, consistency, parallelism, machines: M, params,
    history: rounds.map((r) => r.loss), rounds,
    bytesSent: rounds.reduce((s, r) => s + r.bytes, 0), maxStaleness, staleness, stragglers: stragglersOf(rounds, workers), recoveries, workers,
    seconds: (performance.now() - started) / 1000,
  };
}
