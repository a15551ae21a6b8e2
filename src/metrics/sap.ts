// SAP, the separated attribute predictability score (Kumar et al. 2018), as disentanglement_lib's
// `sap_score._compute_sap` on a fixed train/test split (metrics spec §2.5): a D x K matrix scores
// how well each single code dimension predicts each factor, and SAP is the mean over factors of
// the gap between the two best codes. Discrete variant (the configured default): the test
// accuracy of LinearSVC(C=0.01, class_weight='balanced') fitted on the one code. Continuous
// variant: the squared Pearson correlation on the train rows.
//
// Every (code, factor) entry is a pure function of plain typed arrays, so the matrix can be
// filled in parallel (e.g. in worker threads) entry by entry.
import { fitLinearSvc } from './estimators/linear_svc.js';
import { pairwiseSum } from './numpy_reductions.js';
import { codeColumn, factorColumn, type FactorCodeTable } from './table.js';

export interface SapSettings {
  /** Score by squared correlation instead of LinearSVC accuracy (library default: false). */
  continuousFactors?: boolean;
}

export interface SapResult {
  /** Mean over factors of (best - second best score); NaN when some column holds a NaN. */
  SAP_score: number;
  details: {
    /** D x K (codes x factors). */
    score_matrix: number[][];
  };
}

/** The library fits a line only where the code varies by more than this (its variance, ddof=1). */
const MIN_CODE_VARIANCE = 1e-12;

/** LinearSVC's settings in disentanglement_lib's SAP. */
const SAP_SVC = { C: 0.01, classWeight: 'balanced' } as const;

/**
 * Discrete entry: accuracy on the test rows of LinearSVC(C=0.01, class_weight='balanced') fitted
 * on the train rows of one code to predict one factor. Test labels unseen in training count as
 * errors. Throws when the factor takes a single value in the train rows (as scikit-learn does).
 */
export function sapScoreEntry(trainCode: Float64Array, trainFactor: Int32Array, testCode: Float64Array, testFactor: Int32Array): number {
  if (testCode.length !== testFactor.length) throw new RangeError(`SAP: ${testCode.length} test codes but ${testFactor.length} test factor values`);
  const classifier = fitLinearSvc(trainCode, trainCode.length, 1, trainFactor, SAP_SVC);
  const predictions = classifier.predict(testCode, testCode.length);
  let correct = 0;
  for (let r = 0; r < predictions.length; r++) if (predictions[r] === testFactor[r]) correct++;
  return correct / predictions.length;
}

/**
 * Continuous entry: cov(z, y)^2 / (var(z) var(y)) with ddof=1 on the train rows, as numpy's
 * `np.cov` (means by pairwise summation, products scaled by 1/(n-1)); 0 when the code's variance
 * is at most 1e-12; NaN (0/0) for a constant factor, as in the library.
 */
export function continuousSapScoreEntry(trainCode: Float64Array, trainFactor: Int32Array): number {
  const n = trainCode.length;
  if (trainFactor.length !== n) throw new RangeError(`SAP: ${n} train codes but ${trainFactor.length} train factor values`);
  const codeMean = pairwiseSum(trainCode) / n;
  const factorMean = pairwiseSum(trainFactor) / n;
  const codeSquares = new Float64Array(n);
  const factorSquares = new Float64Array(n);
  const crossProducts = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const codeDeviation = trainCode[r] - codeMean;
    const factorDeviation = trainFactor[r] - factorMean;
    codeSquares[r] = codeDeviation * codeDeviation;
    factorSquares[r] = factorDeviation * factorDeviation;
    crossProducts[r] = codeDeviation * factorDeviation;
  }
  const inverseDegrees = 1 / (n - 1);
  const codeVariance = pairwiseSum(codeSquares) * inverseDegrees;
  if (!(codeVariance > MIN_CODE_VARIANCE)) return 0;
  const covariance = pairwiseSum(crossProducts) * inverseDegrees;
  const factorVariance = pairwiseSum(factorSquares) * inverseDegrees;
  return (covariance * covariance) / (codeVariance * factorVariance);
}

/**
 * SAP from a D x K score matrix: for every factor (column) the largest minus the second largest
 * entry, averaged over factors. numpy sorts NaN last, so a column holding a NaN gives a NaN gap.
 */
export function sapFromScoreMatrix(scoreMatrix: readonly ArrayLike<number>[]): number {
  const numCodes = scoreMatrix.length;
  if (numCodes < 2) {
    throw new Error(`SAP needs at least 2 code dimensions (got ${numCodes}): the gap to the second best code is undefined`);
  }
  const numFactors = scoreMatrix[0].length;
  const gaps = new Float64Array(numFactors);
  for (let j = 0; j < numFactors; j++) {
    let largest = -Infinity;
    let second = -Infinity;
    for (let i = 0; i < numCodes; i++) {
      const score = scoreMatrix[i][j];
      if (Number.isNaN(score)) {
        largest = NaN;
        break;
      }
      if (score > largest) {
        second = largest;
        largest = score;
      } else if (score > second) {
        second = score;
      }
    }
    gaps[j] = largest - second;
  }
  return pairwiseSum(gaps) / numFactors;
}

export function computeSap(train: FactorCodeTable, test: FactorCodeTable, settings: SapSettings = {}): SapResult {
  const continuousFactors = settings.continuousFactors ?? false;
  if (train.numCodes !== test.numCodes || train.numFactors !== test.numFactors) {
    throw new Error(`SAP: train has ${train.numCodes} codes x ${train.numFactors} factors but test has ${test.numCodes} x ${test.numFactors}`);
  }
  if (train.numCodes < 2) {
    throw new Error(`SAP needs at least 2 code dimensions (got ${train.numCodes}): the gap to the second best code is undefined`);
  }
  const trainFactors = Array.from({ length: train.numFactors }, (_, j) => factorColumn(train, j));
  if (!continuousFactors) {
    trainFactors.forEach((values, j) => {
      if (values.every((value) => value === values[0])) {
        throw new Error(
          `SAP needs every factor to take at least 2 values in the train rows, but factor ${j} is always ${values[0]} ` +
            `(LinearSVC: This solver needs samples of at least 2 classes in the data, but the data contains only one class: ${values[0]})`,
        );
      }
    });
  }
  const testFactors = Array.from({ length: test.numFactors }, (_, j) => factorColumn(test, j));

  const scoreMatrix: number[][] = [];
  for (let i = 0; i < train.numCodes; i++) {
    const trainCode = codeColumn(train, i);
    const testCode = codeColumn(test, i);
    scoreMatrix.push(
      trainFactors.map((trainFactor, j) =>
        continuousFactors ? continuousSapScoreEntry(trainCode, trainFactor) : sapScoreEntry(trainCode, trainFactor, testCode, testFactors[j]),
      ),
    );
  }
  return { SAP_score: sapFromScoreMatrix(scoreMatrix), details: { score_matrix: scoreMatrix } };
}
