/**
 * Helpers shared by every partitioner for the output arrays: the per-edge part
 * array (Uint8 up to 256 parts, Uint16 beyond) and a vertex-cut's result. The
 * n x k replica bitset and hash-picked masters are core's
 * (core/graph/replica-sets.ts), re-exported here.
 */
import { hashMasters } from '../core/graph/replica-sets.js';
import type { Partition } from './types.js';

// The replica-set helpers live in core (the cluster runtime reads replica sets too).
export { hashToRange, wordsFor, hasReplica, replicaCount, hashMasters } from '../core/graph/replica-sets.js';

export const MAX_PARTS = 65536;

export function partsArray(m: number, k: number): Uint8Array | Uint16Array {
  return k <= 256 ? new Uint8Array(m) : new Uint16Array(m);
}

/** The result of a vertex-cut: its replica sets, with masters chosen by hashMasters. */
export function vertexCutPartition(
  algo: string,
  k: number,
  numVertices: number,
  parts: Uint8Array | Uint16Array,
  replicas: Uint32Array,
  words: number,
  seed: number,
  stateBytes: number,
): Partition {
  return {
    algo,
    kind: 'vertex-cut',
    k,
    numVertices,
    numEdges: parts.length,
    words,
    parts,
    replicas,
    masters: hashMasters(replicas, numVertices, words, k, seed),
    stateBytes,
  };
}
