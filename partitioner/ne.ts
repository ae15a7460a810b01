/**
 * NE, neighbourhood expansion (Zhang, Wu, Wang, Jiang, Yu; KDD 2017), the
 * offline vertex-cut: parts are grown one at a time. Part p keeps a core C and
 * a boundary S (C within S); every edge between two vertices of S belongs to
 * p. Each step moves into C the boundary vertex with the fewest unassigned
 * edges leading outside S, and brings its neighbours into S (assigning their
 * edges into S to p). A part stops at its share ceil(remaining / parts left)
 * or at the balance cap; when the boundary runs dry a random vertex with
 * unassigned edges seeds it again; the last part takes what is left.
 *
 * Representation: an undirected adjacency (both directions of every edge,
 * self-loops aside) where each vertex's unassigned edges are kept first, so
 * that assigning an edge is a swap-remove from both ends' lists (each slot
 * knows its twin's position) and a vertex's unassigned-edge count is its
 * boundary score. The boundary is an indexed binary min-heap on that count.
 * Self-loops go, at the end, to the least loaded part their vertex already has. Memory is
 * O(n + m): 12 bytes per edge slot, 2 slots per edge.
 */
import { Random } from '../core/util/random.js';
import { vertexCutPartition, partsArray, wordsFor } from './replicas.js';
import type { EdgeStream, Partition, PartitionOptions, Partitioner } from './types.js';

export function neVertexCut(stream: EdgeStream, k: number, options: PartitionOptions = {}): Partition {
  const grown = expandNeighbourhoods(stream, k, options, null);
  return vertexCutPartition('ne', k, stream.numVertices, grown.parts, grown.replicas, grown.words, options.seed ?? 1, grown.stateBytes);
}

/** What expandNeighbourhoods leaves: the placement so far, and (HEP) which edges it placed. */
export interface Expansion {
  parts: Uint8Array | Uint16Array;
  replicas: Uint32Array;
  words: number;
  /** HEP (`high` given): 1 for each edge placed, 0 for those left to the streaming phase; null for NE. */
  placed: Uint8Array | null;
  stateBytes: number;
}

/**
 * NE's expansion. With `high` null: NE as in the header, every edge placed.
 * With `high` (HEP's NE++, a 1 per high-degree vertex): edges between two
 * high-degree vertices are left out of memory, high-degree vertices never
 * join a core or seed a part (they only enter boundaries), parts 0..k-2 are
 * grown, and the edges not placed by then (and self-loops) are left for the
 * caller, marked 0 in `placed`.
 */
