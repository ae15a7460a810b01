/**
 * The fast path from parsed file ids into an EdgeList. Interning every id in
 * the list's IdMap (a hash table) costs a cache miss per endpoint and was 3/4
 * of a SNAP load; most files use small ids, so a direct table (file id ->
 * dense id, an Int32Array) answers those without hashing and only a miss goes
 * to the IdMap. The table grows with the ids seen, up to 2^25 entries and to
 * at most 16 slots per distinct id, so sparse huge ids stay in the hash table.
 * Dense ids are exactly the ones `EdgeList.add` would hand out (order of first
 * appearance), so the result is the same list, built faster.
 */
import { EdgeList } from '../edge-list.js';
import type { IdMap } from '../idmap.js';
import { popcount32 } from '../../util/bits.js';

const MAX_TABLE = 1 << 25;

export class EdgeSink {
  readonly list: EdgeList;
  private readonly idMap: IdMap;
  /** File id -> dense id for small ids (-1: not seen yet); parsers may read it directly. */
  table: Int32Array = new Int32Array(0);

  constructor(weighted: boolean) {
    this.list = new EdgeList({ weighted });
    this.idMap = this.list.idMap!;
  }

  /** The dense id of a file id, adding it if new. */
  dense(id: number): number {
    if (id < this.table.length) {
      const d = this.table[id];
      if (d >= 0) return d;
    }
    return this.miss(id);
  }

  /** The slow path of dense(): the IdMap, then the table grown if the id is small enough. */
  miss(id: number): number {
    const d = this.idMap.intern(id);
    if (id >= this.table.length) {
      const limit = Math.min(MAX_TABLE, Math.max(1 << 16, 16 * this.idMap.size));
      if (id >= limit) return d;
      let length = Math.max(1024, this.table.length);
      while (length <= id) length *= 2;
      const grown = new Int32Array(Math.min(length, MAX_TABLE)).fill(-1);
      grown.set(this.table);
      this.table = grown;
    }
    this.table[id] = d;
    return d;
  }

  /** Append an edge given in file ids. */
  push(source: number, target: number, weight: number): void {
    const list = this.list;
    if (list.length === list.src.length) this.grow();
    const i = list.length++;
    list.src[i] = this.dense(source);
    list.dst[i] = this.dense(target);
    if (list.weight !== null) list.weight[i] = weight;
  }

  /** Double the list's capacity. */
  grow(): void {
    this.list.grow();
  }
}


/**
 * Turn raw file ids (all at most maxId) in src/dst[0, count) into dense ids
 * numbered in increasing order of file id, in place, and register the ids in
 * `list.idMap` in that order. A presence bitmap and a rank per 32-bit word
 * (1/16 of the memory of a full id table, so it stays in cache) answer each
 * edge's rank with a popcount: no hashing and no sort.
 */
export function rankRawIds(list: EdgeList, src: Uint32Array, dst: Uint32Array, count: number, maxId: number): void {
  const words = (maxId >>> 5) + 1;
  const bits = new Int32Array(words);
  for (let e = 0; e < count; e++) {
    const s = src[e];
    const t = dst[e];
    bits[s >>> 5] |= 1 << (s & 31);
    bits[t >>> 5] |= 1 << (t & 31);
  }
  const wordRank = new Uint32Array(words);
  let n = 0;
  for (let w = 0; w < words; w++) {
    wordRank[w] = n;
    n += popcount32(bits[w]);
  }
  for (let e = 0; e < count; e++) {
    const s = src[e];
    const t = dst[e];
    src[e] = wordRank[s >>> 5] + popcount32(bits[s >>> 5] & ~(-1 << (s & 31)));
    dst[e] = wordRank[t >>> 5] + popcount32(bits[t >>> 5] & ~(-1 << (t & 31)));
  }
  const idMap = list.idMap!;
  for (let w = 0; w < words; w++) {
    let word = bits[w];
    while (word !== 0) {
      const low = word & -word;
      idMap.intern(w * 32 + (31 - Math.clz32(low)));
      word ^= low;
    }
  }
}
