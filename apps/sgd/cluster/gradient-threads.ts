/**
 * A machine's batch gradients on its own threads: each clock (a parameter-
 * server clock, an all-reduce step) every virtual thread's batch gradient
 * goes into its own row, and the rows are summed in thread order, as one
 * process sums its threads' rows (consistency/bsp.ts): with one machine the
 * sum is that process's to the bit. Virtual thread t is computed by real
 * thread t mod R (R: the worker's --threads, at most the virtual threads;
 * real thread 0 is the machine's main thread). The helpers wait on a shared
 * generation word (Atomics), the main thread awaits them without blocking
 * its event loop (Atomics.waitAsync), so it still answers the parameter
 * server's frames meanwhile.
 */
import type { Worker } from 'node:worker_threads';
import type { SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import { sharedFloat64, sharedInt32, sharedUint32, toShared } from '../../../core/graph/shared.js';
import { siblingModule, spawnModuleWorker } from '../../../core/workers/spawn.js';
import { KeySet, batchGradient } from './local-steps.js';

/** Control words: the generation (bumped per clock), helpers done, the clock, the batch size, stop. */
export const GRADIENT_CONTROL = { GENERATION: 0, DONE: 1, CLOCK: 2, BATCH: 3, STOP: 4, SIZE: 5 } as const;

export interface GradientShared {
  data: SparseDataset;
  /** The weights the batches read (what the machine pulled, or its replica). */
  view: Float64Array;
  /** Virtual thread t's gradient at t x width; the keys it touched at t x width, their count at t. */
  rows: Float64Array;
  touched: Uint32Array;
  counts: Int32Array;
  losses: Float64Array;
  orders: Uint32Array[];
  control: Int32Array;
  width: number;
  virtualThreads: number;
  realThreads: number;
}

/** Virtual threads of real thread r's (r, r + R, ...): their rows for clock c. */
export function computeRows(shared: GradientShared, r: number, sets: Map<number, KeySet>): void {
  const { control, width, orders, virtualThreads, realThreads } = shared;
  const c = control[GRADIENT_CONTROL.CLOCK];
  const batch = control[GRADIENT_CONTROL.BATCH];
  for (let t = r; t < virtualThreads; t += realThreads) {
    const order = orders[t];
    let set = sets.get(t);
    if (set === undefined) sets.set(t, (set = new KeySet(width)));
    set.clear();
    const row = shared.rows.subarray(t * width, (t + 1) * width);
    shared.losses[t] = batchGradient(shared.view, shared.data, order, Math.min(order.length, c * batch), Math.min(order.length, (c + 1) * batch), row, set);
    shared.touched.set(set.list.subarray(0, set.count), t * width);
    shared.counts[t] = set.count;
  }
}

const HELPER_URL = siblingModule(import.meta.url, 'gradient-thread');

/** Atomics.waitAsync (Node 16+; not in this compiler's lib). */
const waitAsync = (Atomics as unknown as { waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): { async: boolean; value: Promise<string> | string } }).waitAsync;

export class GradientThreads {
  readonly shared: GradientShared;
  private readonly helpers: Worker[] = [];
  private readonly sets = new Map<number, KeySet>();
  private failure: Error | null = null;

  /** `orders` are the virtual threads' orders, refilled in place each epoch. */
  constructor(data: SparseDataset, orders: Uint32Array[], realThreads: number) {
    const width = data.numFeatures + 1;
    const T = orders.length;
    const R = Math.max(1, Math.min(realThreads, T));
    const sharedData = R > 1 ? { ...data, labels: toShared(data.labels), rowOffsets: toShared(data.rowOffsets), indices: toShared(data.indices), values: toShared(data.values) } : data;
    this.shared = {
      data: sharedData,
      view: R > 1 ? sharedFloat64(width) : new Float64Array(width),
      rows: R > 1 ? sharedFloat64(T * width) : new Float64Array(T * width),
      touched: R > 1 ? sharedUint32(T * width) : new Uint32Array(T * width),
      counts: R > 1 ? sharedInt32(T) : new Int32Array(T),
      losses: R > 1 ? sharedFloat64(T) : new Float64Array(T),
      orders,
      control: R > 1 ? sharedInt32(GRADIENT_CONTROL.SIZE) : new Int32Array(GRADIENT_CONTROL.SIZE),
      width,
      virtualThreads: T,
      realThreads: R,
    };
    for (let r = 1; r < R; r++) {
      const helper = spawnModuleWorker(HELPER_URL, { workerData: { shared: this.shared, thread: r } });
      helper.on('error', (error) => (this.failure ??= error));
      helper.unref();
      this.helpers.push(helper);
    }
  }

  /** Orders that helper threads can read: shared memory when there are helpers. */
  static ordersFor(lengths: number[], realThreads: number): Uint32Array[] {
    const shared = Math.min(realThreads, lengths.length) > 1;
    return lengths.map((n) => (shared ? sharedUint32(n) : new Uint32Array(n)));
  }

  /**
   * Clock c's batches against `weights` (copied into the view the threads read): their summed
   * gradient added into `into` (zero where `keys` says) in thread order, their keys into `keys`;
   * returns their summed loss.
   */
  async compute(c: number, batchSize: number, weights: Float64Array, into: Float64Array, keys: KeySet): Promise<number> {
    const s = this.shared;
    const { control, width } = s;
    if (weights !== s.view) s.view.set(weights);
    control[GRADIENT_CONTROL.CLOCK] = c;
    control[GRADIENT_CONTROL.BATCH] = batchSize;
    Atomics.store(control, GRADIENT_CONTROL.DONE, 0);
    if (this.helpers.length > 0) {
      Atomics.add(control, GRADIENT_CONTROL.GENERATION, 1);
      Atomics.notify(control, GRADIENT_CONTROL.GENERATION);
    }
    computeRows(s, 0, this.sets);
    for (;;) {
      const done = Atomics.load(control, GRADIENT_CONTROL.DONE);
      if (done >= this.helpers.length) break;
      if (this.failure !== null) throw new Error(`a gradient thread failed: ${this.failure.message}`);
      const waited = waitAsync(control, GRADIENT_CONTROL.DONE, done, 1000);
      if (waited.async) await waited.value;
    }
    let loss = 0;
    const d = width - 1;
    for (let t = 0; t < s.virtualThreads; t++) {
      const base = t * width;
      for (let i = 0; i < s.counts[t]; i++) {
        const j = s.touched[base + i];
        keys.add(j);
        into[j] += s.rows[base + j];
        s.rows[base + j] = 0;
      }
      into[d] += s.rows[base + d];
      s.rows[base + d] = 0;
      loss += s.losses[t];
    }
    return loss;
  }

  close(): void {
    Atomics.store(this.shared.control, GRADIENT_CONTROL.STOP, 1);
    Atomics.add(this.shared.control, GRADIENT_CONTROL.GENERATION, 1);
    Atomics.notify(this.shared.control, GRADIENT_CONTROL.GENERATION);
    for (const helper of this.helpers) void helper.terminate();
  }
}
