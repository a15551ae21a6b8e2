// The Commutative Lie Group VAE repository's end-of-training evaluation (`metrics/aggregator.py`,
// CLG-VAE spec §6) as one metric, `lie_group`: its sample sizes, its quirks and its log's
// rounding, under the keys its log and `collect_results.py` use. Our disentanglement_lib metrics
// are reused wherever the repository computes the same thing; what differs is written here:
//   - FactorVAE prunes codes with std < 0.1 (disentanglement_lib: 0.05) and reports the real
//     number of active codes;
//   - beta-VAE averages 5 pairs per point and fits an *unregularised* logistic regression;
//   - MIG and factor leakage always drop the first factor (dSprites' shape, Shapes3D's floor hue);
//     DCI, SAP and modularity/explicitness drop it only when it is all zeros;
//   - SAP is the continuous (R^2) variant;
//   - explicitness scores a factor whose classifier or ROC-AUC fails as 0 instead of failing;
//   - DCI, when it fails, is left out (the repository catches every exception there);
//   - every value is rounded to 4 decimals the way its log rounds them (`roundLikeLog`).
// The repository scores the encoder mean only (spec §0.11). The preset scores whatever source it
// is given and the evaluator runs it once per configured representation, so a faithful config
// lists `representations: [mean]`; values under `sampled` have no counterpart in the original.
import { z } from 'zod';
import { UserError } from '../../util/errors.js';
import { accuracy, drawBetaVaePoints } from '../beta_vae.js';
import { computeDci, type DciResult } from '../dci.js';
import { SKLEARN_DEFAULT_SETTINGS, fitLogisticRegression, type LogisticRegressionSettings } from '../estimators/logistic_regression.js';
import { oneVsRestRocAuc } from '../estimators/roc_auc.js';
import { computeFactorLeakage } from '../factor_leakage.js';
import { computeFactorVae } from '../factor_vae.js';
import { computeMig } from '../mig.js';
import { computeModularity } from '../modularity_explicitness.js';
import { pairwiseMean } from '../numpy_reductions.js';
import { continuousSapScoreEntry, sapFromScoreMatrix } from '../sap.js';
import type { FactorCodeSource } from '../source.js';
import { codeColumn, codesStandardisedByTrain, factorColumn, type FactorCodeTable } from '../table.js';

const positiveInt = z.number().int().positive();

export const LieGroupEvalSettingsSchema = z.strictObject({
  num_points: positiveInt.default(1000)
    .describe('points for MIG, SAP and factor leakage, and for each of the train and test samples of DCI and modularity/explicitness'),
  factor_vae: z.strictObject({
    batch_size: positiveInt.default(64).describe('points per vote'),
    num_train: positiveInt.default(10000).describe('votes used to fit the majority-vote classifier'),
    num_eval: positiveInt.default(5000).describe('votes used to measure its accuracy'),
    num_variance_estimate: positiveInt.default(10000).describe('points for the global variance of each code'),
  }).prefault({}),
  beta_vae: z.strictObject({
    batch_size: positiveInt.default(5).describe('pairs averaged into one point (the repository: 5; disentanglement_lib: 64)'),
    num_train: positiveInt.default(1000).describe('points the unregularised logistic regression is fitted on'),
    num_eval: positiveInt.default(1000).describe('points its accuracy is measured on'),
  }).prefault({}),
}).describe("the Commutative Lie Group VAE repository's evaluation suite; it scores the encoder mean, so list representations: [mean]");

export type LieGroupEvalSettings = z.infer<typeof LieGroupEvalSettingsSchema>;

export interface LieGroupEvalResult {
  fac_train: number;
  /** The FactorVAE score. */
  fac_eval: number;
  fac_num_act: number;
  hig_acc: number;
  /** The beta-VAE score. */
  val_hig_acc: number;
  discrete_mig: number;
  /** The four DCI values are absent when DCI could not be computed (see `details.dci_error`). */
  dci_informativeness_train?: number;
  dci_informativeness_test?: number;
  dci_disentanglement?: number;
  dci_completeness?: number;
  modularity_score: number;
  explicitness_score_train: number;
  explicitness_score_test: number;
  SAP_score: number;
  factor_leakage_mean: number;
  details: {
    /** Whether each metric that drops the first factor only when it is all zeros dropped it. */
    first_factor_dropped: { dci: boolean; sap: boolean; modularity_explicitness: boolean };
    dci?: DciResult['details'];
    dci_error?: string;
    /** Per factor (after any drop) explicitness on the train and test rows, 0 where it failed. */
    explicitness_train_per_factor: number[];
    explicitness_test_per_factor: number[];
    /** Mutual information matrices of MIG and factor leakage: D x (K - 1), the first factor dropped. */
    mig_mi_matrix: number[][];
    factor_leakage_mi_matrix: number[][];
  };
}

/** The repository's FactorVAE pruning threshold on a code's standard deviation. */
const ACTIVE_STD_THRESHOLD = 0.1;

