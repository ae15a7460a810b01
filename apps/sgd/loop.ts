/**
 * One thread's share of parallel SGD for logistic regression over shared
 * memory, the same function inline and in every worker thread. The examples
 * are split into one contiguous shard per thread; each epoch a thread walks
 * its shard in a seeded shuffled order; the weights (and the bias, last) are
 * one shared Float64Array. The shuffle moves blocks of 32 consecutive
 * examples (in order within a block): a shuffle of single examples makes
 * every row a cache miss. On 320,000 planted rows a hand-written epoch takes
 * 302 ms in that order, 82 ms in blocks of 32 and 66 ms in file order
 * (`node --expose-gc dist/bench/sgd.js 400000 3`). How threads see each
 * other's progress is the consistency model:
 *
 * - 'bsp' (bulk synchronous): steps of `batchSize` examples per thread;
 *   every thread adds its batch's gradient into its own row of a shared
 *   gradient table and lists the features it touched, a barrier, then each
 *   thread updates the touched features of its own slice of the model from
 *   the sum over threads (the model is partitioned across threads for the
 *   update), another barrier: the batches' gradients are summed, so each
 *   example takes its step, only delayed to the step's end. Deterministic
 *   for a given thread count.
 * - 'ssp' (stale synchronous parallel, Ho et al. 2013): each thread works in
 *   clocks of `batchSize` examples against the shared weights, pushing its
 *   clock's summed update at the end, and may start clock c only when every thread
 *   has finished clock c - staleness - 1 (reads are at most `staleness`
 *   clocks stale). All threads tick the same number of clocks per epoch.
 * - 'async' (Hogwild!, Niu et al. 2011): per-example updates straight into
 *   the shared weights, no locks.
 * - 'easgd' (elastic averaging, Zhang, Choromanska and LeCun 2015): each
 *   thread runs SGD on its own copy of the weights, and every `tau` examples
 *   moves it and the shared centre toward each other by `alpha` of their
 *   difference; the centre is the model. An exchange visits only the
 *   coordinates the thread touched since its last one (and the bias): on
 *   sparse data a dense exchange costs the whole model every `tau` examples
 *   (it made an epoch of 320,000 examples over 100,000 features take 4.5 s).
 *   The pulls a coordinate missed while untouched are applied in closed form
 *   just before an example next reads it (each pull keeps the midpoint of
 *   the two values and shrinks their difference by 1 - 2 alpha), and for
 *   every coordinate at the end of the run, so the result is the dense schedule's on one
 *   thread (and close to it on several, whose pulls on the centre interleave).
 *   On sparse data that pull slows learning: a rare feature is drawn back
 *   toward the centre between its occurrences.
 *
 * Apart from BSP, threads write the shared weights without locks: two
 * threads pushing an SSP clock, or moving the EASGD centre, at the same
 * moment can lose one of the two adds to a weight (rare on sparse data, most
 * likely on the bias, which every example touches), as in Hogwild!; this is
 * the price of those models here, not a bug to be fixed by a lock per
 * weight.
 *
 * Steps regularise only the weights their examples touch (the usual
 * sparse-SGD shortcut), BSP's included. The learning rate of epoch e is
 * learningRate / (1 + decay * e). `history` gets each epoch's mean training
 * log-loss as met during the epoch (each example's loss just before its own
 * step: free, where a pass with the final weights cost most of an epoch).
 * The per-example loops are top-level functions taking their arrays as
 * arguments: as closures over this function's variables they ran several
 * times slower from the second run in a process on (V8 does not specialise a
 * closure created more than once). After each epoch all threads meet at a
 * barrier, where one sums the epoch's losses into `history`.
 */
import { SweepBarrier } from '../../core/engine/async-barrier.js';
import type { SparseDataset } from '../../core/graph/loaders/libsvm.js';
import { sfc32Seed, sfc32Shuffle } from '../../core/util/sfc32.js';
import { exampleLoss, sigmoid } from './logistic.js';

export type Consistency = 'bsp' | 'ssp' | 'async' | 'easgd';

export interface SgdParams {
  epochs: number;
  learningRate: number;
  decay: number;
  lambda: number;
  batchSize: number;
  staleness: number;
  tau: number;
  alpha: number;
  seed: number;
}

