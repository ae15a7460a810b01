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

export const createTrainer: CreateTrainer = (setup, link): Trainer => {
  const mode = setup.args.mode as MachineMode;
  const numFeatures = Number(setup.args.numFeatures);
  if (!(Number.isInteger(numFeatures) && numFeatures >= 0 && numFeatures < 2 ** 31)) throw new Error(`sgd trainer: numFeatures must be a whole number; got ${setup.args.numFeatures}`);
  const data = examplesFromParts(setup.parts, numFeatures);
  // A run resumed from a checkpoint: its weights, and the rounds already taken (the shuffles skip as many).
  const start: ResumeFrom = { weights: setup.parts.length > 4 ? toFloat64(setup.parts[4]) : null, round: Number(setup.args.startRound ?? 0) };
  if (start.weights !== null && start.weights.length !== numFeatures + 1) throw new Error(`sgd trainer: a checkpoint of ${start.weights.length} values for ${numFeatures} features and a bias`);
  if (!(Number.isInteger(start.round) && start.round >= 0)) throw new Error(`sgd trainer: startRound must be a whole number; got ${setup.args.startRound}`);
  switch (mode) {
    case 'ps':
      return new PsMachine(setup.args as unknown as PsMachineArgs, data, link, start);
    case 'allreduce':
      return new AllreduceMachine(setup.args as unknown as AllreduceArgs, data, link, start);
    case 'fedavg':
      return new FedavgMachine(setup.args as unknown as FedavgArgs, data, start);
    case 'model':
      return new ModelParallelMachine(setup.args as unknown as ModelParallelArgs, data, link, start);
    default:
      throw new Error(`sgd trainer: no mode ${JSON.stringify(mode)}`);
  }
};
