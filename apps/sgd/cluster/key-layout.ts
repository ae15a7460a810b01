/**
 * Where each parameter lives on a sharded parameter server: the model's
 * keys (numFeatures weights, then the bias) split into `shards` shards, by
 * contiguous key ranges or by a hash of the key, shard s kept by machine
 * s mod machines. Tables built once (a shard and a slot per key), so that
 * grouping a batch's keys by shard costs two array reads per key.
 */
export type KeyPartition = 'range' | 'hash';

export class KeyLayout {
  /** The shard of each key, and its slot within the shard. */
  readonly shardOf: Uint16Array;
  readonly slotOf: Uint32Array;
  /** Keys per shard. */
  readonly sizes: Uint32Array;

  constructor(
    readonly width: number,
    readonly shards: number,
    readonly machines: number,
    readonly partition: KeyPartition,
  ) {
    if (!(Number.isInteger(shards) && shards >= 1 && shards <= 65_535)) throw new Error(`key layout: shards must be 1..65535; got ${shards}`);
    this.shardOf = new Uint16Array(width);
    this.slotOf = new Uint32Array(width);
    this.sizes = new Uint32Array(shards);
    for (let key = 0; key < width; key++) {
      // Range: shard s holds the keys from width s / shards up to width (s + 1) / shards.
      const s = partition === 'range' ? Math.floor((key * shards) / width) : (Math.imul(key, 0x9e3779b1) >>> 0) % shards;
      this.shardOf[key] = s;
      this.slotOf[key] = this.sizes[s]++;
    }
  }

  machineOf(shard: number): number {
    return shard % this.machines;
  }

  /** The shards machine m keeps. */
  shardsOn(m: number): number[] {
    const out: number[] = [];
    for (let s = m; s < this.shards; s += this.machines) out.push(s);
    return out;
  }

  /** The keys of shard s, by slot. */
  keysOf(s: number): Uint32Array {
    const keys = new Uint32Array(this.sizes[s]);
    for (let key = 0; key < this.width; key++) if (this.shardOf[key] === s) keys[this.slotOf[key]] = key;
    return keys;
  }
}