/** scikit-learn's `penalty='none'` (newton-cg, multinomial), as the repository's beta-VAE metric fits. */
const UNREGULARISED: LogisticRegressionSettings = { C: Infinity };

/** `LogisticRegression()` of scikit-learn >= 0.22 (lbfgs, multinomial, C = 1), the repository's explicitness classifier. */
const EXPLICITNESS_CLASSIFIER = SKLEARN_DEFAULT_SETTINGS.sklearn_1_2;

function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return fraction < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * The value the repository's `log_metrics.txt` holds for a metric: its logger stacks the values as
 * float32 tensors and writes `numpy.round(4)` of them, which multiplies, rounds half to even and
 * divides in float32; the 4-decimal number printed is what `collect_results.py` reads back.
 */
export function roundLikeLog(value: number): number {
  if (!Number.isFinite(value)) return value;
  return roundHalfToEven(Math.fround(Math.fround(value) * 10000)) / 10000;
}

/** n points drawn as the repository's `sample_batch` does: factors, then their observations' codes. */
async function drawTable(source: FactorCodeSource, n: number): Promise<FactorCodeTable> {
  const factors = source.sampleFactors(n);
  const codes = await source.representations(factors, n);
  return { n, numFactors: source.factorSizes.length, numCodes: source.numCodes, factors, codes };
}

/** The table with factor 0 removed (the repository's `fac[1:]` / `ys[1:]`). */
function withoutFirstFactor(table: FactorCodeTable): FactorCodeTable {
  const numFactors = table.numFactors - 1;
  const factors = new Int32Array(table.n * numFactors);
  for (let r = 0; r < table.n; r++) factors.set(table.factors.subarray(r * table.numFactors + 1, (r + 1) * table.numFactors), r * numFactors);
  return { n: table.n, numFactors, numCodes: table.numCodes, factors, codes: table.codes };
}

/**
 * The repository's test for dropping the first factor in DCI, SAP and modularity: all its
 * indices are 0, i.e. it is constant at its first value (a one-valued factor such as a colour).
 */
function firstFactorAllZero(table: FactorCodeTable): boolean {
  for (let r = 0; r < table.n; r++) if (table.factors[r * table.numFactors] !== 0) return false;
  return true;
}

/**
 * The repository's `BetaVAEMetric`: points drawn as disentanglement_lib's (which direction the
 * fixed factor is copied in does not change their distribution), classified by a logistic
 * regression without any penalty; `computeBetaVae` fits scikit-learn's L2-penalised default.
 */
async function betaVaeUnregularised(source: FactorCodeSource, settings: LieGroupEvalSettings['beta_vae']): Promise<{ hig_acc: number; val_hig_acc: number }> {
  const d = source.numCodes;
  const train = await drawBetaVaePoints(source, settings.num_train, settings.batch_size);
  const model = fitLogisticRegression(train.features, settings.num_train, d, train.labels, UNREGULARISED);
  const evaluation = await drawBetaVaePoints(source, settings.num_eval, settings.batch_size);
  return {
    hig_acc: accuracy(model.predict(train.features, settings.num_train), train.labels),
    val_hig_acc: accuracy(model.predict(evaluation.features, settings.num_eval), evaluation.labels),
  };
}

/**
 * Explicitness as the repository computes it: per factor a logistic regression on the
 * standardised codes scored by macro ROC-AUC, inside a try whose failure (a constant code's NaN,
 * a one-class factor, a test set without some training class) leaves both of that factor's
 * scores at 0, where `computeModularityExplicitness` refuses the whole metric.
 */
function explicitnessPerFactor(train: FactorCodeTable, test: FactorCodeTable): { train: number[]; test: number[] } {
  const codes = codesStandardisedByTrain(train, test);
  const scores = { train: [] as number[], test: [] as number[] };
  for (let j = 0; j < train.numFactors; j++) {
    const { trainScore, testScore } = explicitnessOfFactor(codes, train, test, j);
    scores.train.push(trainScore);
    scores.test.push(testScore);
  }
  return scores;
}

function explicitnessOfFactor(
  codes: { train: Float64Array; test: Float64Array },
  train: FactorCodeTable,
  test: FactorCodeTable,
  factor: number,
): { trainScore: number; testScore: number } {
  try {
    const trainLabels = factorColumn(train, factor);
    const model = fitLogisticRegression(codes.train, train.n, train.numCodes, trainLabels, EXPLICITNESS_CLASSIFIER);
    return {
      trainScore: oneVsRestRocAuc(trainLabels, model.classes, model.predictProba(codes.train, train.n)),
      testScore: oneVsRestRocAuc(factorColumn(test, factor), model.classes, model.predictProba(codes.test, test.n)),
    };
  } catch {
    // The repository catches every exception here and keeps the factor's zeros.
    return { trainScore: 0, testScore: 0 };
  }
}

