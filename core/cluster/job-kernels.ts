/**
 * The arrays one machine's kernels run over, and the kernels themselves, as
 * every thread of a cluster worker builds them: the main thread (job.ts) and
 * the job's helper threads (job-threads.ts) share the arrays (on shared
 * memory when there is more than one thread) and each compiles its own
 * kernels around its own program closures, tally and `signal`.
 *
 * A superstep's work is split into chunks of vertices with about the same
 * number of this machine's edges; threads take chunks from a shared counter.
 * A vertex's gather, apply and scatter are each done by one thread, so the
 * accumulators and columns come out as on one thread; signals set a flag by
 * compare-and-swap and the one thread that set it lists the vertex.
 */
import type { Signal, VertexFunctions } from '../program.js';
import { sharedFloat64, sharedUint32, sharedUint8, toShared } from '../graph/shared.js';
import { compileKernels, type KernelEnv, type KernelShape, type SyncKernels } from '../engine/sync-kernels.js';
import { edgeBalancedChunks } from '../engine/sync-loop.js';

/** A sub-CSR over one machine's edges: offsets by (global) vertex, the other ends, and the edges' graph ids. */
export interface LocalEdges {
  offsets: Uint32Array;
  others: Uint32Array;
  edgeIds: Uint32Array;
}

/** Everything the threads of a job share. */
export interface JobArrays {
  n: number;
  threads: number;
  shape: KernelShape;
  inEdges: LocalEdges;
  outEdges: LocalEdges;
  accs: Float64Array;
  /** Active flags of the superstep (gather reads them); apply gets its own mask, which it clears. */
  active: Uint8Array;
  applyMask: Uint8Array;
  changed: Uint8Array;
  /** Signalled flags, and the signalled vertices in the order they were first signalled (`signalCount` of them). */
  signalled: Uint8Array;
  signalList: Uint32Array;
  signalCount: Uint32Array;
  /** Delta caching: cache, validity, and `threads` x n pending deltas; else null. */
  cache: Float64Array | null;
  cacheValid: Uint8Array | null;
  deltas: Float64Array | null;
  /** [edges, updates, changed] per thread. */
  tallies: Float64Array;
  /** Chunk c is the vertices [chunks[c], chunks[c + 1]). */
  chunks: Uint32Array;
  zero: number;
  /**
   * The aggregates the last superstep ended with, in the program's aggregator order, after a
   * word that is 1 once there are any: the main thread writes them, helper threads copy them into
   * their ctx.aggregates before each phase (apply may read them).
   */
  aggregateValues: Float64Array;
}

/** Allocate a job's arrays; on shared memory when `threads` > 1. */
export function allocateJobArrays(options: {
  n: number;
  threads: number;
  shape: KernelShape;
  inEdges: LocalEdges;
  outEdges: LocalEdges;
  accumulatorSize: number;
  zero: number;
  /** The program's gather and scatter edge sets, which weigh a vertex's edges in the chunks. */
  gatherEdges: string;
  scatterEdges: string;
  /** How many aggregators the program has. */
  aggregators: number;
}): JobArrays {
  const { n, threads, shape } = options;
  const shared = threads > 1;
  const f64 = (length: number): Float64Array => (shared ? sharedFloat64(length) : new Float64Array(length));
  const u8 = (length: number): Uint8Array => (shared ? sharedUint8(length) : new Uint8Array(length));
  const u32 = (length: number): Uint32Array => (shared ? sharedUint32(length) : new Uint32Array(length));
  const share32 = (array: Uint32Array): Uint32Array => (shared ? toShared(array) : array);
  const share = (edges: LocalEdges): LocalEdges => ({ offsets: share32(edges.offsets), others: share32(edges.others), edgeIds: share32(edges.edgeIds) });
  const inEdges = share(options.inEdges);
  const outEdges = share(options.outEdges);
  const size = Math.max(1, n);
  return {
    n,
    threads,
    shape,
    inEdges,
    outEdges,
    accs: f64(Math.max(1, n * options.accumulatorSize)),
    active: u8(size),
    applyMask: u8(size),
    changed: u8(size),
    signalled: u8(size),
    signalList: u32(size),
    signalCount: u32(1),
    cache: shape.cached ? f64(size) : null,
    cacheValid: shape.cached ? u8(size) : null,
    deltas: shape.cached ? f64(size * threads) : null,
    tallies: f64(3 * threads),
    // The engine's chunks (several even on one thread: see edgeBalancedChunkPair), on shared memory for helpers.
    chunks: share32(edgeBalancedChunks({ numVertices: n, inOffsets: inEdges.offsets, outOffsets: outEdges.offsets }, threads, options.gatherEdges, options.scatterEdges)),
    zero: options.zero,
    aggregateValues: f64(1 + options.aggregators),
  };
}


/** Thread `thread`'s signal: flag once (compare-and-swap across threads), list once, post a delta to its own slot. */
function createSignal(a: JobArrays, thread: number): Signal {
  const { signalled, signalList, signalCount, deltas, cacheValid, n } = a;
  const atomic = a.threads > 1;
  const base = thread * n;
  return (u, delta) => {
    if (signalled[u] === 0) {
      if (!atomic) {
        signalled[u] = 1;
        signalList[signalCount[0]++] = u;
      } else if (Atomics.compareExchange(signalled, u, 0, 1) === 0) {
        signalList[Atomics.add(signalCount, 0, 1)] = u;
      }
    }
    if (deltas !== null) {
      if (delta === undefined) cacheValid![u] = 0;
      else deltas[base + u] += delta;
    }
  };
}

/** Thread `thread`'s kernels over the job's arrays, around its own program closures. */
export function threadKernels(a: JobArrays, fns: VertexFunctions<number | Float64Array>, sum: ((x: number, y: number) => number) | undefined, thread: number): SyncKernels {
  const env: KernelEnv = {
    n: a.n,
    threads: a.threads,
    inOff: a.inEdges.offsets,
    inSrc: a.inEdges.others,
    inEdge: a.inEdges.edgeIds,
    outOff: a.outEdges.offsets,
    outTgt: a.outEdges.others,
    outEdge: a.outEdges.edgeIds,
    accs: a.accs,
    changed: a.changed,
    cache: a.cache,
    cacheValid: a.cacheValid,
    deltas: a.deltas,
    zero: a.zero,
    gather: fns.gather as KernelEnv['gather'],
    sum,
    apply: fns.apply as KernelEnv['apply'],
    scatter: fns.scatter,
    signal: createSignal(a, thread),
    maps: [],
    tally: a.tallies.subarray(3 * thread, 3 * thread + 3),
  };
  return compileKernels(a.shape, env);
}

/** The phases threads run over chunks. */
export const PHASE = { GATHER: 1, APPLY: 2, SCATTER: 3, STOP: 4 } as const;

/** The apply kernel's aggregator partials, unused in a cluster job (its maps run in sync, over mastered vertices). */
const NO_PARTIALS = new Float64Array(1);

/** Run `phase` on chunk `c` with these kernels. */
export function runChunk(a: JobArrays, kernels: SyncKernels, phase: number, c: number): void {
  const start = a.chunks[c];
  const end = a.chunks[c + 1];
  if (phase === PHASE.GATHER) kernels.gather(start, end, a.active);
  else if (phase === PHASE.APPLY) kernels.apply(start, end, a.applyMask, NO_PARTIALS, 0);
  else kernels.scatter(start, end);
}