/** Int32 words of `SgdShared.control`. */
export const SGD_CONTROL = {
  BARRIER: 0,
  /** Bumped (and notified) whenever a thread finishes an SSP clock. */
  CLOCK_CHANGED: 4,
  /** Non-zero: leave at once (a thread failed). */
  ABORT: 5,
  /** SSP: the most clocks any thread was ahead of the slowest when it went on (at most the staleness). */
  MAX_LEAD: 6,
  /** Finished SSP clocks of thread t at CLOCKS + t. */
  CLOCKS: 8,
} as const;

export interface SgdShared {
  consistency: Consistency;
  data: SparseDataset;
  params: SgdParams;
  /** numFeatures weights, then the bias: the model (the centre, under EASGD). */
  weights: Float64Array;
  /** BSP: threads x (numFeatures + 1) gradient sums, each thread's batch size, the features each touched (threads x (numFeatures + 1), counts), and the step that last updated each feature. */
  gradients: Float64Array | null;
  batchCounts: Float64Array | null;
  touched: Int32Array | null;
  touchedCounts: Int32Array | null;
  updatedAt: Int32Array | null;
  /** Thread t's shard is examples [shards[t], shards[t + 1]). */
  shards: Uint32Array;
  control: Int32Array;
  /** Mean training log-loss met in each epoch. */
  history: Float64Array;
  /** Each thread's sum of example losses in the current epoch. */
  losses: Float64Array;
}

export function controlWords(threads: number): number {
  return SGD_CONTROL.CLOCKS + threads;
}

/** Shard boundaries with about the same number of nonzeros each. */
export function shardByNonzeros(data: SparseDataset, threads: number): Uint32Array {
  const shards = new Uint32Array(threads + 1);
  const total = data.rowOffsets[data.numExamples];
  let k = 0;
  for (let t = 1; t < threads; t++) {
    while (k < data.numExamples && data.rowOffsets[k] < (total * t) / threads) k++;
    shards[t] = k;
  }
  shards[threads] = data.numExamples;
  return shards;
}

/** One example's logistic step on `w` (the shared weights, or EASGD's own copy); returns its loss before the step. */
function exampleStep(w: Float64Array, data: SparseDataset, k: number, rate: number, lambda: number): number {
  const { rowOffsets, indices, values } = data;
  const d = data.numFeatures;
  const end = rowOffsets[k + 1];
  // The margin written out rather than logistic.ts's margin(): the call measured 8% slower per epoch here.
  let z = w[d];
  for (let q = rowOffsets[k]; q < end; q++) z += w[indices[q]] * values[q];
  const g = sigmoid(z) - (data.labels[k] > 0 ? 1 : 0);
  for (let q = rowOffsets[k]; q < end; q++) {
    const j = indices[q];
    w[j] -= rate * (g * values[q] + lambda * w[j]);
  }
  w[d] -= rate * g;
  return exampleLoss(z, data.labels[k]);
}

/** A set of feature ids: a flag per feature and the list of those set. */
interface TouchSet {
  flags: Uint8Array;
  list: Int32Array;
  count: number;
}

function touchSet(width: number): TouchSet {
  return { flags: new Uint8Array(width), list: new Int32Array(width), count: 0 };
}

/** EASGD bookkeeping of one thread: exchanges done, the exchange count when each coordinate was last pulled, and (1 - 2 alpha)^k for small k. */
interface ElasticState {
  exchanges: number;
  lastPulled: Int32Array;
  shrink: Float64Array;
}

/** Powers of 1 - 2 alpha kept in a table: Math.pow per caught-up coordinate made EASGD 2x slower (723 against 363 ms per epoch in `node --expose-gc dist/bench/sgd.js 400000 3`). */
const SHRINK_TABLE = 4096;

function elasticState(width: number, alpha: number): ElasticState {
  const shrink = new Float64Array(SHRINK_TABLE);
  shrink[0] = 1;
  for (let k = 1; k < SHRINK_TABLE; k++) shrink[k] = shrink[k - 1] * (1 - 2 * alpha);
  return { exchanges: 0, lastPulled: new Int32Array(width), shrink };
}

