/**
 * R-MAT graphs (Chakrabarti, Zhan, Faloutsos 2004) with the Graph500
 * parameters a = 0.57, b = 0.19, c = 0.19 (d = 0.05) by default: 2^scale
 * vertices, edgeFactor * 2^scale directed edges, each placed by descending
 * `scale` levels of the adjacency matrix. Vertex ids are then relabelled by a
 * seeded random permutation (as Graph500 does), so that degree does not
 * correlate with id. Deterministic for a seed: the same edges, in the same
 * order, as the first (object-based) version of this file, about 5x faster
 * (scale 20: 7.3 s -> 1.5 s on the reference machine).
 */
import { UsageError } from '../../errors.js';
import { EdgeList } from '../edge-list.js';
import { sfc32Double, sfc32Seed, sfc32Shuffle } from '../../util/sfc32.js';

export interface RmatOptions {
  /** log2 of the vertex count. */
  scale: number;
  /** Edges per vertex. Default 16. */
  edgeFactor?: number;
  a?: number;
  b?: number;
  c?: number;
  seed?: number;
  /** Apply a random permutation to vertex ids. Default true. */
  relabel?: boolean;
  /** Weight each edge uniformly in [1, maxWeight) (integers); unweighted when absent. */
  maxWeight?: number;
  onProgress?: (done: number, total: number) => void;
}

export function rmatEdges(options: RmatOptions): EdgeList {
  const generator = new RmatGenerator(options);
  const list = new EdgeList({ mapIds: false, weighted: generator.weighted, expectedEdges: generator.numEdges });
  list.setNumVertices(generator.numVertices);
  const report = options.onProgress;
  for (let e = 0; e < generator.numEdges; ) {
    // The first eight blocks of one edge each (see RmatGenerator.next).
    const end = Math.min(generator.numEdges, e < 8 ? e + 1 : e + (1 << 16));
    generator.next(list.src, list.dst, list.weight, e, end - e);
    e = end;
    if (report) report(e, generator.numEdges);
  }
  list.length = generator.numEdges;
  return list;
}

/**
 * The same edges in chunks, for a reader that never holds them all (a cluster's coordinator
 * streams them to machines): `next` writes the next `count` edges into the arrays given.
 */
export class RmatGenerator {
  readonly numVertices: number;
  readonly numEdges: number;
  readonly weighted: boolean;
  private readonly scale: number;
  private readonly state: Int32Array;
  private readonly thresholds: Int32Array;
  private readonly maxWeight: number;
  private readonly permutation: Uint32Array | null;
  private done = 0;

  constructor(options: RmatOptions) {
    const { scale } = options;
    if (!Number.isInteger(scale) || scale < 1 || scale > 31) {
      throw new UsageError(`rmat: scale must be an integer in 1..31, got ${scale}`);
    }
    const edgeFactor = options.edgeFactor ?? 16;
    const a = options.a ?? 0.57;
    const b = options.b ?? 0.19;
    const c = options.c ?? 0.19;
    if (!(a > 0 && b >= 0 && c >= 0 && a + b + c < 1)) {
      throw new UsageError(`rmat: need a > 0, b >= 0, c >= 0 and a + b + c < 1, got a=${a} b=${b} c=${c}`);
    }
    const n = 2 ** scale;
    const m = Math.round(n * edgeFactor);
    const state = sfc32Seed(options.seed ?? 1);

    // Quadrant thresholds on a 32-bit draw: one draw per level, no floating point.
    // Shifted by 2^31 so that a draw compares as a signed int32 (x ^ 0x80000000).
    const tA = (Math.floor(a * 4294967296) - 2147483648) | 0;
    const tAB = (Math.floor((a + b) * 4294967296) - 2147483648) | 0;
    const tABC = (Math.floor((a + b + c) * 4294967296) - 2147483648) | 0;
    let permutation: Uint32Array | null = null;
    if (options.relabel ?? true) {
      permutation = new Uint32Array(n);
      for (let i = 0; i < n; i++) permutation[i] = i;
      sfc32Shuffle(state, permutation);
    }
    this.numVertices = n;
    this.numEdges = m;
    this.weighted = options.maxWeight !== undefined;
    this.scale = scale;
    this.state = state;
    this.thresholds = new Int32Array([tA, tAB, tABC]);
    this.maxWeight = options.maxWeight ?? 1;
    this.permutation = permutation;
  }

  /** Edges generated so far. */
  get generated(): number {
    return this.done;
  }

