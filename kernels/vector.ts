/**
 * Dense vector kernels on typed arrays, for the per-vertex math of matrix
 * factorisation and SGD (factors are k-long slices of one flat column):
 * dot products, axpy and scaling over a slice given by its offset, so callers
 * never allocate a subarray per vertex.
 */

/** sum_i x[xo + i] * y[yo + i] for i < k. */
export function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) s += x[xo + i] * y[yo + i];
  return s;
}

/** y[yo + i] += a * x[xo + i] for i < k. */
export function axpy(a: number, x: Float64Array, xo: number, y: Float64Array, yo: number, k: number): void {
  for (let i = 0; i < k; i++) y[yo + i] += a * x[xo + i];
}

/** x[xo + i] *= a for i < k. */
export function scale(a: number, x: Float64Array, xo: number, k: number): void {
  for (let i = 0; i < k; i++) x[xo + i] *= a;
}

/**
 * Add the outer product a * x x^T (x a k-slice) into the k x k row-major
 * matrix at m[mo ..]: the accumulation ALS does over a vertex's neighbours.
 */
export function addOuter(a: number, x: Float64Array, xo: number, m: Float64Array, mo: number, k: number): void {
  for (let i = 0; i < k; i++) {
    const axi = a * x[xo + i];
    const row = mo + i * k;
    for (let j = 0; j < k; j++) m[row + j] += axi * x[xo + j];
  }
}
