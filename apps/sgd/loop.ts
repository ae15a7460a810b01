/**
 * One thread's share of parallel SGD for logistic regression over shared
 * memory, the same function inline and in every worker thread. The examples
 * are split into one contiguous shard per thread; each epoch a thread walks
 * its shard in a seeded shuffled order; the weights (and the bias, last) are
 * one shared Float64Array. The shuffle moves blocks of 32 consecutive
 * examples (in order within a block): a shuffle of single examples makes
 * every row a cache miss. On 320,000 planted rows a hand-written epoch takes
 * 302 ms in that order, 82 ms in blocks of 32 and 66 ms in file order
 * (`node --expose-gc dist/bench/sgd.js 400000 3`).
 *
 * How threads see each other's progress is the consistency model, one
 * module each in consistency/ behind one interface (bsp, ssp, async,
 * easgd; across machines, apps/sgd/cluster/). Steps regularise only the
 * weights their examples touch (the usual sparse-SGD shortcut), BSP's
 * included. The learning rate of epoch e is learningRate / (1 + decay * e).
 * `history` gets each epoch's mean training log-loss as met during the
 * epoch (each example's loss just before its own step: free, where a pass
 * with the final weights cost most of an epoch). After each epoch all
 * threads meet at a barrier, where one sums the epoch's losses into
 * `history`.
 */
import { SweepBarrier } from '../../core/engine/async-barrier.js';
import type { SparseDataset } from '../../core/graph/loaders/libsvm.js';
import { sfc32Seed, sfc32Shuffle } from '../../core/util/sfc32.js';
import { THREAD_MODELS } from './consistency/index.js';
import { SGD_CONTROL, type SgdShared } from './shared-state.js';

export { SGD_CONTROL, controlWords, type SgdConsistency, type SgdParams, type SgdShared } from './shared-state.js';

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

/** Examples per block of the epoch's shuffle (see the header). */
export const SHUFFLE_BLOCK = 32;

/** This epoch's order of the shard starting at `from`: its blocks of SHUFFLE_BLOCK examples shuffled, each block in order. */
export function shuffleBlocks(order: Uint32Array, from: number, blocks: Uint32Array, random: Int32Array): void {
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
  const { data, params, control } = shared;
  const { batchSize } = params;
  const barrier = new SweepBarrier(control, SGD_CONTROL.BARRIER, threads);
  const from = shared.shards[thread];
  const to = shared.shards[thread + 1];
  const order = new Uint32Array(to - from);
  const blocks = new Uint32Array(Math.ceil((to - from) / SHUFFLE_BLOCK));
  const random = sfc32Seed((params.seed * 1_000_003 + thread * 7919) | 0);
  const maxShard = Math.max(...Array.from({ length: threads }, (_, t) => shared.shards[t + 1] - shared.shards[t]));
  // BSP steps and SSP clocks: every thread takes the same number per epoch (the last ones
  // possibly empty), or a thread with a longer shard would wait for others that never come.
  const rounds = Math.ceil(maxShard / batchSize);
  const runner = THREAD_MODELS[shared.consistency].start({ shared, thread, threads, order, rounds, barrier });
  for (let epoch = 0; epoch < params.epochs; epoch++) {
    if (Atomics.load(control, SGD_CONTROL.ABORT) !== 0) return;
    const rate = params.learningRate / (1 + params.decay * (epoch + shared.epochOffset));
    shuffleBlocks(order, from, blocks, random);
    shared.losses[thread] = runner.epoch(rate);
    barrier.arrive(() => {
      let total = 0;
      for (let t = 0; t < threads; t++) total += shared.losses[t];
      shared.history[epoch] = total / data.numExamples;
    });
  }
  runner.finish?.();
}
