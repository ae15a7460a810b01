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
import { DivergedError, firstNonFinite, settingToLower } from './divergence.js';
import type { FactorModel } from './model.js';
import sgd from './sgd.js';
import ials, { iterationObjective } from './ials.js';
import svdpp, { foldImplicit } from './svdpp.js';

/** Rating models ('als', 'sgd', 'svdpp') predict ratings; 'ials' ranks items by implicit preference (ials.ts). */
export type FactorAlgorithm = 'als' | 'sgd' | 'ials' | 'svdpp';

/**
 * Chosen by `gasworks recommend tune` on MovieLens 100K's u.data (5-fold
 * cross-validation, seed 1; docs/recommender-tuning.md): the best
 * setting of each algorithm's search, except ALS's rank, 20 where 40 scored
 * 0.005 lower RMSE at four times the cost, and SGD's, 20 where 40 gained
 * 0.0005. ALS weights lambda by rating counts; SGD and SVD++ apply it per
 * step; iALS adds it to every normal equation.
 */
export const TRAIN_DEFAULTS = {
  algo: 'als' as FactorAlgorithm,
  rank: { als: 20, sgd: 20, svdpp: 20, ials: 40 },
  lambda: { als: 0.1, sgd: 0.1, ials: 30, svdpp: 0.1 },
  iterations: { als: 20, sgd: 60, ials: 10, svdpp: 30 },
  /** SGD and SVD++ step sizes. */
  learningRates: { sgd: 0.01, svdpp: 0.005 },
  /** iALS: confidence 1 + alpha * rating. */
  alpha: 0.5,
  /** iALS: 'cholesky' or 'cg' (conjugate-gradient steps per solve, cgSteps of them). */
  solver: 'cholesky' as 'cholesky' | 'cg',
  cgSteps: 3,
  biases: true,
  seed: 1,
};

export interface TrainOptions {
  /** 'als' (default) or 'sgd'. */
  algo?: FactorAlgorithm;
  /** Latent factors per user and item. Defaults per algorithm in TRAIN_DEFAULTS. */
  rank?: number;
  /** Regularisation (TRAIN_DEFAULTS.lambda: ALS weights it by each vertex's rating count, SGD and SVD++ apply it per step, iALS per equation). */
  lambda?: number;
  /** ALS / iALS iterations (each updates users, then items) or SGD / SVD++ epochs (TRAIN_DEFAULTS.iterations). */
  iterations?: number;
  /** SGD step size (TRAIN_DEFAULTS.learningRates: 0.01; SVD++ 0.005). */
  learningRate?: number;
  /** iALS: confidence 1 + alpha * rating. */
  alpha?: number;
  /** ALS and iALS: 'cholesky' (default) or 'cg' (Takacs et al. 2011; for large ranks) with cgSteps steps per solve (3). */
  solver?: 'cholesky' | 'cg';
  cgSteps?: number;
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
  if (algo !== 'als' && algo !== 'sgd' && algo !== 'ials' && algo !== 'svdpp') throw new UsageError(`trainFactorModel: algo must be 'als', 'sgd', 'ials' or 'svdpp'; got ${JSON.stringify(algo)}`);
  const stochastic = algo === 'sgd' || algo === 'svdpp';
  const rank = options.rank ?? TRAIN_DEFAULTS.rank[algo];
  const lambda = options.lambda ?? TRAIN_DEFAULTS.lambda[algo];
  const iterations = options.iterations ?? TRAIN_DEFAULTS.iterations[algo];
  const learningRate = options.learningRate ?? (algo === 'svdpp' ? TRAIN_DEFAULTS.learningRates.svdpp : TRAIN_DEFAULTS.learningRates.sgd);
  const biases = options.biases ?? TRAIN_DEFAULTS.biases;
  const seed = options.seed ?? TRAIN_DEFAULTS.seed;
  positiveInteger('rank', rank);
  positiveInteger('iterations', iterations);
  if (!(!stochastic ? lambda > 0 : lambda >= 0)) throw new UsageError(`trainFactorModel: lambda must be ${!stochastic ? '> 0' : '>= 0'}; got ${lambda}`);
  const alpha = options.alpha ?? TRAIN_DEFAULTS.alpha;
  const solver = options.solver ?? TRAIN_DEFAULTS.solver;
  const cgSteps = options.cgSteps ?? TRAIN_DEFAULTS.cgSteps;
  if (!(alpha >= 0 && Number.isFinite(alpha))) throw new UsageError(`trainFactorModel: alpha must be a number >= 0; got ${alpha}`);
  if (solver !== 'cholesky' && solver !== 'cg') throw new UsageError(`trainFactorModel: solver must be 'cholesky' or 'cg'; got ${JSON.stringify(solver)}`);
  positiveInteger('cgSteps', cgSteps);
  if (!(learningRate > 0)) throw new UsageError(`trainFactorModel: learningRate must be > 0; got ${learningRate}`);
  if (ratings.count === 0) throw new UsageError('trainFactorModel: no ratings to train on');

  const kernels = options.kernels ?? 'engine';
  if (kernels !== 'engine' && kernels !== 'cpu' && kernels !== 'gpu') {
    throw new UsageError(`trainFactorModel: kernels must be 'engine', 'cpu' or 'gpu'; got ${JSON.stringify(kernels)}`);
  }
  if (kernels !== 'engine' && solver === 'cg') throw new UsageError(`trainFactorModel: solver 'cg' runs on the engine; kernels '${kernels}' solve by Cholesky`);
  if (kernels !== 'engine' && algo !== 'als') throw new UsageError(`trainFactorModel: kernels '${kernels}' are for ALS; SGD runs on the engine`);
  if (kernels !== 'engine' && options.cluster !== undefined) throw new UsageError(`trainFactorModel: kernels '${kernels}' run on this machine; leave out cluster`);
  if (kernels !== 'engine' && options.workers !== undefined && options.workers !== 1) {
    throw new UsageError(`trainFactorModel: kernels '${kernels}' run on one thread; leave out workers (got ${options.workers})`);
  }

