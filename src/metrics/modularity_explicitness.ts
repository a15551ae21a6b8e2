// Modularity and explicitness (Ridgeway & Mozer 2018) as disentanglement_lib's
// `modularity_explicitness.compute_modularity_explicitness` (metrics spec §2.6).
//
// Modularity uses the train rows only: codes histogram-discretised over them, the codes x factors
// mutual information matrix, and per code how much of its (squared) information goes to factors
// other than its best one. Explicitness fits a logistic regression per factor on the standardised
// train codes and scores its class probabilities by macro one-vs-rest ROC-AUC on the train and the
// test rows. The library computes both in one function, so where it raises (a constant code, a
// factor with one value, a test set whose classes differ from the train set's) neither exists;
// `computeModularity` gives modularity alone for those inputs.
import { DEFAULT_NUM_BINS, histogramDiscretize } from './discretize.js';
import { SKLEARN_DEFAULT_SETTINGS, fitLogisticRegression, type SklearnDefaults } from './estimators/logistic_regression.js';
import { oneVsRestRocAuc } from './estimators/roc_auc.js';
import { discreteMutualInfoMatrix } from './mutual_info.js';
import { pairwiseMean, pairwiseSum } from './numpy_reductions.js';
import { codeColumn, factorColumn, type FactorCodeTable } from './table.js';

export interface ModularitySettings {
  /** Histogram bins per code dimension (disentanglement_lib: 20). */
  numBins?: number;
}

export interface ModularityExplicitnessSettings extends ModularitySettings {
  /** scikit-learn defaults the explicitness classifier follows (default 'sklearn_1_2'). */
  classifierDefaults?: SklearnDefaults;
}

export interface ModularityResult {
  /** Mean over codes of 1 - delta (0 for a code with no information about any factor); NaN when K = 1. */
  modularity_score: number;
  details: {
    /** D x K (codes x factors) mutual information in nats, over the train rows. */
    mi_matrix_train: number[][];
    modularity_per_code: number[];
  };
}

export interface ModularityExplicitnessResult {
  modularity_score: number;
  /** Mean over factors of the macro ROC-AUC on the train rows. */
  explicitness_score_train: number;
  /** Mean over factors of the macro ROC-AUC on the test rows. */
  explicitness_score_test: number;
  details: {
    mi_matrix_train: number[][];
    modularity_per_code: number[];
    explicitness_train_per_factor: number[];
    explicitness_test_per_factor: number[];
  };
}

export function computeModularity(train: FactorCodeTable, settings: ModularitySettings = {}): ModularityResult {
  const numBins = settings.numBins ?? DEFAULT_NUM_BINS;
  if (train.n < 1) throw new Error('modularity needs at least one train row');
  const codeBins = Array.from({ length: train.numCodes }, (_, i) => histogramDiscretize(codeColumn(train, i), numBins));
  const factors = Array.from({ length: train.numFactors }, (_, j) => factorColumn(train, j));
  const miMatrix = discreteMutualInfoMatrix(codeBins, factors);
  const numFactors = train.numFactors;

  const perCode = miMatrix.map((row) => {
    const squared = Float64Array.from(row, (mi) => mi * mi);
    let theta = squared[0];
    for (let j = 1; j < numFactors; j++) theta = Math.max(theta, squared[j]);
    // With K = 1 this is 0/0 = NaN, as in the library; theta = 0 is overridden below either way.
    const delta = (pairwiseSum(squared) - theta) / (theta * (numFactors - 1));
    return theta === 0 ? 0 : 1 - delta;
  });

  return {
    modularity_score: pairwiseMean(perCode),
    details: { mi_matrix_train: miMatrix, modularity_per_code: perCode },
  };
}

