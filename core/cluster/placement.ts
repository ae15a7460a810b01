/**
 * Where a cluster run's edges go: a placement gives every CSR edge a machine
 * (both directions of an undirected edge on the same one), every vertex the
 * set of machines holding its edges, and a master among them. Core defines
 * what a placement is and brings the simplest one, `randomPlacement` (each
 * edge to a machine by a hash of its ends, PowerGraph's "random" ingress);
 * the vertex-cut partitioners that replicate less (greedy, HDRF, NE, ...)
 * come from gasworks/partitioner as `clusterPlacement(name)`, so that core
 * does not depend on them.
 */
import type { Graph } from '../graph/graph.js';
import { edgeHash, hashMasters, hashToRange, wordsFor } from '../graph/replica-sets.js';
import { UsageError } from '../errors.js';
import { hash32 } from '../util/random.js';
import { lowerBound } from '../util/search.js';

/** One run's placement of a graph's edges on `machines` machines. */
export interface EdgePlacement {
  /** The machine of every CSR edge. */
  machineOf: Uint16Array;
  /** The master machine of every vertex. */
  masters: Uint16Array;
  /** Replica sets: `words` uint32 words per vertex, bit p set when machine p holds one of its edges. */
  replicas: Uint32Array;
  words: number;
  /** Replicas per vertex with an edge (as the partitioning literature and gasworks/partitioner count it). */
  replicationFactor: number;
}

/** A way of placing edges, by name (reported with the run). */
export interface Placement {
  name: string;
  place(graph: Graph, machines: number, seed: number): EdgePlacement;
  /**
   * The same placement over a stream of directed edges (ingress.ts), where it can place an edge
   * from what the stream has shown so far; absent for one that needs the whole graph first.
   */
  stream?(numVertices: number, numEdges: number, machines: number, seed: number): StreamPlacer;
  /**
   * The name of this placement's stateless hash (statelessPlacer), when an edge's machine depends
   * on its two ends alone: then every machine can place the edges it reads itself (--load
   * distributed). Absent for a placement that depends on the edges before (greedy, HDRF).
   */
  stateless?: StatelessHash;
}

/** The stateless placements a worker knows by name: core's pair hash, and gasworks/partitioner's random (edgeHash). */
export type StatelessHash = 'pair-hash' | 'edge-hash';

/** The placer of a stateless hash by its name (from the network: checked), as every machine computes it. */
export function statelessPlacer(name: string, machines: number, seed: number): StreamPlacer {
  if (name === 'pair-hash') {
    return {
      assign(src, dst, count, out) {
        for (let i = 0; i < count; i++) out[i] = hashedMachine(src[i], dst[i], machines, seed);
      },
    };
  }
  if (name === 'edge-hash') {
    return {
      assign(src, dst, count, out) {
        for (let i = 0; i < count; i++) out[i] = hashToRange(edgeHash(src[i], dst[i], seed), machines);
      },
    };
  }
  throw new UsageError(`LoadRange: placement must be pair-hash or edge-hash (a stateless hash); got ${JSON.stringify(name)}`);
}

/** Places a stream's edges as they come: the machine of each of `count` edges into `out`. */
export interface StreamPlacer {
  assign(src: Uint32Array, dst: Uint32Array, count: number, out: Uint16Array): void;
}

/** The random placement's machine of edge (a, b) (a <= b for an undirected edge). */
function hashedMachine(a: number, b: number, machines: number, seed: number): number {
  return hashToRange(hash32(Math.imul(a, 0x9e3779b1) ^ b, seed ^ hash32(a)), machines);
}

/**
 * The machine of every CSR edge from the parts of the graph's edge stream: every CSR edge of a
 * directed graph in CSR order, or each undirected edge once as (v, t) with v <= t, in CSR order.
 * (t, v) takes the machine of (v, t); the d-th copy of a repeated edge pairs with the d-th copy back.
 */
export function machinesOfCsrEdges(graph: Graph, streamParts: ArrayLike<number>): Uint16Array {
  const n = graph.numVertices;
  const off = graph.outOffsets;
  const tgt = graph.outTargets;
  const machineOf = new Uint16Array(graph.numEdges);
  if (!graph.undirected) {
    machineOf.set(streamParts);
    return machineOf;
  }
  let i = 0;
  for (let v = 0; v < n; v++) for (let e = off[v]; e < off[v + 1]; e++) if (v <= tgt[e]) machineOf[e] = streamParts[i++];
  for (let v = 0; v < n; v++) {
    let copy = 0;
    for (let e = off[v]; e < off[v + 1]; e++) {
      const t = tgt[e];
      copy = e > off[v] && tgt[e - 1] === t ? copy + 1 : 0;
      if (v <= t) continue;
      machineOf[e] = machineOf[lowerBound(tgt, off[t], off[t + 1], v) + copy];
    }
  }
  return machineOf;
}

/** Replicas per vertex over the vertices with an edge (those with a replica), from the replica sets; 0 for none. */
export function replicationFactorOf(replicas: Uint32Array, words: number): number {
  let copies = 0;
  let present = 0;
  for (let i = 0; i < replicas.length; i += words) {
    let c = 0;
    for (let w = 0; w < words; w++) for (let bits = replicas[i + w]; bits !== 0; bits &= bits - 1) c++;
    copies += c;
    if (c > 0) present++;
  }
  return present > 0 ? copies / present : 0;
}

/** Replica sets, hash masters and the replication factor of a placement given by machineOf. */
export function placementOf(graph: Graph, machineOf: Uint16Array, machines: number, seed: number): EdgePlacement {
  const n = graph.numVertices;
  const words = wordsFor(machines);
  const replicas = new Uint32Array(n * words);
  const off = graph.outOffsets;
  const tgt = graph.outTargets;
  for (let v = 0; v < n; v++) {
    for (let e = off[v]; e < off[v + 1]; e++) {
      const p = machineOf[e];
      const bit = 1 << (p & 31);
      replicas[v * words + (p >>> 5)] |= bit;
      replicas[tgt[e] * words + (p >>> 5)] |= bit;
    }
  }
  return { machineOf, masters: Uint16Array.from(hashMasters(replicas, n, words, machines, seed)), replicas, words, replicationFactor: replicationFactorOf(replicas, words) };
}

/** Each edge to the machine a hash of its two ends picks (the two directions of an undirected edge alike). */
export const randomPlacement: Placement = {
  name: 'random',
  stateless: 'pair-hash',
  place(graph, machines, seed) {
    const n = graph.numVertices;
    const off = graph.outOffsets;
    const tgt = graph.outTargets;
    const machineOf = new Uint16Array(graph.numEdges);
    for (let v = 0; v < n; v++) {
      for (let e = off[v]; e < off[v + 1]; e++) {
        const t = tgt[e];
        machineOf[e] = graph.undirected && t < v ? hashedMachine(t, v, machines, seed) : hashedMachine(v, t, machines, seed);
      }
    }
    return placementOf(graph, machineOf, machines, seed);
  },
  stream(_numVertices, _numEdges, machines, seed) {
    return statelessPlacer('pair-hash', machines, seed);
  },
};
