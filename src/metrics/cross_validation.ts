// Data splitting and model selection for the classification protocol of DecVAE spec §9.4, after
// scikit-learn's StratifiedKFold, StratifiedShuffleSplit, StandardScaler and GridSearchCV (accuracy,
// refit on the whole search set). Splits follow sklearn's allocation rules; the shuffles draw from
// an Rng, so the folds have sklearn's sizes and class make-up but not its exact membership.
import { UserError } from '../util/errors.js';
import type { Rng } from '../util/random.js';
import { accuracyScore } from './estimators/classification_scores.js';

export interface Split {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Predicts labels for `count` rows of row-major features. */
export type Predictor = (x: Float64Array, count: number) => Int32Array;
/** Fits a classifier on row-major (n x d) features and labels. */
export type Fitter = (x: Float64Array, n: number, d: number, y: Int32Array) => Predictor;

/** Class of every sample as 0..k-1 in order of first appearance, and the class sizes. */
function encodeByFirstAppearance(labels: Int32Array): { codes: Int32Array; counts: number[] } {
  const codeOf = new Map<number, number>();
  const counts: number[] = [];
  const codes = Int32Array.from(labels, (label) => {
    let code = codeOf.get(label);
    if (code === undefined) {
      code = codeOf.size;
      codeOf.set(label, code);
      counts.push(0);
    }
    counts[code]++;
    return code;
  });
  return { codes, counts };
}

function complement(test: Int32Array, n: number): Int32Array {
  const inTest = new Uint8Array(n);
  for (const index of test) inTest[index] = 1;
  const train: number[] = [];
  for (let i = 0; i < n; i++) if (!inTest[i]) train.push(i);
  return Int32Array.from(train);
}

/**
 * sklearn's StratifiedKFold: each class is dealt to the folds as evenly as possible (the sorted label
 * list dealt round-robin fixes how many of each class every fold gets); with `rng`, which samples of
 * a class go to which fold is shuffled, otherwise they go in index order.
 */
export function stratifiedKFold(labels: Int32Array, nSplits: number, rng?: Rng): Split[] {
  const n = labels.length;
  if (!(Number.isInteger(nSplits) && nSplits >= 2)) throw new UserError(`stratifiedKFold: nSplits must be an integer >= 2, got ${nSplits}`);
  if (nSplits > n) throw new UserError(`stratifiedKFold: cannot make ${nSplits} folds of ${n} samples`);
  const { codes, counts } = encodeByFirstAppearance(labels);
  if (counts.every((count) => count < nSplits)) {
    throw new UserError(`stratifiedKFold: ${nSplits} folds but every class has fewer members`);
  }
  const sortedCodes = Int32Array.from(codes).sort();
  const allocation = Array.from({ length: nSplits }, () => new Array<number>(counts.length).fill(0));
  for (let i = 0; i < n; i++) allocation[i % nSplits][sortedCodes[i]]++;
  const foldOf = new Int32Array(n);
  for (let k = 0; k < counts.length; k++) {
    const folds: number[] = [];
    for (let fold = 0; fold < nSplits; fold++) for (let c = 0; c < allocation[fold][k]; c++) folds.push(fold);
    rng?.shuffle(folds);
    let next = 0;
    for (let i = 0; i < n; i++) if (codes[i] === k) foldOf[i] = folds[next++];
  }
  return Array.from({ length: nSplits }, (_, fold) => {
    const test = Int32Array.from(foldOf.keys()).filter((i) => foldOf[i] === fold);
    return { test, train: complement(test, n) };
  });
}

/** sklearn's _approximate_mode: per-class draws proportional to the counts, remainders to the largest fractions (ties at random). */
function approximateMode(counts: number[], draws: number, rng: Rng): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((count) => (count / total) * draws);
  const result = continuous.map(Math.floor);
  let missing = draws - result.reduce((a, b) => a + b, 0);
  const remainders = [...new Set(continuous.map((value, k) => value - result[k]))].sort((a, b) => b - a);
  for (const remainder of remainders) {
    if (missing <= 0) break;
    const tied = rng.shuffle(continuous.flatMap((value, k) => (value - result[k] === remainder ? [k] : [])));
    for (const k of tied.slice(0, Math.min(tied.length, missing))) result[k]++;
    missing -= Math.min(tied.length, missing);
  }
  return result;
}

