// DecVAE's disentanglement metric suite on one (train, test) pair of factor/code tables (DecVAE
// spec §9.2-9.3, `disentanglement_eval.compute_disentanglement_metrics`, SimVowels path: no
// cross-validation). Unsupervised scores, IRS and modularity use train ∪ test; DCI and
// explicitness fit on train and score both sets. `resplitBySpeaker` is the §9.2 re-split applied
// before the supervised metrics whenever a speaker factor is involved.
import { computeDci } from '../../metrics/dci.js';
import type { GradientBoostingSettings } from '../../metrics/estimators/gradient_boosting.js';
import type { LogisticRegressionSettings } from '../../metrics/estimators/logistic_regression.js';
import { computeIrs } from '../../metrics/irs.js';
import { encodeLabels } from '../../metrics/mutual_info.js';
import { factorColumn, type FactorCodeTable } from '../../metrics/table.js';
import { UserError } from '../../util/errors.js';
import { stratifiedShuffleSplit } from '../../metrics/cross_validation.js';
import { Rng } from '../../util/random.js';
import { gaussianTotalCorrelation } from './gaussian_tc.js';
import { DECVAE_NUM_BINS, pairwiseMutualInfoScore } from './mi_score.js';
import { concatenateTables, decVaeModularityExplicitness } from './modularity_explicitness.js';

export interface DecVaeDisentanglementSettings {
  /** Histogram bins for the MI score and modularity (DecVAE: 30). */
  numBins?: number;
  /** IRS quantile of the within-group deviations (DecVAE: 0.99). */
  irsDiffQuantile?: number;
  /** DCI's classifiers (default scikit-learn's GradientBoostingClassifier defaults; DecVAE leaves them unseeded). */
  gradientBoosting?: GradientBoostingSettings;
  /** Explicitness classifiers (default scikit-learn's LogisticRegression defaults). */
  logisticRegression?: LogisticRegressionSettings;
}

export interface DecVaeDisentanglement {
  mi_score: number;
  gaussian_tc: number;
  gaussian_tc_normalised: number;
  dci: { disentanglement: number; completeness: number; informativeness_train: number; informativeness_test: number };
  irs: number;
  /** Present only with >= 2 factors: DecVAE computes modularity and explicitness only then. */
  modularity?: number;
  explicitness_train?: number;
  explicitness_test?: number;
}

export function decVaeDisentanglement(train: FactorCodeTable, test: FactorCodeTable, settings: DecVaeDisentanglementSettings = {}): DecVaeDisentanglement {
  const all = concatenateTables(train, test);
  const numBins = settings.numBins ?? DECVAE_NUM_BINS;
  const tc = gaussianTotalCorrelation(all.codes, all.n, all.numCodes);
  const dci = computeDci(train, test, { gradientBoosting: settings.gradientBoosting });
  const result: DecVaeDisentanglement = {
    mi_score: pairwiseMutualInfoScore(all.codes, all.n, all.numCodes, { numBins }).mi_score,
    gaussian_tc: tc.total_correlation,
    gaussian_tc_normalised: tc.total_correlation_normalised,
    dci: {
      disentanglement: dci.disentanglement,
      completeness: dci.completeness,
      informativeness_train: dci.informativeness_train,
      informativeness_test: dci.informativeness_test,
    },
    irs: irsByFactorValue(all, settings.irsDiffQuantile ?? 0.99),
  };
  if (train.numFactors < 2) return result;
  const modularityExplicitness = decVaeModularityExplicitness(train, test, { numBins, logisticRegression: settings.logisticRegression });
  return {
    ...result,
    modularity: modularityExplicitness.modularity,
    explicitness_train: modularityExplicitness.explicitness_train,
    explicitness_test: modularityExplicitness.explicitness_test,
  };
}

/**
 * DecVAE's IRS groups integer factors by their exact values (it histogram-discretises only
 * non-integer factors), while computeIrs always discretises. With every factor recoded as dense ids
 * 0..k-1 (order kept) and max k bins, the bin width is below 1, so each value keeps a bin of its
 * own and the groups coincide.
 */
function irsByFactorValue(table: FactorCodeTable, diffQuantile: number): number {
  const codings = Array.from({ length: table.numFactors }, (_, j) => encodeLabels(factorColumn(table, j)));
  const factors = new Int32Array(table.factors.length);
  codings.forEach((coding, j) => coding.ids.forEach((id, r) => (factors[r * table.numFactors + j] = id)));
  const numBins = Math.max(1, ...codings.map((coding) => coding.numLabels));
  return computeIrs({ ...table, factors }, { diffQuantile, numBins }).IRS;
}

function selectRows(table: FactorCodeTable, rows: Int32Array): FactorCodeTable {
  const { numFactors, numCodes } = table;
  const factors = new Int32Array(rows.length * numFactors);
  const codes = new Float64Array(rows.length * numCodes);
  rows.forEach((row, k) => {
    factors.set(table.factors.subarray(row * numFactors, (row + 1) * numFactors), k * numFactors);
    codes.set(table.codes.subarray(row * numCodes, (row + 1) * numCodes), k * numCodes);
  });
  return { n: rows.length, numFactors, numCodes, factors, codes };
}

/**
 * DecVAE §9.2: dev and test speakers are disjoint, so the two tables are concatenated and re-split
 * train 80 % / test 20 %, stratified on factor `speakerFactor`. DecVAE draws the split from numpy
 * with seed 42; numpy's stream cannot be reproduced here, so the rows differ from DecVAE's while
 * the per-speaker counts follow the same arithmetic.
 */
export function resplitBySpeaker(
  first: FactorCodeTable,
  second: FactorCodeTable,
  speakerFactor: number,
  seed = 42,
  testFraction = 0.2,
): { train: FactorCodeTable; test: FactorCodeTable } {
  const all = concatenateTables(first, second);
  if (!(Number.isInteger(speakerFactor) && speakerFactor >= 0 && speakerFactor < all.numFactors)) {
    throw new UserError(`resplit: speaker factor ${speakerFactor} is not one of the ${all.numFactors} factors`);
  }
  const split = stratifiedShuffleSplit(factorColumn(all, speakerFactor), testFraction, Rng.fromSeed(seed).fork('resplit'));
  return { train: selectRows(all, split.train), test: selectRows(all, split.test) };
}
