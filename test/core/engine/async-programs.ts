/**
 * Vertex programs for the asynchronous engine's tests (not a test file), in
 * their own module so worker threads import the same code, with the serial
 * references they are checked against: min-label connected components,
 * multi-source BFS levels and SSSP (exact answers whatever the schedule, wrong
 * if any signal is lost), PageRank with delta caching, PageRank run by an
 * aggregator to convergence, and an edge counter that only edge consistency
 * keeps exact.
 */
import { defineProgram } from '../../../core/program.js';
import type { Graph } from '../../../core/graph/graph.js';

const min = (a: number, b: number): number => (a < b ? a : b);

/** Connected components by min-label propagation (on a graph stored in both directions). */
export const minLabel = defineProgram({
  name: 'test-min-label',
  url: import.meta.url,
  vertex: { label: 'f64' },
  params: {},
  accumulator: { kind: 'scalar', zero: Infinity, sum: min },
  gatherEdges: 'in',
  scatterEdges: 'out',
  activation: 'signalled',
  create({ vertex }) {
    const label = vertex.label;
    return {
      init(v) {
        label[v] = v;
        return true;
      },
      gather: (_v, u) => label[u],
      apply(v, acc) {
        if (acc < label[v]) {
          label[v] = acc;
          return true;
        }
        return false;
      },
      scatter(v, u, _e, signal) {
        if (label[v] < label[u]) signal(u);
      },
    };
  },
});

/**
 * Shortest distances from every source (the vertices v with v % sourceEvery === 0)
 * over out-edges: hop counts when `weighted` is false (BFS levels), edge weights
 * otherwise (Bellman-Ford-like relaxation). A source starts at Infinity and
 * drops to 0 on its first run, so that its first run scatters.
 */
export const distances = defineProgram({
  name: 'test-distances',
  url: import.meta.url,
  vertex: { dist: 'f64' },
  params: { sourceEvery: 37, weighted: false },
  accumulator: { kind: 'scalar', zero: Infinity, sum: min },
  gatherEdges: 'in',
  scatterEdges: 'out',
  activation: 'signalled',
  create({ vertex, graph, params }) {
    const dist = vertex.dist;
    const every = params.sourceEvery;
    const weights = params.weighted ? graph.weights : null;
    return {
      init(v) {
        dist[v] = Infinity;
        return v % every === 0;
      },
      gather: (_v, u, e) => dist[u] + (weights === null ? 1 : weights[e]),
      apply(v, acc) {
        const best = v % every === 0 ? 0 : acc;
        if (best < dist[v]) {
          dist[v] = best;
          return true;
        }
        return false;
      },
      scatter(v, u, e, signal) {
        if (dist[v] + (weights === null ? 1 : weights[e]) < dist[u]) signal(u);
      },
    };
  },
});

/**
 * PageRank with delta caching (PowerGraph's form): rank = (1 - d) / n + d * sum
 * over in-neighbours of rank / outdegree; a vertex whose rank moved by more
 * than `tolerance` signals its out-neighbours with the change of its share as
 * the delta. Dangling vertices' rank is dropped (the reference does the same).
 */
export const pagerankDelta = defineProgram({
  name: 'test-pagerank-delta',
  url: import.meta.url,
  vertex: { rank: 'f64', change: 'f64' },
  params: { damping: 0.85, tolerance: 1e-12 },
  accumulator: { kind: 'scalar' },
  gatherEdges: 'in',
  scatterEdges: 'out',
  activation: 'signalled',
  deltaCaching: true,
  create({ vertex, graph, params, numVertices }) {
    const { rank, change } = vertex;
    const { outOffsets } = graph;
    const d = params.damping;
    const base = (1 - d) / numVertices;
    return {
      init(v) {
        rank[v] = 0;
        return true;
      },
      gather: (_v, u) => rank[u] / (outOffsets[u + 1] - outOffsets[u]),
      apply(v, acc) {
        const next = base + d * acc;
        change[v] = next - rank[v];
        rank[v] = next;
        return Math.abs(change[v]) > params.tolerance;
      },
      scatter(v, u, _e, signal) {
        signal(u, change[v] / (outOffsets[v + 1] - outOffsets[v]));
      },
    };
  },
});

/**
 * PageRank with every vertex active every step, stopped only by its aggregator:
 * the L1 norm of the last changes falls below `epsilon`.
 */
export const pagerankAll = defineProgram({
  name: 'test-pagerank-all',
  url: import.meta.url,
  vertex: { rank: 'f64', change: 'f64' },
  params: { damping: 0.85, epsilon: 1e-9 },
  accumulator: { kind: 'scalar' },
  gatherEdges: 'in',
  scatterEdges: 'none',
  activation: 'all',
  create({ vertex, graph, params, numVertices }) {
    const { rank, change } = vertex;
    const { outOffsets } = graph;
    const d = params.damping;
    const base = (1 - d) / numVertices;
    return {
      init(v) {
        rank[v] = 1 / numVertices;
        change[v] = 1;
      },
      gather: (_v, u) => rank[u] / (outOffsets[u + 1] - outOffsets[u]),
      apply(v, acc) {
        const next = base + d * acc;
        change[v] = next - rank[v];
        rank[v] = next;
        return true;
      },
    };
  },
  // The residual of every vertex against its in-neighbours' current ranks, not its last change: a
  // vertex whose last change was small may have had its inputs move since (a thread held back by a
  // loaded machine), and only the residual bounds the distance to the fixed point (by 1 / (1 - d)).
  dataAccess: 'vertices',
  aggregators({ vertex, graph, params, numVertices }) {
    const { rank } = vertex;
    const { inOffsets, inSources, outOffsets } = graph;
    const d = params.damping;
    const base = (1 - d) / numVertices;
    const residual = (v: number): number => {
      let acc = 0;
      for (let q = inOffsets[v]; q < inOffsets[v + 1]; q++) {
        const u = inSources[q];
        acc += rank[u] / (outOffsets[u + 1] - outOffsets[u]);
      }
      return Math.abs(base + d * acc - rank[v]);
    };
    return { l1: { map: residual, reduce: 'sum' } };
  },
  converged: (aggregates, _step, params) => aggregates.l1 < params.epsilon,
});

