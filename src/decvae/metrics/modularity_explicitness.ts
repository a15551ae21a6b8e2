// DecVAE's modularity and explicitness (Ridgeway & Mozer 2018; DecVAE spec §9.3.4,
// `modularity_explicitness.compute_modularity_explicitness` without cross-validation, the
// SimVowels path). Where DecVAE departs from disentanglement_lib (src/metrics/
// modularity_explicitness.ts): modularity uses train ∪ test, 30 bins and the *adjusted* mutual
// information; explicitness scores only the classes present in the test rows and is reported
// as (AUC − 0.5) / 0.5.
//
// DecVAE computes both only when there are at least 2 factors; with one factor this module
// throws (the suite then leaves both out). The explicitness classifier is scikit-learn's default
// LogisticRegression (lbfgs, C = 1, multinomial); estimators/logistic_regression.ts solves the
// same objective to its exact optimum, where lbfgs stops at its own tolerance.
import { adjustedMutualInfoFromCodings, logFactorialTable } from '../../metrics/adjusted_mutual_info.js';
import { fitLogisticRegression, type LogisticRegressionSettings } from '../../metrics/estimators/logistic_regression.js';
import { macroRocAuc } from '../../metrics/estimators/roc_auc.js';
import { encodeLabels } from '../../metrics/mutual_info.js';
import { pairwiseMean, pairwiseSum } from '../../metrics/numpy_reductions.js';
import { codesStandardisedByTrain, factorColumn, type FactorCodeTable } from '../../metrics/table.js';
import { UserError } from '../../util/errors.js';
import { DECVAE_NUM_BINS, discretiseCodes } from './mi_score.js';

export interface DecVaeModularityExplicitnessSettings {
  /** Histogram bins per code dimension for modularity (DecVAE: 30). */
  numBins?: number;
  /** Explicitness classifier settings (default: scikit-learn's LogisticRegression defaults). */
  logisticRegression?: LogisticRegressionSettings;
}

export interface DecVaeModularityExplicitness {
  modularity: number;
  /** (mean over factors of the macro ROC-AUC on the train rows − 0.5) / 0.5. */
  explicitness_train: number;
  explicitness_test: number;
  details: {
    /** D x K adjusted MI, AMI(labels_true = factor j, labels_pred = code i), over train ∪ test. */
    ami_matrix: number[][];
    modularity_per_code: number[];
    auc_train_per_factor: number[];
    auc_test_per_factor: number[];
  };
}

/** The rows of `first` followed by those of `second` (same factors and codes). */
export function concatenateTables(first: FactorCodeTable, second: FactorCodeTable): FactorCodeTable {
  if (first.numFactors !== second.numFactors || first.numCodes !== second.numCodes) {
    throw new UserError(`cannot concatenate tables of ${first.numFactors} x ${first.numCodes} and ${second.numFactors} x ${second.numCodes} (factors x codes)`);
  }
  const factors = new Int32Array(first.factors.length + second.factors.length);
  factors.set(first.factors);
  factors.set(second.factors, first.factors.length);
  const codes = new Float64Array(first.codes.length + second.codes.length);
  codes.set(first.codes);
  codes.set(second.codes, first.codes.length);
  return { n: first.n + second.n, numFactors: first.numFactors, numCodes: first.numCodes, factors, codes };
}

/** Modularity over train ∪ test with AMI (DecVAE's `modularity`); NaN is impossible with K >= 2. */
export function decVaeModularity(all: FactorCodeTable, numBins = DECVAE_NUM_BINS): { modularity: number; amiMatrix: number[][]; perCode: number[] } {
  const codes = discretiseCodes(all.codes, all.n, all.numCodes, numBins).map(encodeLabels);
  const factors = Array.from({ length: all.numFactors }, (_, j) => encodeLabels(factorColumn(all, j)));
  const logFactorials = logFactorialTable(all.n);
  const amiMatrix = codes.map((code) => factors.map((factor) => adjustedMutualInfoFromCodings(factor, code, {}, logFactorials)));
  const perCode = amiMatrix.map((row) => {
    const squared = Float64Array.from(row, (value) => value * value);
    const largest = Math.max(...squared);
    if (largest === 0) return 0;
    return 1 - (pairwiseSum(squared) - largest) / (largest * (all.numFactors - 1));
  });
  return { modularity: pairwiseMean(perCode), amiMatrix, perCode };
}