/** One elastic pull of coordinate j (exchange number state.exchanges); j must be up to date with the earlier ones. */
function pull(local: Float64Array, centre: Float64Array, j: number, alpha: number, state: ElasticState): void {
  const diff = alpha * (local[j] - centre[j]);
  local[j] -= diff;
  centre[j] += diff;
  state.lastPulled[j] = state.exchanges;
}

/** Apply the pulls coordinate j missed since it was last pulled (they commute with nothing: do it before j is read). */
function catchUp(local: Float64Array, centre: Float64Array, j: number, alpha: number, state: ElasticState): void {
  const missed = state.exchanges - state.lastPulled[j];
  if (missed > 0) {
    const middle = (local[j] + centre[j]) / 2;
    const half = ((local[j] - centre[j]) / 2) * (missed < SHRINK_TABLE ? state.shrink[missed] : Math.pow(1 - 2 * alpha, missed));
    local[j] = middle + half;
    centre[j] = middle - half;
  }
  state.lastPulled[j] = state.exchanges;
}

/** EASGD: one example's step on the thread's copy, its features first brought up to date with the pulls they missed, and marked for the next exchange. */
function easgdStep(local: Float64Array, centre: Float64Array, data: SparseDataset, k: number, rate: number, lambda: number, set: TouchSet, alpha: number, state: ElasticState): number {
  const { rowOffsets, indices } = data;
  const { flags, list } = set;
  for (let q = rowOffsets[k]; q < rowOffsets[k + 1]; q++) {
    const j = indices[q];
    if (flags[j] !== 0) continue;
    flags[j] = 1;
    list[set.count++] = j;
    catchUp(local, centre, j, alpha, state);
  }
  return exampleStep(local, data, k, rate, lambda);
}

/** EASGD's elastic exchange over the touched coordinates and the bias; clears the set. */
function elasticExchange(local: Float64Array, centre: Float64Array, set: TouchSet, bias: number, alpha: number, state: ElasticState): void {
  state.exchanges++;
  const { flags, list } = set;
  for (let i = 0; i < set.count; i++) {
    const j = list[i];
    flags[j] = 0;
    pull(local, centre, j, alpha, state);
  }
  set.count = 0;
  pull(local, centre, bias, alpha, state);
}

/** At the end of a run: apply every coordinate's missed pulls (no new pull). */
function settleElastic(local: Float64Array, centre: Float64Array, alpha: number, state: ElasticState): void {
  for (let j = 0; j < local.length; j++) catchUp(local, centre, j, alpha, state);
}

/**
 * The summed gradient of the examples at positions lo..hi-1 of `order`
 * against `weights`, added into into[offset + j] (offset + numFeatures for
 * the bias), the features touched listed in `set`; returns their summed loss.
 * SSP's clock and BSP's step both start with it.
 */
function batchGradient(weights: Float64Array, data: SparseDataset, order: Uint32Array, lo: number, hi: number, into: Float64Array, offset: number, set: TouchSet): number {
  const { rowOffsets, indices, values, labels } = data;
  const d = data.numFeatures;
  const { flags, list } = set;
  let loss = 0;
  for (let i = lo; i < hi; i++) {
    const k = order[i];
    const end = rowOffsets[k + 1];
    let z = weights[d];
    for (let q = rowOffsets[k]; q < end; q++) z += weights[indices[q]] * values[q];
    loss += exampleLoss(z, labels[k]);
    const g = sigmoid(z) - (labels[k] > 0 ? 1 : 0);
    for (let q = rowOffsets[k]; q < end; q++) {
      const j = indices[q];
      if (flags[j] === 0) {
        flags[j] = 1;
        list[set.count++] = j;
      }
      into[offset + j] += g * values[q];
    }
    into[offset + d] += g;
  }
  return loss;
}

/** SSP: one clock's summed gradient against the shared weights, then pushed into them (touched features regularised once). */
function sspUpdate(weights: Float64Array, data: SparseDataset, order: Uint32Array, lo: number, hi: number, rate: number, lambda: number, gradient: Float64Array, set: TouchSet): number {
  const loss = batchGradient(weights, data, order, lo, hi, gradient, 0, set);
  const d = data.numFeatures;
  const { flags, list } = set;
  for (let i = 0; i < set.count; i++) {
    const j = list[i];
    weights[j] -= rate * (gradient[j] + lambda * weights[j]);
    gradient[j] = 0;
    flags[j] = 0;
  }
  set.count = 0;
  weights[d] -= rate * gradient[d];
  gradient[d] = 0;
  return loss;
}

