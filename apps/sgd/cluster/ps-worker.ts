/**
 * One machine of a parameter-server run (bsp, ssp, async, easgd): it keeps
 * its shards of the server (ps-shard.ts) and answers their pulls and pushes
 * as frames arrive, and it trains on its own examples.
 *
 * - bsp / ssp / async: clocks of one batch per virtual thread. Each clock
 *   pulls the keys its batches touch (and the bias) from their shards, one
 *   frame per shard, computes the batches' summed gradient against what came
 *   back, and pushes it, one frame per shard. Every machine sends every shard
 *   one pull and one push per clock, empty or not, so a shard counts clocks.
 *   The shards make bsp wait for everyone's previous clock, ssp for the
 *   clock s back, async for nothing.
 * - easgd: per-example SGD on the machine's own copy of the model; every
 *   `tau` examples an exchange with the centre (the server's model) over the
 *   keys touched since the last one and the bias: pull the centre's values,
 *   move the copy by alpha of the difference and push the opposite move to
 *   the centre. Reads never wait (asynchronous, as EASGD is).
 */
import type { SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import { viewFloat64, viewUint32 } from '../../../core/cluster/wire.js';
import type { Trainer, TrainerFrame, TrainerLink } from '../../../core/cluster/training/trainer.js';
import type { SgdParams } from '../loop.js';
import { KeyLayout, type KeyPartition } from './key-layout.js';
import { KeySet, ThreadOrders, type ResumeFrom } from './local-steps.js';
import { exampleStep } from '../consistency/steps.js';
import { GradientThreads } from './gradient-threads.js';
import { PUSH_ADD, PUSH_STEP, PsShard } from './ps-shard.js';
import type { RedisPs } from './redis-ps.js';

export const TAG = { PULL: 1, REPLY: 2, PUSH: 3 } as const;

export type PsConsistency = 'bsp' | 'ssp' | 'async' | 'easgd';

export interface PsMachineArgs {
  consistency: PsConsistency;
  params: SgdParams;
  numFeatures: number;
  shards: number;
  partition: KeyPartition;
  /** This machine's virtual threads' bounds within its examples, and the global number of its first. */
  threadBounds: number[];
  threadBase: number;
  /** Examples of the longest virtual thread's shard over all machines: every machine ticks as many clocks per epoch. */
  longestShard: number;
  /** Milliseconds this machine sleeps before each clock (a straggler, for experiments). */
  delayMs: number;
  /** The store in Redis instead of this job's workers: its URL and the job's key prefix. */
  redis?: { url: string; prefix: string } | null;
}

const bytesOf = (a: Float64Array | Uint32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class PsMachine implements Trainer {
  private readonly layout: KeyLayout;
  private readonly shards = new Map<number, PsShard>();
  private readonly width: number;
  /** What this machine last read of the model (only the keys it pulled are current). */
  private readonly view: Float64Array;
  /** bsp, ssp, async: the clock's batch gradients, on the worker's threads. */
  private readonly gradients: GradientThreads | null;
  private readonly gradient: Float64Array;
  private readonly touched: KeySet;
  private readonly orders: ThreadOrders;
  /** Per shard: the keys of this clock, grouped. */
  private readonly groupKeys: Uint32Array[];
  private readonly groupCount: Uint32Array;
  private clock = 0;
  private bytes = 0;
  private maxStaleness = 0;
  /** easgd: this machine's copy of the model. */
  private readonly local: Float64Array | null;
  /** The Redis store (opened at the first round), the pushes it has not acknowledged yet, and the reads by staleness. */
  private redis: RedisPs | null = null;
  private unacknowledged: Array<Promise<void>> = [];
  private readonly bound: number | null;
  private readonly readStaleness: number[] = [];
  /** Milliseconds of this round spent waiting for the parameter server. */
  private waited = 0;

  constructor(
    private readonly args: PsMachineArgs,
    private readonly data: SparseDataset,
    private readonly link: TrainerLink,
    start: ResumeFrom = { weights: null, round: 0 },
    /** The worker's threads: the batches of a clock are computed on up to this many. */
    realThreads = 1,
  ) {
    this.width = args.numFeatures + 1;
    this.layout = new KeyLayout(this.width, args.shards, link.machines, args.partition);
    const bound = args.consistency === 'bsp' ? 0 : args.consistency === 'ssp' ? args.params.staleness : null;
    this.bound = bound;
    for (const s of args.redis ? [] : this.layout.shardsOn(link.machine)) {
      this.shards.set(s, new PsShard({ layout: this.layout, shard: s, machines: link.machines, bound, synchronous: args.consistency === 'bsp', lambda: args.params.lambda, biasKey: args.numFeatures }));
    }

    this.gradient = new Float64Array(this.width);
    this.touched = new KeySet(this.width);
    const threads = args.consistency === 'easgd' ? 1 : realThreads;
    this.orders = new ThreadOrders(args.threadBounds, args.threadBase, args.params.seed, (lengths) => GradientThreads.ordersFor(lengths, threads));
    this.gradients = args.consistency === 'easgd' ? null : new GradientThreads(data, this.orders.orders, threads);
    // The pulled weights are what the gradient threads read.
    this.view = this.gradients?.shared.view ?? new Float64Array(this.width);
    this.groupKeys = Array.from({ length: args.shards }, (_, s) => new Uint32Array(this.layout.sizes[s]));
    this.groupCount = new Uint32Array(args.shards);
    this.local = args.consistency === 'easgd' ? new Float64Array(this.width) : null;
    this.orders.skip(start.round);
    if (start.weights !== null) {
      this.local?.set(start.weights);
      for (const [s, shard] of this.shards) this.layout.keysOf(s).forEach((key, slot) => (shard.values[slot] = start.weights![key]));
    }
  }

  serve(frame: TrainerFrame): boolean {
    if (frame.tag !== TAG.PULL && frame.tag !== TAG.PUSH) return false;
    const meta = viewFloat64(frame.parts[0] ?? new Uint8Array(0));
    const shard = this.shards.get(meta[0]);
    if (shard === undefined) throw new Error(`parameter server: machine ${this.link.machine} keeps no shard ${meta[0]}`);
    const keys = viewUint32(frame.parts[1] ?? new Uint8Array(0));
    if (frame.tag === TAG.PULL) {
      const answer = shard.pull(frame.from, frame.seq, keys);
      if (answer !== null) this.reply(frame.from, frame.seq, meta[0], answer.values, answer.minClock);
    } else {
      shard.push(frame.from, meta[1], meta[3], meta[2], keys, viewFloat64(frame.parts[2] ?? new Uint8Array(0)));
      for (const r of shard.ready()) this.reply(r.from, r.clock, meta[0], r.values, r.minClock);
    }
    return true;
  }

  private reply(to: number, clock: number, shard: number, values: Float64Array, minClock: number): void {
    this.bytes += this.link.send(to, clock, TAG.REPLY, [bytesOf(Float64Array.of(shard, minClock)), bytesOf(values)]);
  }

  /** Group the touched keys (and the bias) by shard. */
  private group(): void {
    const { shardOf } = this.layout;
    this.groupCount.fill(0);
    this.touched.add(this.args.numFeatures);
    for (let i = 0; i < this.touched.count; i++) {
      const key = this.touched.list[i];
      const s = shardOf[key];
      this.groupKeys[s][this.groupCount[s]++] = key;
    }
  }

  /** Pull the grouped keys into `into` at clock/exchange `seq`; returns the largest staleness of the replies. */
  private async pull(seq: number, into: Float64Array): Promise<void> {
    const shards = this.args.shards;
    if (this.redis !== null) {
      const redis = this.redis;
      const before = performance.now();
      await Promise.all(this.unacknowledged);
      this.unacknowledged = [];
      await Promise.all(
        Array.from({ length: shards }, async (_, s) => {
          const keys = this.groupKeys[s].subarray(0, this.groupCount[s]);
          const { values, minClock } = await redis.pull(s, seq, this.bound, keys);
          for (let i = 0; i < values.length; i++) into[keys[i]] = values[i];
          this.noteStaleness(seq - minClock);
        }),
      );
      this.waited += performance.now() - before;
      return;
    }
    for (let s = 0; s < shards; s++) {
      this.bytes += this.link.send(this.layout.machineOf(s), seq, TAG.PULL, [bytesOf(Float64Array.of(s)), bytesOf(this.groupKeys[s].slice(0, this.groupCount[s]))]);
    }
    const before = performance.now();
    const replies = await this.link.receive(seq, TAG.REPLY, shards);
    this.waited += performance.now() - before;
    for (const reply of replies) {
      const meta = viewFloat64(reply.parts[0]);
      const s = meta[0];
      const values = viewFloat64(reply.parts[1]);
      if (!(s >= 0 && s < shards) || values.length !== this.groupCount[s]) throw new Error(`parameter server: a reply of ${values.length} values for shard ${s}`);
      const keys = this.groupKeys[s];
      for (let i = 0; i < values.length; i++) into[keys[i]] = values[i];
      this.noteStaleness(seq - meta[1]);
    }
  }

  private noteStaleness(behind: number): void {
    const b = Math.max(0, behind);
    this.maxStaleness = Math.max(this.maxStaleness, b);
    while (this.readStaleness.length <= b) this.readStaleness.push(0);
    this.readStaleness[b]++;
  }

  /** Push values[key] of the grouped keys to their shards. */
  private push(seq: number, kind: number, rate: number, values: Float64Array): void {
    for (let s = 0; s < this.args.shards; s++) {
      const n = this.groupCount[s];
      const keys = this.groupKeys[s].slice(0, n);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = values[keys[i]];
      if (this.redis !== null) {
        const options = { lambda: this.args.params.lambda, biasKey: this.args.numFeatures, synchronous: this.args.consistency === 'bsp' };
        this.unacknowledged.push(this.redis.push(s, seq, kind, rate, options, keys, out));
        continue;
      }
      this.bytes += this.link.send(this.layout.machineOf(s), seq, TAG.PUSH, [bytesOf(Float64Array.of(s, seq, rate, kind)), bytesOf(keys), bytesOf(out)]);
    }
  }

  async call(op: string, args: Record<string, unknown>): Promise<{ json?: unknown; parts?: Uint8Array[] }> {
    if (op === 'round') return { json: await this.round(Number(args.epoch)) };
    if (op === 'collect') return this.collect(args.clocks as number[]);
    throw new Error(`parameter server: no op ${op}`);
  }

  private async round(epoch: number): Promise<Record<string, number>> {
    const { params } = this.args;
    const rate = params.learningRate / (1 + params.decay * epoch);
    this.orders.shuffle();
    const bytesBefore = this.bytes;
    const began = performance.now();
    this.waited = 0;
    if (this.args.redis && this.redis === null) {
      const { RedisPs } = await import('./redis-ps.js');
      this.redis = await RedisPs.open(this.args.redis.url, this.args.redis.prefix, this.layout, this.link.machine);
    }
    const redisBefore = this.redis?.bytes ?? 0;
    let loss = 0;
    if (this.local !== null) loss = await this.elasticEpoch(rate);
    else {
      const clocks = Math.ceil(this.args.longestShard / params.batchSize);
      for (let c = 0; c < clocks; c++) {
        if (this.args.delayMs > 0) await sleep(this.args.delayMs);
        loss += await this.tick(c, rate);
      }
    }
    await Promise.all(this.unacknowledged);
    this.unacknowledged = [];
    const redisBytes = this.redis === null ? 0 : this.redis.bytes - redisBefore;
    return { loss, bytes: this.bytes - bytesBefore + redisBytes, clock: this.clock, maxStaleness: this.maxStaleness, busySeconds: (performance.now() - began - this.waited) / 1000 };
  }

  /** One clock: batch c of every virtual thread against freshly pulled weights, pushed as one summed gradient. */
  private async tick(c: number, rate: number): Promise<number> {
    const { batchSize } = this.args.params;
    const { orders } = this.orders;
    this.touched.clear();
    for (const order of orders) {
      const end = Math.min(order.length, (c + 1) * batchSize);
      for (let i = Math.min(order.length, c * batchSize); i < end; i++) {
        const k = order[i];
        for (let q = this.data.rowOffsets[k]; q < this.data.rowOffsets[k + 1]; q++) this.touched.add(this.data.indices[q]);
      }
    }
    const any = orders.some((o) => c * batchSize < o.length);
    this.group();
    // An empty clock still pulls and pushes nothing to every shard: the shards count it.
    if (!any) this.groupCount.fill(0);
    await this.pull(this.clock, this.view);
    let loss = 0;
    const g = this.gradient;
    for (let i = 0; i < this.touched.count; i++) g[this.touched.list[i]] = 0;
    loss += await this.gradients!.compute(c, batchSize, this.view, g, this.touched);
    this.push(this.clock, PUSH_STEP, rate, g);
    this.clock++;
    return loss;
  }

  /** easgd: one epoch of per-example steps on the local copy, an elastic exchange every tau examples. */
  private async elasticEpoch(rate: number): Promise<number> {
    const { tau, alpha, lambda } = this.args.params;
    const local = this.local!;
    const centre = this.view;
    const moves = this.gradient;
    let loss = 0;
    let since = 0;
    const exchange = async (): Promise<void> => {
      this.group();
      await this.pull(this.clock, centre);
      for (let s = 0; s < this.args.shards; s++) {
        const keys = this.groupKeys[s];
        for (let i = 0; i < this.groupCount[s]; i++) {
          const j = keys[i];
          const diff = alpha * (local[j] - centre[j]);
          local[j] -= diff;
          moves[j] = diff;
        }
      }
      this.push(this.clock, PUSH_ADD, 0, moves);
      this.clock++;
      this.touched.clear();
      since = 0;
    };
    for (const order of this.orders.orders) {
      for (let i = 0; i < order.length; i++) {
        const k = order[i];
        for (let q = this.data.rowOffsets[k]; q < this.data.rowOffsets[k + 1]; q++) this.touched.add(this.data.indices[q]);
        loss += exampleStep(local, this.data, k, rate, lambda);
        if (++since === tau) await exchange();
      }
    }
    if (since > 0) await exchange();
    return loss;
  }

  /** The shards' keys and values once every machine's pushes up to `clocks` have come. */
  private async collect(clocks: number[]): Promise<{ json: unknown; parts: Uint8Array[] }> {
    if (!Array.isArray(clocks) || clocks.length !== this.link.machines) throw new Error('parameter server: collect needs every machine\'s clock');
    // With Redis the coordinator reads the store itself: this machine tells what it read.
    if (this.args.redis) return { json: { shards: [], staleness: this.readStaleness }, parts: [] };
    const done = (): boolean => [...this.shards.values()].every((shard) => clocks.every((c, m) => shard.clocks[m] >= c));
    const deadline = Date.now() + 60_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error('parameter server: pushes still missing after 60 s');
      await sleep(1);
    }
    const parts: Uint8Array[] = [];
    const staleness: number[] = [];
    for (const [s, shard] of this.shards) {
      parts.push(bytesOf(this.layout.keysOf(s)), bytesOf(shard.values));
      shard.staleness.forEach((n, behind) => (staleness[behind] = (staleness[behind] ?? 0) + n));
    }
    return { json: { shards: [...this.shards.keys()], staleness: Array.from(staleness, (n) => n ?? 0) }, parts };
  }

  close(): void {
    this.gradients?.close();
    void this.redis?.close();
    this.redis = null;
  }
}
