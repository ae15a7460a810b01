/**
 * Breadth-first search levels from a source over out-edges: level(v) is the
 * number of edges on a shortest path from the source, -1 when v cannot be
 * reached (an integer column, so -1 rather than Infinity). A signalled vertex
 * takes 1 + the smallest level among its reached in-neighbours; when that
 * lowered its level it signals the out-neighbours it can lower. A synchronous
 * run advances one frontier per superstep (the textbook BFS); an asynchronous
 * one may settle a vertex at a larger level first and correct it later, and
 * ends with the same levels. The gather stops at the first reached
 * in-neighbour, so the synchronous engine runs direction-optimizing supersteps
 * (pulling from unreached vertices while the frontier is large).
 *
 * Params: source 0 (dense id). Output: `level` (i32; -1 when unreachable).
 * Aggregators: reached (vertices with a level), depth (largest level).
 */
import { defineProgram } from '../core/program.js';
import { checkSource, heldIdOf } from './setup.js';

const min = (a: number, b: number): number => (a < b ? a : b);

const bfs = defineProgram({
  name: 'bfs',
  url: import.meta.url,
  description: 'Breadth-first search levels from --param source=ID (-1 when unreachable)',
  vertex: { level: 'i32' },
  params: { source: { default: 0, min: 0, integer: true, required: true, description: 'the vertex to start from' } },
  accumulator: { kind: 'scalar', zero: Infinity, sum: min },
  gatherEdges: 'in',
  scatterEdges: 'out',
  activation: 'signalled',
  dataAccess: 'gas',
  // create reads only the context's view of the whole graph: a cluster machine holds only its edges.
  graphAccess: 'view',
  output: 'level',
  create({ vertex, params, numVertices, globalIds }) {
    const level = vertex.level;
    checkSource('bfs', params.source, numVertices);
    const source = heldIdOf(params.source, globalIds);
    return {
      init(v) {
        level[v] = -1;
        return v === source;
      },
      gather: (_v, u) => (level[u] < 0 ? Infinity : level[u] + 1),
      apply(v, acc) {
        const best = v === source ? 0 : acc;
        if (best < Infinity && (level[v] < 0 || best < level[v])) {
          level[v] = best;
          return true;
        }
        return false;
      },
      scatter(v, u, _e, signal) {
        if (level[u] < 0 || level[v] + 1 < level[u]) signal(u);
      },
      // In supersteps, every reached in-neighbour of an unreached vertex is in the last frontier:
      // the first one found gives the level, and only unreached vertices can change.
      pull: { wants: (v) => level[v] < 0, enough: (acc) => acc < Infinity },
    };
  },
  // The aggregates describe the result: computed once at the end, so that supersteps can run from a sparse frontier.
  aggregateAt: 'end',
  aggregators({ vertex }) {
    const level = vertex.level;
    return {
      reached: { map: (v) => (level[v] >= 0 ? 1 : 0), reduce: 'sum' },
      depth: { map: (v) => level[v], reduce: 'max' },
    };
  },
});

export default bfs;
