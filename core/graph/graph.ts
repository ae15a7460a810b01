/**
 * The in-memory graph every part of gasworks reads: out-edges as compressed
 * sparse rows (CSR), in-edges as compressed sparse columns (CSC), each an
 * offsets array plus a neighbour array on SharedArrayBuffer, so worker threads
 * read the same memory with no copy. Vertex ids are dense 0..n-1; `fileIds`
 * maps them back to the ids of the file they came from. Edge ids are positions
 * in the CSR; `inEdgeIds` gives the edge id of each CSC entry, so edge columns
 * are stored once, in CSR order. Neighbour lists are sorted ascending.
 */
import { indexOfSorted } from '../util/search.js';
import type { NumericArray } from './shared.js';
import { sharedFloat64, sharedUint32 } from './shared.js';

export interface GraphArrays {
  numVertices: number;
  numEdges: number;
  /** True when every edge was stored in both directions (undirected input). */
  undirected: boolean;
  outOffsets: Uint32Array;
  outTargets: Uint32Array;
  inOffsets: Uint32Array;
  inSources: Uint32Array;
  inEdgeIds: Uint32Array;
  /** Weight of each edge in CSR order, or null for an unweighted graph. */
  weights: Float64Array | null;
  /** File id of each dense vertex id, or null when dense ids are the file ids. */
  fileIds: Float64Array | null;
  /** Named vertex columns (attributes), one typed array each, length n*width. */
  vertexColumns: Record<string, NumericArray>;
  /** Named edge columns in CSR order, length m*width. */
  edgeColumns: Record<string, NumericArray>;
}

export class Graph implements GraphArrays {
  readonly numVertices: number;
  readonly numEdges: number;
  readonly undirected: boolean;
  readonly outOffsets: Uint32Array;
  readonly outTargets: Uint32Array;
  readonly inOffsets: Uint32Array;
  readonly inSources: Uint32Array;
  readonly inEdgeIds: Uint32Array;
  weights: Float64Array | null;
  readonly fileIds: Float64Array | null;
  /** String keys of vertices (graphology interop), when the source had non-numeric ids. */
  labels: string[] | null = null;
  vertexColumns: Record<string, NumericArray>;
  edgeColumns: Record<string, NumericArray>;

  constructor(a: GraphArrays) {
    this.numVertices = a.numVertices;
    this.numEdges = a.numEdges;
    this.undirected = a.undirected;
    this.outOffsets = a.outOffsets;
    this.outTargets = a.outTargets;
    this.inOffsets = a.inOffsets;
    this.inSources = a.inSources;
    this.inEdgeIds = a.inEdgeIds;
    this.weights = a.weights;
    this.fileIds = a.fileIds;
    this.vertexColumns = a.vertexColumns;
    this.edgeColumns = a.edgeColumns;
  }

  outDegree(v: number): number {
    return this.outOffsets[v + 1] - this.outOffsets[v];
  }

  inDegree(v: number): number {
    return this.inOffsets[v + 1] - this.inOffsets[v];
  }

  /** Out-neighbours of v (a view, no copy). */
  outNeighbors(v: number): Uint32Array {
    return this.outTargets.subarray(this.outOffsets[v], this.outOffsets[v + 1]);
  }

  /** In-neighbours of v (a view, no copy). */
  inNeighbors(v: number): Uint32Array {
    return this.inSources.subarray(this.inOffsets[v], this.inOffsets[v + 1]);
  }

  /** The file's own id of dense vertex v. */
  fileId(v: number): number {
    return this.fileIds ? this.fileIds[v] : v;
  }

  /** The key a user sees for vertex v: its label, else its file id, as a string. */
  key(v: number): string {
    return this.labels ? this.labels[v] : String(this.fileId(v));
  }

