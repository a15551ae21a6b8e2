// The classification protocol of DecVAE's evaluation (spec §9.4). "sup_eval": for random states
// 0..R-1, stratified 5-fold CV (shuffled); inside each training fold a stratified 80/20 shuffle split
// leaves an 80 % part on which a 3-fold grid search picks hyper-parameters by accuracy, the best
// StandardScaler + classifier pipeline is refit on that part and scored on the held-out fold.
// "unsup_eval": StandardScaler + k-means fitted separately on each set, clusters mapped to labels
// greedily, scores averaged over seeds.
import { UserError } from '../util/errors.js';
import { Rng } from '../util/random.js';
import { fitLogisticRegression } from '../metrics/estimators/logistic_regression.js';
import { fitRandomForest } from '../metrics/estimators/random_forest.js';
import { fitSvcRbf } from '../metrics/estimators/svc_rbf.js';
import { fitKMeans, greedyClusterMapping } from '../metrics/estimators/kmeans.js';
import { accuracyScore, macroF1, weightedF1 } from '../metrics/estimators/classification_scores.js';
import {
  fitStandardScaler,
  gridSearchBestIndex,
  stratifiedKFold,
  stratifiedShuffleSplit,
  takeRows,
  withStandardScaler,
  type Fitter,
} from '../metrics/cross_validation.js';

export const CLASSIFIERS = ['logistic_regression', 'random_forest', 'svc_rbf', 'dummy_uniform', 'dummy_most_frequent'] as const;
export type ClassifierName = (typeof CLASSIFIERS)[number];

export interface SupervisedSettings {
  /** Random states 0..randomStates-1 (spec: 10). */
  randomStates?: number;
  /** Outer CV folds (spec: 5). */
  nSplits?: number;
  /** Trees per random forest (spec: 200). */
  forestTrees?: number;
  classifiers?: readonly ClassifierName[];
}

export interface ScoreSummary {
  readonly mean: number;
  /** Population standard deviation (numpy's default) over the folds. */
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** 1.96 std / sqrt(number of folds). */
  readonly ci95: number;
  readonly values: readonly number[];
}

export interface ClassificationScores {
  readonly accuracy: ScoreSummary;
  readonly weightedF1: ScoreSummary;
  readonly macroF1: ScoreSummary;
}

export interface SupervisedResult {
  readonly classifiers: Partial<Record<ClassifierName, ClassificationScores>>;
  readonly bestClassifier: ClassifierName;
  /** The best classifier's mean accuracy (the paper's "best test accuracy"). */
  readonly bestAccuracy: number;
}

// fitLogisticRegression has no penalty 'none'; a penalty of 1e-12 ||W||^2 / 2 stands for it.
const UNPENALISED_C = 1e12;
// sklearn's grid order (C slowest, penalty fastest); the four 'none' candidates are one model, kept
// at the position of the first, which is the one GridSearchCV would pick among them.
const LOGISTIC_GRID = [0.01, UNPENALISED_C, 0.1, 1, 10];
// The original's lbfgs stops at its default tol (largest averaged-gradient component 1e-4); without
// that test the unpenalised candidate on separable latents chases an optimum at infinity.
const LOGISTIC_GRADIENT_TOL = 1e-4;

export function summarise(values: readonly number[]): ScoreSummary {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((total, v) => total + (v - mean) ** 2, 0) / values.length);
  return { mean, std, min: Math.min(...values), max: Math.max(...values), ci95: (1.96 * std) / Math.sqrt(values.length), values };
}

function candidatesFor(name: ClassifierName, rng: Rng, forestTrees: number): Fitter[] {
  switch (name) {
    case 'logistic_regression':
      return LOGISTIC_GRID.map((C) => withStandardScaler((x, n, d, y) => fitLogisticRegression(x, n, d, y, { C, gradientTol: LOGISTIC_GRADIENT_TOL }).predict));
    case 'random_forest':
      return [withStandardScaler((x, n, d, y) => fitRandomForest(x, n, d, y, rng, { nEstimators: forestTrees }).predict)];
    case 'svc_rbf':
      return [withStandardScaler((x, n, d, y) => fitSvcRbf(x, n, d, y).predict)];
    case 'dummy_uniform':
      return [
        (_x, _n, _d, y) => {
          const classes = Int32Array.from(new Set(y)).sort();
          return (_input, count) => Int32Array.from({ length: count }, () => classes[rng.int(classes.length)]);
        },
      ];
    case 'dummy_most_frequent':
      return [
        (_x, _n, _d, y) => {
          const counts = new Map<number, number>();
          for (const label of y) counts.set(label, (counts.get(label) ?? 0) + 1);
          const [mostFrequent] = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
          return (_input, count) => new Int32Array(count).fill(mostFrequent);
        },
      ];
  }
}

