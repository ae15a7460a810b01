/**
 * Weakly connected components by Afforest (Sutton, Ben-Nun, Barak, IPDPS
 * 2018): union-find over a shared parent array instead of label propagation,
 * so each edge is linked once rather than gathered every superstep, and most
 * edges are never visited at all. Every vertex runs every superstep (six in
 * all), one stage per superstep:
 *   0: link v with its first out-neighbour;   1: compress (pointer jumping);
 *   2: link v with its second out-neighbour;  3: compress, and remember v's root;
 *   4: unless v's root is the hub's, link v with the rest of its out-neighbours
 *      (and all its in-neighbours, for weak components of a directed graph);
 *   5: compress.
 * The hub is the vertex of largest degree: after stages 0-3 its root is almost
 * always the giant component's, whose vertices then skip stage 4 (Afforest
 * samples 1024 vertices for the most frequent root instead; on a graph with a
 * giant component both pick it). Skipping is safe: every edge from a skipped
 * vertex to one that is not is linked from the other end. A link hooks the
 * larger of two roots under the smaller by compare-and-swap, so every root is
 * its tree's smallest id and the answer is min-label propagation's: each vertex
 * ends with the smallest dense id of its component, in any schedule (the
 * aggregator's end-of-run pass compresses whatever an asynchronous run left).
 *
 * Params: none. Output: `component` (u32, a dense id).
 * Aggregator: components (vertices that are their own component's label).
 */
import { defineProgram } from '../core/program.js';

const NONE = 0xffffffff;

const afforest = defineProgram({
  name: 'afforest',
  url: import.meta.url,
  description: 'Weakly connected components by Afforest (union-find, pointer jumping): label = smallest dense id',
  vertex: { component: 'u32', root: 'u32', stage: 'u8' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'none',
  scatterEdges: 'none',
  activation: 'all',
  // Apply links other vertices' parents: one machine's shared memory only.
  dataAccess: 'shared-memory',
  output: 'component',
  outputKind: 'vertex',
  create({ vertex, graph, outDegrees, inDegrees }) {
    const { component: comp, root, stage } = vertex;
    const { outOffsets, outTargets, inOffsets, inSources } = graph;
    const directed = !graph.undirected;
    let hub = 0;
    for (let v = 1; v < graph.numVertices; v++) if (outDegrees[v] + inDegrees[v] > outDegrees[hub] + inDegrees[hub]) hub = v;

    /** Hook the larger of u's and v's roots under the smaller (GAPBS's Link). */
    const link = (u: number, v: number): void => {
      let p1 = comp[u];
      let p2 = comp[v];
      while (p1 !== p2) {
        const high = p1 > p2 ? p1 : p2;
        const low = p1 > p2 ? p2 : p1;
        const pHigh = comp[high];
        if (pHigh === low) return;
        if (pHigh === high && Atomics.compareExchange(comp, high, high, low) === high) return;
        p1 = comp[comp[high]];
        p2 = comp[low];
      }
    };
    const compress = (v: number): void => {
      while (comp[v] !== comp[comp[v]]) comp[v] = comp[comp[v]];
    };
    return {
      init(v) {
        comp[v] = v;
        root[v] = NONE;
        stage[v] = 0;
      },
      apply(v) {
        const s = stage[v];
        if (s === 0 || s === 2) {
          const e = outOffsets[v] + (s >> 1);
          if (e < outOffsets[v + 1]) link(v, outTargets[e]);
        } else if (s === 1 || s === 5) {
          compress(v);
        } else if (s === 3) {
          compress(v);
          root[v] = comp[v];
        } else if (s === 4) {
          // An asynchronous run may reach here before the hub has a root: then nobody skips.
          if (root[hub] === NONE || root[v] !== root[hub]) {
            for (let e = outOffsets[v] + 2; e < outOffsets[v + 1]; e++) link(v, outTargets[e]);
            if (directed) for (let q = inOffsets[v]; q < inOffsets[v + 1]; q++) link(v, inSources[q]);
          }
        } else {
          return false;
        }
        stage[v] = s + 1;
        return true;
      },
    };
  },
  aggregateAt: 'end',
  aggregators({ vertex }) {
    const comp = vertex.component;
    return {
      // Runs once over every vertex after the last superstep: the compress makes the labels final in any schedule.
      components: {
        map: (v) => {
          while (comp[v] !== comp[comp[v]]) comp[v] = comp[comp[v]];
          return comp[v] === v ? 1 : 0;
        },
        reduce: 'sum',
      },
    };
  },
});

export default afforest;
