// disentanglement_lib's unsupervised metrics (`unsupervised_metrics.unsupervised_metrics`, metrics
// spec §2.8) on a fixed sample: the Gaussian total correlation and Wasserstein correlation of the
// codes' covariance, and the mean pairwise mutual information between histogram-discretised codes.
// Factors are not used.
import { DEFAULT_NUM_BINS, histogramDiscretize } from './discretize.js';
import { encodeLabels, mutualInfoFromCodings } from './mutual_info.js';
import { pairwiseSum } from './numpy_reductions.js';
import { symmetricEigenvalues } from './symmetric_eigen.js';
import { codeColumn, type FactorCodeTable } from './table.js';

export interface UnsupervisedSettings {
  /** Histogram bins per code dimension for the mutual information score (disentanglement_lib: 20). */
  numBins?: number;
}

export interface UnsupervisedResult {
  /** KL(N(0, S) || N(0, diag S)); NaN when a code is constant (log 0 - log 0). */
  gaussian_total_correlation: number;
  /** 2 tr(S) - 2 tr(sqrtm(diag(S) S)). */
  gaussian_wasserstein_correlation: number;
  /** The Wasserstein correlation divided by tr(S). */
  gaussian_wasserstein_correlation_norm: number;
  /** Mean mutual information (nats) over ordered pairs of distinct codes; NaN (0/0) for one code. */
  mutual_info_score: number;
  details: {
    /** D x D covariance of the codes (ddof 1). */
    covariance: number[][];
    /** D x D: entry [a][b] = MI(labels_true = bins of code b, labels_pred = bins of code a); diagonal 0. */
    code_code_mi_matrix: number[][];
    /**
     * Imaginary part of the square root's trace. scipy's `sqrtm` can return a complex matrix; the
     * square root is taken here through the eigenvalues of a symmetric PSD matrix similar to
     * diag(S) S, whose root is real, so this is always 0.
     */
    wasserstein_imag_part: number;
  };
}

/**
 * numpy's `np.cov(codes.T)` (ddof 1) for row-major `n x d` codes: means summed row after row, then
 * the centred cross products scaled by the reciprocal of n - 1, as numpy scales them.
 */
export function codeCovariance(codes: ArrayLike<number>, n: number, d: number): Float64Array {
  const means = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) means[i] += codes[r * d + i];
  for (let i = 0; i < d; i++) means[i] /= n;
  const centred = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) centred[r * d + i] = codes[r * d + i] - means[i];
  const scale = 1 / (n - 1);
  const covariance = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      let sum = 0;
      for (let r = 0; r < n; r++) sum += centred[r * d + a] * centred[r * d + b];
      covariance[a * d + b] = sum * scale;
      covariance[b * d + a] = sum * scale;
    }
  }
  return covariance;
}

/**
 * log |det A| of a row-major `d x d` matrix from an LU factorisation with partial pivoting, as
 * numpy's `slogdet` computes it: a zero pivot (a singular matrix such as the covariance of a
 * constant code) gives -Infinity.
 */
export function logAbsDeterminant(matrix: ArrayLike<number>, d: number): number {
  const lu = Float64Array.from(matrix);
  let logDet = 0;
  for (let col = 0; col < d; col++) {
    let pivotRow = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(lu[r * d + col]) > Math.abs(lu[pivotRow * d + col])) pivotRow = r;
    if (pivotRow !== col) {
      for (let k = 0; k < d; k++) {
        const swap = lu[col * d + k];
        lu[col * d + k] = lu[pivotRow * d + k];
        lu[pivotRow * d + k] = swap;
      }
    }
    const pivot = lu[col * d + col];
    logDet += Math.log(Math.abs(pivot));
    // LAPACK leaves a zero column unreduced (nothing below the pivot is non-zero either).
    if (pivot === 0) continue;
    for (let r = col + 1; r < d; r++) {
      const factor = lu[r * d + col] / pivot;
      if (factor === 0) continue;
      for (let k = col + 1; k < d; k++) lu[r * d + k] -= factor * lu[col * d + k];
    }
  }
  return logDet;
}

/** 0.5 * (sum_i log S_ii - log|det S|): the library's `gaussian_total_correlation`. */
export function gaussianTotalCorrelation(covariance: ArrayLike<number>, d: number): number {
  const logDiagonal = new Float64Array(d);
  for (let i = 0; i < d; i++) logDiagonal[i] = Math.log(covariance[i * d + i]);
  return 0.5 * (pairwiseSum(logDiagonal) - logAbsDeterminant(covariance, d));
}

/**
 * The library's `gaussian_wasserstein_correlation`: 2 tr(S) - 2 tr(sqrtm(diag(S) S)). diag(S) S is
 * similar to the symmetric PSD matrix T = diag(s) S diag(s) with s = sqrt(diag S), so the trace of
 * its principal square root is the sum of sqrt(lambda(T)); round-off negatives count as 0, as
 * their square roots are imaginary and only the real part is kept.
 */
export function gaussianWassersteinCorrelation(covariance: ArrayLike<number>, d: number): number {
  const scales = new Float64Array(d);
  for (let i = 0; i < d; i++) scales[i] = Math.sqrt(covariance[i * d + i]);
  const similar = new Float64Array(d * d);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) similar[a * d + b] = scales[a] * covariance[a * d + b] * scales[b];
  let traceOfRoot = 0;
  for (const eigenvalue of symmetricEigenvalues(similar, d)) traceOfRoot += Math.sqrt(Math.max(eigenvalue, 0));
  return 2 * trace(covariance, d) - 2 * traceOfRoot;
}

/** numpy's `np.trace`: the diagonal added with numpy's pairwise summation. */
function trace(matrix: ArrayLike<number>, d: number): number {
  const diagonal = new Float64Array(d);
  for (let i = 0; i < d; i++) diagonal[i] = matrix[i * d + i];
  return pairwiseSum(diagonal);
}

export function computeUnsupervised(table: FactorCodeTable, settings: UnsupervisedSettings = {}): UnsupervisedResult {
  const numBins = settings.numBins ?? DEFAULT_NUM_BINS;
  const { n, numCodes: d } = table;
  if (n < 2) throw new Error(`the unsupervised metrics need at least 2 points for a covariance (got ${n})`);

  const covariance = codeCovariance(table.codes, n, d);
  const wasserstein = gaussianWassersteinCorrelation(covariance, d);

  const codings = Array.from({ length: d }, (_, i) => encodeLabels(histogramDiscretize(codeColumn(table, i), numBins)));
  const miMatrix = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) if (a !== b) miMatrix[a * d + b] = mutualInfoFromCodings(codings[b], codings[a]);
  }

  return {
    gaussian_total_correlation: gaussianTotalCorrelation(covariance, d),
    gaussian_wasserstein_correlation: wasserstein,
    gaussian_wasserstein_correlation_norm: wasserstein / trace(covariance, d),
    mutual_info_score: pairwiseSum(miMatrix) / (d * d - d),
    details: {
      covariance: toRows(covariance, d),
      code_code_mi_matrix: toRows(miMatrix, d),
      wasserstein_imag_part: 0,
    },
  };
}

function toRows(matrix: Float64Array, d: number): number[][] {
  return Array.from({ length: d }, (_, a) => Array.from(matrix.subarray(a * d, (a + 1) * d)));
}
