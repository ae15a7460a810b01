/**
 * Summary statistics of a built graph, as `gasworks info` prints them:
 * vertex and edge counts, degree statistics (min, max, mean, median, isolated
 * vertices), self-loops, weight range and memory. One pass over the offsets,
 * one over the targets; no allocation proportional to edges.
 */
import type { Graph } from './graph.js';

export interface DegreeStats {
  min: number;
  max: number;
  mean: number;
  median: number;
  /** Vertices with degree 0 in this direction. */
  zero: number;
}

export interface GraphStats {
  vertices: number;
  /** Stored directed edges (an undirected edge counts twice, a self-loop once). */
  edges: number;
  undirected: boolean;
  weighted: boolean;
  selfLoops: number;
  /** Vertices with neither in- nor out-edges. */
  isolated: number;
  outDegree: DegreeStats;
  inDegree: DegreeStats;
  maxOutDegree: number;
  maxInDegree: number;
  minWeight: number | null;
  maxWeight: number | null;
  vertexColumns: string[];
  edgeColumns: string[];
  /** Bytes held by the graph's arrays. */
  bytes: number;
}

function degreeStats(offsets: Uint32Array, n: number): DegreeStats {
  if (n === 0) return { min: 0, max: 0, mean: 0, median: 0, zero: 0 };
  let min = Infinity;
  let max = 0;
  let zero = 0;
  // Median by counting sort over degrees: degrees are bounded by the edge count.
  let counts = new Uint32Array(1024);
  for (let v = 0; v < n; v++) {
    const d = offsets[v + 1] - offsets[v];
    if (d < min) min = d;
    if (d > max) max = d;
    if (d === 0) zero++;
    if (d >= counts.length) {
      let size = counts.length;
      while (size <= d) size *= 2;
      const grown = new Uint32Array(size);
      grown.set(counts);
      counts = grown;
    }
    counts[d]++;
  }
  const half = (n - 1) / 2;
  let seen = 0;
  let lower = -1;
  let upper = -1;
  for (let d = 0; d <= max; d++) {
    seen += counts[d];
    if (lower < 0 && seen > Math.floor(half)) lower = d;
    if (upper < 0 && seen > Math.ceil(half)) {
      upper = d;
      break;
    }
  }
  return { min, max, mean: offsets[n] / n, median: (lower + upper) / 2, zero };
}

export function graphStats(graph: Graph): GraphStats {
  const n = graph.numVertices;
  const out = degreeStats(graph.outOffsets, n);
  const inn = degreeStats(graph.inOffsets, n);
  let isolated = 0;
  for (let v = 0; v < n; v++) {
    if (graph.outOffsets[v + 1] === graph.outOffsets[v] && graph.inOffsets[v + 1] === graph.inOffsets[v]) isolated++;
  }
  let minWeight: number | null = null;
  let maxWeight: number | null = null;
  if (graph.weights && graph.numEdges > 0) {
    let lo = Infinity;
    let hi = -Infinity;
    const w = graph.weights;
    for (let e = 0; e < w.length; e++) {
      const x = w[e];
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    minWeight = lo;
    maxWeight = hi;
  }
  return {
    vertices: n,
    edges: graph.numEdges,
    undirected: graph.undirected,
    weighted: graph.weights !== null,
    selfLoops: graph.countSelfLoops(),
    isolated,
    outDegree: out,
    inDegree: inn,
    maxOutDegree: out.max,
    maxInDegree: inn.max,
    minWeight,
    maxWeight,
    vertexColumns: Object.keys(graph.vertexColumns),
    edgeColumns: Object.keys(graph.edgeColumns),
    bytes: graph.bytes(),
  };
}