/** Every code standardised with the train rows' mean and population (ddof = 0) standard deviation. */
function standardiseWithTrainMoments(train: FactorCodeTable, test: FactorCodeTable): { trainCodes: Float64Array; testCodes: Float64Array } {
  const { train: trainCodes, test: testCodes, stds } = codesStandardisedByTrain(train, test);
  const constant = stds.findIndex((std) => !(std > 0));
  if (constant >= 0) throw new UserError(`explicitness: code ${constant} is constant over the train rows, so it cannot be standardised (scikit-learn rejects the NaN this gives)`);
  return { trainCodes, testCodes };
}

/** Macro ROC-AUC of the probability columns of `keptClasses` against their one-vs-rest indicators. */
function rocAucOverClasses(labels: Int32Array, probabilities: Float64Array, allClasses: Int32Array, keptClasses: Int32Array): number {
  const n = labels.length;
  const k = keptClasses.length;
  const columnOf = keptClasses.map((label) => allClasses.indexOf(label));
  const indicator = new Uint8Array(n * k);
  const scores = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < k; c++) {
      indicator[r * k + c] = labels[r] === keptClasses[c] ? 1 : 0;
      scores[r * k + c] = probabilities[r * allClasses.length + columnOf[c]];
    }
  }
  return macroRocAuc(indicator, scores, n, k);
}

export function decVaeModularityExplicitness(
  train: FactorCodeTable,
  test: FactorCodeTable,
  settings: DecVaeModularityExplicitnessSettings = {},
): DecVaeModularityExplicitness {
  if (train.numFactors !== test.numFactors || train.numCodes !== test.numCodes) {
    throw new UserError(`modularity/explicitness: train is ${train.numFactors} factors x ${train.numCodes} codes but test is ${test.numFactors} x ${test.numCodes}`);
  }
  if (train.numFactors < 2) throw new UserError(`modularity/explicitness: DecVAE computes them only for >= 2 factors, got ${train.numFactors}`);
  if (train.n < 1 || test.n < 1) throw new UserError('modularity/explicitness: needs at least one train and one test row');
  const { modularity, amiMatrix, perCode } = decVaeModularity(concatenateTables(train, test), settings.numBins);
  const { trainCodes, testCodes } = standardiseWithTrainMoments(train, test);

  const aucTrain: number[] = [];
  const aucTest: number[] = [];
  for (let j = 0; j < train.numFactors; j++) {
    const trainLabels = factorColumn(train, j);
    const testLabels = factorColumn(test, j);
    const model = fitLogisticRegression(trainCodes, train.n, train.numCodes, trainLabels, settings.logisticRegression);
    const testClasses = Int32Array.from(new Set(testLabels)).sort();
    const unseen = testClasses.filter((label) => !model.classes.includes(label));
    if (unseen.length > 0) throw new UserError(`explicitness: factor ${j} has test class(es) ${unseen.join(', ')} absent from the train rows`);
    try {
      aucTrain.push(rocAucOverClasses(trainLabels, model.predictProba(trainCodes, train.n), model.classes, testClasses));
      aucTest.push(rocAucOverClasses(testLabels, model.predictProba(testCodes, test.n), model.classes, testClasses));
    } catch (error) {
      throw new UserError(`explicitness of factor ${j}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const rescale = (auc: number[]) => (pairwiseMean(auc) - 0.5) / 0.5;
  return {
    modularity,
    explicitness_train: rescale(aucTrain),
    explicitness_test: rescale(aucTest),
    details: { ami_matrix: amiMatrix, modularity_per_code: perCode, auc_train_per_factor: aucTrain, auc_test_per_factor: aucTest },
  };
}
