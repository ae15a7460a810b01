/**
 * Bench-local reference: core/graph/build.ts as it was before the radix-sort
 * rewrite (commit 23e0d80), kept so that bench/build.ts can time old against
 * new in one run. Not used by the library.
 *
 * Build a Graph from an EdgeList: CSR and CSC by counting sorts, O(n + m) and
 * no comparison sort, with neighbour lists sorted ascending (a counting sort by
 * target, then a stable one by source). Options: undirected (store both
 * directions), self-loops kept or dropped, duplicate edges kept or dropped
 * (the first one's weight is kept), file ids renumbered in increasing order.
 */
import type { BuildOptions } from '../core/graph/build.js';
import type { EdgeList } from '../core/graph/edge-list.js';
import { Graph } from '../core/graph/graph.js';
import { sharedFloat64, sharedUint32 } from '../core/graph/shared.js';

const MAX_EDGES = 0xffffffff;

export function referenceBuildGraph(list: EdgeList, options: BuildOptions = {}): Graph {
  const undirected = options.undirected ?? false;
  const dropLoops = options.selfLoops === 'drop';
  const dropDuplicates = options.duplicates === 'drop';
  const n = list.numVertices;
  const progress = options.onProgress ?? (() => {});

  let src = list.src;
  let dst = list.dst;
  let fileIds: Float64Array | null = null;
  if (list.idMap) {
    if (options.sortIds ?? true) {
      const { relabel, sortedIds } = list.idMap.sortedRelabel();
      fileIds = sharedFloat64(n);
      fileIds.set(sortedIds);
      // Relabel into fresh arrays: the list stays usable by its owner.
      const m0 = list.length;
      src = new Uint32Array(m0);
      dst = new Uint32Array(m0);
      for (let e = 0; e < m0; e++) {
        src[e] = relabel[list.src[e]];
        dst[e] = relabel[list.dst[e]];
      }
    } else {
      fileIds = sharedFloat64(n);
      fileIds.set(list.idMap.ids());
    }
  }
  const weight = list.weight;
  const m0 = list.length;

  // Count stored edges per target (for the first counting sort) and per source.
  let stored = 0;
  const inCount = new Uint32Array(n + 1);
  const outCount = new Uint32Array(n + 1);
  for (let e = 0; e < m0; e++) {
    const s = src[e];
    const t = dst[e];
    if (s >= n || t >= n) throw new Error(`buildGraph: edge ${e} (${s} -> ${t}) names a vertex outside 0..${n - 1}`);
    if (s === t) {
      if (dropLoops) continue;
      inCount[t + 1]++;
      outCount[s + 1]++;
      stored++;
    } else {
      inCount[t + 1]++;
      outCount[s + 1]++;
      stored++;
      if (undirected) {
        inCount[s + 1]++;
        outCount[t + 1]++;
        stored++;
      }
    }
  }
  if (stored > MAX_EDGES) throw new Error(`buildGraph: ${stored} stored edges exceed the 2^32-1 limit of 32-bit offsets`);
  for (let v = 0; v < n; v++) {
    inCount[v + 1] += inCount[v];
    outCount[v + 1] += outCount[v];
  }
  progress(1, 4);

  // Pass 1: counting sort by target (stable). Source and target are stored
  // interleaved so that each scattered write touches one cache line, not two.
  const pairs = new Uint32Array(stored * 2);
  const byW = weight ? new Float64Array(stored) : null;
  const cursor = inCount.subarray(0, n).slice();
  for (let e = 0; e < m0; e++) {
    const s = src[e];
    const t = dst[e];
    if (s === t && dropLoops) continue;
    let p = cursor[t]++;
    pairs[2 * p] = s;
    pairs[2 * p + 1] = t;
    if (byW) byW[p] = weight![e];
    if (undirected && s !== t) {
      p = cursor[s]++;
      pairs[2 * p] = t;
      pairs[2 * p + 1] = s;
      if (byW) byW[p] = weight![e];
    }
  }
  progress(2, 4);

  // Pass 2: stable counting sort by source: targets end up ascending per source.
  let outOffsets = sharedUint32(n + 1);
  let outTargets = sharedUint32(stored);
  let weights = byW ? sharedFloat64(stored) : null;
  outOffsets.set(outCount);
  const outCursor = outCount.subarray(0, n);
  if (weights) {
    for (let p = 0; p < stored; p++) {
      const q = outCursor[pairs[2 * p]]++;
      outTargets[q] = pairs[2 * p + 1];
      weights[q] = byW![p];
    }
  } else {
    for (let p = 0; p < stored; p++) outTargets[outCursor[pairs[2 * p]]++] = pairs[2 * p + 1];
  }

  let m = stored;
  if (dropDuplicates) {
    // Sorted lists make duplicates adjacent: compact in place, then copy to exact size.
    let write = 0;
    let start = 0;
    for (let v = 0; v < n; v++) {
      const end = outOffsets[v + 1];
      outOffsets[v] = write;
      let last = -1;
      for (let e = start; e < end; e++) {
        const t = outTargets[e];
        if (t === last) continue;
        last = t;
        outTargets[write] = t;
        if (weights) weights[write] = weights[e];
        write++;
      }
      start = end;
    }
    outOffsets[n] = write;
    m = write;
    if (m !== stored) {
      const t = sharedUint32(m);
      t.set(outTargets.subarray(0, m));
      outTargets = t;
      if (weights) {
        const w = sharedFloat64(m);
        w.set(weights.subarray(0, m));
        weights = w;
      }
    }
  }
  progress(3, 4);

  // CSC from the CSR: walking sources in order keeps each in-list ascending.
  const inOffsets = sharedUint32(n + 1);
  for (let e = 0; e < m; e++) inOffsets[outTargets[e] + 1]++;
  for (let v = 0; v < n; v++) inOffsets[v + 1] += inOffsets[v];
  // Scatter (source, edge id) pairs interleaved, then split them sequentially.
  const inPairs = new Uint32Array(m * 2);
  const inCursor = inOffsets.slice(0, n);
  for (let v = 0; v < n; v++) {
    const end = outOffsets[v + 1];
    for (let e = outOffsets[v]; e < end; e++) {
      const q = inCursor[outTargets[e]]++;
      inPairs[2 * q] = v;
      inPairs[2 * q + 1] = e;
    }
  }
  const inSources = sharedUint32(m);
  const inEdgeIds = sharedUint32(m);
  for (let q = 0; q < m; q++) {
    inSources[q] = inPairs[2 * q];
    inEdgeIds[q] = inPairs[2 * q + 1];
  }
  progress(4, 4);

  return new Graph({
    numVertices: n,
    numEdges: m,
    undirected,
    outOffsets,
    outTargets,
    inOffsets,
    inSources,
    inEdgeIds,
    weights,
    fileIds,
    vertexColumns: {},
    edgeColumns: {},
  });
}
