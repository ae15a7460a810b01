/**
 * The contract every partitioner in gasworks follows. Input is an edge stream:
 * parallel arrays of dense source and target ids, read in the order given
 * (file order for a parsed edge list, CSR order for a built Graph). Output is a
 * Partition: the part of every edge (aligned with the input arrays, whatever
 * order the edges were visited in), each vertex's replica set as a bitset of
 * n x k bits, and one master per vertex, the copy that owns the vertex's data
 * in the cluster runtime. Vertex-cuts place edges and replicate vertices; the
 * hash edge-cut places vertices (its `masters` are the owners) and stores each
 * edge with its source, so its replica sets are the owner plus ghosts.
 */

/** Edges as (src[i], dst[i]) for i < count, over dense vertex ids 0..numVertices-1. */
export interface EdgeStream {
  numVertices: number;
  count: number;
  src: Uint32Array;
  dst: Uint32Array;
}

export type StreamOrder = 'file' | 'shuffled';

export interface PartitionOptions {
  /** Seed for hashes, tie-breaks and shuffles. Default 1. */
  seed?: number;
  /** Visit edges in the given order or in a seeded shuffled order. Default 'file'. */
  order?: StreamOrder;
  /** A precomputed visiting order (a permutation of 0..count-1); overrides `order`. */
  visit?: Uint32Array | null;
  /** HDRF's balance weight λ. Default 1. */
  lambda?: number;
  /** HDRF's ε in the balance term's denominator. Default 1. */
  epsilon?: number;
  /**
   * HDRF's balance term: 'normalized' as in the paper, lambda (max - load) /
   * (epsilon + max - min); or 'absolute', lambda (max - load), as the 2PS
   * authors' implementation computes it (their published figures were run
   * with lambda 1.1). Default 'normalized'.
   */
  balanceTerm?: 'normalized' | 'absolute';
  /**
   * The degrees in HDRF's theta: 'partial' as in the paper, counted as the
   * stream goes (this edge included); or 'exact', full degrees counted in a
   * first pass over the stream (as 2PS-HDRF does), which tells hubs apart
   * from their first edge. Default 'partial'.
   */
  degrees?: 'partial' | 'exact';
  /**
   * Balance slack of the load-aware partitioners (greedy, HDRF, NE): no part
   * takes more than ceil((1 + slack) * m / k) edges. Default 0.05.
   */
  balanceSlack?: number;
  /** 2PS: passes of streaming clustering over the stream (the authors' str_iters). Default 1. */
  clusteringPasses?: number;
  /** HEP: a vertex of degree above tau x the mean degree is high-degree. Default 10. */
  tau?: number;
  /** Restreaming: passes over the stream, each seeing the previous one's placement. Default 3. */
  passes?: number;
  /** Called with (edgesDone, totalEdges) now and then, for progress bars. */
  onProgress?: (done: number, total: number) => void;
}

export type PartitionKind = 'vertex-cut' | 'edge-cut';

export interface Partition {
  algo: string;
  kind: PartitionKind;
  k: number;
  numVertices: number;
  numEdges: number;
  /** 32-bit words per vertex in `replicas`: ceil(k / 32). */
  words: number;
  /** Part of edge i (the input's index i). */
  parts: Uint8Array | Uint16Array;
  /** Bit p of vertex v is bit (p & 31) of replicas[v * words + (p >>> 5)]. */
  replicas: Uint32Array;
  /** Master part of every vertex (isolated vertices too: a hash of the id). */
  masters: Uint32Array;
  /** Bytes of working state the partitioner held besides its output and input. */
  stateBytes: number;
}

export interface Partitioner {
  /** The name users type: `random`, `hdrf`, ... */
  name: string;
  kind: PartitionKind;
  /** Reads the edges once, in stream order (as opposed to offline methods). */
  streaming: boolean;
  /** One line for --help and reports. */
  description: string;
  partition(stream: EdgeStream, k: number, options?: PartitionOptions): Partition;
}
