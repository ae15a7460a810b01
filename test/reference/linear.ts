/**
 * Independent linear algebra for verifiers: Gaussian elimination with
 * partial pivoting on plain arrays, deliberately unlike the Cholesky kernels
 * it checks. Not a test file itself.
 */

/** Solve m x = rhs (k x k). */
export function gaussSolve(m: number[][], rhs: number[]): number[] {
  const k = rhs.length;
  const a = m.map((row, i) => [...row, rhs[i]]);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = c + 1; r < k; r++) {
      const f = a[r][c] / a[c][c];
      for (let j = c; j <= k; j++) a[r][j] -= f * a[c][j];
    }
  }
  const x = new Array<number>(k).fill(0);
  for (let r = k - 1; r >= 0; r--) {
    let s = a[r][k];
    for (let j = r + 1; j < k; j++) s -= a[r][j] * x[j];
    x[r] = s / a[r][r];
  }
  return x;
}
