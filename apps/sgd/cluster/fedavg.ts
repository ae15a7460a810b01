/**
 * One machine of a federated-averaging run (McMahan et al. 2017): each round
 * the coordinator sends the participating machines the global model; each
 * runs `localEpochs` epochs of per-example SGD over its own examples (its
 * virtual threads' shards one after the other, each in its shuffled order)
 * starting from it, and sends back its model and example count, which the
 * coordinator averages, weighted by examples. Only models move: nothing goes
 * between machines.
 */
import type { SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import { viewFloat64 } from '../../../core/cluster/wire.js';
import type { Trainer } from '../../../core/cluster/training/trainer.js';
import type { SgdParams } from '../loop.js';
import { ThreadOrders, exampleStep, type ResumeFrom } from './local-steps.js';

export interface FedavgArgs {
  params: SgdParams;
  numFeatures: number;
  localEpochs: number;
  threadBounds: number[];
  threadBase: number;
}

const bytesOf = (a: Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export class FedavgMachine implements Trainer {
  private readonly orders: ThreadOrders;

  constructor(
    private readonly args: FedavgArgs,
    private readonly data: SparseDataset,
    start: ResumeFrom = { weights: null, round: 0 },
  ) {
    this.orders = new ThreadOrders(args.threadBounds, args.threadBase, args.params.seed);
    // The model comes with every round; a resumed run only skips the orders (as if it took part in every round).
    this.orders.skip(start.round * args.localEpochs);
  }

  call(op: string, args: Record<string, unknown>, parts: Uint8Array[]): { json?: unknown; parts?: Uint8Array[] } {
    if (op !== 'round') throw new Error(`fedavg: no op ${op}`);
    const { params, numFeatures, localEpochs } = this.args;
    const w = viewFloat64(parts[0] ?? new Uint8Array(0)).slice();
    if (w.length !== numFeatures + 1) throw new Error(`fedavg: a model of ${w.length} values for ${numFeatures} features and a bias`);
    const round = Number(args.round);
    const began = performance.now();
    let loss = 0;
    for (let e = 0; e < localEpochs; e++) {
      const rate = params.learningRate / (1 + params.decay * (round * localEpochs + e));
      this.orders.shuffle();
      loss = 0;
      for (const order of this.orders.orders) for (let i = 0; i < order.length; i++) loss += exampleStep(w, this.data, order[i], rate, params.lambda);
    }
    return { json: { loss, examples: this.data.numExamples, busySeconds: (performance.now() - began) / 1000 }, parts: [bytesOf(w)] };
  }
}
