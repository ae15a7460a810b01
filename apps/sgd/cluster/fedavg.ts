/**
 * One machine of a federated-averaging run (McMahan et al. 2017): each round
 * the coordinator sends the participating machines the global model; each
 * runs `localEpochs` epochs of asynchronous SGD (Hogwild!, apps/sgd/train.ts)
 * over its own examples on the worker's threads (`gasworks worker
 * --threads`), starting from it, and sends back its model and example
 * count, which the coordinator averages, weighted by examples. Only models
 * move: nothing goes between machines. The learning rate carries on across
 * rounds (round r's local epoch e steps as epoch r E + e); each round's
 * shuffles are seeded by the round and the machine.
 */
import type { SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import { toShared } from '../../../core/graph/shared.js';
import { viewFloat64 } from '../../../core/cluster/wire.js';
import type { Trainer } from '../../../core/cluster/training/trainer.js';
import type { SgdParams } from '../loop.js';
import { trainLogistic } from '../train.js';

export interface FedavgArgs {
  params: SgdParams;
  numFeatures: number;
  localEpochs: number;
  threadBounds: number[];
  threadBase: number;
}

const bytesOf = (a: Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export class FedavgMachine implements Trainer {
  private readonly data: SparseDataset;

  constructor(
    private readonly args: FedavgArgs,
    data: SparseDataset,
    private readonly machine: number,
    private readonly threads: number,
  ) {
    // Threads read the examples from shared memory.
    this.data = threads > 1 ? { ...data, labels: toShared(data.labels), rowOffsets: toShared(data.rowOffsets), indices: toShared(data.indices), values: toShared(data.values) } : data;
  }

  async call(op: string, args: Record<string, unknown>, parts: Uint8Array[]): Promise<{ json?: unknown; parts?: Uint8Array[] }> {
    if (op !== 'round') throw new Error(`fedavg: no op ${op}`);
    const { params, numFeatures, localEpochs } = this.args;
    const w = viewFloat64(parts[0] ?? new Uint8Array(0)).slice();
    if (w.length !== numFeatures + 1) throw new Error(`fedavg: a model of ${w.length} values for ${numFeatures} features and a bias`);
    const round = Number(args.round);
    if (!(Number.isInteger(round) && round >= 0)) throw new Error(`fedavg: round must be a whole number; got ${args.round}`);
    const began = performance.now();
    if (this.data.numExamples === 0) return { json: { loss: 0, examples: 0, busySeconds: 0 }, parts: [bytesOf(w)] };
    const r = await trainLogistic(this.data, {
      ...params,
      consistency: 'async',
      workers: this.threads,
      epochs: localEpochs,
      initialWeights: w,
      epochOffset: round * localEpochs,
      seed: ((params.seed * 1_000_003 + round * 7919 + this.machine * 104_729) % 2_147_483_629) + 1,
    });
    // The loss met in the round's last local epoch, summed over the examples.
    const loss = r.history[r.history.length - 1] * this.data.numExamples;
    return { json: { loss, examples: this.data.numExamples, busySeconds: (performance.now() - began) / 1000 }, parts: [bytesOf(r.weights)] };
  }
}