/** BSP, first half of a step: this thread's batch gradient into its row, and the features it touched (found with `set`) into its list. */
function bspGradient(shared: SgdShared, thread: number, order: Uint32Array, lo: number, hi: number, set: TouchSet): number {
  const width = shared.data.numFeatures + 1;
  const row = thread * width;
  const loss = batchGradient(shared.weights, shared.data, order, lo, hi, shared.gradients!, row, set);
  const touched = shared.touched!;
  const { flags, list } = set;
  for (let i = 0; i < set.count; i++) {
    touched[row + i] = list[i];
    flags[list[i]] = 0;
  }
  shared.touchedCounts![thread] = set.count;
  set.count = 0;
  shared.batchCounts![thread] = Math.max(0, hi - lo);
  return loss;
}

/** BSP, second half: update the touched features of this thread's slice from every thread's rows (each once, marked with `step`). */
function bspUpdate(shared: SgdShared, thread: number, threads: number, step: number, rate: number, lambda: number): void {
  const { weights } = shared;
  const gradients = shared.gradients!;
  const touched = shared.touched!;
  const counts = shared.touchedCounts!;
  const updatedAt = shared.updatedAt!;
  const d = shared.data.numFeatures;
  const width = d + 1;
  let examples = 0;
  for (let t = 0; t < threads; t++) examples += shared.batchCounts![t];
  if (examples === 0) return;
  const sliceFrom = Math.floor((width * thread) / threads);
  const sliceTo = Math.floor((width * (thread + 1)) / threads);
  // The batch's per-example gradients are summed, not averaged: every example takes its own
  // step, only later (so one learning rate serves every consistency model, and BSP with one
  // thread and batches of one is plain SGD); averaging divided each sparse feature's step by
  // the batch size, and learned 2x slower again on 2 threads.
  const updateFeature = (j: number, regularise: boolean): void => {
    let g = 0;
    for (let t = 0; t < threads; t++) {
      g += gradients[t * width + j];
      gradients[t * width + j] = 0;
    }
    weights[j] -= rate * (g + (regularise ? lambda * weights[j] : 0));
  };
  for (let t = 0; t < threads; t++) {
    const base = t * width;
    for (let i = 0; i < counts[t]; i++) {
      const j = touched[base + i];
      if (j < sliceFrom || j >= sliceTo || updatedAt[j] === step) continue;
      updatedAt[j] = step;
      updateFeature(j, true);
    }
  }
  if (d >= sliceFrom && d < sliceTo) updateFeature(d, false);
}

/** Examples per block of the epoch's shuffle (see the header). */
const SHUFFLE_BLOCK = 32;

/** This epoch's order of the shard starting at `from`: its blocks of SHUFFLE_BLOCK examples shuffled, each block in order. */
function shuffleBlocks(order: Uint32Array, from: number, blocks: Uint32Array, random: Int32Array): void {
  for (let b = 0; b < blocks.length; b++) blocks[b] = b;
  sfc32Shuffle(random, blocks);
  let at = 0;
  for (let i = 0; i < blocks.length; i++) {
    const start = blocks[i] * SHUFFLE_BLOCK;
    const end = Math.min(order.length, start + SHUFFLE_BLOCK);
    for (let k = start; k < end; k++) order[at++] = from + k;
  }
}

