/**
 * The map from a file's own vertex ids (any integer up to 2^53) to dense ids
 * 0..n-1, as loaders see them: an open-addressing hash table on typed arrays,
 * so that mapping millions of ids allocates no object per vertex. Dense ids are
 * handed out in order of first appearance; `sortedRelabel` later renumbers them
 * in increasing order of file id, so that the dense order is independent of the
 * order edges were read in.
 */

const EMPTY = -1;

export class IdMap {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  /** File id of each dense id, in order of first appearance. */
  private fileIds: Float64Array;
  size = 0;

  constructor(expected = 1024) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    this.fileIds = new Float64Array(Math.max(16, expected));
  }

  private static slot(key: number, mask: number): number {
    // Mix the low and high 32 bits; ids are integers below 2^53.
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & mask;
  }

  /** The dense id of `key`, adding it if new. */
  intern(key: number): number {
    let i = IdMap.slot(key, this.mask);
    const keys = this.keys;
    const values = this.values;
    for (;;) {
      const v = values[i];
      if (v === EMPTY) break;
      if (keys[i] === key) return v;
      i = (i + 1) & this.mask;
    }
    const id = this.size++;
    keys[i] = key;
    values[i] = id;
    if (id >= this.fileIds.length) {
      const grown = new Float64Array(this.fileIds.length * 2);
      grown.set(this.fileIds);
      this.fileIds = grown;
    }
    this.fileIds[id] = key;
    if (this.size * 2 > this.mask) this.grow();
    return id;
  }

  /** The dense id of `key`, or -1. */
  get(key: number): number {
    let i = IdMap.slot(key, this.mask);
    for (;;) {
      const v = this.values[i];
      if (v === EMPTY) return -1;
      if (this.keys[i] === key) return v;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const capacity = oldKeys.length * 2;
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const v = oldValues[j];
      if (v === EMPTY) continue;
      let i = IdMap.slot(oldKeys[j], this.mask);
      while (this.values[i] !== EMPTY) i = (i + 1) & this.mask;
      this.keys[i] = oldKeys[j];
      this.values[i] = v;
    }
  }

  /** File ids indexed by dense id (order of first appearance). */
  ids(): Float64Array {
    return this.fileIds.subarray(0, this.size);
  }

  /**
   * Renumber so that dense ids increase with file id. Returns `relabel`
   * (old dense id -> new dense id) and the sorted file ids (new dense id -> file id).
   */
  sortedRelabel(): { relabel: Uint32Array; sortedIds: Float64Array } {
    const ids = this.ids();
    const sortedIds = ids.slice().sort();
    const relabel = new Uint32Array(ids.length);
    for (let v = 0; v < ids.length; v++) {
      const key = ids[v];
      let lo = 0;
      let hi = sortedIds.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sortedIds[mid] < key) lo = mid + 1;
        else hi = mid;
      }
      relabel[v] = lo;
    }
    return { relabel, sortedIds };
  }
}
