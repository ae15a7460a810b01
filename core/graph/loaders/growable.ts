/**
 * Growable typed arrays for loaders that do not know their row count in
 * advance (and lists of ids built in a loop): append by doubling, then hand
 * over an exact-size copy on shared memory (what worker threads read), or a
 * view.
 */
import { sharedFloat64, sharedUint32 } from '../shared.js';

export class GrowableFloat64 {
  data = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** An exact-size copy on a SharedArrayBuffer. */
  toShared(): Float64Array {
    const out = sharedFloat64(this.length);
    out.set(this.data.subarray(0, this.length));
    return out;
  }
}

export class GrowableUint32 {
  data = new Uint32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** An exact-size copy on a SharedArrayBuffer. */
  toShared(): Uint32Array {
    const out = sharedUint32(this.length);
    out.set(this.data.subarray(0, this.length));
    return out;
  }

  /** The values so far, without a copy (valid until the next push). */
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }
}
