/**
 * Parallel SGD's public API (`gasworks/sgd`): logistic regression on sparse
 * examples under BSP, SSP, asynchronous or elastic-averaging consistency.
 */
export { trainLogistic, CONSISTENCIES, SGD_DEFAULTS, type SgdOptions, type SgdResult } from './train.js';
export type { SgdConsistency, SgdParams } from './loop.js';
export { evaluateModel, logLoss, sigmoid, type ClassifierQuality } from './logistic.js';
export { plantedLogistic, type PlantedLogisticOptions } from './synthetic.js';
export { splitExamples } from './split.js';
export { openExamples } from './source.js';
