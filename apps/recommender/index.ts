/**
 * The recommender's public API (`gasworks/recommender`): train ALS or SGD
 * factor models on ratings, evaluate them, recommend, save and load them.
 */
export { trainFactorModel, TRAIN_DEFAULTS, type TrainOptions, type TrainResult, type FactorAlgorithm } from './train.js';
export { predict, saveModel, loadModel, indexOfId, type FactorModel } from './model.js';
export { ratingError, rankingQuality, rankingQualityOnGpu, type RatingError, type RankingQuality } from './metrics.js';
export { trainAlsBatched, type AlsKernels, type BatchedAlsOptions, type BatchedAlsResult } from './als-batched.js';
export { trainSgdStrata, type StrataOptions } from './sgd-strata.js';
export { recommend, topItems } from './recommend.js';
export { splitRatings } from './split.js';
export { openRatings, plantedRatings } from './source.js';
export { default as als } from './als.js';
export { default as sgdMf } from './sgd.js';