/** sklearn's StratifiedShuffleSplit (one split): ceil(testSize * n) test samples, classes kept in proportion. */
export function stratifiedShuffleSplit(labels: Int32Array, testSize: number, rng: Rng): Split {
  const n = labels.length;
  if (!(testSize > 0 && testSize < 1)) throw new UserError(`stratifiedShuffleSplit: testSize must be in (0, 1), got ${testSize}`);
  const nTest = Math.ceil(testSize * n);
  const nTrain = n - nTest;
  const { codes, counts } = encodeByFirstAppearance(labels);
  if (Math.min(...counts) < 2) throw new UserError('stratifiedShuffleSplit: every class needs at least 2 samples');
  if (nTrain < counts.length || nTest < counts.length) {
    throw new UserError(`stratifiedShuffleSplit: ${nTrain} train / ${nTest} test samples cannot hold all ${counts.length} classes`);
  }
  const trainPerClass = approximateMode(counts, nTrain, rng);
  const testPerClass = approximateMode(counts.map((count, k) => count - trainPerClass[k]), nTest, rng);
  const train: number[] = [];
  const test: number[] = [];
  for (let k = 0; k < counts.length; k++) {
    const members = rng.shuffle(Array.from(codes.keys()).filter((i) => codes[i] === k));
    train.push(...members.slice(0, trainPerClass[k]));
    test.push(...members.slice(trainPerClass[k], trainPerClass[k] + testPerClass[k]));
  }
  return { train: Int32Array.from(rng.shuffle(train)), test: Int32Array.from(rng.shuffle(test)) };
}

/** Rows `indices` of a row-major matrix with `d` columns. */
export function takeRows(x: Float64Array, d: number, indices: Int32Array): Float64Array {
  const out = new Float64Array(indices.length * d);
  indices.forEach((row, r) => out.set(x.subarray(row * d, (row + 1) * d), r * d));
  return out;
}

export interface StandardScaler {
  readonly mean: Float64Array;
  /** Population standard deviation per feature; 1 for (numerically) constant features. */
  readonly scale: Float64Array;
  transform(x: Float64Array, count: number): Float64Array;
}

export function fitStandardScaler(x: Float64Array, n: number, d: number): StandardScaler {
  if (x.length !== n * d || n < 1) throw new UserError(`fitStandardScaler: x has ${x.length} values, expected ${n} x ${d}`);
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mean[j] += x[r * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) scale[j] += (x[r * d + j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) {
    const variance = scale[j] / n;
    // sklearn's bound on the rounding error of a constant feature's variance.
    const roundingBound = n * Number.EPSILON * variance + (n * mean[j] * Number.EPSILON) ** 2;
    scale[j] = variance <= roundingBound ? 1 : Math.sqrt(variance);
  }
  const transform = (input: Float64Array, count: number): Float64Array => {
    if (input.length !== count * d) throw new UserError(`StandardScaler: x has ${input.length} values, expected ${count} x ${d}`);
    return input.map((value, i) => (value - mean[i % d]) / scale[i % d]);
  };
  return { mean, scale, transform };
}

/** A pipeline StandardScaler -> classifier, the scaler fitted on the classifier's training data. */
export function withStandardScaler(fit: Fitter): Fitter {
  return (x, n, d, y) => {
    const scaler = fitStandardScaler(x, n, d);
    const predict = fit(scaler.transform(x, n), n, d, y);
    return (input, count) => predict(scaler.transform(input, count), count);
  };
}

/**
 * GridSearchCV's choice: the candidate with the best mean accuracy over unshuffled stratified
 * `nFolds`-fold CV (the first on ties). A single candidate is returned without the search.
 */
export function gridSearchBestIndex(candidates: readonly Fitter[], x: Float64Array, n: number, d: number, y: Int32Array, nFolds = 3): number {
  if (candidates.length === 0) throw new UserError('gridSearchBestIndex: no candidates');
  if (x.length !== n * d || y.length !== n) throw new UserError(`gridSearchBestIndex: x has ${x.length} values and y ${y.length} labels, expected ${n} x ${d} and ${n}`);
  if (candidates.length === 1) return 0;
  const scores = new Float64Array(candidates.length);
  for (const { train, test } of stratifiedKFold(y, nFolds)) {
    const trainX = takeRows(x, d, train);
    const testX = takeRows(x, d, test);
    const trainY = train.map((i) => y[i]);
    const testY = test.map((i) => y[i]);
    candidates.forEach((fit, c) => {
      scores[c] += accuracyScore(testY, fit(trainX, train.length, d, trainY)(testX, test.length));
    });
  }
  let best = 0;
  for (let c = 1; c < candidates.length; c++) if (scores[c] > scores[best]) best = c;
  return best;
}
