/**
 * Hyper-parameter search for the recommender: grid or seeded random search
 * over rank, lambda, iterations, learning rate and alpha, each setting
 * scored by k-fold cross-validation on one ratings set (or on a given
 * train / test split) with test RMSE (lower is better) or precision / NDCG
 * at k (higher is better), the mean over folds. A setting whose training
 * diverges scores as the worst possible and is marked so. The folds are a
 * seeded hash of each rating's index, so a search is the same on every run.
 */
import { UsageError } from '../../core/errors.js';
import type { Ratings } from '../../core/graph/loaders/movielens.js';
import { hash32 } from '../../core/util/random.js';
import { DivergedError } from './divergence.js';
import { rankingQuality, ratingError } from './metrics.js';
import { trainFactorModel, type FactorAlgorithm, type TrainOptions } from './train.js';

export type TuneMetric = 'rmse' | 'precision' | 'ndcg';
export type TuneParameter = 'rank' | 'lambda' | 'iterations' | 'learningRate' | 'alpha';
export const TUNE_PARAMETERS: readonly TuneParameter[] = ['rank', 'lambda', 'iterations', 'learningRate', 'alpha'];

/** The values to try for each parameter searched (the others take train.ts's defaults). */
export type TuneSpace = Partial<Record<TuneParameter, number[]>>;

/** What each algorithm searches when the caller names no values. */
export const TUNE_DEFAULTS = {
  folds: 5,
  trials: 20,
  k: 10,
  seed: 1,
  space: {
    als: { rank: [5, 10, 20, 40], lambda: [0.05, 0.1, 0.2], iterations: [10, 20] },
    sgd: { rank: [10, 20, 40], lambda: [0.02, 0.05, 0.1], learningRate: [0.005, 0.01], iterations: [30, 60] },
    svdpp: { rank: [10, 20], lambda: [0.02, 0.05, 0.1], learningRate: [0.003, 0.005, 0.007], iterations: [20, 40] },
    ials: { rank: [10, 20, 40], lambda: [1, 10, 30], alpha: [0.1, 0.5, 1, 2], iterations: [10] },
  } satisfies Record<FactorAlgorithm, TuneSpace>,
};

export interface TuneOptions {
  algo: FactorAlgorithm;
  /** Default TUNE_DEFAULTS.space[algo]. */
  space?: TuneSpace;
  /** 'grid' (every combination, the default) or 'random' (`trials` distinct combinations, seeded). */
  search?: 'grid' | 'random';
  trials?: number;
  /** Cross-validation folds (default 5), when there is no `test`. */
  folds?: number;
  /** A given split: train on the ratings, score on these. */
  test?: Ratings;
  /** Default 'rmse' for rating models, 'precision' for ials. */
  metric?: TuneMetric;
  /** List length for precision and NDCG (default 10); relevant = rated >= 4. */
  k?: number;
  /** Seed of the folds, of random search and of the models' initial factors. */
  seed?: number;
  workers?: number;
  /** After each model fit: fits done and in all. */
  onFit?: (done: number, total: number) => void;
}

export interface TuneTrial {
  params: Partial<Record<TuneParameter, number>>;
  /** Mean over folds (NaN never: a diverged setting scores Infinity for rmse, 0 otherwise). */
  score: number;
  folds: number[];
  diverged: boolean;
}

export interface TuneResult {
  algo: FactorAlgorithm;
  metric: TuneMetric;
  k: number;
  /** Folds, or 1 for a given split. */
  folds: number;
  search: 'grid' | 'random';
  seed: number;
  /** In the order they ran. */
  trials: TuneTrial[];
  best: TuneTrial;
}

/** Whether a lower score is better. */
export const lowerIsBetter = (metric: TuneMetric): boolean => metric === 'rmse';

/** Every combination of the space's values, in order (the first parameter varies slowest). */
export function gridOf(space: TuneSpace): Array<Partial<Record<TuneParameter, number>>> {
  let combos: Array<Partial<Record<TuneParameter, number>>> = [{}];
  for (const name of TUNE_PARAMETERS) {
    const values = space[name];
    if (values === undefined) continue;
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  return combos;
}

/** `count` distinct combinations picked by a seeded shuffle (all of them when there are no more). */
function randomPick<T>(all: T[], count: number, seed: number): T[] {
  const order = all.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = hash32(i, seed ^ 0x5eed) % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, Math.min(count, all.length)).map((i) => all[i]);
}

/** The ratings whose fold (a seeded hash of the index) is or is not `fold`. */
function foldOf(r: Ratings, folds: number, fold: number, seed: number, inFold: boolean): Ratings {
  let count = 0;
  const keep = new Uint8Array(r.count);
  for (let k = 0; k < r.count; k++) {
    if ((hash32(k, seed) % folds === fold) === inFold) {
      keep[k] = 1;
      count++;
    }
  }
  const users = new Uint32Array(count);
  const items = new Uint32Array(count);
  const values = new Float64Array(count);
  for (let k = 0, j = 0; k < r.count; k++) {
    if (keep[k] === 0) continue;
    users[j] = r.users[k];
    items[j] = r.items[k];
    values[j++] = r.values[k];
  }
  return { ...r, users, items, values, times: null, count };
}

