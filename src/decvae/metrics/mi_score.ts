// DecVAE's unsupervised mutual-information score (DecVAE spec §9.3.1, `kl_distance_mi.
// unsupervised_metrics`): every code dimension is discretised into 30 equal-width histogram bins
// (numpy `digitize` against the first 30 `np.histogram` edges), the adjusted mutual information
// is taken between every pair of dimensions, and the score is the mean of the off-diagonal
// entries, Σ_{i≠j} AMI_ij / (d² − d). Lower means less redundancy between dimensions.
import { adjustedMutualInfoFromCodings, logFactorialTable, type AdjustedMutualInfoOptions } from '../../metrics/adjusted_mutual_info.js';
import { histogramDiscretize } from '../../metrics/discretize.js';
import { encodeLabels } from '../../metrics/mutual_info.js';
import { pairwiseSum } from '../../metrics/numpy_reductions.js';
import { UserError } from '../../util/errors.js';

export const DECVAE_NUM_BINS = 30;

export interface MiScoreSettings extends AdjustedMutualInfoOptions {
  /** Histogram bins per code dimension (DecVAE: 30). */
  numBins?: number;
}

export interface MiScoreResult {
  /** Mean off-diagonal AMI; NaN for a single dimension (0 / 0, as numpy gives). */
  mi_score: number;
  /** d x d AMI matrix with a zero diagonal. */
  ami_matrix: number[][];
}

/** Histogram bin ids (1..numBins) of every code dimension of row-major N x d codes. */
export function discretiseCodes(mu: Float64Array, n: number, d: number, numBins = DECVAE_NUM_BINS): Int32Array[] {
  if (mu.length !== n * d) throw new UserError(`codes: ${mu.length} values do not form a ${n} x ${d} matrix`);
  return Array.from({ length: d }, (_, i) => {
    const column = new Float64Array(n);
    for (let r = 0; r < n; r++) column[r] = mu[r * d + i];
    return histogramDiscretize(column, numBins);
  });
}

/**
 * The pairwise AMI score of row-major N x d codes. DecVAE computes each unordered pair once as
 * AMI(labels_true = dimension j, labels_pred = dimension i) for i < j and mirrors it.
 */
export function pairwiseMutualInfoScore(mu: Float64Array, n: number, d: number, settings: MiScoreSettings = {}): MiScoreResult {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(d) && d >= 1)) {
    throw new UserError(`mutual information score: needs at least 1 point and 1 code dimension, got ${n} x ${d}`);
  }
  const codings = discretiseCodes(mu, n, d, settings.numBins ?? DECVAE_NUM_BINS).map(encodeLabels);
  const logFactorials = logFactorialTable(n);
  const matrix = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const value = adjustedMutualInfoFromCodings(codings[j], codings[i], settings, logFactorials);
      matrix[i][j] = value;
      matrix[j][i] = value;
    }
  }
  return { mi_score: pairwiseSum(Float64Array.from(matrix.flat())) / (d * d - d), ami_matrix: matrix };
}
