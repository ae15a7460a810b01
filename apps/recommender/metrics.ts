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
import { UsageError } from '../../core/errors.js';
import { FLOAT32_EXACT, GpuScores, offerWebGpu, type GpuMode } from '../../kernels/gpu.js';
import { scoreItems } from '../../kernels/scores.js';
import { topByScore } from '../metrics/top-k.js';
import { indexOfId, predict, type FactorModel } from './model.js';

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
  const tally = new RankingTally(model, train, test, k, relevant);
  const scores = new Float64Array(model.numItems);
  for (let u = 0; u < model.numUsers; u++) {
    if (!tally.evaluates(u)) continue;
    scoreItems(model.users, u, model.items, model.numItems, model.rank, model.mean, scores);
    tally.add(u, scores);
  }
  return tally.result();
}

/**
 * rankingQuality with the scores of blocks of users computed by gpu.js
 * (kernels/gpu.ts; `mode` as there): the same lists where 32-bit scores
 * order items as 64-bit ones do, so figures agree to the odd tie.
 */
export async function rankingQualityOnGpu(
  model: FactorModel,
  train: Ratings,
  test: Ratings,
  k = 10,
  relevant = 4,
  options: { mode?: GpuMode; blockSize?: number } = {},
): Promise<RankingQuality & { backend: string }> {
  const width = model.rank + 1;
  const blockSize = Math.max(1, Math.min(options.blockSize ?? 256, model.numUsers));
  // The kernel reads item rows at item * (rank + 1) + k through 32-bit floats.
  if (model.numItems * width >= FLOAT32_EXACT || blockSize * width >= FLOAT32_EXACT) {
    throw new UsageError(`rankingQualityOnGpu: gpu kernels index with 32-bit floats, exact below ${FLOAT32_EXACT}: ${model.numItems} items x ${width} values is too many`);
  }
  const tally = new RankingTally(model, train, test, k, relevant);
  await offerWebGpu();
  const gpu = new GpuScores(model.rank, Math.max(1, model.numItems), blockSize, { mode: options.mode });
  try {
    const items32 = Float32Array.from(model.items.length > 0 ? model.items : [0]);
    const users32 = new Float32Array(blockSize * width);
    for (let first = 0; first < model.numUsers; first += blockSize) {
      const count = Math.min(blockSize, model.numUsers - first);
      users32.fill(0);
      users32.set(model.users.subarray(first * width, (first + count) * width));
      const rows = await gpu.compute(users32, items32, model.mean);
      for (let s = 0; s < count; s++) if (tally.evaluates(first + s)) tally.add(first + s, rows[s]);
    }
    return { ...tally.result(), backend: gpu.backend };
  } finally {
    await gpu.destroy();
  }
}

/** The running sums of rankingQuality, one user's scores at a time. */
class RankingTally {
  private readonly seen: ReturnType<typeof itemsByUser>;
  private readonly liked: ReturnType<typeof itemsByUser>;
  private readonly good: Uint8Array;
  private readonly exclude: Uint8Array;
  private precision = 0;
  private recall = 0;
  private ndcg = 0;
  private users = 0;

  constructor(
    model: FactorModel,
    train: Ratings,
    test: Ratings,
    private readonly k: number,
    private readonly relevant: number,
  ) {
    this.seen = itemsByUser(train, modelIndices(train.itemIds, model.itemIds), model.numUsers, modelIndices(train.userIds, model.userIds));
    this.liked = itemsByUser(test, modelIndices(test.itemIds, model.itemIds), model.numUsers, modelIndices(test.userIds, model.userIds));
    this.good = new Uint8Array(model.numItems);
    this.exclude = new Uint8Array(model.numItems);
  }

  /** Whether user u has a relevant test item the model knows (else u is not counted). */
  evaluates(u: number): boolean {
    const { liked, relevant } = this;
    for (let q = liked.offsets[u]; q < liked.offsets[u + 1]; q++) if (liked.items[q] >= 0 && liked.values[q] >= relevant) return true;
    return false;
  }

  /** Count user u (one that `evaluates`) with its scores for every item. */
  add(u: number, scores: Float64Array | Float32Array): void {
    const { seen, liked, good, exclude, k, relevant } = this;
    // The test ratings of u, kept when relevant and the item is known.
    let relevantCount = 0;
    for (let q = liked.offsets[u]; q < liked.offsets[u + 1]; q++) {
      const i = liked.items[q];
      if (i >= 0 && liked.values[q] >= relevant && good[i] === 0) {
        good[i] = 1;
        relevantCount++;
      }
    }
    for (let q = seen.offsets[u]; q < seen.offsets[u + 1]; q++) if (seen.items[q] >= 0) exclude[seen.items[q]] = 1;
    const top = topByScore(scores, k, exclude);
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
    this.precision += hits / k;
    this.recall += hits / relevantCount;
    this.ndcg += dcg / ideal;
    this.users++;
    for (let q = seen.offsets[u]; q < seen.offsets[u + 1]; q++) if (seen.items[q] >= 0) exclude[seen.items[q]] = 0;
    for (let q = liked.offsets[u]; q < liked.offsets[u + 1]; q++) if (liked.items[q] >= 0) good[liked.items[q]] = 0;
  }

  result(): RankingQuality {
    const { users, k } = this;
    return { k, precision: users ? this.precision / users : NaN, recall: users ? this.recall / users : NaN, ndcg: users ? this.ndcg / users : NaN, users };
  }
}