  /**
   * The dense id of a file id, or -1: a binary search of fileIds, which are ascending unless the
   * graph was relabelled (reorder.ts); then of a sorted index built on first use.
   */
  denseId(fileId: number): number {
    const ids = this.fileIds;
    if (!ids) return Number.isInteger(fileId) && fileId >= 0 && fileId < this.numVertices ? fileId : -1;
    if (this.fileIdIndex === undefined) this.fileIdIndex = sortedIndexOf(ids);
    if (this.fileIdIndex === null) return indexOfSorted(ids, fileId);
    const at = indexOfSorted(this.fileIdIndex.ids, fileId);
    return at < 0 ? -1 : this.fileIdIndex.dense[at];
  }

  /** null: fileIds are ascending; else the ids sorted with the dense id of each. Built on first denseId. */
  private fileIdIndex: { ids: Float64Array; dense: Uint32Array } | null | undefined = undefined;

  /** Number of self-loops (v -> v). */
  countSelfLoops(): number {
    let loops = 0;
    const off = this.outOffsets;
    const tgt = this.outTargets;
    for (let v = 0; v < this.numVertices; v++) {
      for (let e = off[v]; e < off[v + 1]; e++) if (tgt[e] === v) loops++;
    }
    return loops;
  }

  /** Bytes held by all arrays of this graph (topology, weights, id map, columns). */
  bytes(): number {
    let total =
      this.outOffsets.byteLength +
      this.outTargets.byteLength +
      this.inOffsets.byteLength +
      this.inSources.byteLength +
      this.inEdgeIds.byteLength;
    if (this.weights) total += this.weights.byteLength;
    if (this.fileIds) total += this.fileIds.byteLength;
    for (const c of Object.values(this.vertexColumns)) total += c.byteLength;
    for (const c of Object.values(this.edgeColumns)) total += c.byteLength;
    return total;
  }

  /** The plain arrays, for posting to a worker thread (shared memory is not copied). */
  toArrays(): GraphArrays {
    return {
      numVertices: this.numVertices,
      numEdges: this.numEdges,
      undirected: this.undirected,
      outOffsets: this.outOffsets,
      outTargets: this.outTargets,
      inOffsets: this.inOffsets,
      inSources: this.inSources,
      inEdgeIds: this.inEdgeIds,
      weights: this.weights,
      fileIds: this.fileIds,
      vertexColumns: this.vertexColumns,
      edgeColumns: this.edgeColumns,
    };
  }

  /** Source vertex of every edge in CSR order (allocated on demand; 4 bytes per edge). */
  edgeSources(): Uint32Array {
    const src = sharedUint32(this.numEdges);
    for (let v = 0; v < this.numVertices; v++) src.fill(v, this.outOffsets[v], this.outOffsets[v + 1]);
    return src;
  }

  /** Weights as a Float64Array, all ones when the graph is unweighted. */
  weightsOrOnes(): Float64Array {
    return this.weights ?? sharedFloat64(this.numEdges).fill(1);
  }
}

/** n vertices and no edge (their file ids, if any): what a cluster's coordinator keeps of a graph it streamed to the machines. */
export function verticesOnly(n: number, fileIds: Float64Array | null = null): Graph {
  const offsets = new Uint32Array(n + 1);
  const none = new Uint32Array(0);
  return new Graph({ numVertices: n, numEdges: 0, undirected: false, outOffsets: offsets, outTargets: none, inOffsets: offsets, inSources: none, inEdgeIds: none, weights: null, fileIds, vertexColumns: {}, edgeColumns: {} });
}

/** null when `ids` ascend; else them sorted, with the position each came from. */
function sortedIndexOf(ids: Float64Array): { ids: Float64Array; dense: Uint32Array } | null {
  let ascending = true;
  for (let i = 1; i < ids.length && ascending; i++) if (!(ids[i - 1] < ids[i])) ascending = false;
  if (ascending) return null;
  const dense = Uint32Array.from({ length: ids.length }, (_, i) => i).sort((a, b) => ids[a] - ids[b]);
  return { ids: Float64Array.from(dense, (i) => ids[i]), dense };
}
