/**
 * SGD for matrix factorisation on stratified blocks (DSGD, Gemulla et al.,
 * KDD 2011): users are cut into `strata` ranges and items into as many, which
 * makes strata x strata blocks of ratings. An epoch runs `strata` sub-epochs;
 * in sub-epoch s the blocks (b, (b + s) mod strata) share no user and no item,
 * so threads take them whole, without locks and without the collisions of
 * Hogwild! (apps/recommender/sgd.ts, whose item updates race on shared cache
 * lines and made 2 threads slower than 1). Inside a block, users go in id
 * order and each walks its ratings in item order, taking the same step as the
 * vertex program. The order of the steps is fixed by the blocks alone, so the
 * model is the same bit for bit on any number of threads, and with one stratum
 * it is the vertex program's one-thread model. The training error of an epoch
 * is the sum, over ratings, of the squared error just before each step, added
 * block by block in a fixed order.
 */
import { UsageError } from '../../core/errors.js';
import { SweepBarrier, BARRIER_WORDS } from '../../core/engine/async-barrier.js';
import { runOnWorkers } from '../../core/engine/worker-run.js';
import { siblingModule } from '../../core/workers/spawn.js';
import type { Graph } from '../../core/graph/graph.js';
import { sharedFloat64, sharedInt32, sharedUint32, toShared } from '../../core/graph/shared.js';
import { lowerBound } from '../../core/util/search.js';
import { squaredErrorLimit } from './divergence.js';
import { initFactors, meanRating, ratingsOf, sgdStep } from './factors.js';

export interface StrataOptions {
  /** Users are vertices 0 .. numUsers - 1 of the ratings graph, items the rest. */
  numUsers: number;
  rank: number;
  learningRate: number;
  lambda: number;
  biases: boolean;
  seed: number;
  epochs: number;
  /** User (and item) ranges; the answer depends on it, never on the thread count. Default STRATA_DEFAULT (8). */
  strata?: number;
  threads: number;
}

/** User (and item) ranges when a run does not say. */
export const STRATA_DEFAULT = 8;

/** Int32 control words: the block cursor, the barrier, abort. */
export const STRATA_CONTROL = { CURSOR: 0, ABORT: 1, BARRIER: 2, SIZE: 2 + BARRIER_WORDS } as const;

/** What every thread shares (plain data and shared arrays: it is posted to the workers). */
export interface StrataShared {
  factors: Float64Array;
  /** Block c = userBlock * strata + itemBlock holds ratings blockOffsets[c] .. blockOffsets[c + 1] - 1. */
  blockOffsets: Uint32Array;
  /** Per listed rating: its user, its item (a vertex id) and its value. */
  users: Uint32Array;
  items: Uint32Array;
  values: Float64Array;
  /** Squared errors of each block in the current epoch, summed in block order at its end. */
  blockLoss: Float64Array;
  /** Training RMSE after each epoch. */
  history: Float64Array;
  control: Int32Array;
  strata: number;
  rank: number;
  eta: number;
  lambda: number;
  biases: boolean;
  mean: number;
  /** Per rating, divergence.ts's: an epoch past it stops the run. */
  squaredErrorLimit: number;
  epochs: number;
  ratings: number;
  /** User block b is users userBounds[b] .. userBounds[b + 1] - 1; item block j is items (from 0) itemBounds[j] .. itemBounds[j + 1] - 1. */
  userBounds: Uint32Array;
  itemBounds: Uint32Array;
}

/**
 * Cut the vertices from .. from + count - 1 into `parts` ranges of about the same number of
 * ratings, from their CSR offsets (prefix sums of the degrees): part boundaries, relative to from.
 */
function balancedRanges(offsets: Uint32Array, from: number, count: number, parts: number): Uint32Array {
  const base = offsets[from];
  const total = offsets[from + count] - base;
  const bounds = new Uint32Array(parts + 1);
  for (let p = 1; p < parts; p++) bounds[p] = lowerBound(offsets, from + 1, from + count + 1, base + (total * p) / parts) - from;
  bounds[parts] = count;
  return bounds;
}

/** The blocks, the initial factors and the rest of a run's shared state. */
export function prepareStrata(graph: Graph, options: StrataOptions): StrataShared {
  const weights = ratingsOf(graph, 'trainSgdStrata');
  const strata = options.strata ?? STRATA_DEFAULT;
  const { numUsers: U, rank, seed } = options;
  const n = graph.numVertices;
  const items = n - U;
  const width = rank + 1;
  const { outOffsets, outTargets, inOffsets } = graph;
  const m = graph.numEdges;
  const userBounds = balancedRanges(outOffsets, 0, U, strata);
  const itemBounds = balancedRanges(inOffsets, U, items, strata);
  const userBlock = new Uint32Array(Math.max(1, U));
  for (let b = 0; b < strata; b++) for (let u = userBounds[b]; u < userBounds[b + 1]; u++) userBlock[u] = b;
  const itemBlock = new Uint32Array(Math.max(1, items));
  for (let b = 0; b < strata; b++) for (let i = itemBounds[b]; i < itemBounds[b + 1]; i++) itemBlock[i] = b;
  // A stable counting sort of the ratings by block: inside a block, users in order, each user's items in order.
  const blockOffsets = new Uint32Array(strata * strata + 1);
  for (let u = 0; u < U; u++) {
    for (let e = outOffsets[u]; e < outOffsets[u + 1]; e++) blockOffsets[userBlock[u] * strata + itemBlock[outTargets[e] - U] + 1]++;
  }
  for (let c = 0; c < strata * strata; c++) blockOffsets[c + 1] += blockOffsets[c];
  const fill = blockOffsets.slice(0, strata * strata);
  const users = sharedUint32(Math.max(1, m));
  const itemsOf = sharedUint32(Math.max(1, m));
  const values = sharedFloat64(Math.max(1, m));
  for (let u = 0; u < U; u++) {
    for (let e = outOffsets[u]; e < outOffsets[u + 1]; e++) {
      const at = fill[userBlock[u] * strata + itemBlock[outTargets[e] - U]]++;
      users[at] = u;
      itemsOf[at] = outTargets[e];
      values[at] = weights[e];
    }
  }
  const factors = sharedFloat64(Math.max(1, n * width));
  for (let v = 0; v < n; v++) initFactors(factors, v, rank, seed);
  return {
    factors,
    blockOffsets: toShared(blockOffsets),
    users,
    items: itemsOf,
    values,
    blockLoss: sharedFloat64(strata * strata),
    history: sharedFloat64(Math.max(1, options.epochs)),
    control: sharedInt32(STRATA_CONTROL.SIZE),
    strata,
    rank,
    eta: options.learningRate,
    lambda: options.lambda,
    biases: options.biases,
    mean: meanRating(weights, m),
    squaredErrorLimit: squaredErrorLimit(weights, m),
    epochs: options.epochs,
    ratings: m,
    userBounds,
    itemBounds,
  };
}

