// DCI (Eastwood & Williams 2018) as disentanglement_lib's `dci._compute_dci` on a fixed train/test
// split (metrics spec §2.4): one gradient-boosted classifier per factor gives a column of the
// D x K importance matrix R and the factor's train/test accuracy; disentanglement and completeness
// are importance-weighted 1 - normalised entropies of R's rows and columns.
//
// Sums follow numpy's operation order (pairwise along contiguous axes, sequential down columns)
// so that the formulas reproduce the library's values from its own importance matrix to ~1e-15.
import { fitGradientBoosting, type GradientBoostingSettings } from './estimators/gradient_boosting.js';
import { pairwiseMean, pairwiseSum } from './numpy_reductions.js';
import { factorColumn, type FactorCodeTable } from './table.js';

export interface DciSettings {
  /** Classifier settings; the library uses scikit-learn's defaults (and the reference seed 0). */
  gradientBoosting?: GradientBoostingSettings;
}

export interface DciResult {
  /** Mean over factors of the train accuracy (the library's key; an accuracy, not an error). */
  informativeness_train: number;
  /** Mean over factors of the test accuracy. */
  informativeness_test: number;
  disentanglement: number;
  completeness: number;
  details: {
    /** D x K (codes x factors) |feature_importances_| of each factor's classifier. */
    importance_matrix: number[][];
    disentanglement_per_code: number[];
    completeness_per_factor: number[];
    informativeness_train_per_factor: number[];
    informativeness_test_per_factor: number[];
  };
}

export interface FactorImportanceFit {
  /** |feature importance| of every code (sums to 1, or all 0 if no tree split). */
  importance: Float64Array;
  trainAccuracy: number;
  testAccuracy: number;
}

/** Smoothing the library adds to every importance before taking entropies. */
const ENTROPY_SMOOTHING = 1e-11;

/**
 * One factor's column of DCI: fits the classifier on the train codes (row-major nTrain x numCodes)
 * and labels, and scores plain accuracy on both sets (test labels unseen in training count as
 * errors). A pure function of its arrays, so factors can be fitted in parallel.
 */
export function fitFactorImportance(
  codesTrain: Float64Array,
  nTrain: number,
  numCodes: number,
  labelsTrain: Int32Array,
  codesTest: Float64Array,
  nTest: number,
  labelsTest: Int32Array,
  settings: GradientBoostingSettings = {},
): FactorImportanceFit {
  if (labelsTest.length !== nTest) throw new RangeError(`labelsTest has ${labelsTest.length} labels, expected nTest = ${nTest}`);
  const model = fitGradientBoosting(codesTrain, nTrain, numCodes, labelsTrain, settings);
  return {
    importance: model.featureImportances.map(Math.abs),
    trainAccuracy: accuracy(model.predict(codesTrain, nTrain), labelsTrain),
    testAccuracy: accuracy(model.predict(codesTest, nTest), labelsTest),
  };
}