/** Continuous SAP (R^2 of every code with every factor) on one sample; its unused test sample is not drawn. */
function continuousSap(table: FactorCodeTable): number {
  const factors = Array.from({ length: table.numFactors }, (_, j) => factorColumn(table, j));
  const scoreMatrix = Array.from({ length: table.numCodes }, (_, i) => {
    const code = codeColumn(table, i);
    return factors.map((factor) => continuousSapScoreEntry(code, factor));
  });
  return sapFromScoreMatrix(scoreMatrix);
}

/**
 * The repository's evaluation of a representation, in its order (FactorVAE, beta-VAE, MIG, DCI,
 * modularity/explicitness, SAP, factor leakage), every value rounded as its log rounds it.
 */
export async function computeLieGroupEval(
  source: FactorCodeSource,
  settings: LieGroupEvalSettings = LieGroupEvalSettingsSchema.parse({}),
): Promise<LieGroupEvalResult> {
  const numFactors = source.factorSizes.length;
  if (numFactors < 2) {
    throw new UserError(`lie_group needs at least 2 ground-truth factors (MIG and factor leakage drop the first), but the dataset has ${numFactors}`);
  }
  if (source.numCodes < 2) {
    throw new UserError(`lie_group needs at least 2 code dimensions (MIG and SAP compare the two best codes), but the representation has ${source.numCodes}`);
  }
  const n = settings.num_points;

  const factorVae = await computeFactorVae(source, {
    batchSize: settings.factor_vae.batch_size,
    numTrain: settings.factor_vae.num_train,
    numEval: settings.factor_vae.num_eval,
    numVarianceEstimate: settings.factor_vae.num_variance_estimate,
    pruneThreshold: ACTIVE_STD_THRESHOLD,
  });
  const betaVae = await betaVaeUnregularised(source, settings.beta_vae);
  const mig = computeMig(withoutFirstFactor(await drawTable(source, n)));

  // The repository drops DCI's first factor when it is all zeros in either sample.
  const dciTrain = await drawTable(source, n);
  const dciTest = await drawTable(source, n);
  const dciDrops = firstFactorAllZero(dciTrain) || firstFactorAllZero(dciTest);
  let dci: DciResult | undefined;
  let dciError: string | undefined;
  try {
    dci = dciDrops ? computeDci(withoutFirstFactor(dciTrain), withoutFirstFactor(dciTest)) : computeDci(dciTrain, dciTest);
  } catch (error) {
    dciError = error instanceof Error ? error.message : String(error);
  }

  // Modularity/explicitness and SAP test the train sample only.
  let modularityTrain = await drawTable(source, n);
  let modularityTest = await drawTable(source, n);
  const modularityDrops = firstFactorAllZero(modularityTrain);
  if (modularityDrops) {
    modularityTrain = withoutFirstFactor(modularityTrain);
    modularityTest = withoutFirstFactor(modularityTest);
  }
  const modularity = computeModularity(modularityTrain);
  const explicitness = explicitnessPerFactor(modularityTrain, modularityTest);

  const sapSample = await drawTable(source, n);
  const sapDrops = firstFactorAllZero(sapSample);
  const sapScore = continuousSap(sapDrops ? withoutFirstFactor(sapSample) : sapSample);

  const factorLeakage = computeFactorLeakage(withoutFirstFactor(await drawTable(source, n)));

  return {
    fac_train: roundLikeLog(factorVae.train_accuracy),
    fac_eval: roundLikeLog(factorVae.eval_accuracy),
    fac_num_act: roundLikeLog(factorVae.num_active_dims),
    hig_acc: roundLikeLog(betaVae.hig_acc),
    val_hig_acc: roundLikeLog(betaVae.val_hig_acc),
    discrete_mig: roundLikeLog(mig.discrete_mig),
    ...(dci && {
      dci_informativeness_train: roundLikeLog(dci.informativeness_train),
      dci_informativeness_test: roundLikeLog(dci.informativeness_test),
      dci_disentanglement: roundLikeLog(dci.disentanglement),
      dci_completeness: roundLikeLog(dci.completeness),
    }),
    modularity_score: roundLikeLog(modularity.modularity_score),
    explicitness_score_train: roundLikeLog(pairwiseMean(explicitness.train)),
    explicitness_score_test: roundLikeLog(pairwiseMean(explicitness.test)),
    SAP_score: roundLikeLog(sapScore),
    factor_leakage_mean: roundLikeLog(factorLeakage.factor_leakage_mean),
    details: {
      first_factor_dropped: { dci: dciDrops, sap: sapDrops, modularity_explicitness: modularityDrops },
      ...(dci && { dci: dci.details }),
      ...(dciError !== undefined && { dci_error: dciError }),
      explicitness_train_per_factor: explicitness.train,
      explicitness_test_per_factor: explicitness.test,
      mig_mi_matrix: mig.details.mi_matrix,
      factor_leakage_mi_matrix: factorLeakage.details.mi_matrix,
    },
  };
}
