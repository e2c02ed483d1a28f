// Small dense linear algebra for the evaluation tools' fits (Newton steps of
// the octave logit and the confidence calibration). Not product code.

/**
 * Solves A x = b by Gaussian–Jordan elimination with partial pivoting.
 * `A`: n×n (row arrays), `b`: length n; neither is changed. A zero pivot (a
 * direction the data do not determine) gives 0 for that unknown, so a Newton
 * step never moves along it. Returns x, length n.
 */
export function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = 0; r < n; r++) {
      if (r === c || !M[c][c]) continue;
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((r, i) => (r[i] ? r[n] / r[i] : 0));
}
