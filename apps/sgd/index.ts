/**
 * Parallel SGD's public API (`gasworks/sgd`): logistic regression on sparse
 * examples under BSP, SSP, asynchronous or elastic-averaging consistency, on
 * threads or across machines, and its full-batch optimum.
 */
export { trainLogistic, CONSISTENCIES, SGD_DEFAULTS, type SgdOptions, type SgdResult } from './train.js';
export type { SgdConsistency, SgdParams } from './loop.js';
export { evaluateModel, logLoss, sigmoid, type ClassifierQuality } from './logistic.js';
export { plantedLogistic, type PlantedLogisticOptions } from './synthetic.js';
export { splitExamples } from './split.js';
export { openExamples } from './source.js';
export { fullBatchOptimum, type FullBatchResult } from './full-batch.js';
export { CLUSTER_CONSISTENCIES, type ClusterConsistency } from './cluster/options.js';
export type { ClusterSgdOptions, ClusterSgdResult } from './cluster/train-cluster.js';
import type { trainLogisticCluster as TrainLogisticCluster } from './cluster/train-cluster.js';

/** Train across `gasworks worker` machines (cluster/train-cluster.ts); loads the cluster's modules on its first call. */
export const trainLogisticCluster: typeof TrainLogisticCluster = async (data, options) => (await import('./cluster/train-cluster.js')).trainLogisticCluster(data, options);
