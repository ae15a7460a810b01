/**
 * The per-example maths each machine of a distributed run does on its own
 * examples: a batch's summed logistic gradient against given weights (the
 * features it touched listed), one example's SGD step, and each virtual
 * thread's shuffled order of its shard, drawn as loop.ts draws it for the
 * same thread number (so a run on M machines of T threads meets the batches
 * of one process with M T threads).
 */
import type { SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import { sfc32Seed } from '../../../core/util/sfc32.js';
import { exampleLoss, sigmoid } from '../logistic.js';
import { SHUFFLE_BLOCK, shuffleBlocks } from '../loop.js';

/** A set of keys: a flag per key and the list of those set. */
export class KeySet {
  readonly flags: Uint8Array;
  readonly list: Uint32Array;
  count = 0;

  constructor(width: number) {
    this.flags = new Uint8Array(width);
    this.list = new Uint32Array(width);
  }

  add(key: number): void {
    if (this.flags[key] === 0) {
      this.flags[key] = 1;
      this.list[this.count++] = key;
    }
  }

  clear(): void {
    for (let i = 0; i < this.count; i++) this.flags[this.list[i]] = 0;
    this.count = 0;
  }
}

/**
 * The summed gradient of examples order[lo..hi) against `w` added into `into` (the bias at
 * numFeatures), their features added to `set`; returns their summed loss before any step.
 */
export function batchGradient(w: Float64Array, data: SparseDataset, order: Uint32Array, lo: number, hi: number, into: Float64Array, set: KeySet): number {
  const { rowOffsets, indices, values, labels } = data;
  const d = data.numFeatures;
  let loss = 0;
  for (let i = lo; i < hi; i++) {
    const k = order[i];
    const end = rowOffsets[k + 1];
    let z = w[d];
    for (let q = rowOffsets[k]; q < end; q++) z += w[indices[q]] * values[q];
    loss += exampleLoss(z, labels[k]);
    const g = sigmoid(z) - (labels[k] > 0 ? 1 : 0);
    for (let q = rowOffsets[k]; q < end; q++) {
      const j = indices[q];
      set.add(j);
      into[j] += g * values[q];
    }
    into[d] += g;
  }
  return loss;
}

/** Where a machine starts: a checkpoint's weights (null: zeros) after `round` rounds. */
export interface ResumeFrom {
  weights: Float64Array | null;
  round: number;
}

/** Virtual threads of one machine: thread t's examples are [bounds[t], bounds[t + 1]) of the machine's, its global number base + t. */
export class ThreadOrders {
  readonly orders: Uint32Array[];
  private readonly blocks: Uint32Array[];
  private readonly randoms: Int32Array[];

  constructor(
    readonly bounds: number[],
    base: number,
    seed: number,
    /** Allocate the orders (shared memory, for threads to read); default plain arrays. */
    allocate: (lengths: number[]) => Uint32Array[] = (lengths) => lengths.map((n) => new Uint32Array(n)),
  ) {
    const threads = bounds.length - 1;
    this.orders = allocate(Array.from({ length: threads }, (_, t) => bounds[t + 1] - bounds[t]));
    this.blocks = this.orders.map((o) => new Uint32Array(Math.ceil(o.length / SHUFFLE_BLOCK)));
    // loop.ts's seed of thread (base + t).
    this.randoms = this.orders.map((_, t) => sfc32Seed((seed * 1_000_003 + (base + t) * 7919) | 0));
  }

  /** Skip the orders of `rounds` epochs (a run resumed from a checkpoint draws what it would have). */
  skip(rounds: number): void {
    for (let r = 0; r < rounds; r++) this.shuffle();
  }

  /** Draw the next epoch's order of every thread. */
  shuffle(): void {
    this.orders.forEach((order, t) => shuffleBlocks(order, this.bounds[t], this.blocks[t], this.randoms[t]));
  }
}
