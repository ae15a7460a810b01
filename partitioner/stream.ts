/**
 * Edge streams: where a partitioner's input comes from and in which order it
 * is read. `streamFromEdgeList` keeps a parsed file's order (what published
 * streaming results use as "file order"); `streamFromGraph` gives a built
 * Graph's edges in CSR order (each undirected edge once, as u <= v); and
 * `visitOrder` is the seeded shuffled order, a permutation the partitioners
 * walk so that each edge's part stays aligned with the input arrays.
 * `LOOKAHEAD` and `keepReads` are the streaming loops' way to start the
 * cache misses of edges ahead early (see LOOKAHEAD).
 */
import type { EdgeList } from '../core/graph/edge-list.js';
import type { Graph } from '../core/graph/graph.js';
import { Random } from '../core/util/random.js';
import type { EdgeStream, PartitionOptions } from './types.js';

/**
 * Edges ahead of the current one whose endpoints' per-vertex state a
 * streaming partitioner reads early. Its loop is bound by cache misses on
 * that state (a random vertex per endpoint, megabytes of state on R-MAT 20);
 * reading it this far ahead lets the misses overlap with the work on the
 * edges between. Measured on R-MAT 20, k = 32 (`node
 * dist/apps/cli/main.js bench partitioners --graph rmat:20 --parts 32
 * --algos random,dbh,greedy,hdrf --repeat 3`): HDRF 5.7 -> 6.6M edges/s,
 * greedy 6.6 -> 9.1M; 4, 8 and 16 ahead measured alike.
 */
export const LOOKAHEAD = 8;

let readSink = 0;
/** Hand the early reads' combined value here once, so that the compiler cannot drop them as unused. */
export function keepReads(value: number): void {
  readSink ^= value;
}

/** The edges of a parsed list, in the order they were read (no copy). */
export function streamFromEdgeList(list: EdgeList): EdgeStream {
  return {
    numVertices: list.numVertices,
    count: list.length,
    src: list.src.subarray(0, list.length),
    dst: list.dst.subarray(0, list.length),
  };
}

/** The edges of a built graph in CSR order; an undirected graph's edges once each. */
export function streamFromGraph(graph: Graph): EdgeStream {
  const n = graph.numVertices;
  const off = graph.outOffsets;
  const tgt = graph.outTargets;
  if (!graph.undirected) {
    return { numVertices: n, count: graph.numEdges, src: graph.edgeSources(), dst: tgt };
  }
  let count = 0;
  for (let v = 0; v < n; v++) for (let e = off[v]; e < off[v + 1]; e++) if (v <= tgt[e]) count++;
  const src = new Uint32Array(count);
  const dst = new Uint32Array(count);
  let i = 0;
  for (let v = 0; v < n; v++) {
    for (let e = off[v]; e < off[v + 1]; e++) {
      const t = tgt[e];
      if (v <= t) {
        src[i] = v;
        dst[i] = t;
        i++;
      }
    }
  }
  return { numVertices: n, count, src, dst };
}

/** A seeded random permutation of 0..count-1 (the "shuffled stream"). */
export function shuffledOrder(count: number, seed: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return new Random(seed ^ 0x5bd1e995).shuffle(order);
}

/** The visiting order options ask for: null for file order. */
export function visitOrder(stream: EdgeStream, options: PartitionOptions): Uint32Array | null {
  if (options.visit) {
    if (options.visit.length !== stream.count) {
      throw new Error(`visitOrder: options.visit has ${options.visit.length} entries, the stream ${stream.count} edges`);
    }
    return options.visit;
  }
  return (options.order ?? 'file') === 'shuffled' ? shuffledOrder(stream.count, options.seed ?? 1) : null;
}
