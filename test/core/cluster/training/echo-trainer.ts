/** A trainer for the host's tests: answers every call with its op and how many calls it has had. */
import type { CreateTrainer } from '../../../../core/cluster/training/trainer.js';

export const createTrainer: CreateTrainer = () => {
  let calls = 0;
  return { call: (op) => ({ json: { op, calls: ++calls } }) };
};
