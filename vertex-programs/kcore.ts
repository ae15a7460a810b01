/**
 * k-core decomposition: core(v) is the largest k such that v belongs to a
 * subgraph in which every vertex has at least k neighbours (on the simple
 * undirected view: directions, duplicates and self-loops ignored). Computed by
 * Montresor, De Pellegrini and Miorandi's local rule ("Distributed k-core
 * decomposition", 2013): every vertex starts from its degree and repeatedly
 * lowers its estimate to the h-index of its neighbours' estimates (the
 * largest k <= its estimate with at least k neighbours estimated >= k),
 * signalling the neighbours whose estimate is now larger than its own.
 * Estimates only fall and never below the core number, so every schedule
 * (synchronous, asynchronous, any thread count) ends at the exact core numbers.
 *
 * The h-index needs the whole multiset of neighbour estimates, which a sum of
 * per-edge contributions cannot carry, so gather is 'none' and apply reads the
 * neighbours' estimates itself (a per-thread counting array, no allocation per
 * vertex). Racy reads are safe here because any mix of old and new estimates
 * is still an upper bound that the next signalled run corrects.
 *
 * Params: none. Output: `core` (u32). Aggregator: degeneracy (largest core number).
 */
import { defineProgram } from '../core/program.js';
import { undirectedAdjacency } from './undirected.js';

const kcore = defineProgram({
  name: 'kcore',
  url: import.meta.url,
  description: 'k-core decomposition (core number per vertex) by iterated neighbour h-index',
  vertex: { core: 'u32' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'none',
  scatterEdges: 'all',
  activation: 'signalled',
  output: 'core',
  create({ vertex, graph }) {
    const core = vertex.core;
    const { offsets, targets, maxDegree } = undirectedAdjacency(graph);
    const count = new Uint32Array(maxDegree + 1);
    return {
      init(v) {
        core[v] = offsets[v + 1] - offsets[v];
        return true;
      },
      apply(v) {
        const estimate = core[v];
        if (estimate === 0) return false;
        for (let i = offsets[v]; i < offsets[v + 1]; i++) {
          const c = core[targets[i]];
          count[c < estimate ? c : estimate]++;
        }
        let atLeast = 0;
        let h = 0;
        for (let k = estimate; k > 0; k--) {
          atLeast += count[k];
          if (atLeast >= k) {
            h = k;
            break;
          }
        }
        count.fill(0, 0, estimate + 1);
        if (h < estimate) {
          core[v] = h;
          return true;
        }
        return false;
      },
      scatter(v, u, _e, signal) {
        if (core[v] < core[u]) signal(u);
      },
    };
  },
  // The aggregates describe the result: computed once at the end, so that supersteps can run from a sparse frontier.
  aggregateAt: 'end',
  aggregators({ vertex }) {
    const core = vertex.core;
    return { degeneracy: { map: (v) => core[v], reduce: 'max' } };
  },
});

export default kcore;
