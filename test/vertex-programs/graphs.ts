/**
 * Graphs for the vertex-program verifiers (not a test file): seeded R-MAT
 * graphs, fast-check arbitraries for small random graphs, the same graph as a
 * graphology Graph (for graphology's own algorithms as references), and the
 * small shared datasets (karate club, ego-Facebook) parsed here with
 * node:zlib so the tests do not depend on the loaders.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import graphology from 'graphology';
import type { AbstractGraph } from 'graphology-types';
import { buildGraph, graphFromPairs, type BuildOptions } from '../../core/graph/build.js';
import { EdgeList } from '../../core/graph/edge-list.js';
import { rmatEdges } from '../../core/graph/generators/rmat.js';
import type { Graph } from '../../core/graph/graph.js';
import { dataset } from '../helpers.js';

// The ESM default export is the class; graphology's CommonJS-shaped types put it at .default.
const Graphology = graphology as unknown as typeof graphology.default;

/** A seeded R-MAT graph (scale 2^scale vertices, edgeFactor edges each). */
export function rmat(scale: number, edgeFactor: number, seed: number, options: BuildOptions & { maxWeight?: number } = {}): Graph {
  return buildGraph(rmatEdges({ scale, edgeFactor, seed, maxWeight: options.maxWeight }), options);
}

/** Small random graphs: n in 1..24 and up to 60 edges (self-loops and duplicates included). */
export const smallGraph = fc
  .integer({ min: 1, max: 24 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.integer({ min: 1, max: 9 })), { maxLength: 60 }),
    }),
  );

export function graphOf(sample: { n: number; edges: Array<[number, number, number]> }, options: BuildOptions & { weighted?: boolean } = {}): Graph {
  return graphFromPairs(sample.edges, { numVertices: sample.n, weighted: false, ...options });
}

/**
 * The same vertices (keys '0'..'n-1') and edges in graphology: an undirected
 * graph (each stored pair once) when `graph.undirected`, directed otherwise;
 * duplicate edges are merged and self-loops left out. Weights go to the
 * `weight` attribute.
 */
export function toGraphology(graph: Graph): AbstractGraph {
  const g = new Graphology({ type: graph.undirected ? 'undirected' : 'directed', multi: false, allowSelfLoops: false });
  for (let v = 0; v < graph.numVertices; v++) g.addNode(String(v));
  for (let v = 0; v < graph.numVertices; v++) {
    for (let e = graph.outOffsets[v]; e < graph.outOffsets[v + 1]; e++) {
      const u = graph.outTargets[e];
      if (u === v || (graph.undirected && u < v)) continue;
      if (g.hasEdge(String(v), String(u))) continue;
      g.addEdge(String(v), String(u), { weight: graph.weights ? graph.weights[e] : 1 });
    }
  }
  return g;
}

/** A whitespace-separated edge-list file (`#`/`%` comments, optional .gz) as an undirected simple graph, or null when absent. */
export function sharedEdgeList(relative: string, testName: string): Graph | null {
  const path = dataset(relative, testName);
  if (path === null) return null;
  const bytes = readFileSync(path);
  const text = (relative.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  const list = new EdgeList({ mapIds: true });
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('%')) continue;
    const [a, b] = trimmed.split(/\s+/);
    list.add(Number(a), Number(b));
  }
  return buildGraph(list, { undirected: true, duplicates: 'drop', selfLoops: 'drop' });
}
