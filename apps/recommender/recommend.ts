/**
 * Top-N recommendations from a factor model: score every item for a user
 * (into a caller's reusable array), skip the excluded ones (those the user
 * already rated), and keep the best n (apps/metrics/top-k.ts).
 */
import { UsageError } from '../../core/errors.js';
import { scoreItems } from '../../kernels/scores.js';
import { topByScore } from '../metrics/top-k.js';
import { predict, type FactorModel } from './model.js';

/** Dense indices of user u's best `n` items, best first. `exclude[i] = 1` skips item i. */
export function topItems(model: FactorModel, u: number, n: number, exclude: Uint8Array | null, scores = new Float64Array(model.numItems)): Int32Array {
  scoreItems(model.users, u, model.items, model.numItems, model.rank, model.mean, scores);
  return topByScore(scores, n, exclude);
}

/** The model's top `n` items for user u as file ids and predicted ratings. */
export function recommend(model: FactorModel, u: number, n: number, exclude: Uint8Array | null): Array<{ item: number; score: number }> {
  const scores = new Float64Array(model.numItems);
  const top = topItems(model, u, n, exclude, scores);
  // Finite factors can still overflow a dot product: never rank by, or print, a score that is not a number.
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) throw new UsageError(`recommend: the model's score of item ${model.itemIds[i]} for user ${model.userIds[u]} is ${scores[i]} (its factors overflow); train it again with a larger lambda`);
  }
  return Array.from(top, (i) => ({ item: model.itemIds[i], score: predict(model, u, i) }));
}
