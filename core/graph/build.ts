/**
 * Build a Graph from an EdgeList: CSR and CSC in O(n + m) with no comparison
 * sort, neighbour lists ascending, equal neighbours in input order. Three
 * stable two-level counting sorts (radix.ts): edges by target, then by source
 * (targets end up ascending per source), then the CSR by target for the CSC.
 * Each scatters into a few hundred buckets of vertex ids and then sorts every
 * bucket in cache, so no pass writes at random over the whole array; at 64M
 * edges this is what makes the build take seconds rather than half a minute.
 * Options: undirected (store both directions), self-loops kept or dropped,
 * duplicate edges kept or dropped (the first one's weight is kept), file ids
 * renumbered in increasing order.
 */
import { EdgeList } from './edge-list.js';
import { Graph } from './graph.js';
import { bucketStarts, sortBuckets, splitVertexIds, type VertexSplit } from './radix.js';
import { sharedFloat64, sharedUint32 } from './shared.js';

export interface BuildOptions {
  /** Store every edge in both directions. Default false. */
  undirected?: boolean;
  /** Keep or drop edges v -> v. Default 'keep'. */
  selfLoops?: 'keep' | 'drop';
  /** Keep or drop repeated (source, target) pairs. Default 'keep'. */
  duplicates?: 'keep' | 'drop';
  /** Renumber dense ids in increasing order of file id (mapped lists only). Default true. */
  sortIds?: boolean;
  /** Called with (done, total) as building proceeds, for progress bars. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Internal, for tests: log2 of the number of vertex-id buckets the sorts use
   * (radix.ts chooses by size when absent). Does not change the result.
   */
  bucketBits?: number;
}

const MAX_EDGES = 0xffffffff;

