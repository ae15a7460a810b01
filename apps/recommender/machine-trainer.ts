/**
 * The worker-side trainer of the recommender across machines: what a
 * `gasworks worker` loads (core/cluster/training/host.ts) for
 * `gasworks recommend train -a sgd --schedule strata --cluster`
 * (strata-machine.ts).
 */
import type { CreateTrainer } from '../../core/cluster/training/trainer.js';
import { StrataMachine, type StrataMachineArgs } from './strata-machine.js';

export const createTrainer: CreateTrainer = (setup, link) => {
  if (setup.args.mode !== 'strata') throw new Error(`recommender trainer: no mode ${JSON.stringify(setup.args.mode)}`);
  return new StrataMachine(setup.args as unknown as StrataMachineArgs, setup.parts, link);
};
