/**
 * One shard of the parameter server, kept by a worker machine: its slice of
 * the model, how many clocks each training machine has pushed to it, and the
 * pulls waiting for the slow ones. A pull at clock c is answered once every
 * machine has pushed min-clock >= c - bound clocks (bsp: bound 0, ssp:
 * bound s, async: never waits), with the values and that min-clock, so the
 * reader knows how stale it was (c - min-clock). A push is a batch's summed
 * gradient (applied as a step: w -= rate (g + lambda w), the bias
 * unregularised) or a plain increment (EASGD's elastic moves). Under bsp a
 * clock's pushes wait until all machines' have come, then are summed in
 * machine order and applied at once: the single-process BSP step (loop.ts),
 * to the bit with one thread per machine.
 */
import type { KeyLayout } from './key-layout.js';

export const PUSH_STEP = 0;
export const PUSH_ADD = 1;

export interface ShardOptions {
  layout: KeyLayout;
  shard: number;
  machines: number;
  /** Clocks a pull may run ahead of the slowest machine's pushes; null: never wait (async). */
  bound: number | null;
  /** Sum each clock's pushes and apply them together (bsp). */
  synchronous: boolean;
  lambda: number;
  /** The bias key (numFeatures): not regularised. */
  biasKey: number;
}

interface WaitingPull {
  from: number;
  clock: number;
  keys: Uint32Array;
}

export class PsShard {
  readonly values: Float64Array;
  /** Pushes taken from each machine (its clock, as this shard sees it). */
  readonly clocks: Float64Array;
  private waiting: WaitingPull[] = [];
  /** bsp: each machine's gradient of the current clock by slot, the slots touched by any, and how many machines pushed it. */
  private readonly pending: Float64Array | null;
  private readonly touched: Uint8Array | null;
  private readonly touchedList: Uint32Array | null;
  private touchedCount = 0;
  private pushedThisClock = 0;
  private rateThisClock = 0;
  /** Staleness of each answered pull (index: clocks behind), for the report. */
  readonly staleness: number[] = [];

  constructor(private readonly options: ShardOptions) {
    const size = options.layout.sizes[options.shard];
    this.values = new Float64Array(size);
    this.clocks = new Float64Array(options.machines);
    this.pending = options.synchronous ? new Float64Array(size * options.machines) : null;
    this.touched = options.synchronous ? new Uint8Array(size) : null;
    this.touchedList = options.synchronous ? new Uint32Array(size) : null;
  }

  minClock(): number {
    let min = Infinity;
    for (let m = 0; m < this.clocks.length; m++) if (this.clocks[m] < min) min = this.clocks[m];
    return min;
  }

  private checkKeys(keys: Uint32Array): void {
    const { layout, shard } = this.options;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key >= layout.width || layout.shardOf[key] !== shard) throw new Error(`parameter server: key ${key} is not in shard ${shard}`);
    }
  }

  /** A pull at `clock`: answered now (returns the values and the min clock) or kept (returns null, see `ready`). */
  pull(from: number, clock: number, keys: Uint32Array): { values: Float64Array; minClock: number } | null {
    this.checkKeys(keys);
    if (!this.canAnswer(clock)) {
      this.waiting.push({ from, clock, keys });
      return null;
    }
    return this.answer(clock, keys);
  }

  private canAnswer(clock: number): boolean {
    return this.options.bound === null || this.minClock() >= clock - this.options.bound;
  }

  private answer(clock: number, keys: Uint32Array): { values: Float64Array; minClock: number } {
    const { slotOf } = this.options.layout;
    const values = new Float64Array(keys.length);
    for (let i = 0; i < keys.length; i++) values[i] = this.values[slotOf[keys[i]]];
    const minClock = this.minClock();
    const behind = Math.max(0, clock - minClock);
    while (this.staleness.length <= behind) this.staleness.push(0);
    this.staleness[behind]++;
    return { values, minClock };
  }

  /** The waiting pulls that can be answered now, answered (in arrival order). */
  ready(): Array<{ from: number; clock: number; values: Float64Array; minClock: number }> {
    const out: Array<{ from: number; clock: number; values: Float64Array; minClock: number }> = [];
    const still: WaitingPull[] = [];
    for (const w of this.waiting) {
      if (this.canAnswer(w.clock)) out.push({ from: w.from, clock: w.clock, ...this.answer(w.clock, w.keys) });
      else still.push(w);
    }
    this.waiting = still;
    return out;
  }

  /** Machine `from`'s push of its clock `clock`: a step by `rate` with gradient `values`, or (PUSH_ADD) an increment. */
  push(from: number, clock: number, kind: number, rate: number, keys: Uint32Array, values: Float64Array): void {
    this.checkKeys(keys);
    if (keys.length !== values.length) throw new Error(`parameter server: ${keys.length} keys and ${values.length} values`);
    if (clock !== this.clocks[from]) throw new Error(`parameter server: machine ${from} pushed clock ${clock} where ${this.clocks[from]} was next`);
    const { slotOf } = this.options.layout;
    const w = this.values;
    if (kind === PUSH_ADD) {
      for (let i = 0; i < keys.length; i++) w[slotOf[keys[i]]] += values[i];
    } else if (this.pending === null) {
      const { lambda, biasKey } = this.options;
      for (let i = 0; i < keys.length; i++) {
        const s = slotOf[keys[i]];
        w[s] -= rate * (values[i] + (keys[i] === biasKey ? 0 : lambda * w[s]));
      }
    } else {
      const size = this.values.length;
      const touched = this.touched!;
      const list = this.touchedList!;
      for (let i = 0; i < keys.length; i++) {
        const s = slotOf[keys[i]];
        this.pending[from * size + s] = values[i];
        if (touched[s] === 0) {
          touched[s] = 1;
          list[this.touchedCount++] = s;
        }
      }
      this.rateThisClock = rate;
    }
    this.clocks[from]++;
    if (this.pending !== null && ++this.pushedThisClock === this.options.machines) this.applyClock();
  }

  /** bsp: every machine pushed this clock: sum by machine order and step each touched key once. */
  private applyClock(): void {
    const size = this.values.length;
    const pending = this.pending!;
    const { lambda, biasKey, machines } = this.options;
    const keys = this.keyOfSlot ?? (this.keyOfSlot = this.options.layout.keysOf(this.options.shard));
    const rate = this.rateThisClock;
    for (let i = 0; i < this.touchedCount; i++) {
      const s = this.touchedList![i];
      let g = 0;
      for (let m = 0; m < machines; m++) {
        g += pending[m * size + s];
        pending[m * size + s] = 0;
      }
      this.values[s] -= rate * (g + (keys[s] === biasKey ? 0 : lambda * this.values[s]));
      this.touched![s] = 0;
    }
    this.touchedCount = 0;
    this.pushedThisClock = 0;
  }

  private keyOfSlot: Uint32Array | null = null;
}
