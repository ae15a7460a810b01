/**
 * Train a factor model on ratings: build the bipartite user -> item graph,
 * run the algorithm's vertex program (ALS or SGD) on the synchronous engine,
 * and cut the vertex factors into a FactorModel (users are vertices 0..U-1,
 * items U..U+I-1, as ratingsToGraph lays them out). Options are declared up
 * front with their defaults; the training RMSE after each iteration is
 * reported as it goes.
 */
import { UsageError } from '../../core/errors.js';
import { runProgram } from '../../core/engine/index.js';
import type { ClusterSecurity } from '../../core/cluster/security.js';
import { clusterPlacement } from '../../partitioner/cluster.js';
import { ratingsToGraph, type Ratings } from '../../core/graph/loaders/movielens.js';
import als from './als.js';
import type { GpuMode } from '../../kernels/gpu.js';
import { trainAlsBatched, type AlsKernels } from './als-batched.js';
import { STRATA_DEFAULT, trainSgdStrata } from './sgd-strata.js';
import { meanRating } from './factors.js';
import type { FactorModel } from './model.js';
import sgd from './sgd.js';

export type FactorAlgorithm = 'als' | 'sgd';

export const TRAIN_DEFAULTS = {
  algo: 'als' as FactorAlgorithm,
  rank: 10,
  /** Per algorithm: ALS weights it by rating counts, SGD applies it per step. */
  lambda: { als: 0.1, sgd: 0.05 },
  iterations: { als: 10, sgd: 30 },
  learningRate: 0.01,
  biases: true,
  seed: 1,
};

export interface TrainOptions {
  /** 'als' (default) or 'sgd'. */
  algo?: FactorAlgorithm;
  /** Latent factors per user and item. Default 10. */
  rank?: number;
  /**
   * Regularisation. ALS: weighted by each vertex's rating count, default 0.1
   * (best of 0.05-0.4 on MovieLens 100K u1, rank 10); SGD: per step, default 0.05.
   */
  lambda?: number;
  /** ALS iterations (each updates users, then items; default 10) or SGD epochs (default 30). */
  iterations?: number;
  /** SGD step size. Default 0.01. */
  learningRate?: number;
  /** Learn user and item biases. Default true. */
  biases?: boolean;
  /** Seed of the initial factors. Default 1. */
  seed?: number;
  /** Threads. Default 1. SGD with more than one is Hogwild!: slightly different answers per run. */
  workers?: number;
  /** ALS only: train across machines, on these `gasworks worker` addresses (host:port), instead of threads. */
  cluster?: readonly string[];
  /** With cluster: the cluster's token and TLS material, as its workers were given them. */
  security?: ClusterSecurity;
  /**
   * ALS only: 'engine' (default) runs the ALS vertex program on the engine's
   * threads or cluster; 'cpu' and 'gpu' run batched kernels on one thread
   * (apps/recommender/als-batched.ts), 'gpu' with gpu.js forming the normal
   * equations on the best backend it finds (a GPU where it has one).
   */
  kernels?: 'engine' | AlsKernels;
  /**
   * SGD only: 'hogwild' (default) runs the SGD vertex program, whose threads update shared items
   * without locks; 'strata' runs stratified SGD (apps/recommender/sgd-strata.ts): blocks of users
   * and items that no two threads share, the same model on any thread count.
   */
  schedule?: 'hogwild' | 'strata';
  /** With schedule 'strata': user and item ranges (default 8). The model depends on it. */
  strata?: number;
  /** With kernels 'gpu': gpu.js's mode, 'async' (default) or 'cpu' (its JavaScript backend). */
  gpuMode?: GpuMode;
  /** After each iteration: its number (1-based) and the training RMSE. */
  onIteration?: (iteration: number, trainRmse: number) => void;
}

export interface TrainResult {
  model: FactorModel;
  /** Training RMSE after each iteration. */
  trainRmse: number[];
  computeSeconds: number;
  /** Where the work ran: 'engine', 'cpu', the gpu.js backend (e.g. 'WebAssemblyKernel'), or 'strata'. */
  backend: string;
}

function positiveInteger(name: string, x: number): void {
  if (!(Number.isInteger(x) && x >= 1)) throw new UsageError(`trainFactorModel: ${name} must be a positive integer; got ${x}`);
}

