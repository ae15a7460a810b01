/**
 * The recommender's public API (`gasworks/recommender`): train ALS, SGD,
 * SVD++ or implicit-feedback ALS factor models on ratings, evaluate them
 * against the popularity baseline, tune them, recommend (with titles and
 * similar items), save and load them.
 */
export { trainFactorModel, TRAIN_DEFAULTS, type TrainOptions, type TrainResult, type FactorAlgorithm } from './train.js';
export { predict, saveModel, loadModel, indexOfId, type FactorModel } from './model.js';
export { ratingError, rankingQuality, rankingQualityOnGpu, type RatingError, type RankingQuality } from './metrics.js';
export { trainAlsBatched, type AlsKernels, type BatchedAlsOptions, type BatchedAlsResult } from './als-batched.js';
export { trainSgdStrata, type StrataOptions } from './sgd-strata.js';
export { recommend, topItems } from './recommend.js';
export { splitRatings, splitRatingsPerUser } from './split.js';
export { popularityModel } from './baseline.js';
export { DivergedError } from './divergence.js';
export { loadTitles, type Titles } from './titles.js';
export { similarItems, itemNorms, mostSimilarRated } from './similar.js';
export { tuneFactorModel, TUNE_DEFAULTS, type TuneOptions, type TuneResult, type TuneSpace, type TuneMetric } from './tune.js';
export { default as ials } from './ials.js';
export { default as svdpp } from './svdpp.js';
export { openRatings, plantedRatings } from './source.js';
export { default as als } from './als.js';
export { default as sgdMf } from './sgd.js';
