/**
 * One machine of an all-reduce run: synchronous data-parallel SGD in which
 * every machine keeps the whole model, computes its batches' summed
 * gradient, and the machines sum their gradients with an all-reduce over the
 * data channel, so that each takes the same step (the single-process BSP
 * step of loop.ts, the sum in another order). Two shapes:
 *
 * - ring (as Horovod and Baidu's ring all-reduce): the vector in M chunks;
 *   M - 1 steps of reduce-scatter (each machine passes one chunk to the next
 *   and adds the one it gets), then M - 1 of all-gather (the summed chunks
 *   go round). Each machine sends 2 (M - 1) / M of the vector per step,
 *   whatever M; every machine ends with the same bits.
 * - tree: a binary tree rooted at machine 0 sums up the tree and sends the
 *   sum down: the root and inner machines send and receive up to three
 *   whole vectors, in 2 log2 M hops.
 *
 * The vector is the gradient (numFeatures weights, then the bias) and, last,
 * the batch's example count (an empty step is skipped everywhere). A weight
 * is regularised when its summed gradient is non-zero: the features the
 * batch touched, save one whose gradients cancel exactly (then its step is
 * the regulariser's alone, which is skipped).
 */
import type { SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import { viewFloat64 } from '../../../core/cluster/wire.js';
import type { Trainer, TrainerLink } from '../../../core/cluster/training/trainer.js';
import type { SgdParams } from '../loop.js';
import { KeySet, ThreadOrders, type ResumeFrom } from './local-steps.js';
import { GradientThreads } from './gradient-threads.js';

export type Topology = 'ring' | 'tree';

export interface AllreduceArgs {
  params: SgdParams;
  numFeatures: number;
  topology: Topology;
  threadBounds: number[];
  threadBase: number;
  longestShard: number;
}

const RING_TAG = 16;
const TREE_UP = 8;
const TREE_DOWN = 9;
const bytesOf = (a: Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Sum `v` over every machine of `link`, in place, at sequence number `seq`; returns the bytes this machine sent. */
export async function allreduce(link: TrainerLink, topology: Topology, seq: number, v: Float64Array): Promise<number> {
  const M = link.machines;
  const m = link.machine;
  if (M === 1) return 0;
  let bytes = 0;
  if (topology === 'ring') {
    if (2 * (M - 1) + RING_TAG > 255) throw new Error(`all-reduce: a ring of at most ${(255 - RING_TAG) / 2 + 1} machines`);
    const bound = (i: number): number => Math.floor((v.length * i) / M);
    const chunk = (i: number): Float64Array => v.subarray(bound(i), bound(i + 1));
    const next = (m + 1) % M;
    for (let k = 0; k < M - 1; k++) {
      bytes += link.send(next, seq, RING_TAG + k, [bytesOf(chunk((m - k + M) % M).slice())]);
      const [got] = await link.receive(seq, RING_TAG + k, 1);
      const into = chunk((m - k - 1 + 2 * M) % M);
      const add = viewFloat64(got.parts[0]);
      if (add.length !== into.length) throw new Error(`all-reduce: a chunk of ${add.length} values where ${into.length} were expected`);
      for (let i = 0; i < into.length; i++) into[i] += add[i];
    }
    for (let k = 0; k < M - 1; k++) {
      const tag = RING_TAG + M - 1 + k;
      bytes += link.send(next, seq, tag, [bytesOf(chunk((m + 1 - k + M) % M).slice())]);
      const [got] = await link.receive(seq, tag, 1);
      const into = chunk((m - k + 2 * M) % M);
      const sum = viewFloat64(got.parts[0]);
      if (sum.length !== into.length) throw new Error(`all-reduce: a chunk of ${sum.length} values where ${into.length} were expected`);
      into.set(sum);
    }
    return bytes;
  }
  const children = [2 * m + 1, 2 * m + 2].filter((c) => c < M);
  if (children.length > 0) {
    for (const frame of await link.receive(seq, TREE_UP, children.length)) {
      const add = viewFloat64(frame.parts[0]);
      if (add.length !== v.length) throw new Error(`all-reduce: ${add.length} values from machine ${frame.from}, not ${v.length}`);
      for (let i = 0; i < v.length; i++) v[i] += add[i];
    }
  }
  if (m > 0) {
    bytes += link.send((m - 1) >> 1, seq, TREE_UP, [bytesOf(v.slice())]);
    const [sum] = await link.receive(seq, TREE_DOWN, 1);
    const values = viewFloat64(sum.parts[0]);
    if (values.length !== v.length) throw new Error(`all-reduce: ${values.length} values from the parent, not ${v.length}`);
    v.set(values);
  }
  for (const c of children) bytes += link.send(c, seq, TREE_DOWN, [bytesOf(v.slice())]);
  return bytes;
}

export class AllreduceMachine implements Trainer {
  private readonly weights: Float64Array;
  /** The gradient, then the example count. */
  private readonly vector: Float64Array;
  private readonly touched: KeySet;
  private readonly orders: ThreadOrders;
  private readonly gradients: GradientThreads;
  private step = 0;

  constructor(
    private readonly args: AllreduceArgs,
    private readonly data: SparseDataset,
    private readonly link: TrainerLink,
    start: ResumeFrom = { weights: null, round: 0 },
    /** The worker's threads: a step's batches are computed on up to this many. */
    realThreads = 1,
  ) {
    const width = args.numFeatures + 1;
    this.orders = new ThreadOrders(args.threadBounds, args.threadBase, args.params.seed, (lengths) => GradientThreads.ordersFor(lengths, realThreads));
    this.gradients = new GradientThreads(data, this.orders.orders, realThreads);
    // The replica is what the gradient threads read.
    this.weights = this.gradients.shared.view;
    if (start.weights !== null) this.weights.set(start.weights);
    this.vector = new Float64Array(width + 1);
    this.touched = new KeySet(width);
    this.orders.skip(start.round);
  }

  close(): void {
    this.gradients.close();
  }

  async call(op: string, args: Record<string, unknown>): Promise<{ json?: unknown; parts?: Uint8Array[] }> {
    if (op === 'round') return { json: await this.round(Number(args.epoch)) };
    if (op === 'collect') return { json: {}, parts: [bytesOf(this.weights.slice())] };
    throw new Error(`all-reduce: no op ${op}`);
  }

  private async round(epoch: number): Promise<Record<string, number>> {
    const { params, numFeatures: d, topology } = this.args;
    const rate = params.learningRate / (1 + params.decay * epoch);
    const { batchSize, lambda } = params;
    this.orders.shuffle();
    const w = this.weights;
    const v = this.vector;
    let loss = 0;
    let bytes = 0;
    const steps = Math.ceil(this.args.longestShard / batchSize);
    const began = performance.now();
    let waited = 0;
    for (let c = 0; c < steps; c++) {
      v.fill(0);
      this.touched.clear();
      let examples = 0;
      for (const order of this.orders.orders) examples += Math.min(order.length, (c + 1) * batchSize) - Math.min(order.length, c * batchSize);
      loss += await this.gradients.compute(c, batchSize, w, v, this.touched);
      v[d + 1] = examples;
      const before = performance.now();
      bytes += await allreduce(this.link, topology, this.step++, v);
      waited += performance.now() - before;
      if (v[d + 1] === 0) continue;
      for (let j = 0; j < d; j++) if (v[j] !== 0) w[j] -= rate * (v[j] + lambda * w[j]);
      w[d] -= rate * v[d];
    }
    return { loss, bytes, clock: this.step, maxStaleness: 0, busySeconds: (performance.now() - began - waited) / 1000 };
  }
}