export async function trainFactorModel(ratings: Ratings, options: TrainOptions = {}): Promise<TrainResult> {
  const algo = options.algo ?? TRAIN_DEFAULTS.algo;
  if (algo !== 'als' && algo !== 'sgd') throw new UsageError(`trainFactorModel: algo must be 'als' or 'sgd'; got ${JSON.stringify(algo)}`);
  const rank = options.rank ?? TRAIN_DEFAULTS.rank;
  const lambda = options.lambda ?? TRAIN_DEFAULTS.lambda[algo];
  const iterations = options.iterations ?? TRAIN_DEFAULTS.iterations[algo];
  const learningRate = options.learningRate ?? TRAIN_DEFAULTS.learningRate;
  const biases = options.biases ?? TRAIN_DEFAULTS.biases;
  const seed = options.seed ?? TRAIN_DEFAULTS.seed;
  positiveInteger('rank', rank);
  positiveInteger('iterations', iterations);
  if (!(algo === 'als' ? lambda > 0 : lambda >= 0)) throw new UsageError(`trainFactorModel: lambda must be ${algo === 'als' ? '> 0' : '>= 0'}; got ${lambda}`);
  if (!(learningRate > 0)) throw new UsageError(`trainFactorModel: learningRate must be > 0; got ${learningRate}`);
  if (ratings.count === 0) throw new UsageError('trainFactorModel: no ratings to train on');

  const kernels = options.kernels ?? 'engine';
  if (kernels !== 'engine' && kernels !== 'cpu' && kernels !== 'gpu') {
    throw new UsageError(`trainFactorModel: kernels must be 'engine', 'cpu' or 'gpu'; got ${JSON.stringify(kernels)}`);
  }
  if (kernels !== 'engine' && algo !== 'als') throw new UsageError(`trainFactorModel: kernels '${kernels}' are for ALS; SGD runs on the engine`);
  if (kernels !== 'engine' && options.cluster !== undefined) throw new UsageError(`trainFactorModel: kernels '${kernels}' run on this machine; leave out cluster`);
  if (kernels !== 'engine' && options.workers !== undefined && options.workers !== 1) {
    throw new UsageError(`trainFactorModel: kernels '${kernels}' run on one thread; leave out workers (got ${options.workers})`);
  }

  const schedule = options.schedule ?? 'hogwild';
  if (schedule !== 'hogwild' && schedule !== 'strata') throw new UsageError(`trainFactorModel: schedule must be 'hogwild' or 'strata'; got ${JSON.stringify(schedule)}`);
  if (schedule === 'strata' && algo !== 'sgd') throw new UsageError("trainFactorModel: schedule 'strata' is for SGD");

  if (options.cluster !== undefined && algo !== 'als' && schedule !== 'strata') throw new UsageError("trainFactorModel: SGD trains across machines with schedule 'strata' (DSGD) only (Hogwild! SGD updates the items of every rating in place: one machine)");
  if (options.cluster !== undefined && schedule === 'strata' && options.workers !== undefined) throw new UsageError('trainFactorModel: workers is for one machine; with cluster each listed worker is one machine');

  const graph = ratingsToGraph(ratings);
  const trainRmse: number[] = [];
  // ALS takes two supersteps (users, then items) per iteration; an SGD epoch is one.
  const stepsPerIteration = algo === 'als' ? 2 : 1;
  const onProgress = (p: { superstep: number; aggregates: Record<string, number> }): void => {
    if (p.superstep % stepsPerIteration !== 0) return;
    const rmse = Math.sqrt(p.aggregates.sse / ratings.count);
    trainRmse.push(rmse);
    options.onIteration?.(p.superstep / stepsPerIteration, rmse);
  };
  const common = options.cluster
    ? { cluster: options.cluster, security: options.security, placement: clusterPlacement('hdrf'), maxIterations: stepsPerIteration * iterations, onProgress }
    : { workers: options.workers ?? 1, maxIterations: stepsPerIteration * iterations, onProgress };
  const params: Record<string, number | boolean> = algo === 'als' ? { rank, lambda, biases, seed } : { rank, lambda, biases, seed, learningRate };
  let factors: Float64Array;
  let computeSeconds: number;
  let backend: string = kernels;
  if (schedule === 'strata') {
    const strataOptions = { numUsers: ratings.numUsers, rank, learningRate, lambda, biases, seed, epochs: iterations, strata: options.strata };
    const strataRun = options.cluster
      ? await (await import('./strata-cluster.js')).trainSgdStrataCluster(graph, { ...strataOptions, workers: options.cluster, security: options.security }, options.onIteration)
      : await trainSgdStrata(graph, { ...strataOptions, threads: options.workers ?? 1 }, options.onIteration);
    factors = strataRun.factors;
    computeSeconds = strataRun.computeSeconds;
    backend = 'strata';
    params.strata = options.strata ?? STRATA_DEFAULT;
    trainRmse.push(...strataRun.trainRmse);
  } else if (kernels !== 'engine') {
    const batched = await trainAlsBatched(graph, { numUsers: ratings.numUsers, rank, lambda, biases, seed, iterations, kernels, gpuMode: options.gpuMode, onIteration: options.onIteration });
    factors = batched.factors;
    computeSeconds = batched.computeSeconds;
    backend = batched.backend;
    trainRmse.push(...batched.trainRmse);
  } else {
    const run =
      algo === 'als'
        ? await runProgram(als, graph, { ...common, params: { rank, lambda, biases, seed } })
        : await runProgram(sgd, graph, { ...common, params: { rank, lambda, biases, seed, learningRate } });
    factors = run.vertex.factors;
    computeSeconds = run.computeSeconds;
  }
  const width = rank + 1;
  const U = ratings.numUsers;
  // Users and items with no rating here (a hold-out split keeps every id) were never trained:
  // leave them out of the model, so that they count as unknown and are never recommended.
  const rated = (side: 0 | 1, count: number, offset: number): { ids: Float64Array; rows: Float64Array } => {
    const seen = new Uint8Array(count);
    const of = side === 0 ? ratings.users : ratings.items;
    for (let k = 0; k < ratings.count; k++) seen[of[k]] = 1;
    let kept = 0;
    for (let i = 0; i < count; i++) kept += seen[i];
    const fileIds = side === 0 ? ratings.userIds : ratings.itemIds;
    const ids = new Float64Array(kept);
    const rows = new Float64Array(kept * width);
    for (let i = 0, r = 0; i < count; i++) {
      if (seen[i] === 0) continue;
      ids[r] = fileIds[i];
      for (let c = 0; c < width; c++) rows[r * width + c] = factors[(offset + i) * width + c];
      r++;
    }
    return { ids, rows };
  };
  const users = rated(0, U, 0);
  const items = rated(1, ratings.numItems, U);
  return {
    model: {
      algo,
      params: { ...params, iterations },
      rank,
      mean: meanRating(graph.weights, graph.numEdges),
      numUsers: users.ids.length,
      numItems: items.ids.length,
      userIds: users.ids,
      itemIds: items.ids,
      users: users.rows,
      items: items.rows,
    },
    trainRmse,
    computeSeconds,
    backend,
  };
}
