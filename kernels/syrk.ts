/**
 * Weighted symmetric rank-k update over a vertex's neighbours (BLAS dsyrk's
 * job for ALS and iALS): out += sum_q w_q z_q z_q^T over the neighbour rows
 * z_q of a factor column, upper triangle only. This is the cost of forming
 * the normal equations; summed one neighbour at a time (a rank-1 update per
 * edge, as a vertex program's gather does) every cell of the triangle is
 * loaded and stored once per neighbour, so the loop runs at memory speed.
 * Here four neighbours are folded into each cell per load and store (a
 * rank-4 update), two rows of the triangle at a time so that each loaded
 * neighbour value serves two cells, and the remaining one to three
 * neighbours one at a time. On MovieLens-1M-shaped ratings at rank 40, all
 * users' matrices: 1.3-3.3 s one rank-1 update per edge, 0.54-0.72 s by
 * rank-4 updates a row at a time, 0.35-0.41 s two rows at a time.
 *
 * Rows: neighbour q's row starts at neighbours[q] * width and its first
 * `rank` doubles are y_q. With `bias`, z_q = (y_q, 1) and the triangle is
 * (rank + 1) x (rank + 1); else z_q = y_q. Weight w_q = 1 when `scale` is
 * null, else alpha * scale[edgeIds[q]] (scale[q] when edgeIds is null).
 * `out` is row-major with row stride `stride`, from offset `at`.
 */

export interface SyrkRows {
  factors: Float64Array;
  width: number;
  rank: number;
  bias: boolean;
  neighbours: Uint32Array;
  edgeIds: Uint32Array | null;
  scale: Float64Array | null;
  alpha: number;
}

/** out[at + i * stride + j] += sum_{q in [from, to)} w_q z_q[i] z_q[j] for j >= i (see the header). */
export function syrkNeighbours(rows: SyrkRows, from: number, to: number, out: Float64Array, at: number, stride: number): void {
  const { factors: f, width, rank, bias, neighbours, edgeIds, scale, alpha } = rows;
  let q = from;
  for (; q + 4 <= to; q += 4) {
    const b0 = neighbours[q] * width;
    const b1 = neighbours[q + 1] * width;
    const b2 = neighbours[q + 2] * width;
    const b3 = neighbours[q + 3] * width;
    const w0 = weightOf(scale, edgeIds, alpha, q);
    const w1 = weightOf(scale, edgeIds, alpha, q + 1);
    const w2 = weightOf(scale, edgeIds, alpha, q + 2);
    const w3 = weightOf(scale, edgeIds, alpha, q + 3);
    // Two rows of the triangle at a time: each neighbour value loaded in the inner loop serves both.
    let i = 0;
    for (; i + 2 <= rank; i += 2) {
      const a0 = w0 * f[b0 + i];
      const a1 = w1 * f[b1 + i];
      const a2 = w2 * f[b2 + i];
      const a3 = w3 * f[b3 + i];
      const c0 = w0 * f[b0 + i + 1];
      const c1 = w1 * f[b1 + i + 1];
      const c2 = w2 * f[b2 + i + 1];
      const c3 = w3 * f[b3 + i + 1];
      const row = at + i * stride;
      const next = row + stride;
      out[row + i] += a0 * f[b0 + i] + a1 * f[b1 + i] + a2 * f[b2 + i] + a3 * f[b3 + i];
      for (let j = i + 1; j < rank; j++) {
        const y0 = f[b0 + j];
        const y1 = f[b1 + j];
        const y2 = f[b2 + j];
        const y3 = f[b3 + j];
        out[row + j] += a0 * y0 + a1 * y1 + a2 * y2 + a3 * y3;
        out[next + j] += c0 * y0 + c1 * y1 + c2 * y2 + c3 * y3;
      }
      if (bias) {
        out[row + rank] += a0 + a1 + a2 + a3;
        out[next + rank] += c0 + c1 + c2 + c3;
      }
    }
    if (i < rank) {
      const a0 = w0 * f[b0 + i];
      const a1 = w1 * f[b1 + i];
      const a2 = w2 * f[b2 + i];
      const a3 = w3 * f[b3 + i];
      const row = at + i * stride;
      out[row + i] += a0 * f[b0 + i] + a1 * f[b1 + i] + a2 * f[b2 + i] + a3 * f[b3 + i];
      if (bias) out[row + rank] += a0 + a1 + a2 + a3;
    }
    if (bias) out[at + rank * stride + rank] += w0 + w1 + w2 + w3;
  }
  for (; q < to; q++) {
    const b = neighbours[q] * width;
    const w = weightOf(scale, edgeIds, alpha, q);
    for (let i = 0; i < rank; i++) {
      const a = w * f[b + i];
      const row = at + i * stride;
      for (let j = i; j < rank; j++) out[row + j] += a * f[b + j];
      if (bias) out[row + rank] += a;
    }
    if (bias) out[at + rank * stride + rank] += w;
  }
}

/** Neighbour slot q's weight (see the header); a module function, so no closure is made per call. */
function weightOf(scale: Float64Array | null, edgeIds: Uint32Array | null, alpha: number, q: number): number {
  return scale === null ? 1 : alpha * scale[edgeIds === null ? q : edgeIds[q]];
}

/**
 * out += (sum_{q in [from, to)} w_q z_q z_q^T) p without forming the matrix: the product that a
 * conjugate-gradient solve needs (ALS's and iALS's solver 'cg'), O(rank) per neighbour. Four
 * neighbours per pass: their four dot products with p in one pass over p, then their four
 * scaled rows added to out in one pass over out. `p` and `out` hold rank (+ 1 with bias) values.
 */
export function syrkMultiply(rows: SyrkRows, from: number, to: number, p: Float64Array, out: Float64Array): void {
  const { factors: f, width, rank, bias, neighbours, edgeIds, scale, alpha } = rows;
  const pb = bias ? p[rank] : 0;
  let q = from;
  for (; q + 4 <= to; q += 4) {
    const b0 = neighbours[q] * width;
    const b1 = neighbours[q + 1] * width;
    const b2 = neighbours[q + 2] * width;
    const b3 = neighbours[q + 3] * width;
    let d0 = pb;
    let d1 = pb;
    let d2 = pb;
    let d3 = pb;
    for (let k = 0; k < rank; k++) {
      const x = p[k];
      d0 += f[b0 + k] * x;
      d1 += f[b1 + k] * x;
      d2 += f[b2 + k] * x;
      d3 += f[b3 + k] * x;
    }
    d0 *= weightOf(scale, edgeIds, alpha, q);
    d1 *= weightOf(scale, edgeIds, alpha, q + 1);
    d2 *= weightOf(scale, edgeIds, alpha, q + 2);
    d3 *= weightOf(scale, edgeIds, alpha, q + 3);
    for (let k = 0; k < rank; k++) out[k] += d0 * f[b0 + k] + d1 * f[b1 + k] + d2 * f[b2 + k] + d3 * f[b3 + k];
    if (bias) out[rank] += d0 + d1 + d2 + d3;
  }
  for (; q < to; q++) {
    const b = neighbours[q] * width;
    let d = pb;
    for (let k = 0; k < rank; k++) d += f[b + k] * p[k];
    d *= weightOf(scale, edgeIds, alpha, q);
    for (let k = 0; k < rank; k++) out[k] += d * f[b + k];
    if (bias) out[rank] += d;
  }
}
