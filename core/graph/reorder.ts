/**
 * Vertex reordering for locality: `degreeOrder` (vertices by descending
 * degree, ties by id: the hubs, which most edges touch, share a few cache lines
 * at the front, as in GAPBS's and Ligra's degree sorting) and `relabelGraph`,
 * which renumbers a graph's dense ids by an order and keeps every vertex's
 * file id, so results still speak the file's ids (`fileIds` of a relabelled
 * graph are then not ascending; Graph.denseId looks them up through an index).
 * The CSR and CSC are rebuilt by buildGraph (neighbour lists ascending in the
 * new ids); weights, labels and vertex and edge columns follow their vertex or
 * edge.
 */
import { UsageError } from '../errors.js';
import { buildGraph } from './build.js';
import { EdgeList } from './edge-list.js';
import { Graph } from './graph.js';
import { sharedFloat64 } from './shared.js';
import type { NumericArray } from './shared.js';

/** Orders `relabelGraph` (and `gasworks convert --order`) offers. */
export type VertexOrder = 'file' | 'degree';
export const VERTEX_ORDERS: readonly VertexOrder[] = ['file', 'degree'];

/**
 * The dense ids by descending degree (out + in; for an undirected graph each
 * neighbour counts once per direction stored), ties by ascending id: order[i]
 * is the vertex that becomes i. A counting sort: O(n + max degree).
 */
export function degreeOrder(graph: Graph): Uint32Array {
  const n = graph.numVertices;
  const { outOffsets, inOffsets } = graph;
  const degree = new Uint32Array(n);
  let max = 0;
  for (let v = 0; v < n; v++) {
    const d = outOffsets[v + 1] - outOffsets[v] + (graph.undirected ? 0 : inOffsets[v + 1] - inOffsets[v]);
    degree[v] = d;
    if (d > max) max = d;
  }
  // Buckets from the highest degree down; within one, ids ascending.
  const starts = new Uint32Array(max + 2);
  for (let v = 0; v < n; v++) starts[max - degree[v] + 1]++;
  for (let d = 1; d <= max + 1; d++) starts[d] += starts[d - 1];
  const order = new Uint32Array(n);
  for (let v = 0; v < n; v++) order[starts[max - degree[v]]++] = v;
  return order;
}

/**
 * The graph with dense ids renumbered so that new id i is old id order[i] (a permutation of
 * 0..n-1), every vertex keeping its file id (and label), weights and columns following their
 * vertex or edge. Throws a UsageError naming `who` when `order` is not a permutation.
 */
export function relabelGraph(graph: Graph, order: Uint32Array, who = 'relabelGraph'): Graph {
  const n = graph.numVertices;
  const m = graph.numEdges;
  if (order.length !== n) throw new UsageError(`${who}: the order must list all ${n} vertices; got ${order.length}`);
  const newOf = new Uint32Array(n).fill(0xffffffff);
  for (let i = 0; i < n; i++) {
    const old = order[i];
    if (old >= n || newOf[old] !== 0xffffffff) throw new UsageError(`${who}: the order must be a permutation of 0..${n - 1}; got ${old} at ${i}`);
    newOf[old] = i;
  }
  // Every stored arc, renumbered, with its old edge id riding as the weight: buildGraph's sort is
  // stable, so the new CSR tells where each old edge went.
  const list = new EdgeList({ weighted: true, mapIds: false, expectedEdges: m });
  while (list.src.length < m) list.grow();
  const { outOffsets, outTargets } = graph;
  for (let v = 0; v < n; v++) {
    const nv = newOf[v];
    for (let e = outOffsets[v]; e < outOffsets[v + 1]; e++) {
      list.src[e] = nv;
      list.dst[e] = newOf[outTargets[e]];
      list.weight![e] = e;
    }
  }
  list.length = m;
  list.setNumVertices(n);
  // Directed: the arcs of an undirected graph are both already listed.
  const built = buildGraph(list, {});
  const oldEdge = built.weights!;
  let weights: Float64Array | null = null;
  if (graph.weights !== null) {
    weights = sharedFloat64(m);
    for (let e = 0; e < m; e++) weights[e] = graph.weights[oldEdge[e]];
  }
  const fileIds = sharedFloat64(n);
  for (let i = 0; i < n; i++) fileIds[i] = graph.fileId(order[i]);
  const vertexColumns: Record<string, NumericArray> = {};
  for (const [name, column] of Object.entries(graph.vertexColumns)) vertexColumns[name] = permute(column, n, (i) => order[i]);
  const edgeColumns: Record<string, NumericArray> = {};
  for (const [name, column] of Object.entries(graph.edgeColumns)) edgeColumns[name] = permute(column, m, (e) => oldEdge[e]);
  const relabelled = new Graph({
    numVertices: n,
    numEdges: m,
    undirected: graph.undirected,
    outOffsets: built.outOffsets,
    outTargets: built.outTargets,
    inOffsets: built.inOffsets,
    inSources: built.inSources,
    inEdgeIds: built.inEdgeIds,
    weights,
    fileIds,
    vertexColumns,
    edgeColumns,
  });
  if (graph.labels !== null) relabelled.labels = Array.from(order, (old) => graph.labels![old]);
  return relabelled;
}

/** A column of `count` rows (any width) with row i taken from row from(i). */
function permute(column: NumericArray, count: number, from: (i: number) => number): NumericArray {
  const width = count === 0 ? 1 : column.length / count;
  const out = new (column.constructor as new (buffer: SharedArrayBuffer) => NumericArray)(new SharedArrayBuffer(column.byteLength));
  for (let i = 0; i < count; i++) {
    const src = from(i) * width;
    for (let j = 0; j < width; j++) out[i * width + j] = column[src + j];
  }
  return out;
}
