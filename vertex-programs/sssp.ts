/**
 * Single-source shortest paths over out-edges, weighted by graph.weights (1
 * per edge on an unweighted graph): a signalled vertex takes the minimum over
 * its in-neighbours u of dist(u) + w(u, v) and, when that improved its
 * distance, signals the out-neighbours it can improve in turn (Bellman-Ford
 * relaxation driven by signals). The distances are the same in any schedule;
 * summing along a path in path order keeps them bit-identical as well.
 * Each signal carries the target's tentative distance, which the async
 * engine's 'buckets' scheduler orders by (delta-stepping: `--engine async
 * --scheduler buckets --bucket-width DELTA`), and which, as its signals carry
 * its gather (gatherFromSignals), that scheduler hands to apply instead of a
 * gather: each run then relaxes its out-edges once, as delta-stepping does.
 * fifo and sweep ignore the values; 'priority' would read them as residuals
 * (largest first), so it is no scheduler for sssp.
 * Negative weights are rejected (UsageError naming the edge): relaxation would
 * not end on a negative cycle, and this program promises Dijkstra's answer.
 *
 * Params: source 0 (dense id). Output: `distance` (f64; Infinity when unreachable).
 * Aggregator: reached (vertices with a finite distance).
 */
import { UsageError } from '../core/errors.js';
import { defineProgram } from '../core/program.js';
import { checkSource, heldIdOf } from './setup.js';

const min = (a: number, b: number): number => (a < b ? a : b);

const sssp = defineProgram({
  name: 'sssp',
  url: import.meta.url,
  description: 'Weighted single-source shortest paths from --param source=ID (Infinity when unreachable)',
  vertex: { distance: 'f64' },
  params: { source: { default: 0, min: 0, integer: true, required: true, description: 'the vertex to start from' } },
  accumulator: { kind: 'scalar', zero: Infinity, sum: min },
  gatherEdges: 'in',
  scatterEdges: 'out',
  activation: 'signalled',
  gatherFromSignals: true,
  dataAccess: 'gas',
  // create reads only the context's view of the whole graph: a cluster machine holds only its edges.
  graphAccess: 'view',
  output: 'distance',
  create({ vertex, graph, params, numVertices, globalIds }) {
    const distance = vertex.distance;
    checkSource('sssp', params.source, numVertices);
    const source = heldIdOf(params.source, globalIds);
    const weights = graph.weights;
    if (weights !== null) {
      // The edges held here (a cluster machine checks its own).
      for (let v = 0; v < graph.numVertices; v++) {
        for (let e = graph.outOffsets[v]; e < graph.outOffsets[v + 1]; e++) {
          const w = weights[e];
          if (!(w >= 0)) {
            throw new UsageError(
              `sssp: edge ${graph.key(v)} -> ${graph.key(graph.outTargets[e])} has weight ${w}; shortest paths need non-negative weights`,
            );
          }
        }
      }
    }
    return {
      init(v) {
        distance[v] = Infinity;
        return v === source;
      },
      gather: weights === null ? (_v, u) => distance[u] + 1 : (_v, u, e) => distance[u] + weights[e],
      apply(v, acc) {
        const best = v === source ? 0 : acc;
        if (best < distance[v]) {
          distance[v] = best;
          return true;
        }
        return false;
      },
      scatter:
        weights === null
          ? (v, u, _e, signal) => {
              const through = distance[v] + 1;
              if (through < distance[u]) signal(u, through);
            }
          : (v, u, e, signal) => {
              const through = distance[v] + weights[e];
              if (through < distance[u]) signal(u, through);
            },
    };
  },
  // The aggregates describe the result: computed once at the end, so that supersteps can run from a sparse frontier.
  aggregateAt: 'end',
  aggregators({ vertex }) {
    const distance = vertex.distance;
    return { reached: { map: (v) => (distance[v] < Infinity ? 1 : 0), reduce: 'sum' } };
  },
});

export default sssp;
