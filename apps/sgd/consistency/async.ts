/**
 * 'async' (Hogwild!, Niu et al. 2011): per-example updates straight into
 * the shared weights, no locks; two threads can lose one of two adds to a
 * weight at the same moment, the price of the model.
 */
import type { ThreadModel } from './model.js';
import { exampleStep } from './steps.js';

export const asyncModel: ThreadModel = {
  start: ({ shared, order }) => ({
    epoch(rate) {
      const { weights, data } = shared;
      const { lambda } = shared.params;
      let loss = 0;
      for (let i = 0; i < order.length; i++) loss += exampleStep(weights, data, order[i], rate, lambda);
      return loss;
    },
  }),
};