/** SGD steps over the ratings from .. to - 1 of the listing; returns their squared errors. */
function stepBlock(shared: StrataShared, from: number, to: number): number {
  const { factors, users, items, values, rank, eta, lambda, biases, mean } = shared;
  const width = rank + 1;
  let squared = 0;
  for (let x = from; x < to; x++) squared += sgdStep(factors, users[x] * width, items[x] * width, values[x], mean, rank, eta, lambda, biases);
  return squared;
}

/**
 * One thread's share of every epoch: in each sub-epoch take whole blocks from the cursor; a
 * barrier between sub-epochs; the last thread at an epoch's end sums the block losses in order.
 * `onEpoch` (thread 0) hears each epoch's RMSE.
 */
export function runStrataThread(shared: StrataShared, thread: number, threads: number, onEpoch?: (epoch: number, rmse: number) => void): void {
  const { control, strata, blockOffsets, blockLoss, history, epochs, ratings } = shared;
  const barrier = new SweepBarrier(control, STRATA_CONTROL.BARRIER, threads);
  const resetCursor = (): void => {
    Atomics.store(control, STRATA_CONTROL.CURSOR, 0);
  };
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let s = 0; s < strata; s++) {
      for (let b = Atomics.add(control, STRATA_CONTROL.CURSOR, 1); b < strata; b = Atomics.add(control, STRATA_CONTROL.CURSOR, 1)) {
        const c = b * strata + ((b + s) % strata);
        blockLoss[c] = stepBlock(shared, blockOffsets[c], blockOffsets[c + 1]);
      }
      const last = s === strata - 1;
      barrier.arrive(() => {
        resetCursor();
        if (!last) return;
        let total = 0;
        for (let c = 0; c < strata * strata; c++) total += blockLoss[c];
        history[epoch] = ratings === 0 ? 0 : Math.sqrt(total / ratings);
        // Diverging (divergence.ts; NaN fails the test too): every thread stops after this barrier.
        if (!(total <= shared.squaredErrorLimit * ratings)) Atomics.store(control, STRATA_CONTROL.ABORT, 1);
      });
      if (Atomics.load(control, STRATA_CONTROL.ABORT) !== 0) {
        if (last && thread === 0) onEpoch?.(epoch + 1, history[epoch]);
        return;
      }
    }
    if (thread === 0) onEpoch?.(epoch + 1, history[epoch]);
  }
}

const WORKER_URL = siblingModule(import.meta.url, 'sgd-strata-worker');

/** Train by stratified SGD on `threads` threads (1: inline). Returns the factors, per vertex, and the RMSE of each epoch. */
export async function trainSgdStrata(
  graph: Graph,
  options: StrataOptions,
  onEpoch?: (epoch: number, rmse: number) => void,
): Promise<{ factors: Float64Array; trainRmse: number[]; computeSeconds: number }> {
  const strata = options.strata ?? STRATA_DEFAULT;
  if (!(Number.isInteger(strata) && strata >= 1)) throw new UsageError(`trainSgdStrata: strata must be a positive integer; got ${strata}`);
  const shared = prepareStrata(graph, options);
  const threads = Math.max(1, Math.min(options.threads, strata));
  let started = performance.now();
  if (threads === 1) {
    runStrataThread(shared, 0, 1, onEpoch);
  } else {
    const start = sharedInt32(1);
    await runOnWorkers<{ type: string; epoch?: number; rmse?: number }>({
      who: 'trainSgdStrata',
      moduleUrl: WORKER_URL,
      threads,
      dataFor: (thread) => ({ shared, start, thread, threads }),
      startWord: start,
      startIndex: 0,
      start: () => {
        started = performance.now();
      },
      abort: () => {
        Atomics.store(shared.control, STRATA_CONTROL.ABORT, 1);
        new SweepBarrier(shared.control, STRATA_CONTROL.BARRIER, threads).breakAll();
      },
      onMessage: (_thread, message) => {
        if (message.type === 'epoch') onEpoch?.(message.epoch!, message.rmse!);
      },
    });
  }
  // A run that diverged stopped after the epoch that showed it: its history ends there.
  let epochsRun = 0;
  while (epochsRun < options.epochs && epochsRun < shared.history.length) {
    const rmse = shared.history[epochsRun++];
    if (!(rmse * rmse <= shared.squaredErrorLimit)) break;
  }
  return { factors: shared.factors, trainRmse: Array.from(shared.history.subarray(0, epochsRun)), computeSeconds: (performance.now() - started) / 1000 };
}
