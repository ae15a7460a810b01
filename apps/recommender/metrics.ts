/**
 * How good a factor model is on held-out ratings. Rating error: RMSE and MAE
 * over the test ratings whose user and item the model knows (the others are
 * counted, and predicted by the mean plus the known bias, if any), with
 * predictions clamped to the rating scale. Ranking quality, for users with at
 * least one relevant test item (rated >= `relevant`): precision, recall and
 * NDCG of the model's top k among the items the user did not rate in training,
 * averaged over those users. Test ratings are matched to the model by file
 * id, so a test file may number users and items its own way.
 */
import type { Ratings } from '../../core/graph/loaders/movielens.js';
import { indexOfId, predict, type FactorModel } from './model.js';
import { topItems } from './recommend.js';

export interface RatingError {
  rmse: number;
  mae: number;
  count: number;
  /** Test ratings whose user or item the model has never seen. */
  unknown: number;
}

/** Model index of each test user / item (-1 when unknown). */
function modelIndices(testIds: Float64Array, modelIds: Float64Array): Int32Array {
  const out = new Int32Array(testIds.length);
  for (let k = 0; k < testIds.length; k++) out[k] = indexOfId(modelIds, testIds[k]);
  return out;
}

/** RMSE and MAE of the model on `test`, predictions clamped into `scale` (default: no clamp). */
export function ratingError(model: FactorModel, test: Ratings, scale?: readonly [number, number]): RatingError {
  const users = modelIndices(test.userIds, model.userIds);
  const items = modelIndices(test.itemIds, model.itemIds);
  const width = model.rank + 1;
  const low = scale ? scale[0] : -Infinity;
  const high = scale ? scale[1] : Infinity;
  let squared = 0;
  let absolute = 0;
  let unknown = 0;
  for (let k = 0; k < test.count; k++) {
    const u = users[test.users[k]];
    const i = items[test.items[k]];
    let prediction: number;
    if (u >= 0 && i >= 0) prediction = predict(model, u, i);
    else {
      unknown++;
      prediction = model.mean + (u >= 0 ? model.users[u * width + model.rank] : 0) + (i >= 0 ? model.items[i * width + model.rank] : 0);
    }
    prediction = Math.min(high, Math.max(low, prediction));
    const error = test.values[k] - prediction;
    squared += error * error;
    absolute += Math.abs(error);
  }
  const count = test.count;
  return { rmse: count ? Math.sqrt(squared / count) : NaN, mae: count ? absolute / count : NaN, count, unknown };
}

export interface RankingQuality {
  k: number;
  precision: number;
  recall: number;
  ndcg: number;
  /** Users evaluated (known to the model, with a relevant test item). */
  users: number;
}

/** The ratings of `r` grouped by model user: model item indices (-1 unknown) and values, CSR by user. */
export function itemsByUser(
  r: Ratings,
  itemIndex: Int32Array,
  numUsers: number,
  userIndex: Int32Array,
): { offsets: Uint32Array; items: Int32Array; values: Float64Array } {
  const offsets = new Uint32Array(numUsers + 1);
  for (let k = 0; k < r.count; k++) {
    const u = userIndex[r.users[k]];
    if (u >= 0) offsets[u + 1]++;
  }
  for (let u = 0; u < numUsers; u++) offsets[u + 1] += offsets[u];
  const fill = offsets.slice(0, numUsers);
  const items = new Int32Array(offsets[numUsers]);
  const values = new Float64Array(offsets[numUsers]);
  for (let k = 0; k < r.count; k++) {
    const u = userIndex[r.users[k]];
    if (u < 0) continue;
    values[fill[u]] = r.values[k];
    items[fill[u]++] = itemIndex[r.items[k]];
  }
  return { offsets, items, values };
}

/**
 * Precision, recall and NDCG at k of the model's top-k lists (items rated in
 * `train` excluded), against the test items each user rated >= `relevant`.
 */
export function rankingQuality(model: FactorModel, train: Ratings, test: Ratings, k = 10, relevant = 4): RankingQuality {
  const seen = itemsByUser(train, modelIndices(train.itemIds, model.itemIds), model.numUsers, modelIndices(train.userIds, model.userIds));
  const liked = itemsByUser(test, modelIndices(test.itemIds, model.itemIds), model.numUsers, modelIndices(test.userIds, model.userIds));
  const good = new Uint8Array(model.numItems);
  const exclude = new Uint8Array(model.numItems);
  const scores = new Float64Array(model.numItems);
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let users = 0;
  for (let u = 0; u < model.numUsers; u++) {
    // The test ratings of u, kept when relevant and the item is known.
    let relevantCount = 0;
    for (let q = liked.offsets[u]; q < liked.offsets[u + 1]; q++) {
      const i = liked.items[q];
      if (i >= 0 && liked.values[q] >= relevant && good[i] === 0) {
        good[i] = 1;
        relevantCount++;
      }
    }
    if (relevantCount > 0) {
      for (let q = seen.offsets[u]; q < seen.offsets[u + 1]; q++) if (seen.items[q] >= 0) exclude[seen.items[q]] = 1;
      const top = topItems(model, u, k, exclude, scores);
      let hits = 0;
      let dcg = 0;
      for (let r = 0; r < top.length; r++) {
        if (good[top[r]] === 1) {
          hits++;
          dcg += 1 / Math.log2(r + 2);
        }
      }
      let ideal = 0;
      for (let r = 0; r < Math.min(k, relevantCount); r++) ideal += 1 / Math.log2(r + 2);
      precision += hits / k;
      recall += hits / relevantCount;
      ndcg += dcg / ideal;
      users++;
      for (let q = seen.offsets[u]; q < seen.offsets[u + 1]; q++) if (seen.items[q] >= 0) exclude[seen.items[q]] = 0;
    }
    for (let q = liked.offsets[u]; q < liked.offsets[u + 1]; q++) if (liked.items[q] >= 0) good[liked.items[q]] = 0;
  }
  return { k, precision: users ? precision / users : NaN, recall: users ? recall / users : NaN, ndcg: users ? ndcg / users : NaN, users };
}