export function expandNeighbourhoods(stream: EdgeStream, k: number, options: PartitionOptions, high: Uint8Array | null): Expansion {
  const { src, dst, count: m, numVertices: n } = stream;
  const seed = options.seed ?? 1;
  const slack = options.balanceSlack ?? 0.05;
  const words = wordsFor(k);
  const parts = partsArray(m, k);
  const replicas = new Uint32Array(n * words);
  const loads = new Float64Array(k);
  const progress = options.onProgress;

  // Undirected adjacency, unassigned slots first: start[v] .. start[v] + live[v].
  const start = new Uint32Array(n + 1);
  let slots = 0;
  const hybrid = high !== null;
  const inMemory = (u: number, v: number): boolean => u !== v && !(hybrid && high[u] === 1 && high[v] === 1);
  for (let e = 0; e < m; e++) {
    if (!inMemory(src[e], dst[e])) continue;
    start[src[e] + 1]++;
    start[dst[e] + 1]++;
    slots += 2;
  }
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const live = new Uint32Array(n);
  const adjV = new Uint32Array(slots);
  const adjE = new Uint32Array(slots);
  const twin = new Uint32Array(slots);
  for (let e = 0; e < m; e++) {
    const u = src[e];
    const v = dst[e];
    if (!inMemory(u, v)) continue;
    const a = start[u] + live[u]++;
    const b = start[v] + live[v]++;
    adjV[a] = v;
    adjE[a] = e;
    twin[a] = b;
    adjV[b] = u;
    adjE[b] = e;
    twin[b] = a;
  }

  const removeSlot = (v: number, i: number): void => {
    const last = start[v] + live[v] - 1;
    if (i !== last) {
      adjV[i] = adjV[last];
      adjE[i] = adjE[last];
      const t = twin[last];
      twin[i] = t;
      twin[t] = i;
    }
    live[v]--;
  };

  // Boundary heap, keyed by live[v] (unassigned edges, all of which lead outside S).
  const heap = new Uint32Array(n);
  const heapPos = new Int32Array(n).fill(-1);
  let heapSize = 0;
  const siftUp = (i: number): void => {
    const v = heap[i];
    const key = live[v];
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      const pv = heap[parent];
      if (live[pv] <= key) break;
      heap[i] = pv;
      heapPos[pv] = i;
      i = parent;
    }
    heap[i] = v;
    heapPos[v] = i;
  };
  const popMin = (): number => {
    const top = heap[0];
    heapPos[top] = -1;
    heapSize--;
    if (heapSize > 0) {
      const v = heap[heapSize];
      const key = live[v];
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heapSize) break;
        const right = left + 1;
        const child = right < heapSize && live[heap[right]] < live[heap[left]] ? right : left;
        if (live[heap[child]] >= key) break;
        heap[i] = heap[child];
        heapPos[heap[i]] = i;
        i = child;
      }
      heap[i] = v;
      heapPos[v] = i;
    }
    return top;
  };

  const inS = new Int32Array(n);
  let remaining = slots >>> 1;
  const total = remaining;
  let part = 0;
  let load = 0;
  let capacity = 0;

  // Bring y into S of the current part: its edges to S join the part.
  const addToS = (y: number): void => {
    const stamp = part + 1;
    inS[y] = stamp;
    const word = part >>> 5;
    const bit = 1 << (part & 31);
    let i = start[y];
    while (i < start[y] + live[y] && load < capacity) {
      const z = adjV[i];
      if (inS[z] !== stamp) {
        i++;
        continue;
      }
      parts[adjE[i]] = part;
      replicas[y * words + word] |= bit;
      replicas[z * words + word] |= bit;
      load++;
      remaining--;
      removeSlot(z, twin[i]);
      removeSlot(y, i);
      if (heapPos[z] >= 0) siftUp(heapPos[z]);
    }
    if (live[y] > 0 && !(hybrid && high[y] === 1)) {
      heap[heapSize] = y;
      siftUp(heapSize++);
    }
  };

  const seeds = new Random(seed ^ 0x7f4a7c15).shuffle(Uint32Array.from({ length: n }, (_, i) => i));
  let seedCursor = 0;
  const capAll = Math.max(1, Math.ceil(((1 + slack) * m) / k));
  for (part = 0; part < k - 1 && remaining > 0; part++) {
    const target = Math.ceil(remaining / (k - part));
    capacity = Math.max(target, capAll);
    load = 0;
    while (load < target && remaining > 0) {
      if (heapSize === 0) {
        while (live[seeds[seedCursor]] === 0 || (hybrid && high[seeds[seedCursor]] === 1)) seedCursor++;
        addToS(seeds[seedCursor]);
        continue;
      }
      const x = popMin();
      while (live[x] > 0 && load < target) addToS(adjV[start[x] + live[x] - 1]);
    }
    loads[part] = load;
    while (heapSize > 0) heapPos[heap[--heapSize]] = -1;
    if (progress) progress(total - remaining, m);
  }

  const stateBytes =
    start.byteLength + live.byteLength + adjV.byteLength + adjE.byteLength + twin.byteLength +
    heap.byteLength + heapPos.byteLength + inS.byteLength + seeds.byteLength + loads.byteLength;
  if (hybrid) {
    // HEP: mark what the expansion placed; the rest streams.
    const placed = new Uint8Array(m).fill(1);
    for (let e = 0; e < m; e++) if (!inMemory(src[e], dst[e])) placed[e] = 0;
    for (let v = 0; v < n; v++) for (let i = start[v], end = start[v] + live[v]; i < end; i++) placed[adjE[i]] = 0;
    return { parts, replicas, words, placed, stateBytes: stateBytes + placed.byteLength };
  }

  // The last part (or, if the edges ran out early, the current one) takes the rest.
  const lastPart = Math.min(part, k - 1);
  const lastWord = lastPart >>> 5;
  const lastBit = 1 << (lastPart & 31);
  for (let v = 0; v < n; v++) {
    for (let i = start[v], end = start[v] + live[v]; i < end; i++) {
      parts[adjE[i]] = lastPart;
      replicas[v * words + lastWord] |= lastBit;
      loads[lastPart] += 0.5;
    }
  }

  // Self-loops: to the least loaded part the vertex already has, else the least loaded part.
  for (let e = 0; e < m; e++) {
    const v = src[e];
    if (v !== dst[e]) continue;
    let p = -1;
    for (let w = 0; w < words; w++) {
      let bits = replicas[v * words + w];
      while (bits !== 0) {
        const q = (w << 5) + (31 - Math.clz32(bits & -bits));
        bits &= bits - 1;
        if (p < 0 || loads[q] < loads[p]) p = q;
      }
    }
    if (p < 0) {
      p = 0;
      for (let q = 1; q < k; q++) if (loads[q] < loads[p]) p = q;
      replicas[v * words + (p >>> 5)] |= 1 << (p & 31);
    }
    parts[e] = p;
    loads[p]++;
  }
  if (progress) progress(m, m);

  return { parts, replicas, words, placed: null, stateBytes };
}

export const ne: Partitioner = {
  name: 'ne',
  kind: 'vertex-cut',
  streaming: false,
  description: 'neighbourhood expansion (offline): grow each part from a core by fewest outside edges',
  partition: neVertexCut,
};