export function runSgdThread(shared: SgdShared, thread: number, threads: number): void {
  const { data, params, weights, control } = shared;
  const d = data.numFeatures;
  const width = d + 1;
  const { lambda, batchSize, staleness, tau, alpha } = params;
  const barrier = new SweepBarrier(control, SGD_CONTROL.BARRIER, threads);
  const from = shared.shards[thread];
  const to = shared.shards[thread + 1];
  const order = new Uint32Array(to - from);
  const blocks = new Uint32Array(Math.ceil((to - from) / SHUFFLE_BLOCK));
  const random = sfc32Seed((params.seed * 1_000_003 + thread * 7919) | 0);
  // EASGD's private weights; the features touched (since EASGD's last exchange, in an SSP clock, in a BSP batch); SSP's per-clock update.
  const local = shared.consistency === 'easgd' ? Float64Array.from(weights) : null;
  const elastic: ElasticState | null = local ? elasticState(width, alpha) : null;
  const set = touchSet(width);
  const delta = shared.consistency === 'ssp' ? new Float64Array(width) : null;
  const maxShard = Math.max(...Array.from({ length: threads }, (_, t) => shared.shards[t + 1] - shared.shards[t]));
  let clock = 0;
  let step = 0;
  let sinceExchange = 0;

  /** SSP: wait until every thread has finished clock `clock - staleness - 1`. */
  const waitForStragglers = (): void => {
    const needed = clock - staleness;
    for (;;) {
      const seen = Atomics.load(control, SGD_CONTROL.CLOCK_CHANGED);
      let slowest = Infinity;
      for (let t = 0; t < threads; t++) slowest = Math.min(slowest, Atomics.load(control, SGD_CONTROL.CLOCKS + t));
      if (slowest >= needed) {
        // Record the lead it goes on with, for the result (tests pin the bound with it).
        const lead = clock - slowest;
        for (let seenLead = Atomics.load(control, SGD_CONTROL.MAX_LEAD); lead > seenLead; seenLead = Atomics.load(control, SGD_CONTROL.MAX_LEAD)) {
          if (Atomics.compareExchange(control, SGD_CONTROL.MAX_LEAD, seenLead, lead) === seenLead) break;
        }
        return;
      }
      if (Atomics.load(control, SGD_CONTROL.ABORT) !== 0) return;
      Atomics.wait(control, SGD_CONTROL.CLOCK_CHANGED, seen, 50);
    }
  };

  for (let epoch = 0; epoch < params.epochs; epoch++) {
    if (Atomics.load(control, SGD_CONTROL.ABORT) !== 0) return;
    const rate = params.learningRate / (1 + params.decay * epoch);
    shuffleBlocks(order, from, blocks, random);
    let loss = 0;
    // BSP steps and SSP clocks: every thread takes the same number per epoch (the last ones
    // possibly empty), or a thread with a longer shard would wait for others that never come.
    const rounds = Math.ceil(maxShard / batchSize);
    switch (shared.consistency) {
      case 'async':
        for (let i = 0; i < order.length; i++) loss += exampleStep(weights, data, order[i], rate, lambda);
        break;
      case 'easgd':
        for (let i = 0; i < order.length; i++) {
          loss += easgdStep(local!, weights, data, order[i], rate, lambda, set, alpha, elastic!);
          if (++sinceExchange === tau) {
            sinceExchange = 0;
            elasticExchange(local!, weights, set, d, alpha, elastic!);
          }
        }
        break;
      case 'ssp':
        for (let c = 0; c < rounds; c++) {
          waitForStragglers();
          loss += sspUpdate(weights, data, order, Math.min(order.length, c * batchSize), Math.min(order.length, (c + 1) * batchSize), rate, lambda, delta!, set);
          clock++;
          Atomics.store(control, SGD_CONTROL.CLOCKS + thread, clock);
          Atomics.add(control, SGD_CONTROL.CLOCK_CHANGED, 1);
          Atomics.notify(control, SGD_CONTROL.CLOCK_CHANGED);
        }
        break;
      case 'bsp':
        for (let c = 0; c < rounds; c++) {
          loss += bspGradient(shared, thread, order, Math.min(order.length, c * batchSize), Math.min(order.length, (c + 1) * batchSize), set);
          barrier.arrive(null);
          bspUpdate(shared, thread, threads, ++step, rate, lambda);
          barrier.arrive(null);
        }
        break;
    }
    shared.losses[thread] = loss;
    barrier.arrive(() => {
      let total = 0;
      for (let t = 0; t < threads; t++) total += shared.losses[t];
      shared.history[epoch] = total / data.numExamples;
    });
  }
  if (elastic !== null) {
    // Each thread's missed pulls on the centre, one thread at a time (they all move it).
    for (let t = 0; t < threads; t++) {
      if (t === thread) settleElastic(local!, weights, alpha, elastic);
      barrier.arrive(null);
    }
  }
}
