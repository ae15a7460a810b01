/**
 * Batched Cholesky solves of small symmetric positive definite systems
 * (k x k, row-major, packed one after another in one Float64Array): the
 * per-vertex least-squares step of ALS, (V^T V + lambda I) u = V^T r. Each
 * system is factored in place (lower triangle) and solved by forward and back
 * substitution; no allocation per system. A matrix that is not positive
 * definite is reported with its index in the batch.
 */

/**
 * Factor A = L L^T in place (L in the lower triangle, the upper left as is)
 * for the matrix at a[ao ..]. Returns false when A is not positive definite.
 */
export function choleskyFactor(a: Float64Array, ao: number, k: number): boolean {
  for (let j = 0; j < k; j++) {
    let d = a[ao + j * k + j];
    for (let p = 0; p < j; p++) d -= a[ao + j * k + p] * a[ao + j * k + p];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[ao + j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = a[ao + i * k + j];
      for (let p = 0; p < j; p++) s -= a[ao + i * k + p] * a[ao + j * k + p];
      a[ao + i * k + j] = s / ljj;
    }
  }
  return true;
}

/** Solve L L^T x = b in place in b[bo ..], with L from choleskyFactor at a[ao ..]. */
export function choleskySolveFactored(a: Float64Array, ao: number, b: Float64Array, bo: number, k: number): void {
  for (let i = 0; i < k; i++) {
    let s = b[bo + i];
    for (let p = 0; p < i; p++) s -= a[ao + i * k + p] * b[bo + p];
    b[bo + i] = s / a[ao + i * k + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = b[bo + i];
    for (let p = i + 1; p < k; p++) s -= a[ao + p * k + i] * b[bo + p];
    b[bo + i] = s / a[ao + i * k + i];
  }
}

/**
 * Solve `count` systems A_s x_s = b_s: matrices packed in `a` (count * k * k,
 * overwritten by their factors), right-hand sides in `b` (count * k,
 * overwritten by the solutions). Throws naming the first system that is not
 * positive definite.
 */
export function batchedCholeskySolve(a: Float64Array, b: Float64Array, k: number, count: number): void {
  if (a.length < count * k * k || b.length < count * k) {
    throw new Error(`batchedCholeskySolve: need ${count * k * k} matrix and ${count * k} right-hand-side values, got ${a.length} and ${b.length}`);
  }
  for (let s = 0; s < count; s++) {
    if (!choleskyFactor(a, s * k * k, k)) {
      throw new Error(`batchedCholeskySolve: system ${s} is not positive definite (add regularisation, e.g. lambda > 0)`);
    }
    choleskySolveFactored(a, s * k * k, b, s * k, k);
  }
}
