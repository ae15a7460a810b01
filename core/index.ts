/**
 * The public library API of gasworks, in one import:
 * `import { defineProgram, runProgram, loadGraph } from 'gasworks'`.
 * Graph storage and loading, generators, graphology interop, the binary graph
 * file, the vertex-program API and the engines; partitioners are exported
 * from 'gasworks/partitioner' and the bundled programs from
 * 'gasworks/vertex-programs'.
 */
export { Graph, type GraphArrays } from './graph/graph.js';
export { EdgeList, type EdgeListOptions } from './graph/edge-list.js';
export { buildGraph, graphFromPairs, type BuildOptions } from './graph/build.js';
export { allocateColumns, type Columns, type Schema, type FieldType } from './graph/columns.js';
export { graphStats, type GraphStats } from './graph/stats.js';
export { loadGraph, detectFormat, GRAPH_FORMATS, type GraphFormat, type LoadGraphOptions } from './graph/load.js';
export { loadEdgeList, parseEdgeList } from './graph/loaders/snap.js';
export { loadMatrixMarket } from './graph/loaders/matrix-market.js';
export { loadRatings, ratingsToGraph, type Ratings } from './graph/loaders/movielens.js';
export { loadSignedNetwork, loadLabels } from './graph/loaders/signed.js';
export { loadLibsvm, type SparseDataset } from './graph/loaders/libsvm.js';
export { writeEdgeList } from './graph/write-edge-list.js';
export { readGraphFile, writeGraphFile } from './graph/binary.js';
export { fromGraphology, toGraphology } from './graph/graphology.js';
export * from './graph/generators/index.js';
export {
  defineProgram,
  isVertexProgram,
  type VertexProgram,
  type ProgramDefinition,
  type ProgramContext,
  type VertexFunctions,
  type EdgeSet,
  type Signal,
  type Aggregator,
  type Params,
} from './program.js';
export { runProgram, closeWorkers, defaultWorkers, type RunOptions, type RunResult, type RunProgress, type ClusterInfo } from './engine/index.js';
export { runCluster, startWorker, workerStatus } from './cluster/lazy.js';
export type { ClusterRunOptions, ClusterRunResult, ClusterProgress } from './cluster/coordinator.js';
export type { ClusterWorker, WorkerOptions } from './cluster/worker-server.js';
export type { ClusterSecurity, TlsMaterial } from './cluster/security.js';
export type { WorkerStatus, WorkerJobStatus } from './cluster/status.js';
export { randomPlacement, type Placement, type EdgePlacement, type StreamPlacer } from './cluster/placement.js';
export { rmatSource, isEdgeSource, canStream, type EdgeSource, type EdgeReader } from './cluster/ingress.js';
export { InputError, UsageError } from './errors.js';
export { Random } from './util/random.js';
