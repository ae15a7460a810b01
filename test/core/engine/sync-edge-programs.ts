/**
 * Vertex programs for the synchronous engine's property tests (a helper
 * module, not a test file; worker threads import it by this module's URL).
 * Each exercises one part of the engine's contract whose answer a brute-force
 * pass over the edge list can give exactly: which edges gather visits and
 * that `e` names the same edge in graph.weights from either direction, a
 * custom `sum`, a vector accumulator, aggregates read in apply, and stopping
 * at a fixed point with 'all' activation. All arithmetic is on small integers,
 * so the sums are exact whatever the order.
 */
import { defineProgram } from '../../../core/program.js';
import { minLabel } from './sync-programs.js';

/** Sum of the weights of v's in-edges (weight 1 when the graph is unweighted). */
export const weightedInSum = defineProgram({
  name: 'test-weighted-in-sum',
  url: import.meta.url,
  vertex: { total: 'f64' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'in',
  scatterEdges: 'none',
  activation: 'all',
  create({ vertex, graph }) {
    const { total } = vertex;
    const weights = graph.weights;
    return {
      gather: (_v, _u, e) => (weights ? weights[e] : 1),
      apply(v, acc) {
        total[v] = acc;
        return true;
      },
    };
  },
});

/** Sum over v's out-edges e = (v -> u) of weight(e) * (u + 1). */
export const weightedOutSum = defineProgram({
  name: 'test-weighted-out-sum',
  url: import.meta.url,
  vertex: { total: 'f64' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'out',
  scatterEdges: 'none',
  activation: 'all',
  create({ vertex, graph }) {
    const { total } = vertex;
    const weights = graph.weights;
    return {
      gather: (_v, u, e) => (weights ? weights[e] : 1) * (u + 1),
      apply(v, acc) {
        total[v] = acc;
        return true;
      },
    };
  },
});

/**
 * A custom `sum` (min) over all of v's edges, in and out: the least
 * weight(e) * 4096 + u over v's incident edges (Infinity when isolated).
 */
export const minIncident = defineProgram({
  name: 'test-min-incident',
  url: import.meta.url,
  vertex: { least: 'f64' },
  params: {},
  accumulator: { kind: 'scalar', zero: Infinity, sum: (a: number, b: number) => (b < a ? b : a) },
  gatherEdges: 'all',
  scatterEdges: 'none',
  activation: 'all',
  create({ vertex, graph }) {
    const { least } = vertex;
    const weights = graph.weights;
    return {
      gather: (_v, u, e) => (weights ? weights[e] : 1) * 4096 + u,
      apply(v, acc) {
        least[v] = acc;
        return true;
      },
    };
  },
});

/** A vector accumulator over all edges: the sum of [u, u * u, weight(e)] over v's neighbours u. */
export const neighbourVectorSum = defineProgram({
  name: 'test-neighbour-vector-sum',
  url: import.meta.url,
  vertex: { sums: 'f64x3' },
  params: {},
  accumulator: { kind: 'vector', size: 3 },
  gatherEdges: 'all',
  scatterEdges: 'none',
  activation: 'all',
  create({ vertex, graph }) {
    const { sums } = vertex;
    const weights = graph.weights;
    return {
      gather(_v, u, e, acc) {
        acc[0] += u;
        acc[1] += u * u;
        acc[2] += weights ? weights[e] : 1;
      },
      apply(v, acc) {
        sums.set(acc, v * 3);
        return true;
      },
    };
  },
});

/**
 * Apply reads the previous superstep's aggregates: x(v) = (total mod 97) + v,
 * where total is the sum of x after the previous superstep (-1 before the first).
 */
export const aggregateEcho = defineProgram({
  name: 'test-aggregate-echo',
  url: import.meta.url,
  vertex: { x: 'f64' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'none',
  scatterEdges: 'none',
  activation: 'all',
  create({ vertex, aggregates }) {
    const { x } = vertex;
    return {
      apply(v) {
        const previous = aggregates?.total ?? -1;
        x[v] = (previous % 97) + v;
        return true;
      },
    };
  },
  aggregators: ({ vertex }) => ({ total: { map: (v) => vertex.x[v], reduce: 'sum' } }),
});

/**
 * sync-programs.ts's min-label with every vertex active every superstep and
 * no scatter (its scatter is then never called): apply says whether the label
 * dropped, and the run ends at the first superstep where none did (the fixed
 * point).
 */
export const minLabelAllActive = defineProgram({
  ...minLabel,
  name: 'test-min-label-all-active',
  url: import.meta.url,
  scatterEdges: 'none',
  activation: 'all',
});

/**
 * Every apply sets its vertex to the superstep number; the aggregator `next`
 * sums each vertex's *successor's* value (v + 1 mod n). With dataAccess
 * 'vertices' (the default) maps run after every apply of the superstep, so
 * after superstep s the sum is exactly n * s on any thread count; folded into
 * apply, vertex order would let a map see its successor before its apply.
 */
export const successorSum = defineProgram({
  name: 'test-successor-sum',
  url: import.meta.url,
  vertex: { x: 'f64' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'none',
  scatterEdges: 'none',
  activation: 'all',
  create({ vertex, numVertices, aggregates }) {
    const { x } = vertex;
    return {
      apply(v) {
        x[v] = (aggregates?.steps ?? 0) + 1;
        return true;
      },
    };
  },
  aggregators({ vertex, numVertices }) {
    const { x } = vertex;
    return {
      next: { map: (v) => x[(v + 1) % numVertices], reduce: 'sum' },
      steps: { map: (v) => (v === 0 ? x[0] : 0), reduce: 'sum' },
    };
  },
});