  const schedule = options.schedule ?? 'hogwild';
  if (schedule !== 'hogwild' && schedule !== 'strata') throw new UsageError(`trainFactorModel: schedule must be 'hogwild' or 'strata'; got ${JSON.stringify(schedule)}`);
  if (schedule === 'strata' && algo !== 'sgd') throw new UsageError("trainFactorModel: schedule 'strata' is for SGD");

  if (options.cluster !== undefined && stochastic && schedule !== 'strata') throw new UsageError("trainFactorModel: ALS and iALS train across machines, and SGD with schedule 'strata' (DSGD); SVD++ and Hogwild! SGD update the items of every rating in place: one machine");
  if (options.cluster !== undefined && schedule === 'strata' && options.workers !== undefined) throw new UsageError('trainFactorModel: workers is for one machine; with cluster each listed worker is one machine');

  const graph = ratingsToGraph(ratings);
  const trainRmse: number[] = [];
  let divergedAt = 0;
  // ALS takes two supersteps (users, then items) per iteration; an SGD epoch is one; iALS has a
  // warm-up superstep first (ials.ts).
  const stepsPerIteration = stochastic ? 1 : 2;
  const warmUp = algo === 'ials' ? 1 : 0;
  const cells = algo === 'ials' ? ratedCount(ratings.users, ratings.count, ratings.numUsers) * ratedCount(ratings.items, ratings.count, ratings.numItems) : 0;
  const onProgress = (p: { superstep: number; aggregates: Record<string, number> }): void => {
    const step = p.superstep - warmUp;
    if (step < 1 || step % stepsPerIteration !== 0) return;
    const iteration = step / stepsPerIteration;
    if (p.aggregates.diverged > 0 && divergedAt === 0) divergedAt = iteration;
    let rmse: number;
    if (algo === 'ials') {
      // The objective over every cell, as a root mean: sum_cells c (p - x.y)^2 + lambda (|X|^2 + |Y|^2).
      rmse = Math.sqrt(iterationObjective(p.aggregates, lambda) / Math.max(1, cells));
    } else rmse = Math.sqrt(p.aggregates.sse / ratings.count);
    trainRmse.push(rmse);
    options.onIteration?.(iteration, rmse);
  };
  const common = options.cluster
    ? { cluster: options.cluster, security: options.security, placement: clusterPlacement('hdrf'), maxIterations: warmUp + stepsPerIteration * iterations, onProgress }
    : { workers: options.workers ?? 1, maxIterations: warmUp + stepsPerIteration * iterations, onProgress };
  const params: Record<string, number | boolean | string> =
    algo === 'als'
      ? { rank, lambda, biases, seed, ...(solver === 'cg' ? { solver, cgSteps } : {}) }
      : algo === 'sgd'
        ? { rank, lambda, biases, seed, learningRate }
        : algo === 'svdpp'
          ? { rank, lambda, seed, learningRate, biases: true }
          : { rank, lambda, alpha, seed, solver, ...(solver === 'cg' ? { cgSteps } : {}) };
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
        ? await runProgram(als, graph, { ...common, params: { rank, lambda, biases, seed, solver, cgSteps } })
        : algo === 'ials'
          ? await runProgram(ials, graph, { ...common, params: { rank, lambda, alpha, seed, solver, cgSteps } })
          : algo === 'svdpp'
            ? await runProgram(svdpp, graph, { ...common, params: { rank, lambda, seed, learningRate } })
            : await runProgram(sgd, graph, { ...common, params: { rank, lambda, biases, seed, learningRate } });
    factors = run.vertex.factors;
    // SVD++'s users carry their implicit term folded in: the model predicts as SVD++ did.
    if (algo === 'svdpp') foldImplicit(graph, factors, (run.vertex as Record<string, Float64Array>).implicit, rank);
    computeSeconds = run.computeSeconds;
  }
  // Never a model with a non-finite value: a diverging SGD run stopped at the end of the epoch that showed it.
  if (schedule === 'strata' && trainRmse.length < iterations) divergedAt = trainRmse.length;
  const bad = firstNonFinite(factors);
  if (divergedAt > 0 || bad >= 0) {
    const epoch = divergedAt > 0 ? divergedAt : trainRmse.length;
    const setting = stochastic ? settingToLower(learningRate, lambda, { learningRate: TRAIN_DEFAULTS.learningRates[algo], lambda: TRAIN_DEFAULTS.lambda[algo] }) : null;
    throw new DivergedError('trainFactorModel', algo, epoch, setting, setting === 'lambda' ? lambda : setting === 'learningRate' ? learningRate : null);
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
      // iALS scores are x_u . y_i alone (its bias column stays 0).
      mean: algo === 'ials' ? 0 : meanRating(graph.weights, graph.numEdges),
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

/** How many of `count` dense ids (0 .. count - 1) occur in ids[0 .. n - 1]. */
function ratedCount(ids: Uint32Array, n: number, count: number): number {
  const seen = new Uint8Array(count);
  let distinct = 0;
  for (let k = 0; k < n; k++) {
    if (seen[ids[k]] === 0) {
      seen[ids[k]] = 1;
      distinct++;
    }
  }
  return distinct;
}