export function supervisedClassification(x: Float64Array, n: number, d: number, labels: Int32Array, settings: SupervisedSettings = {}): SupervisedResult {
  const randomStates = settings.randomStates ?? 10;
  const nSplits = settings.nSplits ?? 5;
  const forestTrees = settings.forestTrees ?? 200;
  const classifiers = settings.classifiers ?? CLASSIFIERS;
  if (x.length !== n * d || labels.length !== n) throw new UserError(`supervisedClassification: x has ${x.length} values and ${labels.length} labels, expected ${n} x ${d} and ${n}`);
  if (!(Number.isInteger(randomStates) && randomStates >= 1)) throw new UserError(`supervisedClassification: randomStates must be a positive integer, got ${randomStates}`);
  if (classifiers.length === 0) throw new UserError('supervisedClassification: no classifiers chosen');
  const scores = new Map(classifiers.map((name) => [name, { accuracy: [] as number[], weightedF1: [] as number[], macroF1: [] as number[] }]));
  for (let state = 0; state < randomStates; state++) {
    const rng = Rng.fromSeed(state);
    const folds = stratifiedKFold(labels, nSplits, rng.fork('folds'));
    folds.forEach(({ train, test }, fold) => {
      const foldRng = rng.fork(`fold ${fold}`);
      const trainLabels = train.map((i) => labels[i]);
      const tuning = stratifiedShuffleSplit(trainLabels, 0.2, foldRng.fork('split')).train.map((k) => train[k]);
      const tuningX = takeRows(x, d, tuning);
      const tuningY = tuning.map((i) => labels[i]);
      const testX = takeRows(x, d, test);
      const testY = test.map((i) => labels[i]);
      for (const name of classifiers) {
        const candidates = candidatesFor(name, foldRng.fork(name), forestTrees);
        const best = candidates[gridSearchBestIndex(candidates, tuningX, tuning.length, d, tuningY)];
        const predicted = best(tuningX, tuning.length, d, tuningY)(testX, test.length);
        const record = scores.get(name)!;
        record.accuracy.push(accuracyScore(testY, predicted));
        record.weightedF1.push(weightedF1(testY, predicted));
        record.macroF1.push(macroF1(testY, predicted));
      }
    });
  }
  const result: Partial<Record<ClassifierName, ClassificationScores>> = {};
  let bestClassifier = classifiers[0];
  for (const [name, record] of scores) {
    result[name] = { accuracy: summarise(record.accuracy), weightedF1: summarise(record.weightedF1), macroF1: summarise(record.macroF1) };
    if (result[name]!.accuracy.mean > result[bestClassifier]!.accuracy.mean) bestClassifier = name;
  }
  return { classifiers: result, bestClassifier, bestAccuracy: result[bestClassifier]!.accuracy.mean };
}

export interface ClusteringScores {
  readonly accuracy: number;
  readonly weightedF1: number;
  readonly macroF1: number;
}

function clusterAndScore(x: Float64Array, labels: Int32Array, seeds: readonly number[], nInit: number, where: string): ClusteringScores {
  const n = labels.length;
  const d = x.length / n;
  if (n === 0 || !Number.isInteger(d) || d < 1) throw new UserError(`unsupervisedClustering: ${where} has ${x.length} values for ${n} labels`);
  const standardised = fitStandardScaler(x, n, d).transform(x, n);
  const k = new Set(labels).size;
  const totals = { accuracy: 0, weightedF1: 0, macroF1: 0 };
  for (const seed of seeds) {
    const { assignments } = fitKMeans(standardised, n, d, k, Rng.fromSeed(seed), { nInit });
    const predicted = greedyClusterMapping(assignments, labels);
    totals.accuracy += accuracyScore(labels, predicted);
    totals.weightedF1 += weightedF1(labels, predicted);
    totals.macroF1 += macroF1(labels, predicted);
  }
  return { accuracy: totals.accuracy / seeds.length, weightedF1: totals.weightedF1 / seeds.length, macroF1: totals.macroF1 / seeds.length };
}

/**
 * §9.4 "unsup_eval" on a train (dev) and a test set of row-major features (d = values / labels).
 * `nInit` k-means restarts per seed: 10 is sklearn 1.2's KMeans default, 1 that of sklearn >= 1.4.
 */
export function unsupervisedClustering(
  trainX: Float64Array,
  trainLabels: Int32Array,
  testX: Float64Array,
  testLabels: Int32Array,
  seeds: readonly number[] = Array.from({ length: 50 }, (_, seed) => seed),
  nInit = 10,
): { train: ClusteringScores; test: ClusteringScores } {
  if (seeds.length === 0) throw new UserError('unsupervisedClustering: no seeds');
  return {
    train: clusterAndScore(trainX, trainLabels, seeds, nInit, 'the train set'),
    test: clusterAndScore(testX, testLabels, seeds, nInit, 'the test set'),
  };
}