function checkSpace(space: TuneSpace, algo: FactorAlgorithm): void {
  for (const [name, values] of Object.entries(space)) {
    if (!TUNE_PARAMETERS.includes(name as TuneParameter)) throw new UsageError(`tuneFactorModel: space names ${name}; expected ${TUNE_PARAMETERS.join(', ')}`);
    if (!Array.isArray(values) || values.length === 0) throw new UsageError(`tuneFactorModel: space.${name} must be a non-empty list of values`);
    const integer = name === 'rank' || name === 'iterations';
    for (const v of values) {
      if (!(Number.isFinite(v) && (integer ? Number.isInteger(v) && v >= 1 : name === 'alpha' ? v >= 0 : v > 0))) {
        throw new UsageError(`tuneFactorModel: space.${name} values must be ${integer ? 'positive integers' : name === 'alpha' ? 'numbers >= 0' : 'numbers > 0'}; got ${v}`);
      }
    }
  }
  if (space.learningRate !== undefined && algo !== 'sgd' && algo !== 'svdpp') throw new UsageError(`tuneFactorModel: learningRate is for sgd and svdpp, not ${algo}`);
  if (space.alpha !== undefined && algo !== 'ials') throw new UsageError(`tuneFactorModel: alpha is for ials, not ${algo}`);
}

export async function tuneFactorModel(ratings: Ratings, options: TuneOptions): Promise<TuneResult> {
  const { algo } = options;
  if (!['als', 'sgd', 'ials', 'svdpp'].includes(algo)) throw new UsageError(`tuneFactorModel: algo must be als, sgd, svdpp or ials; got ${JSON.stringify(algo)}`);
  const space = options.space ?? TUNE_DEFAULTS.space[algo];
  checkSpace(space, algo);
  const metric = options.metric ?? (algo === 'ials' ? 'precision' : 'rmse');
  if (metric !== 'rmse' && metric !== 'precision' && metric !== 'ndcg') throw new UsageError(`tuneFactorModel: metric must be rmse, precision or ndcg; got ${JSON.stringify(metric)}`);
  if (metric === 'rmse' && algo === 'ials') throw new UsageError('tuneFactorModel: metric rmse is for rating models; ials ranks items (use precision or ndcg)');
  const search = options.search ?? 'grid';
  if (search !== 'grid' && search !== 'random') throw new UsageError(`tuneFactorModel: search must be grid or random; got ${JSON.stringify(search)}`);
  const seed = options.seed ?? TUNE_DEFAULTS.seed;
  const k = options.k ?? TUNE_DEFAULTS.k;
  const folds = options.test !== undefined ? 1 : (options.folds ?? TUNE_DEFAULTS.folds);
  if (!(Number.isInteger(folds) && folds >= 2) && options.test === undefined) throw new UsageError(`tuneFactorModel: folds must be an integer >= 2; got ${folds}`);
  const trials = options.trials ?? TUNE_DEFAULTS.trials;
  if (!(Number.isInteger(trials) && trials >= 1)) throw new UsageError(`tuneFactorModel: trials must be a positive integer; got ${trials}`);
  const combos = search === 'grid' ? gridOf(space) : randomPick(gridOf(space), trials, seed);
  const splits: Array<{ train: Ratings; test: Ratings }> =
    options.test !== undefined
      ? [{ train: ratings, test: options.test }]
      : Array.from({ length: folds }, (_, f) => ({ train: foldOf(ratings, folds, f, seed, false), test: foldOf(ratings, folds, f, seed, true) }));
  const total = combos.length * splits.length;
  const results: TuneTrial[] = [];
  let done = 0;
  const worst = lowerIsBetter(metric) ? Infinity : 0;
  for (const params of combos) {
    const scores: number[] = [];
    let diverged = false;
    for (const { train, test } of splits) {
      const trainOptions: TrainOptions = { algo, seed, workers: options.workers ?? 1, ...params };
      try {
        const { model } = await trainFactorModel(train, trainOptions);
        if (metric === 'rmse') {
          let low = Infinity;
          let high = -Infinity;
          for (let j = 0; j < train.count; j++) {
            low = Math.min(low, train.values[j]);
            high = Math.max(high, train.values[j]);
          }
          scores.push(ratingError(model, test, [low, high]).rmse);
        } else {
          const q = rankingQuality(model, train, test, k, 4);
          scores.push(metric === 'precision' ? q.precision : q.ndcg);
        }
      } catch (error) {
        if (!(error instanceof DivergedError)) throw error;
        diverged = true;
        scores.push(worst);
      }
      options.onFit?.(++done, total);
    }
    results.push({ params, score: scores.reduce((a, b) => a + b, 0) / scores.length, folds: scores, diverged });
  }
  const better = (a: TuneTrial, b: TuneTrial): boolean => (lowerIsBetter(metric) ? a.score < b.score : a.score > b.score);
  const best = results.reduce((b, t) => (better(t, b) ? t : b));
  return { algo, metric, k, folds, search, seed, trials: results, best };
}
