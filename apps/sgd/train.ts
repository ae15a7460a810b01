/**
 * Train a logistic-regression model with parallel SGD under a chosen
 * consistency model (loop.ts): options declared up front with their
 * defaults, the shared state allocated once, the threads run inline (one
 * worker) or on pooled worker threads (core/engine/worker-run.ts), and the
 * training log-loss after each epoch returned with the weights.
 */
import { SweepBarrier } from '../../core/engine/async-barrier.js';
import { runOnWorkers } from '../../core/engine/worker-run.js';
import { UsageError } from '../../core/errors.js';
import type { SparseDataset } from '../../core/graph/loaders/libsvm.js';
import { sharedFloat64, sharedInt32 } from '../../core/graph/shared.js';
import { siblingModule } from '../../core/workers/spawn.js';
import { SGD_CONTROL, controlWords, runSgdThread, shardByNonzeros, type SgdConsistency, type SgdParams, type SgdShared } from './loop.js';
import type { SgdWorkerData } from './worker.js';

export const CONSISTENCIES: readonly SgdConsistency[] = ['bsp', 'ssp', 'async', 'easgd'];

export const SGD_DEFAULTS: SgdParams & { consistency: SgdConsistency } = {
  consistency: 'async',
  epochs: 10,
  // Best of learningRate 0.05-0.1 and decay 0.5-1 on a9a (test accuracy 0.845-0.851 in every mode).
  learningRate: 0.05,
  decay: 1,
  lambda: 1e-5,
  batchSize: 32,
  staleness: 2,
  tau: 16,
  alpha: 0.1,
  seed: 1,
};

export interface SgdOptions extends Partial<SgdParams> {
  /** 'async' (Hogwild!, default), 'bsp', 'ssp' or 'easgd'. */
  consistency?: SgdConsistency;
  /** Threads. Default 1 (inline). */
  workers?: number;
  /** Start from these weights (numFeatures, then the bias) instead of zeros. */
  initialWeights?: Float64Array;
  /** Epochs already taken elsewhere: the learning rate carries on from there (federated rounds). Default 0. */
  epochOffset?: number;
}

export interface SgdResult {
  /** numFeatures weights, then the bias. */
  weights: Float64Array;
  numFeatures: number;
  consistency: SgdConsistency;
  params: SgdParams;
  /** Mean training log-loss met during each epoch (each example's loss before its own step). */
  history: number[];
  seconds: number;
  /** SSP: the most clocks a thread ran ahead of the slowest (never above the staleness); null for other models. */
  maxClockLead: number | null;
}

const WORKER_URL = siblingModule(import.meta.url, 'worker');

function check(name: string, ok: boolean, value: number, expected: string): void {
  if (!ok) throw new UsageError(`trainLogistic: ${name} must be ${expected}; got ${value}`);
}

export async function trainLogistic(data: SparseDataset, options: SgdOptions = {}): Promise<SgdResult> {
  const consistency = options.consistency ?? SGD_DEFAULTS.consistency;
  if (!CONSISTENCIES.includes(consistency)) throw new UsageError(`trainLogistic: consistency must be one of ${CONSISTENCIES.join(', ')}; got ${JSON.stringify(consistency)}`);
  const pick = <K extends keyof SgdParams>(key: K): SgdParams[K] => options[key] ?? SGD_DEFAULTS[key];
  const params: SgdParams = {
    epochs: pick('epochs'),
    learningRate: pick('learningRate'),
    decay: pick('decay'),
    lambda: pick('lambda'),
    batchSize: pick('batchSize'),
    staleness: pick('staleness'),
    tau: pick('tau'),
    alpha: pick('alpha'),
    seed: pick('seed'),
  };
  const threads = options.workers ?? 1;
  check('workers', Number.isInteger(threads) && threads >= 1, threads, 'a positive integer');
  check('epochs', Number.isInteger(params.epochs) && params.epochs >= 1, params.epochs, 'a positive integer');
  check('batchSize', Number.isInteger(params.batchSize) && params.batchSize >= 1, params.batchSize, 'a positive integer');
  check('tau', Number.isInteger(params.tau) && params.tau >= 1, params.tau, 'a positive integer');
  check('staleness', Number.isInteger(params.staleness) && params.staleness >= 0, params.staleness, 'an integer >= 0');
  check('learningRate', params.learningRate > 0, params.learningRate, '> 0');
  check('decay', params.decay >= 0, params.decay, '>= 0');
  check('lambda', params.lambda >= 0, params.lambda, '>= 0');
  check('alpha', params.alpha > 0 && params.alpha <= 1, params.alpha, 'in (0, 1]');
  if (data.numExamples === 0) throw new UsageError('trainLogistic: no examples to train on');

  const width = data.numFeatures + 1;
  const shared: SgdShared = {
    consistency,
    data,
    params,
    weights: sharedFloat64(width),
    gradients: consistency === 'bsp' ? sharedFloat64(threads * width) : null,
    batchCounts: consistency === 'bsp' ? sharedFloat64(threads) : null,
    touched: consistency === 'bsp' ? sharedInt32(threads * width) : null,
    touchedCounts: consistency === 'bsp' ? sharedInt32(threads) : null,
    updatedAt: consistency === 'bsp' ? sharedInt32(width) : null,
    shards: shardByNonzeros(data, threads),
    control: sharedInt32(controlWords(threads)),
    history: sharedFloat64(params.epochs),
    losses: sharedFloat64(threads),
    epochOffset: options.epochOffset ?? 0,
  };
  if (options.initialWeights !== undefined) {
    if (options.initialWeights.length !== width) throw new UsageError(`trainLogistic: initialWeights must hold ${width} values (the features, then the bias); got ${options.initialWeights.length}`);
    shared.weights.set(options.initialWeights);
  }
  check('epochOffset', Number.isInteger(shared.epochOffset) && shared.epochOffset >= 0, shared.epochOffset, 'an integer >= 0');
  const started = performance.now();
  if (threads === 1) {
    runSgdThread(shared, 0, 1);
  } else {
    const start = sharedInt32(1);
    let began = performance.now();
    await runOnWorkers({
      who: 'trainLogistic',
      moduleUrl: WORKER_URL,
      threads,
      dataFor: (thread): SgdWorkerData => ({ shared, start, thread, threads }),
      startWord: start,
      startIndex: 0,
      start: () => {
        began = performance.now();
      },
      abort: () => {
        Atomics.store(shared.control, SGD_CONTROL.ABORT, 1);
        new SweepBarrier(shared.control, SGD_CONTROL.BARRIER, threads).breakAll();
      },
    });
    return finish(shared, began);
  }
  return finish(shared, started);
}

function finish(shared: SgdShared, started: number): SgdResult {
  return {
    weights: Float64Array.from(shared.weights),
    numFeatures: shared.data.numFeatures,
    consistency: shared.consistency,
    params: shared.params,
    history: Array.from(shared.history),
    seconds: (performance.now() - started) / 1000,
    maxClockLead: shared.consistency === 'ssp' ? Atomics.load(shared.control, SGD_CONTROL.MAX_LEAD) : null,
  };
}
