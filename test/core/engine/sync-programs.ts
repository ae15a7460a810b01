/**
 * Small vertex programs for the synchronous engine's tests (a helper module,
 * not a test file): worker threads import them by this module's URL. Each is
 * simple enough to check against a serial reference written in the test.
 */
import { defineProgram } from '../../../core/program.js';

/** Weighted in-degree by gather over in-edges (order-independent integer sums). */
export const inDegree = defineProgram({
  name: 'test-in-degree',
  url: import.meta.url,
  vertex: { degree: 'f64', edgeSum: 'f64' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'in',
  scatterEdges: 'none',
  activation: 'all',
  create({ vertex, graph }) {
    const { degree, edgeSum } = vertex;
    const weights = graph.weights;
    return {
      // The edge id must name the same edge as (u -> v) in CSR order.
      gather: (v, u, e) => {
        if (graph.outTargets[e] !== v || e < graph.outOffsets[u] || e >= graph.outOffsets[u + 1]) {
          throw new Error(`edge ${e} is not ${u} -> ${v}`);
        }
        return 1 + (weights ? 0 * weights[e] : 0);
      },
      apply(v, acc) {
        degree[v] = acc;
        edgeSum[v] += 1;
        return true;
      },
    };
  },
});

/**
 * Min-label propagation over all edges, signalled activation: a vertex's
 * label is the least label among itself and its neighbours; it signals its
 * neighbours when its label drops. Converges to the least vertex id per
 * weakly connected component.
 */
export const minLabel = defineProgram({
  name: 'test-min-label',
  url: import.meta.url,
  vertex: { label: 'f64' },
  params: {},
  accumulator: { kind: 'scalar', zero: Infinity, sum: Math.min },
  gatherEdges: 'all',
  scatterEdges: 'all',
  activation: 'signalled',
  create({ vertex }) {
    const { label } = vertex;
    return {
      init(v) {
        label[v] = v;
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
        if (label[u] > label[v]) signal(u);
      },
    };
  },
  aggregators({ vertex }) {
    const { label } = vertex;
    return { labelSum: { map: (v) => label[v], reduce: 'sum' }, maxLabel: { map: (v) => label[v], reduce: 'max' } };
  },
});

/**
 * A vector accumulator: each vertex sums [1, id(u), id(u)^2] over out-edges
 * (out-degree, sum and sum of squares of its out-neighbours' ids). No explicit
 * generic arguments: `acc` is a Float64Array by inference from the spec.
 */
export const neighbourMoments = defineProgram({
  name: 'test-neighbour-moments',
  url: import.meta.url,
  vertex: { moments: 'f64x3' },
  params: { scale: 1 },
  accumulator: { kind: 'vector', size: 3 },
  gatherEdges: 'out',
  scatterEdges: 'none',
  activation: 'all',
  create({ vertex, params }) {
    const { moments } = vertex;
    const scale = params.scale;
    return {
      gather(_v, u, _e, acc) {
        acc[0] += 1;
        acc[1] += u * scale;
        acc[2] += u * u;
      },
      apply(v, acc) {
        moments.set(acc, v * 3);
        return true;
      },
    };
  },
});

/**
 * Powers of out-neighbour ids, u^0 .. u^(degree-1), summed: a vector column
 * and accumulator whose width is the parameter `degree`, so every thread
 * must size them from the run's parameters.
 */
export const neighbourPowers = defineProgram({
  name: 'test-neighbour-powers',
  url: import.meta.url,
  vertex: (p) => ({ powers: `f64x${p.degree}` as const }),
  params: { degree: 2 },
  accumulator: (p) => ({ kind: 'vector', size: p.degree }),
  gatherEdges: 'out',
  scatterEdges: 'none',
  activation: 'all',
  create({ vertex, params }) {
    const { powers } = vertex;
    const degree = params.degree;
    return {
      gather(_v, u, _e, acc) {
        let x = 1;
        for (let i = 0; i < degree; i++, x *= u) acc[i] += x;
      },
      apply(v, acc) {
        powers.set(acc, v * degree);
        return true;
      },
    };
  },
});

/**
 * PageRank with a fixed number of supersteps (all active) and an aggregator
 * for the L1 change; `tolerance` > 0 stops early by aggregator.
 */
export const pagerankFixed = defineProgram({
  name: 'test-pagerank-fixed',
  url: import.meta.url,
  vertex: { rank: 'f64', change: 'f64' },
  params: { damping: 0.85, tolerance: 0 },
  accumulator: { kind: 'scalar' },
  gatherEdges: 'in',
  scatterEdges: 'none',
  activation: 'all',
  create({ vertex, graph, params, numVertices }) {
    const { rank, change } = vertex;
    const d = params.damping;
    const off = graph.outOffsets;
    return {
      init(v) {
        rank[v] = 1 / numVertices;
      },
      gather: (_v, u) => rank[u] / (off[u + 1] - off[u]),
      apply(v, acc) {
        const next = (1 - d) / numVertices + d * acc;
        change[v] = Math.abs(next - rank[v]);
        rank[v] = next;
        return true;
      },
    };
  },
  aggregators({ vertex }) {
    const { change, rank } = vertex;
    return { l1: { map: (v) => change[v], reduce: 'sum' }, total: { map: (v) => rank[v], reduce: 'sum' } };
  },
  converged: (a, _s, p) => p.tolerance > 0 && a.l1 < p.tolerance,
});

/**
 * PageRank with PowerGraph's delta caching and signalled activation: a vertex
 * whose rank moves by more than `tolerance` signals its out-neighbours with
 * delta = change / outdegree(v), so their cached sums stay exact and they skip
 * gather. `countGathers` counts vertices that did gather (cache misses).
 */
export const pagerankDelta = defineProgram({
  name: 'test-pagerank-delta',
  url: import.meta.url,
  vertex: { rank: 'f64', change: 'f64', gathers: 'f64' },
  params: { damping: 0.85, tolerance: 1e-10 },
  accumulator: { kind: 'scalar' },
  gatherEdges: 'in',
  scatterEdges: 'out',
  activation: 'signalled',
  deltaCaching: true,
  create({ vertex, graph, params, numVertices }) {
    const { rank, change, gathers } = vertex;
    const d = params.damping;
    const tol = params.tolerance;
    const off = graph.outOffsets;
    const inOff = graph.inOffsets;
    return {
      init(v) {
        rank[v] = 1 / numVertices;
        change[v] = 0;
      },
      gather: (v, u, e) => {
        // Count a full gather once per vertex (at its first in-edge).
        if (graph.inEdgeIds[inOff[v]] === e) gathers[v] += 1;
        return rank[u] / (off[u + 1] - off[u]);
      },
      apply(v, acc) {
        const next = (1 - d) / numVertices + d * acc;
        change[v] = next - rank[v];
        rank[v] = next;
        return Math.abs(change[v]) > tol;
      },
      scatter(v, u, _e, signal) {
        signal(u, change[v] / (off[v + 1] - off[v]));
      },
    };
  },
});

/** Throws from apply at vertex `failAt` (to test that a worker's error rejects the run). */
export const failing = defineProgram({
  name: 'test-failing',
  url: import.meta.url,
  vertex: { x: 'f64' },
  params: { failAt: 0 },
  accumulator: { kind: 'scalar' },
  gatherEdges: 'none',
  scatterEdges: 'none',
  activation: 'all',
  create({ params }) {
    const failAt = params.failAt;
    return {
      apply(v) {
        if (v === failAt) throw new Error(`test-failing: deliberate failure at vertex ${v}`);
        return true;
      },
    };
  },
});

/** BFS whose aggregators are due every superstep (the default), to compare superstep by superstep. */
export const levelsEveryStep = defineProgram({
  name: 'test-levels-every-step',
  url: import.meta.url,
  vertex: { level: 'i32', sent: 'u8' },
  params: {},
  accumulator: { kind: 'scalar', zero: Infinity, sum: (a: number, b: number) => Math.min(a, b) },
  gatherEdges: 'in',
  scatterEdges: 'out',
  activation: 'signalled',
  dataAccess: 'gas',
  create({ vertex }) {
    const { level, sent } = vertex;
    return {
      init(v) {
        level[v] = v === 0 ? 0 : -1;
        return v === 0;
      },
      gather: (_v, u) => (level[u] < 0 ? Infinity : level[u] + 1),
      apply(v, acc) {
        if (level[v] >= 0 || acc === Infinity) return v === 0;
        level[v] = acc;
        return true;
      },
      scatter(v, u, _e, signal) {
        // A 'gas' scatter may write its own vertex: the 'sent' aggregator must not see it (maps run before scatter).
        sent[v] = 1;
        if (level[u] < 0) signal(u);
      },
    };
  },
  aggregators({ vertex }) {
    return {
      reached: { map: (v) => (vertex.level[v] >= 0 ? 1 : 0), reduce: 'sum' },
      deepest: { map: (v) => vertex.level[v], reduce: 'max' },
      sent: { map: (v) => vertex.sent[v], reduce: 'sum' },
    };
  },
});

/** No vertex starts active (init returns false): aggregateAt 'end' must still give the aggregates. */
export const nobodyActive = defineProgram({
  name: 'test-nobody-active',
  url: import.meta.url,
  vertex: { x: 'f64' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'none',
  scatterEdges: 'none',
  activation: 'signalled',
  create({ vertex }) {
    return {
      init(v) {
        vertex.x[v] = -5 - v;
        return false;
      },
      apply: () => false,
    };
  },
  aggregateAt: 'end',
  aggregators({ vertex }) {
    return { top: { map: (v) => vertex.x[v], reduce: 'max' }, count: { map: () => 1, reduce: 'sum' } };
  },
});
