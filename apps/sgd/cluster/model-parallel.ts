/**
 * One machine of a model-parallel run: the features are split into blocks,
 * one per machine (machine 0's also holds the bias), and each machine keeps
 * only its block's weights and its block's columns of every example. A
 * mini-batch (drawn alike on every machine: one shuffled order, as loop.ts
 * draws thread 0's) goes in two passes: the margins are summed along the
 * chain of machines (machine 0 starts from the bias and adds its block's
 * terms, example by example, then passes the partial sums to machine 1, and
 * so on: the additions of one process, in its order, since a row's features
 * come in increasing id), the last machine sends the full margins to all;
 * then every machine steps its own block by the batch's summed gradient. The
 * trajectory is the one-process mini-batch SGD's (loop.ts's BSP on one
 * thread), to the bit. Each machine sends the batch's margins: M - 1 hops
 * along the chain and M - 1 copies back, 8 bytes an example each.
 */
import type { SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import { viewFloat64 } from '../../../core/cluster/wire.js';
import type { Trainer, TrainerLink } from '../../../core/cluster/training/trainer.js';
import { exampleLoss, sigmoid } from '../logistic.js';
import type { SgdParams } from '../loop.js';
import { KeySet, ThreadOrders, type ResumeFrom } from './local-steps.js';

export interface ModelParallelArgs {
  params: SgdParams;
  numFeatures: number;
  /** This machine's block: features [featureFrom, featureTo). */
  featureFrom: number;
  featureTo: number;
}

const CHAIN = 4;
const MARGINS = 5;
const bytesOf = (a: Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export class ModelParallelMachine implements Trainer {
  /** Weights by global feature id (only this block's are kept current), then the bias. */
  private readonly weights: Float64Array;
  private readonly gradient: Float64Array;
  private readonly touched: KeySet;
  private readonly orders: ThreadOrders;
  private step = 0;

  constructor(
    private readonly args: ModelParallelArgs,
    /** Every example, with only this block's features. */
    private readonly data: SparseDataset,
    private readonly link: TrainerLink,
    start: ResumeFrom = { weights: null, round: 0 },
  ) {
    const width = args.numFeatures + 1;
    this.weights = start.weights !== null ? Float64Array.from(start.weights) : new Float64Array(width);
    this.gradient = new Float64Array(width);
    this.touched = new KeySet(width);
    this.orders = new ThreadOrders([0, data.numExamples], 0, args.params.seed);
    this.orders.skip(start.round);
  }

  async call(op: string, args: Record<string, unknown>): Promise<{ json?: unknown; parts?: Uint8Array[] }> {
    if (op === 'round') return { json: await this.round(Number(args.epoch)) };
    if (op === 'collect') {
      const { featureFrom, featureTo, numFeatures } = this.args;
      const block = this.weights.slice(featureFrom, featureTo);
      return { json: { featureFrom, featureTo, bias: this.link.machine === 0 ? this.weights[numFeatures] : null }, parts: [bytesOf(block)] };
    }
    throw new Error(`model parallel: no op ${op}`);
  }

  private async round(epoch: number): Promise<Record<string, number>> {
    const { params, numFeatures: d } = this.args;
    const { batchSize, lambda } = params;
    const rate = params.learningRate / (1 + params.decay * epoch);
    const { machine, machines } = this.link;
    this.orders.shuffle();
    const order = this.orders.orders[0];
    const { rowOffsets, indices, values, labels } = this.data;
    const w = this.weights;
    const g = this.gradient;
    let loss = 0;
    let bytes = 0;
    const began = performance.now();
    let waited = 0;
    for (let lo = 0; lo < order.length; lo += batchSize) {
      const hi = Math.min(order.length, lo + batchSize);
      const seq = this.step++;
      // Pass 1: the margins along the chain.
      let z: Float64Array;
      if (machine === 0) {
        z = new Float64Array(hi - lo).fill(w[d]);
      } else {
        const before = performance.now();
        const [frame] = await this.link.receive(seq, CHAIN, 1);
        waited += performance.now() - before;
        z = viewFloat64(frame.parts[0]).slice();
        if (z.length !== hi - lo) throw new Error(`model parallel: ${z.length} margins for a batch of ${hi - lo}`);
      }
      for (let i = lo; i < hi; i++) {
        const k = order[i];
        let s = z[i - lo];
        for (let q = rowOffsets[k]; q < rowOffsets[k + 1]; q++) s += w[indices[q]] * values[q];
        z[i - lo] = s;
      }
      if (machine < machines - 1) {
        bytes += this.link.send(machine + 1, seq, CHAIN, [bytesOf(z)]);
        const before = performance.now();
        const [frame] = await this.link.receive(seq, MARGINS, 1);
        waited += performance.now() - before;
        z = viewFloat64(frame.parts[0]);
        if (z.length !== hi - lo) throw new Error(`model parallel: ${z.length} margins for a batch of ${hi - lo}`);
      } else {
        for (let p = 0; p < machines - 1; p++) bytes += this.link.send(p, seq, MARGINS, [bytesOf(z)]);
      }
      // Pass 2: this block's step.
      this.touched.clear();
      let biasGradient = 0;
      for (let i = lo; i < hi; i++) {
        const k = order[i];
        if (machine === machines - 1) loss += exampleLoss(z[i - lo], labels[k]);
        const e = sigmoid(z[i - lo]) - (labels[k] > 0 ? 1 : 0);
        for (let q = rowOffsets[k]; q < rowOffsets[k + 1]; q++) {
          const j = indices[q];
          if (this.touched.flags[j] === 0) {
            this.touched.add(j);
            g[j] = 0;
          }
          g[j] += e * values[q];
        }
        biasGradient += e;
      }
      for (let t = 0; t < this.touched.count; t++) {
        const j = this.touched.list[t];
        w[j] -= rate * (g[j] + lambda * w[j]);
      }
      if (machine === 0) w[d] -= rate * biasGradient;
    }
    return { loss, bytes, clock: this.step, maxStaleness: 0, busySeconds: (performance.now() - began - waited) / 1000 };
  }
}
