/**
 * The worker-side trainer of distributed logistic regression: what a
 * `gasworks worker` loads (core/cluster/training/host.ts) when `gasworks sgd
 * --cluster` sets up a job. Its setup names the mode and carries the
 * machine's examples; the mode's machine (apps/sgd/cluster/) does the rest.
 */
import type { CreateTrainer, Trainer } from '../../core/cluster/training/trainer.js';
import { AllreduceMachine, type AllreduceArgs } from './cluster/allreduce.js';
import { examplesFromParts } from './cluster/examples-wire.js';
import { toFloat64 } from '../../core/cluster/wire.js';
import type { ResumeFrom } from './cluster/local-steps.js';
import { FedavgMachine, type FedavgArgs } from './cluster/fedavg.js';
import { ModelParallelMachine, type ModelParallelArgs } from './cluster/model-parallel.js';
import { PsMachine, type PsMachineArgs } from './cluster/ps-worker.js';

export type MachineMode = 'ps' | 'allreduce' | 'fedavg' | 'model';

/** The most features a machine takes (its tables cost about 40 bytes a feature). */
const MAX_FEATURES = 2 ** 27;

const whole = (x: unknown, lo: number, hi: number): boolean => Number.isInteger(x) && (x as number) >= lo && (x as number) <= hi;

/** The setup's arguments checked before anything is sized by them (they come from the authenticated coordinator, but a mistake must fail by name, not exhaust the worker). */
function checkArgs(args: Record<string, unknown>, examples: number, numFeatures: number): void {
  const fail = (what: string): never => {
    throw new Error(`sgd trainer: ${what}`);
  };
  const p = args.params as Record<string, unknown> | undefined;
  if (p === undefined || typeof p !== 'object') fail('no params');
  const { learningRate, decay, lambda, batchSize, staleness, tau, alpha, seed } = p as Record<string, number>;
  if (!(learningRate > 0 && decay >= 0 && lambda >= 0 && Number.isFinite(learningRate + decay + lambda))) fail('learningRate, decay and lambda must be finite, > 0, >= 0, >= 0');
  if (!whole(batchSize, 1, 2 ** 31) || !whole(staleness, 0, 2 ** 31) || !whole(tau, 1, 2 ** 31) || !whole(seed, -(2 ** 53), 2 ** 53)) fail('batchSize, staleness, tau and seed must be whole numbers in range');
  if (!(alpha > 0 && alpha <= 1)) fail('alpha must be in (0, 1]');
  if (!whole(args.startRound ?? 0, 0, 1e6)) fail('startRound must be a whole number');
  if (args.mode === 'model') {
    if (!whole(args.featureFrom, 0, numFeatures) || !whole(args.featureTo, args.featureFrom as number, numFeatures)) fail('a feature block must lie within the features');
    return;
  }
  const bounds = args.threadBounds;
  if (!Array.isArray(bounds) || bounds.length < 2 || bounds.length > 1025 || bounds[0] !== 0 || bounds[bounds.length - 1] !== examples || !bounds.every((b, i) => whole(b, 0, examples) && (i === 0 || b >= bounds[i - 1]))) fail(`threadBounds must rise from 0 to the ${examples} examples sent`);
  const longest = Math.max(...(bounds as number[]).slice(1).map((b, i) => b - (bounds as number[])[i]));
  if (!whole(args.longestShard, longest, 2 ** 31)) fail(`longestShard must be at least this machine's longest shard, ${longest}`);
  if (!whole(args.threadBase, 0, 2 ** 31)) fail('threadBase must be a whole number');
  if (args.mode === 'ps') {
    if (!['bsp', 'ssp', 'async', 'easgd'].includes(args.consistency as string)) fail('consistency must be bsp, ssp, async or easgd');
    if (!whole(args.shards, 1, 65_535) || !['range', 'hash'].includes(args.partition as string)) fail('shards must be 1..65535, partition range or hash');
    if (!whole(args.delayMs ?? 0, 0, 60_000)) fail('delayMs must be 0..60000');
  }
  if (args.mode === 'allreduce' && !['ring', 'tree'].includes(args.topology as string)) fail('topology must be ring or tree');
  if (args.mode === 'fedavg' && !whole(args.localEpochs, 1, 10_000)) fail('localEpochs must be 1..10000');
}

export const createTrainer: CreateTrainer = (setup, link): Trainer => {
  const mode = setup.args.mode as MachineMode;
  const numFeatures = Number(setup.args.numFeatures);
  if (!whole(numFeatures, 0, MAX_FEATURES)) throw new Error(`sgd trainer: numFeatures must be a whole number up to ${MAX_FEATURES}; got ${setup.args.numFeatures}`);
  const data = examplesFromParts(setup.parts, numFeatures);
  checkArgs(setup.args, data.numExamples, numFeatures);
  // A run resumed from a checkpoint: its weights, and the rounds already taken (the shuffles skip as many).
  const start: ResumeFrom = { weights: setup.parts.length > 4 ? toFloat64(setup.parts[4]) : null, round: Number(setup.args.startRound ?? 0) };
  if (start.weights !== null && start.weights.length !== numFeatures + 1) throw new Error(`sgd trainer: a checkpoint of ${start.weights.length} values for ${numFeatures} features and a bias`);
  if (!(Number.isInteger(start.round) && start.round >= 0)) throw new Error(`sgd trainer: startRound must be a whole number; got ${setup.args.startRound}`);
  switch (mode) {
    case 'ps':
      return new PsMachine(setup.args as unknown as PsMachineArgs, data, link, start, setup.threads);
    case 'allreduce':
      return new AllreduceMachine(setup.args as unknown as AllreduceArgs, data, link, start, setup.threads);
    case 'fedavg':
      return new FedavgMachine(setup.args as unknown as FedavgArgs, data, link.machine, setup.threads);
    case 'model':
      return new ModelParallelMachine(setup.args as unknown as ModelParallelArgs, data, link, start);
    default:
      throw new Error(`sgd trainer: no mode ${JSON.stringify(mode)}`);
  }
};
