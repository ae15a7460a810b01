/**
 * One machine of stratified SGD across machines (DSGD, Gemulla et al.
 * 2011): it keeps the user blocks b with b mod machines = its number, and
 * their ratings; in sub-epoch s of an epoch it steps block (b, (b + s) mod
 * strata) for each of them, exactly as sgd-strata.ts's threads do (the same
 * listing, the same sgdStep), then passes that item block's factors to the
 * machine of user block b - 1, which steps it next, and takes the item block
 * it needs next from the machine of user block b + 1. The blocks of a
 * sub-epoch share no user and no item, so the order of the steps, and the
 * model, are the single-process model's bit for bit. Every machine starts
 * from the same seeded factors (initFactors), so only item blocks move.
 */
import { viewFloat64, viewUint32 } from '../../core/cluster/wire.js';
import type { Trainer, TrainerLink } from '../../core/cluster/training/trainer.js';
import { initFactors, sgdStep } from './factors.js';

export interface StrataMachineArgs {
  strata: number;
  numVertices: number;
  numUsers: number;
  rank: number;
  eta: number;
  lambda: number;
  biases: boolean;
  mean: number;
  seed: number;
  /** The listing's block offsets (strata x strata + 1), user and item block bounds. */
  blockOffsets: number[];
  userBounds: number[];
  itemBounds: number[];
}

const ITEM_BLOCK = 1;
const bytesOf = (a: Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export class StrataMachine implements Trainer {
  private readonly factors: Float64Array;
  private readonly owned: number[];
  /** Per owned user block: its ratings' users, items and values (the listing's rows of the block row), and where the row starts in the listing. */
  private readonly rows: Array<{ users: Uint32Array; items: Uint32Array; values: Float64Array; base: number }>;
  private subEpoch = 0;

  constructor(
    private readonly args: StrataMachineArgs,
    parts: Uint8Array[],
    private readonly link: TrainerLink,
  ) {
    const { strata, numVertices, rank, seed, blockOffsets } = args;
    const whole = (x: unknown, lo: number, hi: number): boolean => Number.isInteger(x) && (x as number) >= lo && (x as number) <= hi;
    const rising = (xs: unknown, length: number, last: number): boolean => Array.isArray(xs) && xs.length === length && xs[0] === 0 && xs[length - 1] === last && xs.every((x, i) => whole(x, 0, last) && (i === 0 || x >= xs[i - 1]));
    // Checked before anything is sized by them: a mistake fails the setup by name.
    if (!whole(strata, 1, 4096) || !whole(rank, 1, 1024) || !whole(numVertices, 0, 2 ** 27) || !whole(args.numUsers, 0, numVertices)) throw new Error('strata: strata 1..4096, rank 1..1024, vertices up to 2^27 and users among them');
    if (!Array.isArray(blockOffsets) || blockOffsets.length !== strata * strata + 1 || !blockOffsets.every((x, i) => whole(x, 0, 2 ** 32) && (i === 0 || x >= blockOffsets[i - 1]))) throw new Error('strata: block offsets do not fit the strata');
    if (!rising(args.userBounds, strata + 1, args.numUsers) || !rising(args.itemBounds, strata + 1, numVertices - args.numUsers)) throw new Error('strata: user and item bounds must rise over the users and the items');
    this.owned = [];
    for (let b = link.machine; b < strata; b += link.machines) this.owned.push(b);
    if (parts.length !== 3 * this.owned.length) throw new Error(`strata: ${parts.length} arrays for ${this.owned.length} user blocks`);
    this.rows = this.owned.map((b, i) => {
      const users = viewUint32(parts[3 * i]);
      const items = viewUint32(parts[3 * i + 1]);
      const values = viewFloat64(parts[3 * i + 2]);
      const count = blockOffsets[(b + 1) * strata] - blockOffsets[b * strata];
      if (users.length !== count || items.length !== count || values.length !== count) throw new Error(`strata: user block ${b} has ${count} ratings; got ${users.length}`);
      for (let x = 0; x < count; x++) if (users[x] >= numVertices || items[x] >= numVertices) throw new Error('strata: a rating names a vertex beyond the graph');
      return { users: Uint32Array.from(users), items: Uint32Array.from(items), values: Float64Array.from(values), base: blockOffsets[b * strata] };
    });
    this.factors = new Float64Array(numVertices * (rank + 1));
    for (let v = 0; v < numVertices; v++) initFactors(this.factors, v, rank, seed);
  }

  private itemRows(j: number): Float64Array {
    const width = this.args.rank + 1;
    const from = (this.args.numUsers + this.args.itemBounds[j]) * width;
    const to = (this.args.numUsers + this.args.itemBounds[j + 1]) * width;
    return this.factors.subarray(from, to);
  }

  async call(op: string, args: Record<string, unknown>): Promise<{ json?: unknown; parts?: Uint8Array[] }> {
    if (op === 'round') return { json: await this.epoch() };
    if (op === 'collect') {
      // After an epoch's last rotation, item block j is back with user block j's machine.
      const width = this.args.rank + 1;
      const parts: Uint8Array[] = [];
      for (const b of this.owned) {
        parts.push(bytesOf(this.factors.slice(this.args.userBounds[b] * width, this.args.userBounds[b + 1] * width)));
        parts.push(bytesOf(this.itemRows(b).slice()));
      }
      return { json: { blocks: this.owned }, parts };
    }
    throw new Error(`strata: no op ${op}`);
  }

  private async epoch(): Promise<{ blockLoss: Array<[number, number]>; bytes: number; busySeconds: number }> {
    const { strata, rank, eta, lambda, biases, mean, blockOffsets } = this.args;
    const width = rank + 1;
    const M = this.link.machines;
    const ownerOf = (b: number): number => b % M;
    const blockLoss: Array<[number, number]> = [];
    let bytes = 0;
    let waited = 0;
    const began = performance.now();
    for (let s = 0; s < strata; s++) {
      const seq = this.subEpoch++;
      for (let i = 0; i < this.owned.length; i++) {
        const b = this.owned[i];
        const c = b * strata + ((b + s) % strata);
        const { users, items, values, base } = this.rows[i];
        let squared = 0;
        for (let x = blockOffsets[c] - base; x < blockOffsets[c + 1] - base; x++) squared += sgdStep(this.factors, users[x] * width, items[x] * width, values[x], mean, rank, eta, lambda, biases);
        blockLoss.push([c, squared]);
      }
      // Rotate: item block (b + s) goes to user block b - 1's machine; take (b + s + 1) from b + 1's.
      let expected = 0;
      for (const b of this.owned) {
        const to = ownerOf((b - 1 + strata) % strata);
        if (to !== this.link.machine) bytes += this.link.send(to, seq, ITEM_BLOCK, [bytesOf(Float64Array.of((b + s) % strata)), bytesOf(this.itemRows((b + s) % strata).slice())]);
        if (ownerOf((b + 1) % strata) !== this.link.machine) expected++;
      }
      if (expected > 0) {
        const before = performance.now();
        const frames = await this.link.receive(seq, ITEM_BLOCK, expected);
        waited += performance.now() - before;
        for (const frame of frames) {
          const j = viewFloat64(frame.parts[0])[0];
          const rows = viewFloat64(frame.parts[1]);
          if (!(Number.isInteger(j) && j >= 0 && j < strata) || rows.length !== this.itemRows(j).length) throw new Error(`strata: an item block ${j} of ${rows.length} values`);
          this.itemRows(j).set(rows);
        }
      }
    }
    return { blockLoss, bytes, busySeconds: (performance.now() - began - waited) / 1000 };
  }
}