/**
 * Each run of a vertex adds one to the counter of every edge it touches (in and
 * out), reading all of them in gather and writing them back in scatter: a
 * plain read-modify-write with a window in which the edge's other end may
 * write too. Under edge consistency the two ends never overlap, so each edge
 * (a -> b) ends at runs[a] + runs[b] exactly.
 */
export const edgeCounter = defineProgram({
  name: 'test-edge-counter',
  url: import.meta.url,
  vertex: { runs: 'f64' },
  edge: { count: 'f64' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'all',
  scatterEdges: 'all',
  activation: 'all',
  create({ vertex, edge }) {
    const runs = vertex.runs;
    const count = edge.count;
    // This thread's copy of the counters its current vertex read, in visiting order.
    let seen = new Float64Array(1024);
    let filled = 0;
    let read = 0;
    return {
      gather(_v, _u, e) {
        if (filled === seen.length) {
          const bigger = new Float64Array(filled * 2);
          bigger.set(seen);
          seen = bigger;
        }
        seen[filled++] = count[e];
        return 0;
      },
      apply(v) {
        runs[v]++;
        filled = 0;
        read = 0;
        return true;
      },
      scatter(_v, _u, e) {
        count[e] = seen[read++] + 1;
      },
    };
  },
});

/**
 * Detects two threads running one vertex at once: each run marks the vertex
 * busy with an atomic add, spins a little, and counts an overlap when the mark
 * was already set. Every vertex signals its out-neighbours on every run, so
 * vertices are often signalled while they run.
 */
export const vertexGuard = defineProgram({
  name: 'test-vertex-guard',
  url: import.meta.url,
  vertex: { busy: 'i32', overlaps: 'i32', value: 'f64' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'in',
  scatterEdges: 'out',
  activation: 'all',
  create({ vertex }) {
    const { busy, overlaps, value } = vertex;
    return {
      gather: (_v, u) => value[u],
      apply(v, acc) {
        if (Atomics.add(busy, v, 1) !== 0) overlaps[v]++;
        let x = acc;
        for (let i = 0; i < 200; i++) x = (x * 0.5 + i) % 1000;
        value[v] = x;
        Atomics.sub(busy, v, 1);
        return true;
      },
      scatter(_v, u, _e, signal) {
        signal(u);
      },
    };
  },
});

// ---- serial references ----

/** Component label = smallest vertex id in the component (union-find over every edge). */
export function referenceComponents(graph: Graph): Float64Array {
  const n = graph.numVertices;
  const parent = new Int32Array(n);
  for (let v = 0; v < n; v++) parent[v] = v;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (let v = 0; v < n; v++) {
    for (let e = graph.outOffsets[v]; e < graph.outOffsets[v + 1]; e++) {
      const a = find(v);
      const b = find(graph.outTargets[e]);
      if (a < b) parent[b] = a;
      else if (b < a) parent[a] = b;
    }
  }
  const label = new Float64Array(n);
  for (let v = 0; v < n; v++) label[v] = find(v);
  return label;
}

/** Multi-source shortest distances over out-edges: Dijkstra with a binary heap (unit weights when unweighted). */
export function referenceDistances(graph: Graph, sourceEvery: number, weighted: boolean): Float64Array {
  const n = graph.numVertices;
  const dist = new Float64Array(n).fill(Infinity);
  const heap: Array<[number, number]> = [];
  const push = (d: number, v: number): void => {
    heap.push([d, v]);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p][0] <= heap[i][0]) break;
      [heap[p], heap[i]] = [heap[i], heap[p]];
      i = p;
    }
  };
  const pop = (): [number, number] => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l][0] < heap[m][0]) m = l;
        if (r < heap.length && heap[r][0] < heap[m][0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };
  for (let v = 0; v < n; v += sourceEvery) {
    dist[v] = 0;
    push(0, v);
  }
  while (heap.length > 0) {
    const [d, v] = pop();
    if (d > dist[v]) continue;
    for (let e = graph.outOffsets[v]; e < graph.outOffsets[v + 1]; e++) {
      const u = graph.outTargets[e];
      const nd = d + (weighted ? graph.weights![e] : 1);
      if (nd < dist[u]) {
        dist[u] = nd;
        push(nd, u);
      }
    }
  }
  return dist;
}

/** PageRank by power (Jacobi) iteration until the L1 change is below `epsilon`. */
export function referencePagerank(graph: Graph, damping: number, epsilon: number): Float64Array {
  const n = graph.numVertices;
  let rank = new Float64Array(n).fill(1 / n);
  let next = new Float64Array(n);
  for (let iteration = 0; iteration < 10000; iteration++) {
    let l1 = 0;
    for (let v = 0; v < n; v++) {
      let acc = 0;
      for (let i = graph.inOffsets[v]; i < graph.inOffsets[v + 1]; i++) {
        const u = graph.inSources[i];
        acc += rank[u] / graph.outDegree(u);
      }
      next[v] = (1 - damping) / n + damping * acc;
      l1 += Math.abs(next[v] - rank[v]);
    }
    [rank, next] = [next, rank];
    if (l1 < epsilon) break;
  }
  return rank;
}