export function buildGraph(list: EdgeList, options: BuildOptions = {}): Graph {
  const undirected = options.undirected ?? false;
  const dropLoops = options.selfLoops === 'drop';
  const dropDuplicates = options.duplicates === 'drop';
  const n = list.numVertices;
  const progress = options.onProgress ?? (() => {});

  let src = list.src;
  let dst = list.dst;
  let fileIds: Float64Array | null = null;
  if (list.idMap) {
    // Ids interned in increasing order (a loader that numbers them itself) need no relabelling.
    if ((options.sortIds ?? true) && !strictlyIncreasing(list.idMap.ids())) {
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

  // One pass checks ids, counts stored edges and histograms both ends by
  // bucket only: per-vertex counts come out of the in-cache bucket sorts.
  const split = splitVertexIds(n, undirected ? 2 * m0 : m0, options.bucketBits);
  const inBuckets = new Uint32Array(split.buckets);
  const outBuckets = new Uint32Array(split.buckets);
  const stored = countBuckets(src, dst, m0, n, dropLoops, undirected, split.loBits, inBuckets, outBuckets);
  if (stored > MAX_EDGES) throw new Error(`buildGraph: ${stored} stored edges exceed the 2^32-1 limit of 32-bit offsets`);
  progress(1, 4);

  // Sort 1, by target, stable in input order: sources (and weights) land in
  // `bySource`, the target of position p is implied by `targetStarts`.
  // `bySource` is shared memory because it is reused as the CSC's inSources.
  const digits = new Uint16Array(stored);
  let bySource: Uint32Array | null = sharedUint32(stored);
  let byTargetW = weight ? new Float64Array(stored) : null;
  const targetStarts = new Uint32Array(n + 1);
  let starts = bucketStarts(inBuckets);
  scatterInput(src, dst, weight, m0, dropLoops, undirected, split.loBits, starts.slice(), bySource, digits, byTargetW);
  sortBuckets(split, n, starts, digits, bySource, null, byTargetW, targetStarts);
  progress(2, 4);

  // Sort 2, by source, stable: walking sort 1's output in order makes each
  // source's targets ascending, equal targets in input order.
  const outOffsets = sharedUint32(n + 1);
  let outTargets = sharedUint32(stored);
  let weights = weight ? sharedFloat64(stored) : null;
  starts = bucketStarts(outBuckets);
  scatterBySource(n, targetStarts, bySource, byTargetW, split.loBits, starts.slice(), outTargets, digits, weights);
  byTargetW = null;
  sortBuckets(split, n, starts, digits, outTargets, null, weights, outOffsets);

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
      inBuckets.fill(0);
      for (let e = 0; e < m; e++) inBuckets[outTargets[e] >>> split.loBits]++;
    }
  }
  progress(3, 4);

  // Sort 3, the CSR by target: walking sources in order keeps each in-list
  // ascending. Sort 1's array is dead by now; reuse it when the size fits.
  const inSources = m === stored ? bySource : sharedUint32(m);
  bySource = null;
  const inEdgeIds = sharedUint32(m);
  const inOffsets = sharedUint32(n + 1);
  starts = bucketStarts(inBuckets);
  scatterCsr(n, outOffsets, outTargets, split.loBits, starts.slice(), inSources, inEdgeIds, digits);
  sortBuckets(split, n, starts, digits, inSources, inEdgeIds, null, inOffsets);
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

/**
 * Histogram the stored edges' targets (inBuckets) and sources (outBuckets) by
 * bucket, checking every id against n; returns the number of stored edges.
 */
function countBuckets(
  src: Uint32Array,
  dst: Uint32Array,
  m0: number,
  n: number,
  dropLoops: boolean,
  undirected: boolean,
  loBits: number,
  inBuckets: Uint32Array,
  outBuckets: Uint32Array,
): number {
  let stored = 0;
  for (let e = 0; e < m0; e++) {
    const s = src[e];
    const t = dst[e];
    if (s >= n || t >= n) throw new Error(`buildGraph: edge ${e} (${s} -> ${t}) names a vertex outside 0..${n - 1}`);
    if (s === t && dropLoops) continue;
    inBuckets[t >>> loBits]++;
    outBuckets[s >>> loBits]++;
    stored++;
    if (undirected && s !== t) {
      inBuckets[s >>> loBits]++;
      outBuckets[t >>> loBits]++;
      stored++;
    }
  }
  return stored;
}

/** Scatter the input edges into target buckets, in input order: source, target digit, weight. */
function scatterInput(
  src: Uint32Array,
  dst: Uint32Array,
  weight: Float64Array | null,
  m0: number,
  dropLoops: boolean,
  undirected: boolean,
  loBits: number,
  cursor: Uint32Array,
  outSource: Uint32Array,
  digits: Uint16Array,
  outWeight: Float64Array | null,
): void {
  const mask = 2 ** loBits - 1;
  for (let e = 0; e < m0; e++) {
    const s = src[e];
    const t = dst[e];
    if (s === t && dropLoops) continue;
    let p = cursor[t >>> loBits]++;
    outSource[p] = s;
    digits[p] = t & mask;
    if (outWeight) outWeight[p] = weight![e];
    if (undirected && s !== t) {
      p = cursor[s >>> loBits]++;
      outSource[p] = t;
      digits[p] = s & mask;
      if (outWeight) outWeight[p] = weight![e];
    }
  }
}

/** Walk edges in target order (sort 1's output) and scatter them into source buckets. */
function scatterBySource(
  n: number,
  targetStarts: Uint32Array,
  bySource: Uint32Array,
  byTargetW: Float64Array | null,
  loBits: number,
  cursor: Uint32Array,
  outTargets: Uint32Array,
  digits: Uint16Array,
  outWeight: Float64Array | null,
): void {
  const mask = 2 ** loBits - 1;
  for (let t = 0; t < n; t++) {
    const end = targetStarts[t + 1];
    for (let p = targetStarts[t]; p < end; p++) {
      const s = bySource[p];
      const q = cursor[s >>> loBits]++;
      outTargets[q] = t;
      digits[q] = s & mask;
      if (outWeight) outWeight[q] = byTargetW![p];
    }
  }
}

/** Walk the CSR in order and scatter (source, edge id) into target buckets. */
function scatterCsr(
  n: number,
  outOffsets: Uint32Array,
  outTargets: Uint32Array,
  loBits: number,
  cursor: Uint32Array,
  inSources: Uint32Array,
  inEdgeIds: Uint32Array,
  digits: Uint16Array,
): void {
  const mask = 2 ** loBits - 1;
  for (let v = 0; v < n; v++) {
    const end = outOffsets[v + 1];
    for (let e = outOffsets[v]; e < end; e++) {
      const t = outTargets[e];
      const q = cursor[t >>> loBits]++;
      inSources[q] = v;
      inEdgeIds[q] = e;
      digits[q] = t & mask;
    }
  }
}

/**
 * Build, and say for every CSR edge which input edge it came from:
 * `origin[e]` is an index into `list` (for `duplicates: 'drop'`, the first
 * occurrence, since the sorts are stable). The sorts already carry a weight
 * per edge, so they carry the input index in that lane and the list's own
 * weights (if any) are gathered afterwards. Loaders and interop use this to
 * put per-edge values (times, attributes) in CSR order.
 */
export function buildGraphWithOrigin(list: EdgeList, options: BuildOptions = {}): { graph: Graph; origin: Float64Array } {
  const weights = list.weight;
  const m0 = list.length;
  const index = new Float64Array(Math.max(1, m0));
  for (let e = 0; e < m0; e++) index[e] = e;
  list.weight = index;
  let graph: Graph;
  try {
    graph = buildGraph(list, options);
  } finally {
    list.weight = weights;
  }
  const origin = graph.weights!;
  if (weights === null) {
    graph.weights = null;
  } else {
    const m = graph.numEdges;
    const built = sharedFloat64(m);
    for (let e = 0; e < m; e++) built[e] = weights[origin[e]];
    graph.weights = built;
  }
  return { graph, origin };
}

/** True when the values strictly increase. */
function strictlyIncreasing(values: Float64Array): boolean {
  for (let i = 1; i < values.length; i++) if (!(values[i - 1] < values[i])) return false;
  return true;
}

/** Convenience: build from parallel arrays of dense ids (tests, small graphs). */
export function graphFromPairs(
  pairs: ReadonlyArray<readonly [number, number] | readonly [number, number, number]>,
  options: BuildOptions & { numVertices?: number; weighted?: boolean } = {},
): Graph {
  const weighted = options.weighted ?? pairs.some((p) => p.length === 3);
  const list = new EdgeList({ mapIds: false, weighted, expectedEdges: pairs.length });
  if (options.numVertices !== undefined) list.setNumVertices(options.numVertices);
  for (const p of pairs) list.add(p[0], p[1], p[2] ?? 1);
  return buildGraph(list, options);
}