/** Column means and population standard deviations (ddof = 0) of the codes. */
function codeMoments(table: FactorCodeTable): { means: Float64Array; stds: Float64Array } {
  const d = table.numCodes;
  const means = new Float64Array(d);
  const stds = new Float64Array(d);
  for (let r = 0; r < table.n; r++) for (let i = 0; i < d; i++) means[i] += table.codes[r * d + i];
  for (let i = 0; i < d; i++) means[i] /= table.n;
  for (let r = 0; r < table.n; r++) {
    for (let i = 0; i < d; i++) {
      const deviation = table.codes[r * d + i] - means[i];
      stds[i] += deviation * deviation;
    }
  }
  for (let i = 0; i < d; i++) stds[i] = Math.sqrt(stds[i] / table.n);
  return { means, stds };
}

/** `(z - mean) / std` per code with the train moments; a zero std gives NaN or ±Infinity, as in numpy. */
function standardise(table: FactorCodeTable, means: Float64Array, stds: Float64Array): Float64Array {
  const d = table.numCodes;
  return Float64Array.from(table.codes, (value, k) => (value - means[k % d]) / stds[k % d]);
}

/**
 * The library feeds the standardised codes to LogisticRegression, which rejects NaN and infinity;
 * a code that is constant over the train rows is the way they arise (0/0).
 */
function rejectNonFinite(standardised: Float64Array, d: number, stds: Float64Array, rows: 'train' | 'test'): void {
  const bad = standardised.findIndex((value) => !Number.isFinite(value));
  if (bad < 0) return;
  const code = bad % d;
  const what = Number.isNaN(standardised[bad]) ? 'NaN' : 'infinity';
  throw new Error(
    `code ${code} standardises to ${standardised[bad]} on the ${rows} rows (its train standard deviation is ${stds[code]}): ` +
      `the library's LogisticRegression rejects such input ("Input X contains ${what}"), so neither modularity nor explicitness is defined`,
  );
}

export function computeModularityExplicitness(
  train: FactorCodeTable,
  test: FactorCodeTable,
  settings: ModularityExplicitnessSettings = {},
): ModularityExplicitnessResult {
  if (train.numCodes !== test.numCodes || train.numFactors !== test.numFactors) {
    throw new Error(
      `train and test must have the same shape: train has ${train.numFactors} factors and ${train.numCodes} codes, ` +
        `test has ${test.numFactors} and ${test.numCodes}`,
    );
  }
  if (test.n < 1) throw new Error('explicitness needs at least one test row (the library cannot score an empty test set)');
  const classifier = SKLEARN_DEFAULT_SETTINGS[settings.classifierDefaults ?? 'sklearn_1_2'];
  const modularity = computeModularity(train, settings);

  const { means, stds } = codeMoments(train);
  const trainCodes = standardise(train, means, stds);
  const testCodes = standardise(test, means, stds);
  rejectNonFinite(trainCodes, train.numCodes, stds, 'train');
  rejectNonFinite(testCodes, train.numCodes, stds, 'test');
  const d = train.numCodes;

  const perFactorTrain: number[] = [];
  const perFactorTest: number[] = [];
  for (let j = 0; j < train.numFactors; j++) {
    const trainLabels = factorColumn(train, j);
    const testLabels = factorColumn(test, j);
    const distinctTrain = new Set(trainLabels);
    if (distinctTrain.size < 2) {
      throw new Error(
        `factor ${j} takes a single value (${trainLabels[0]}) in the train rows: its LogisticRegression needs samples of at ` +
          'least 2 classes (the library raises "This solver needs samples of at least 2 classes in the data")',
      );
    }
    const model = fitLogisticRegression(trainCodes, train.n, d, trainLabels, classifier);
    perFactorTrain.push(oneVsRestRocAuc(trainLabels, model.classes, model.predictProba(trainCodes, train.n)));
    try {
      perFactorTest.push(oneVsRestRocAuc(testLabels, model.classes, model.predictProba(testCodes, test.n)));
    } catch (e) {
      throw new Error(`explicitness of factor ${j} on the test rows: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  return {
    modularity_score: modularity.modularity_score,
    explicitness_score_train: pairwiseMean(perFactorTrain),
    explicitness_score_test: pairwiseMean(perFactorTest),
    details: {
      ...modularity.details,
      explicitness_train_per_factor: perFactorTrain,
      explicitness_test_per_factor: perFactorTest,
    },
  };
}
