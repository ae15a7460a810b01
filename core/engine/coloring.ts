/**
 * Greedy vertex colouring for the chromatic engine: give every vertex the
 * smallest colour not used by any neighbour (in- or out-, self-loops ignored),
 * so that no two adjacent vertices share a colour and the vertices of one
 * colour can run in parallel with edge consistency and no locks. Vertices are
 * visited in decreasing total degree (Welsh-Powell), which needs fewer colours
 * than id order on skewed graphs; either order uses at most maxDegree + 1
 * colours. The result also lists the vertices of each colour (a counting sort),
 * ascending by id within a colour, on shared memory so workers read it as is.
 */
import type { Graph } from '../graph/graph.js';
import { sharedUint32 } from '../graph/shared.js';

export interface Coloring {
  /** Colour of each vertex, 0..numColors-1. */
  colors: Uint32Array;
  numColors: number;
  /** Vertices of colour c are classVertices[classOffsets[c] .. classOffsets[c+1]). */
  classOffsets: Uint32Array;
  classVertices: Uint32Array;
}

export interface ColoringOptions {
  /** Visit order: 'degree' (largest total degree first, default) or 'id'. */
  order?: 'degree' | 'id';
}

/** Vertices sorted by decreasing in+out degree (counting sort, stable by id). */
function byDecreasingDegree(graph: Graph): Uint32Array {
  const n = graph.numVertices;
  let maxDegree = 0;
  for (let v = 0; v < n; v++) {
    const d = graph.outDegree(v) + graph.inDegree(v);
    if (d > maxDegree) maxDegree = d;
  }
  const count = new Uint32Array(maxDegree + 2);
  for (let v = 0; v < n; v++) count[maxDegree - (graph.outDegree(v) + graph.inDegree(v)) + 1]++;
  for (let d = 0; d <= maxDegree; d++) count[d + 1] += count[d];
  const order = new Uint32Array(n);
  for (let v = 0; v < n; v++) order[count[maxDegree - (graph.outDegree(v) + graph.inDegree(v))]++] = v;
  return order;
}

export function greedyColoring(graph: Graph, options: ColoringOptions = {}): Coloring {
  const n = graph.numVertices;
  const { outOffsets, outTargets, inOffsets, inSources } = graph;
  const order = (options.order ?? 'degree') === 'degree' ? byDecreasingDegree(graph) : null;
  const uncoloured = 0xffffffff;
  const colors = sharedUint32(n).fill(uncoloured);
  let maxDegree = 0;
  for (let v = 0; v < n; v++) maxDegree = Math.max(maxDegree, graph.outDegree(v) + graph.inDegree(v));
  // taken[c] === stamp marks colour c as used by a neighbour of the current vertex: no clearing per vertex.
  const taken = new Uint32Array(maxDegree + 2);
  let numColors = 0;
  for (let i = 0; i < n; i++) {
    const v = order ? order[i] : i;
    const stamp = i + 1;
    for (let e = outOffsets[v]; e < outOffsets[v + 1]; e++) {
      const c = colors[outTargets[e]];
      if (c !== uncoloured) taken[c] = stamp;
    }
    for (let e = inOffsets[v]; e < inOffsets[v + 1]; e++) {
      const c = colors[inSources[e]];
      if (c !== uncoloured) taken[c] = stamp;
    }
    let c = 0;
    while (taken[c] === stamp) c++;
    colors[v] = c;
    if (c + 1 > numColors) numColors = c + 1;
  }
  const classOffsets = sharedUint32(numColors + 1);
  for (let v = 0; v < n; v++) classOffsets[colors[v] + 1]++;
  for (let c = 0; c < numColors; c++) classOffsets[c + 1] += classOffsets[c];
  const classVertices = sharedUint32(n);
  const cursor = classOffsets.slice(0, numColors);
  for (let v = 0; v < n; v++) classVertices[cursor[colors[v]]++] = v;
  return { colors, numColors, classOffsets, classVertices };
}

/**
 * The first edge (as [source, target]) whose two distinct ends share a colour,
 * or null when the colouring is proper.
 */
export function findColoringConflict(graph: Graph, colors: ArrayLike<number>): [number, number] | null {
  const { outOffsets, outTargets } = graph;
  for (let v = 0; v < graph.numVertices; v++) {
    for (let e = outOffsets[v]; e < outOffsets[v + 1]; e++) {
      const u = outTargets[e];
      if (u !== v && colors[u] === colors[v]) return [v, u];
    }
  }
  return null;
}
