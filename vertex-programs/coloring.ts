/**
 * Greedy vertex colouring as a vertex program: each vertex takes the smallest
 * colour not used by its lower-id neighbours (on the simple undirected view),
 * and a vertex whose colour changed signals its higher-id neighbours. The
 * only fixed point is the sequential greedy colouring in id order (by
 * induction on id: once a vertex's lower neighbours are final, its next run
 * makes it final), so every schedule ends with the same proper colouring,
 * using at most (largest degree + 1) colours. Like kcore.ts, the colour choice
 * needs the set of neighbour colours, so gather is 'none' and apply reads the
 * lower neighbours itself (a per-thread array stamped once per apply call
 * marks used colours; nothing is cleared or allocated per vertex).
 *
 * Params: none. Output: `color` (u32, from 0). Aggregator: colors (number used).
 */
import { defineProgram } from '../core/program.js';
import { undirectedAdjacency } from './undirected.js';

const coloring = defineProgram({
  name: 'coloring',
  url: import.meta.url,
  description: 'Greedy colouring in vertex-id order (proper; at most max degree + 1 colours)',
  vertex: { color: 'u32' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'none',
  scatterEdges: 'all',
  activation: 'signalled',
  output: 'color',
  create({ vertex, graph }) {
    const color = vertex.color;
    const { offsets, targets, maxDegree } = undirectedAdjacency(graph);
    // usedBy[c] === stamp marks colour c as taken by a lower neighbour in this apply call. The
    // stamp is new for every call: one per vertex (v + 1) let a vertex's second run see the marks of
    // its first, taking a colour its neighbours had given up (found by the sparse-frontier tests).
    const usedBy = new Float64Array(maxDegree + 2);
    let calls = 0;
    return {
      init(v) {
        color[v] = 0;
        return true;
      },
      apply(v) {
        const stamp = ++calls;
        // Neighbour lists are ascending: stop at the first higher id.
        for (let i = offsets[v]; i < offsets[v + 1]; i++) {
          const u = targets[i];
          if (u > v) break;
          const c = color[u];
          if (c < usedBy.length) usedBy[c] = stamp;
        }
        let c = 0;
        while (usedBy[c] === stamp) c++;
        if (c !== color[v]) {
          color[v] = c;
          return true;
        }
        return false;
      },
      scatter(v, u, _e, signal) {
        if (u > v) signal(u);
      },
    };
  },
  // The aggregates describe the result: computed once at the end, so that supersteps can run from a sparse frontier.
  aggregateAt: 'end',
  aggregators({ vertex }) {
    const color = vertex.color;
    return { colors: { map: (v) => color[v] + 1, reduce: 'max' } };
  },
});

export default coloring;
