/**
 * HDRF as its paper and the 2PS authors' code compute it, for speed
 * baselines: every part scored for every edge (O(k) per edge), typed arrays,
 * partial degrees, normalised balance term, the 5% cap, ties to the lowest
 * part. The 2PS paper's speed claim (2PS-L faster than HDRF) is made against
 * this; gasworks' HDRF scores at most four candidates (scored-stream.ts).
 */
import type { EdgeStream } from '../partitioner/types.js';

export function scanAllPartsHdrf(stream: EdgeStream, k: number): Uint8Array {
  const { src, dst, count: m, numVertices: n } = stream;
  const held = new Uint8Array(n * k);
  const degree = new Uint32Array(n);
  const loads = new Float64Array(k);
  const parts = new Uint8Array(m);
  const cap = Math.ceil((1.05 * m) / k);
  let maxLoad = 0;
  for (let e = 0; e < m; e++) {
    const u = src[e];
    const v = dst[e];
    const du = ++degree[u];
    const dv = ++degree[v];
    let minLoad = Infinity;
    for (let p = 0; p < k; p++) if (loads[p] < minLoad) minLoad = loads[p];
    let best = 0;
    let bestScore = -1;
    for (let p = 0; p < k; p++) {
      if (loads[p] >= cap) continue;
      const gu = held[u * k + p] ? 1 + (1 - du / (du + dv)) : 0;
      const gv = held[v * k + p] ? 1 + (1 - dv / (du + dv)) : 0;
      const score = gu + gv + (maxLoad - loads[p]) / (1 + maxLoad - minLoad);
      if (score > bestScore) {
        bestScore = score;
        best = p;
      }
    }
    parts[e] = best;
    held[u * k + best] = 1;
    held[v * k + best] = 1;
    if (++loads[best] > maxLoad) maxLoad = loads[best];
  }
  return parts;
}

