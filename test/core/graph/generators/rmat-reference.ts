/**
 * The straightforward R-MAT generator, as core/graph/generators/rmat.ts was
 * first written (commit f7cf784: Random's methods, an if-chain per level):
 * the reference the optimised generator must reproduce edge for edge
 * (rmat.test.ts) and the baseline bench/rmat.ts times it against.
 */
import { EdgeList } from '../../../../core/graph/edge-list.js';
import { Random } from '../../../../core/util/random.js';

export interface ReferenceRmatOptions {
  scale: number;
  edgeFactor?: number;
  a?: number;
  b?: number;
  c?: number;
  seed?: number;
  relabel?: boolean;
  maxWeight?: number;
}

export function referenceRmat(options: ReferenceRmatOptions): EdgeList {
  const scale = options.scale;
  const a = options.a ?? 0.57;
  const b = options.b ?? 0.19;
  const c = options.c ?? 0.19;
  const n = 2 ** scale;
  const m = Math.round(n * (options.edgeFactor ?? 16));
  const random = new Random(options.seed ?? 1);
  const list = new EdgeList({ mapIds: false, weighted: options.maxWeight !== undefined, expectedEdges: m });
  list.setNumVertices(n);
  const tA = Math.floor(a * 4294967296);
  const tAB = Math.floor((a + b) * 4294967296);
  const tABC = Math.floor((a + b + c) * 4294967296);
  let permutation: Uint32Array | null = null;
  if (options.relabel ?? true) {
    permutation = new Uint32Array(n);
    for (let i = 0; i < n; i++) permutation[i] = i;
    random.shuffle(permutation);
  }
  const maxWeight = options.maxWeight ?? 1;
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
    list.src[e] = permutation ? permutation[s] : s;
    list.dst[e] = permutation ? permutation[t] : t;
    if (list.weight) list.weight[e] = 1 + Math.floor(random.next() * (maxWeight - 1));
  }
  list.length = m;
  return list;
}