/** Fraction of equal entries (NaN for no entries, as numpy's mean of an empty array). */
function accuracy(predicted: Int32Array, labels: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

/**
 * Disentanglement from a D x K importance matrix: per code, 1 - entropy (base K) of its row
 * normalised after adding 1e-11; the score weights codes by their share of the total importance
 * (equal weights when R is all zero). K = 1 divides by log 1 = 0, as the library does.
 */
export function disentanglementFromImportance(importance: readonly ArrayLike<number>[]): { disentanglement: number; perCode: number[] } {
  const { rows: numCodes, cols: numFactors } = checkMatrix(importance);
  const logBase = Math.log(numFactors);
  // The library takes entropies of R.T: each code's values are contiguous, so numpy sums them pairwise.
  const perCode = importance.map((row) => {
    const smoothed = Float64Array.from(row, (value) => value + ENTROPY_SMOOTHING);
    const total = pairwiseSum(smoothed);
    const terms = smoothed.map((value) => entr(value / total));
    return 1 - pairwiseSum(terms) / logBase;
  });
  const { weightsFrom, grandTotal } = weightMatrix(importance, numCodes, numFactors);
  const weighted = Float64Array.from(perCode, (score, i) => score * (pairwiseSum(Float64Array.from(weightsFrom[i])) / grandTotal));
  return { disentanglement: pairwiseSum(weighted), perCode };
}

/**
 * Completeness from a D x K importance matrix: per factor, 1 - entropy (base D) of its column
 * normalised after adding 1e-11; the score weights factors by their share of the total
 * importance (equal weights when R is all zero). D = 1 divides by log 1 = 0, as the library does.
 */
export function completenessFromImportance(importance: readonly ArrayLike<number>[]): { completeness: number; perFactor: number[] } {
  const { rows: numCodes, cols: numFactors } = checkMatrix(importance);
  const logBase = Math.log(numCodes);
  // Columns of a row-major matrix: numpy adds the rows one after another.
  const perFactor = Array.from({ length: numFactors }, (_, j) => {
    let total = 0;
    for (let i = 0; i < numCodes; i++) total += importance[i][j] + ENTROPY_SMOOTHING;
    let entropy = 0;
    for (let i = 0; i < numCodes; i++) entropy += entr((importance[i][j] + ENTROPY_SMOOTHING) / total);
    return 1 - entropy / logBase;
  });
  const { weightsFrom, grandTotal } = weightMatrix(importance, numCodes, numFactors);
  const weighted = Float64Array.from(perFactor, (score, j) => {
    let columnTotal = 0;
    for (let i = 0; i < numCodes; i++) columnTotal += weightsFrom[i][j];
    return score * (columnTotal / grandTotal);
  });
  return { completeness: pairwiseSum(weighted), perFactor };
}

/**
 * DCI on a train/test split of the same factors and codes. Throws when a factor has a single
 * value in the train rows (the library's classifier raises there too).
 */
export function computeDci(train: FactorCodeTable, test: FactorCodeTable, settings: DciSettings = {}): DciResult {
  if (train.numFactors !== test.numFactors || train.numCodes !== test.numCodes) {
    throw new Error(
      `train has ${train.numFactors} factors x ${train.numCodes} codes but test has ${test.numFactors} x ${test.numCodes}; they must match`,
    );
  }
  const numCodes = train.numCodes;
  const importanceMatrix = Array.from({ length: numCodes }, () => new Array<number>(train.numFactors).fill(0));
  const trainAccuracies: number[] = [];
  const testAccuracies: number[] = [];
  for (let j = 0; j < train.numFactors; j++) {
    let fit: FactorImportanceFit;
    try {
      fit = fitFactorImportance(train.codes, train.n, numCodes, factorColumn(train, j), test.codes, test.n, factorColumn(test, j), settings.gradientBoosting);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`DCI cannot be computed: the classifier for factor ${j} failed: ${reason}`, { cause: error });
    }
    fit.importance.forEach((value, i) => (importanceMatrix[i][j] = value));
    trainAccuracies.push(fit.trainAccuracy);
    testAccuracies.push(fit.testAccuracy);
  }
  const { disentanglement, perCode } = disentanglementFromImportance(importanceMatrix);
  const { completeness, perFactor } = completenessFromImportance(importanceMatrix);
  return {
    informativeness_train: pairwiseMean(trainAccuracies),
    informativeness_test: pairwiseMean(testAccuracies),
    disentanglement,
    completeness,
    details: {
      importance_matrix: importanceMatrix,
      disentanglement_per_code: perCode,
      completeness_per_factor: perFactor,
      informativeness_train_per_factor: trainAccuracies,
      informativeness_test_per_factor: testAccuracies,
    },
  };
}

function checkMatrix(matrix: readonly ArrayLike<number>[]): { rows: number; cols: number } {
  if (matrix.length === 0 || matrix[0].length === 0) throw new RangeError('the importance matrix must have at least one code and one factor');
  const cols = matrix[0].length;
  matrix.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`importance matrix row ${i} has ${row.length} entries, expected ${cols}`);
  });
  return { rows: matrix.length, cols };
}

/** The matrix the weights come from and its total: R, or all ones when R sums to 0 (the library's fallback). */
function weightMatrix(importance: readonly ArrayLike<number>[], rows: number, cols: number): { weightsFrom: readonly ArrayLike<number>[]; grandTotal: number } {
  const total = pairwiseSum(flatten(importance, cols));
  if (total !== 0) return { weightsFrom: importance, grandTotal: total };
  return { weightsFrom: Array.from({ length: rows }, () => new Float64Array(cols).fill(1)), grandTotal: rows * cols };
}

function flatten(matrix: readonly ArrayLike<number>[], cols: number): Float64Array {
  const out = new Float64Array(matrix.length * cols);
  matrix.forEach((row, i) => out.set(Array.from(row), i * cols));
  return out;
}

/** scipy's `entr`: -x log x, 0 at 0. */
function entr(x: number): number {
  if (x > 0) return -x * Math.log(x);
  if (x === 0) return 0;
  return x < 0 ? -Infinity : NaN;
}
