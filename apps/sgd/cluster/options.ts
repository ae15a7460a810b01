/**
 * The modes and defaults of logistic regression across machines, apart from
 * the code that runs them (train-cluster.ts loads the cluster's gRPC
 * modules): the command line reads these at start-up for its flags.
 */
import type { Topology } from './allreduce.js';
import type { KeyPartition } from './key-layout.js';

export const CLUSTER_CONSISTENCIES = ['bsp', 'ssp', 'async', 'easgd', 'allreduce', 'fedavg'] as const;
export type ClusterConsistency = (typeof CLUSTER_CONSISTENCIES)[number];

export const CLUSTER_DEFAULTS = {
  parallelism: 'data' as 'data' | 'model',
  threadsPerMachine: 1,
  psPartition: 'range' as KeyPartition,
  topology: 'ring' as Topology,
  localEpochs: 1,
  participation: 1,
  nonIid: false,
};
