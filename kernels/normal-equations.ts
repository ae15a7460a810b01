/**
 * The normal equations of ALS for a block of vertices at once, on typed
 * arrays: for each vertex s of the block, over its ratings r with the other
 * side's vertex w = (y, b_w), A_s = sum z z^T and c_s = sum (r - mean - b_w) z
 * with z = (y, 1) (z = y without biases). This is what the ALS vertex program
 * sums (apps/recommender/als.ts), in the same order, so the
 * batched trainer built on it gives the engine's answer; kernels/gpu.ts has
 * the gpu.js version. The neighbours come as a CSR block: `offsets` (count + 1
 * entries, absolute) into `neighbours`, and the rating of slot q is
 * ratings[edgeIds[q]] (ratings[q] when edgeIds is null).
 */

import { syrkNeighbours, type SyrkRows } from './syrk.js';

export interface NormalEquationsBlock {
  offsets: Uint32Array;
  neighbours: Uint32Array;
  edgeIds: Uint32Array | null;
  ratings: Float64Array;
  /** The other side's factor rows, `width` = rank + 1 doubles each (factor, then bias). */
  factors: Float64Array;
  rank: number;
  biases: boolean;
  mean: number;
}

/** Unknowns per system: rank, plus one for the bias. */
export function unknownsOf(rank: number, biases: boolean): number {
  return rank + (biases ? 1 : 0);
}

/**
 * Fill `matrices` (count systems of unknowns^2, row-major, both triangles)
 * and `rhs` (count x unknowns) for the vertices first .. first + count - 1
 * of the block (indices into `offsets`).
 */
export function normalEquations(block: NormalEquationsBlock, first: number, count: number, matrices: Float64Array, rhs: Float64Array): void {
  const { offsets, neighbours, edgeIds, ratings, factors, rank, biases, mean } = block;
  const unknowns = unknownsOf(rank, biases);
  const width = rank + 1;
  const size = unknowns * unknowns;
  if (matrices.length < count * size || rhs.length < count * unknowns) {
    throw new Error(`normalEquations: need ${count * size} matrix and ${count * unknowns} right-hand-side values, got ${matrices.length} and ${rhs.length}`);
  }
  if (first + count + 1 > offsets.length) {
    throw new Error(`normalEquations: vertices ${first}..${first + count - 1} are outside the block's ${offsets.length - 1}`);
  }
  // One system is summed in a small scratch array and then copied out: constant offsets into a
  // buffer that stays in L1 made the loop 15-20% faster than summing in place (R-MAT-sized planted
  // ratings, 20,000 x 4,000). The matrix is summed by rank-4 updates (syrk.ts), as the engine's
  // ALS apply sums it, so that the two give the same factors bit for bit.
  const acc = new Float64Array(size + unknowns);
  const rows: SyrkRows = { factors, width, rank, bias: biases, neighbours, edgeIds: null, scale: null, alpha: 1 };
  for (let s = 0; s < count; s++) {
    acc.fill(0);
    const from = offsets[first + s];
    const to = offsets[first + s + 1];
    for (let q = from; q < to; q++) {
      const base = neighbours[q] * width;
      const target = ratings[edgeIds === null ? q : edgeIds[q]] - mean - factors[base + rank];
      for (let i = 0; i < rank; i++) acc[size + i] += target * factors[base + i];
      if (biases) acc[size + rank] += target;
    }
    syrkNeighbours(rows, from, to, acc, 0, unknowns);
    // The loops filled the upper triangle; Cholesky reads the lower one.
    const a = s * size;
    for (let i = 0; i < unknowns; i++) {
      for (let j = i; j < unknowns; j++) {
        const x = acc[i * unknowns + j];
        matrices[a + i * unknowns + j] = x;
        matrices[a + j * unknowns + i] = x;
      }
      rhs[s * unknowns + i] = acc[size + i];
    }
  }
}
