// The beta-VAE score (Higgins et al. 2017) as disentanglement_lib's
// `beta_vae.compute_beta_vae_sklearn` (metrics spec §2.1): every training point holds one factor
// fixed between two batches and averages |z1 - z2| over the pairs; a logistic regression learns to
// name the fixed factor from that vector, and its accuracy is the score. Draws from the source
// happen in the library's order (per point: the factor, both batches of factors, then the
// observations of the first batch and of the second), so a replayed source reproduces the
// library's points exactly and the scores differ only by the optimiser (ours solves the
// classifier's convex problem to its optimum; the library's lbfgs stops early).
import { SKLEARN_DEFAULT_SETTINGS, fitLogisticRegression, type SklearnDefaults } from './estimators/logistic_regression.js';
import { pairwiseSum } from './numpy_reductions.js';
import type { FactorCodeSource } from './source.js';

export interface BetaVaeSettings {
  /** Pairs averaged into one point (library: 64). */
  batchSize?: number;
  /** Points the classifier is fitted on (library: 10000). */
  numTrain?: number;
  /** Points its accuracy is measured on (library: 5000). */
  numEval?: number;
  /**
   * scikit-learn defaults the classifier follows (default 'sklearn_1_2'). liblinear
   * ('sklearn_pre_0_22') draws its seed from the shared stream between training and evaluation,
   * so that variant's eval points differ too.
   */
  classifierDefaults?: SklearnDefaults;
}

export interface BetaVaeResult {
  train_accuracy: number;
  /** The published beta-VAE score. */
  eval_accuracy: number;
}

/** One point: the factor held fixed (the label), both batches of factor indices and the feature vector. */
export interface BetaVaeSample {
  fixedFactor: number;
  /** Row-major (batchSize x K) factor indices of the first batch. */
  factors1: Int32Array;
  /** The second batch, after the fixed factor was copied from the first. */
  factors2: Int32Array;
  /** Mean over the batch of |z1 - z2|, length D. */
  features: Float64Array;
}

// liblinear's seed: scikit-learn draws randint(np.iinfo('i').max) from the estimator's random_state.
const LIBLINEAR_SEED_BOUND = 2147483647;

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`beta-VAE ${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * numpy's `np.mean(np.abs(z1 - z2), axis=0)` for row-major (rows x cols) batches: rows are added
 * one after another per column, except for a single column, which numpy sums pairwise.
 */
function meanAbsoluteDifference(z1: Float64Array, z2: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols);
  if (cols === 1) {
    out[0] = pairwiseSum(z1.map((value, r) => Math.abs(value - z2[r]))) / rows;
    return out;
  }
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c] += Math.abs(z1[r * cols + c] - z2[r * cols + c]);
  for (let c = 0; c < cols; c++) out[c] /= rows;
  return out;
}

/** The library's `_generate_training_sample`, drawing from the source in its order. */
export async function drawBetaVaeSample(source: FactorCodeSource, batchSize: number): Promise<BetaVaeSample> {
  const numFactors = source.factorSizes.length;
  const fixedFactor = source.randomIndex(numFactors);
  const factors1 = source.sampleFactors(batchSize);
  const factors2 = source.sampleFactors(batchSize);
  for (let r = 0; r < batchSize; r++) factors2[r * numFactors + fixedFactor] = factors1[r * numFactors + fixedFactor];
  const codes1 = await source.representations(factors1, batchSize);
  const codes2 = await source.representations(factors2, batchSize);
  return { fixedFactor, factors1, factors2, features: meanAbsoluteDifference(codes1, codes2, batchSize, source.numCodes) };
}

/** `count` points as row-major (count x D) features and their labels (the fixed factor). */
export async function drawBetaVaePoints(source: FactorCodeSource, count: number, batchSize: number): Promise<{ features: Float64Array; labels: Int32Array }> {
  const d = source.numCodes;
  const features = new Float64Array(count * d);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const sample = await drawBetaVaeSample(source, batchSize);
    features.set(sample.features, i * d);
    labels[i] = sample.fixedFactor;
  }
  return { features, labels };
}

/** The fraction of predictions equal to their labels. */
export function accuracy(predicted: Int32Array, labels: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

export async function computeBetaVae(source: FactorCodeSource, settings: BetaVaeSettings = {}): Promise<BetaVaeResult> {
  const batchSize = positiveInteger('batchSize', settings.batchSize ?? 64);
  const numTrain = positiveInteger('numTrain', settings.numTrain ?? 10000);
  const numEval = positiveInteger('numEval', settings.numEval ?? 5000);
  const classifierDefaults = settings.classifierDefaults ?? 'sklearn_1_2';
  const numFactors = source.factorSizes.length;
  if (numFactors < 2) {
    throw new Error(`beta-VAE needs at least 2 factors (got ${numFactors}): its classifier names the fixed factor, and one class cannot be classified`);
  }
  if (source.numCodes < 1) throw new Error('beta-VAE needs at least one code dimension');

  const d = source.numCodes;
  const train = await drawBetaVaePoints(source, numTrain, batchSize);
  if (classifierDefaults === 'sklearn_pre_0_22') source.randomIndex(LIBLINEAR_SEED_BOUND);
  const model = fitLogisticRegression(train.features, numTrain, d, train.labels, SKLEARN_DEFAULT_SETTINGS[classifierDefaults]);
  const trainAccuracy = accuracy(model.predict(train.features, numTrain), train.labels);
  const evaluation = await drawBetaVaePoints(source, numEval, batchSize);
  return {
    train_accuracy: trainAccuracy,
    eval_accuracy: accuracy(model.predict(evaluation.features, numEval), evaluation.labels),
  };
}
