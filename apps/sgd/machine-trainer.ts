/**
 * The worker-side trainer of distributed logistic regression: what a
 * `gasworks worker` loads (core/cluster/training/host.ts) when `gasworks sgd
 * --cluster` sets up a job. Its setup names the mode and carries the
 * machine's examples; the mode's machine (apps/sgd/cluster/) does the rest.
 */
import type { CreateTrainer, Trainer } from '../../core/cluster/training/trainer.js';
import { AllreduceMachine, type AllreduceArgs } from './cluster/allreduce.js';
import { examplesFromParts } from './cluster/examples-wire.js';
import { FedavgMachine, type FedavgArgs } from './cluster/fedavg.js';
import { ModelParallelMachine, type ModelParallelArgs } from './cluster/model-parallel.js';
import { PsMachine, type PsMachineArgs } from './cluster/ps-worker.js';

export type MachineMode = 'ps' | 'allreduce' | 'fedavg' | 'model';

export const createTrainer: CreateTrainer = (setup, link): Trainer => {
  const mode = setup.args.mode as MachineMode;
  const numFeatures = Number(setup.args.numFeatures);
  if (!(Number.isInteger(numFeatures) && numFeatures >= 0 && numFeatures < 2 ** 31)) throw new Error(`sgd trainer: numFeatures must be a whole number; got ${setup.args.numFeatures}`);
  const data = examplesFromParts(setup.parts, numFeatures);
  switch (mode) {
    case 'ps':
      return new PsMachine(setup.args as unknown as PsMachineArgs, data, link);
    case 'allreduce':
      return new AllreduceMachine(setup.args as unknown as AllreduceArgs, data, link);
    case 'fedavg':
      return new FedavgMachine(setup.args as unknown as FedavgArgs, data);
    case 'model':
      return new ModelParallelMachine(setup.args as unknown as ModelParallelArgs, data, link);
    default:
      throw new Error(`sgd trainer: no mode ${JSON.stringify(mode)}`);
  }
};
