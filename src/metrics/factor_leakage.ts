// Factor leakage, the Commutative Lie Group VAE repository's `factor_leakage.FLMetric` (CLG-VAE
// spec §6.7): the MIG mutual information matrix (codes histogram-discretised over all points,
// factors as raw labels), of which every factor keeps its most informative code; the score is the
// mean raw information (nats, not normalised by the factor's entropy) of all the other
// (code, factor) pairs, i.e. how much each factor leaks into codes that are not its own. Lower is
// better. The repository's dropping of the first factor is its evaluation's quirk, applied by
// the `lie_group` preset, not part of the metric.
import { DEFAULT_NUM_BINS, histogramDiscretize } from './discretize.js';
import { discreteMutualInfoMatrix } from './mutual_info.js';
import { pairwiseMean } from './numpy_reductions.js';
import { codeColumn, factorColumn, type FactorCodeTable } from './table.js';

export interface FactorLeakageSettings {
  /** Histogram bins per code dimension (the repository: 20). */
  numBins?: number;
}

export interface FactorLeakageResult {
  /**
   * Mean over every factor and every code but the factor's most informative one of their mutual
   * information; NaN with a single code (numpy's mean of nothing, as in the repository).
   */
  factor_leakage_mean: number;
  details: {
    /** D x K (codes x factors) mutual information in nats. */
    mi_matrix: number[][];
    /** Per factor, the mean information of the codes other than its most informative one. */
    leakage_per_factor: number[];
  };
}

export function computeFactorLeakage(data: FactorCodeTable, settings: FactorLeakageSettings = {}): FactorLeakageResult {
  const numBins = settings.numBins ?? DEFAULT_NUM_BINS;
  const codeBins = Array.from({ length: data.numCodes }, (_, i) => histogramDiscretize(codeColumn(data, i), numBins));
  const factors = Array.from({ length: data.numFactors }, (_, j) => factorColumn(data, j));
  const miMatrix = discreteMutualInfoMatrix(codeBins, factors);

  // Sorting a column and skipping its top entry removes one copy of its maximum, ties included.
  const leakedByFactor = factors.map((_, j) => miMatrix.map((row) => row[j]).sort((a, b) => b - a).slice(1));
  return {
    factor_leakage_mean: pairwiseMean(leakedByFactor.flat()),
    details: {
      mi_matrix: miMatrix,
      leakage_per_factor: leakedByFactor.map((leaked) => pairwiseMean(leaked)),
    },
  };
}
