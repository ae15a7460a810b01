/**
 * The simple undirected view of a graph that several programs read (triangle
 * counting, k-core, label propagation, colouring): for each vertex its
 * neighbours in either direction, sorted ascending, each once, without
 * self-loops. A graph built undirected with no duplicate edges or self-loops
 * already is that view, so its CSR is returned as is (no copy); otherwise the
 * view is built in O(n + m) by merging each vertex's sorted out- and in-lists.
 * Programs call it from `create`, so a directed graph's view is built once per
 * thread (plain arrays, 4 bytes per undirected edge end).
 */
import type { Graph } from '../core/graph/graph.js';

export interface Adjacency {
  offsets: Uint32Array;
  targets: Uint32Array;
  /** Largest neighbour count (sizes per-thread scratch arrays). */
  maxDegree: number;
}

function maxGap(offsets: Uint32Array): number {
  let max = 0;
  for (let v = 0; v + 1 < offsets.length; v++) {
    const d = offsets[v + 1] - offsets[v];
    if (d > max) max = d;
  }
  return max;
}

/** True when every out-list is strictly increasing and has no v -> v. */
function isSimple(graph: Graph): boolean {
  const { outOffsets, outTargets } = graph;
  for (let v = 0; v < graph.numVertices; v++) {
    let last = -1;
    for (let e = outOffsets[v]; e < outOffsets[v + 1]; e++) {
      const u = outTargets[e];
      if (u === v || u === last) return false;
      last = u;
    }
  }
  return true;
}

export function undirectedAdjacency(graph: Graph): Adjacency {
  if (graph.undirected && isSimple(graph)) {
    return { offsets: graph.outOffsets, targets: graph.outTargets, maxDegree: maxGap(graph.outOffsets) };
  }
  const n = graph.numVertices;
  const { outOffsets, outTargets, inOffsets, inSources } = graph;
  const offsets = new Uint32Array(n + 1);
  // Two passes over the same merge: count, then fill.
  let targets = new Uint32Array(0);
  for (let pass = 0; pass < 2; pass++) {
    let write = 0;
    for (let v = 0; v < n; v++) {
      if (pass === 0) offsets[v] = write;
      let a = outOffsets[v];
      const aEnd = outOffsets[v + 1];
      let b = inOffsets[v];
      const bEnd = inOffsets[v + 1];
      let last = -1;
      while (a < aEnd || b < bEnd) {
        let u: number;
        if (b >= bEnd || (a < aEnd && outTargets[a] <= inSources[b])) u = outTargets[a++];
        else u = inSources[b++];
        if (u === v || u === last) continue;
        last = u;
        if (pass === 1) targets[write] = u;
        write++;
      }
    }
    if (pass === 0) {
      offsets[n] = write;
      targets = new Uint32Array(write);
    }
  }
  return { offsets, targets, maxDegree: maxGap(offsets) };
}
