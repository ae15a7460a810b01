/**
 * R-MAT graphs (Chakrabarti, Zhan, Faloutsos 2004) with the Graph500
 * parameters a = 0.57, b = 0.19, c = 0.19 (d = 0.05) by default: 2^scale
 * vertices, edgeFactor * 2^scale directed edges, each placed by descending
 * `scale` levels of the adjacency matrix. Vertex ids are then relabelled by a
 * seeded random permutation (as Graph500 does), so that degree does not
 * correlate with id. Deterministic for a seed.
 */
import { EdgeList } from '../edge-list.js';
import { Random } from '../../util/random.js';

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
  const { scale } = options;
  if (!Number.isInteger(scale) || scale < 1 || scale > 31) {
    throw new Error(`rmat: scale must be an integer in 1..31, got ${scale}`);
  }
  const edgeFactor = options.edgeFactor ?? 16;
  const a = options.a ?? 0.57;
  const b = options.b ?? 0.19;
  const c = options.c ?? 0.19;
  if (!(a > 0 && b >= 0 && c >= 0 && a + b + c < 1)) {
    throw new Error(`rmat: need a > 0, b >= 0, c >= 0 and a + b + c < 1, got a=${a} b=${b} c=${c}`);
  }
  const n = 2 ** scale;
  const m = Math.round(n * edgeFactor);
  const random = new Random(options.seed ?? 1);
  const weighted = options.maxWeight !== undefined;
  const list = new EdgeList({ mapIds: false, weighted, expectedEdges: m });
  list.setNumVertices(n);

  // Quadrant thresholds on a 32-bit draw: one draw per level, no floating point.
  const tA = Math.floor(a * 4294967296);
  const tAB = Math.floor((a + b) * 4294967296);
  const tABC = Math.floor((a + b + c) * 4294967296);
  let permutation: Uint32Array | null = null;
  if (options.relabel ?? true) {
    permutation = new Uint32Array(n);
    for (let i = 0; i < n; i++) permutation[i] = i;
    random.shuffle(permutation);
  }
  const src = list.src;
  const dst = list.dst;
  const w = list.weight;
  const maxWeight = options.maxWeight ?? 1;
  const report = options.onProgress;
  const step = 1 << 20;
  for (let e = 0; e < m; e++) {
    let s = 0;
    let t = 0;
    for (let level = 0; level < scale; level++) {
      const r = random.nextU32();
      s <<= 1;
      t <<= 1;
      if (r < tA) {
        // top-left
      } else if (r < tAB) {
        t |= 1;
      } else if (r < tABC) {
        s |= 1;
      } else {
        s |= 1;
        t |= 1;
      }
    }
    s >>>= 0;
    t >>>= 0;
    src[e] = permutation ? permutation[s] : s;
    dst[e] = permutation ? permutation[t] : t;
    if (w) w[e] = 1 + Math.floor(random.next() * (maxWeight - 1));
    if (report && (e & (step - 1)) === 0) report(e, m);
  }
  list.length = m;
  if (report) report(m, m);
  return list;
}
