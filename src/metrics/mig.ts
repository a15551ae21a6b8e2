// MIG, the mutual information gap (Chen et al. 2018), as disentanglement_lib's `mig._compute_mig`
// on a fixed sample: every code dimension histogram-discretised over all points, factors used as
// raw labels, and per factor the gap between the two most informative codes divided by the
// factor's entropy.
import { DEFAULT_NUM_BINS, histogramDiscretize } from './discretize.js';
import { discreteEntropy, discreteMutualInfoMatrix } from './mutual_info.js';
import { pairwiseMean } from './numpy_reductions.js';
import { codeColumn, factorColumn, type FactorCodeTable } from './table.js';

export interface MigSettings {
  /** Histogram bins per code dimension (disentanglement_lib: 20). */
  numBins?: number;
}

export interface MigResult {
  /** Mean over factors of the normalised gap; NaN when some factor is constant (0/0, as the library). */
  discrete_mig: number;
  details: {
    /** D x K (codes x factors) mutual information in nats. */
    mi_matrix: number[][];
    /** Entropy of every factor in nats (0 for a constant factor). */
    factor_entropy: number[];
    /** (largest - second largest MI of the factor) / its entropy. */
    per_factor_gap: number[];
  };
}

export function computeMig(data: FactorCodeTable, settings: MigSettings = {}): MigResult {
  const numBins = settings.numBins ?? DEFAULT_NUM_BINS;
  if (data.numCodes < 2) {
    throw new Error(`MIG needs at least 2 code dimensions (got ${data.numCodes}): the gap to the second most informative code is undefined`);
  }
  if (data.numFactors < 1) throw new Error('MIG needs at least one factor');

  const codeBins = Array.from({ length: data.numCodes }, (_, i) => histogramDiscretize(codeColumn(data, i), numBins));
  const factors = Array.from({ length: data.numFactors }, (_, j) => factorColumn(data, j));
  const miMatrix = discreteMutualInfoMatrix(codeBins, factors);
  const entropy = discreteEntropy(factors);

  const gaps = entropy.map((h, j) => {
    let largest = -Infinity;
    let second = -Infinity;
    for (const row of miMatrix) {
      const mi = row[j];
      if (mi > largest) {
        second = largest;
        largest = mi;
      } else if (mi > second) {
        second = mi;
      }
    }
    return (largest - second) / h;
  });

  return {
    discrete_mig: pairwiseMean(gaps),
    details: { mi_matrix: miMatrix, factor_entropy: entropy, per_factor_gap: gaps },
  };
}
