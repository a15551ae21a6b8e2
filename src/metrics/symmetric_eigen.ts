// Eigenvalues of a small real symmetric matrix by cyclic Jacobi rotations. The metrics only need
// eigenvalues of covariance-like matrices with D <= 64 (the Gaussian Wasserstein correlation's
// matrix square root, the MSc linearity ratio), where Jacobi's O(D^3) per sweep is cheap and its
// accuracy is the best available: with the relative stopping test below, every eigenvalue of a
// graded matrix diag(d) C diag(d) is found to high *relative* accuracy, so eigenvalues many orders
// of magnitude below the largest (codes of scale 1e-3 next to codes of scale 1e3) keep their
// leading digits instead of drowning in `eps * max|lambda|` as with QR-based solvers.

/** Off-diagonal entries below this fraction of sqrt(|a_pp a_qq|) are treated as zero. */
const RELATIVE_OFF_DIAGONAL_TOLERANCE = Number.EPSILON;
/** Cyclic Jacobi converges quadratically; real inputs need under 15 sweeps. */
const MAX_SWEEPS = 100;

/**
 * Eigenvalues of the symmetric `n x n` matrix stored row-major in `matrix` (only the upper
 * triangle is read), sorted in descending order. The input is not modified. Throws on a
 * non-finite entry, or if the rotations fail to converge (which would indicate such an entry).
 */
export function symmetricEigenvalues(matrix: ArrayLike<number>, n: number): Float64Array {
  if (!Number.isInteger(n) || n < 0 || matrix.length !== n * n) {
    throw new RangeError(`symmetricEigenvalues: ${matrix.length} values do not form a ${n} x ${n} matrix`);
  }
  const a = new Float64Array(n * n);
  for (let p = 0; p < n; p++) {
    for (let q = p; q < n; q++) {
      const value = matrix[p * n + q];
      if (!Number.isFinite(value)) throw new RangeError(`symmetricEigenvalues: entry (${p}, ${q}) is ${value}`);
      a[p * n + q] = value;
      a[q * n + p] = value;
    }
  }

  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        if (apq === 0) continue;
        if (Math.abs(apq) <= RELATIVE_OFF_DIAGONAL_TOLERANCE * Math.sqrt(Math.abs(app * aqq))) {
          a[p * n + q] = 0;
          a[q * n + p] = 0;
          continue;
        }
        rotated = true;
        rotate(a, n, p, q, app, aqq, apq);
      }
    }
    if (!rotated) {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = a[i * n + i];
      return values.sort().reverse();
    }
  }
  throw new Error(`symmetricEigenvalues: Jacobi rotations did not converge in ${MAX_SWEEPS} sweeps`);
}

/** Applies the rotation in the (p, q) plane that zeroes a[p][q] (a Givens similarity transform). */
function rotate(a: Float64Array, n: number, p: number, q: number, app: number, aqq: number, apq: number): void {
  // tan of the rotation angle as the smaller root of t^2 + 2 theta t - 1 = 0, which keeps the
  // rotation below 45 degrees (the choice that makes cyclic Jacobi converge); hypot avoids the
  // overflow of theta^2 when the off-diagonal entry is tiny.
  const theta = (aqq - app) / (2 * apq);
  const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.hypot(theta, 1));
  const c = 1 / Math.hypot(t, 1);
  const s = t * c;
  // Diagonal updates in the form that uses the exactly zeroed entry, which is the more accurate one.
  a[p * n + p] = app - t * apq;
  a[q * n + q] = aqq + t * apq;
  a[p * n + q] = 0;
  a[q * n + p] = 0;
  for (let k = 0; k < n; k++) {
    if (k === p || k === q) continue;
    const akp = a[k * n + p];
    const akq = a[k * n + q];
    const newKp = c * akp - s * akq;
    const newKq = s * akp + c * akq;
    a[k * n + p] = newKp;
    a[p * n + k] = newKp;
    a[k * n + q] = newKq;
    a[q * n + k] = newKq;
  }
}