  /**
   * The next `count` edges (fewer at the end) into src/dst/weight from index `at`; returns how many.
   * Call with blocks of one edge for the first eight: the block functions then have type feedback
   * for every statement before V8 optimizes them, and run as whole optimized functions rather
   * than on-stack-replaced loops.
   */
  next(src: Uint32Array, dst: Uint32Array, weight: Float64Array | null, at: number, count: number): number {
    const take = Math.min(count, this.numEdges - this.done);
    if (this.weighted && weight === null) throw new Error('RmatGenerator.next: a weighted generator needs a weight array');
    placeEdges(this.state, src, dst, this.weighted ? weight : null, at, at + take, this.scale, this.thresholds, this.maxWeight);
    // Relabel in a pass of its own: these loads miss the cache, and a loop
    // doing nothing else keeps several of them in flight at once.
    if (this.permutation) relabelEnds(src, dst, this.permutation, at, at + take);
    this.done += take;
    return take;
  }
}

/**
 * The edges of `rmatEdges(options)`, in the same order, handed to `onChunk`
 * in consecutive chunks of at most `chunkEdges` (arrays reused between calls)
 * instead of one list: memory O(n + chunk) rather than O(m), for streaming
 * partitioners on graphs whose edges do not fit (R-MAT 26: 1.07 billion).
 * Unweighted only (a RmatGenerator gives weights too).
 */
export function forEachRmatChunk(
  options: RmatOptions,
  chunkEdges: number,
  onChunk: (src: Uint32Array, dst: Uint32Array, count: number) => void,
): void {
  const generator = new RmatGenerator({ ...options, maxWeight: undefined });
  const size = Math.max(1, Math.min(chunkEdges, generator.numEdges));
  const src = new Uint32Array(size);
  const dst = new Uint32Array(size);
  for (let done = 0; done < generator.numEdges; ) {
    const count = Math.min(size, generator.numEdges - done);
    // Blocks of one edge for the first eight (see RmatGenerator.next), then the rest of the chunk.
    for (let e = 0; e < count; ) e += generator.next(src, dst, null, e, done + e < 8 ? 1 : count - e);
    onChunk(src, dst, count);
    done += count;
    if (options.onProgress) options.onProgress(done, generator.numEdges);
  }
}

/**
 * Place edges [from, to): each descends `scale` levels, one draw per level.
 * The generator state lives in locals here (see sfc32.ts): the same stream as
 * Random, without a load and store of object fields per draw.
 */
function placeEdges(
  state: Int32Array,
  src: Uint32Array,
  dst: Uint32Array,
  w: Float64Array | null,
  from: number,
  to: number,
  scale: number,
  thresholds: Int32Array,
  maxWeight: number,
): void {
  const tA = thresholds[0];
  const tAB = thresholds[1];
  const tABC = thresholds[2];
  let ra = state[0];
  let rb = state[1];
  let rc = state[2];
  let rd = state[3];
  for (let e = from; e < to; e++) {
    let s = 0;
    let t = 0;
    for (let level = 0; level < scale; level++) {
      const x = (((ra + rb) | 0) + rd) | 0;
      rd = (rd + 1) | 0;
      ra = rb ^ (rb >>> 9);
      rb = (rc + (rc << 3)) | 0;
      rc = (((rc << 21) | (rc >>> 11)) + x) | 0;
      const r = x ^ 0x80000000;
      // Quadrants a (0,0), b (0,1), c (1,0), d (1,1): the source bit is set in
      // c and d (r >= tAB), the target bit in b and d. Unary plus on a
      // comparison compiles without a branch; a ternary or an if-chain
      // mispredicts here and measured 3x slower.
      const sBit = +(r >= tAB);
      const tBit = +(r >= tA) ^ sBit ^ +(r >= tABC);
      s = (s << 1) | sBit;
      t = (t << 1) | tBit;
    }
    s >>>= 0;
    t >>>= 0;
    src[e] = s;
    dst[e] = t;
    if (w) {
      state[0] = ra;
      state[1] = rb;
      state[2] = rc;
      state[3] = rd;
      w[e] = 1 + Math.floor(sfc32Double(state) * (maxWeight - 1));
      ra = state[0];
      rb = state[1];
      rc = state[2];
      rd = state[3];
    }
  }
  state[0] = ra;
  state[1] = rb;
  state[2] = rc;
  state[3] = rd;
}

/** Replace the ends of edges [from, to) by their images under `permutation`. */
function relabelEnds(src: Uint32Array, dst: Uint32Array, permutation: Uint32Array, from: number, to: number): void {
  for (let e = from; e < to; e++) {
    src[e] = permutation[src[e]];
    dst[e] = permutation[dst[e]];
  }
}
