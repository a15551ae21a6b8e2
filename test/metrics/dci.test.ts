import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completenessFromImportance, computeDci, disentanglementFromImportance, fitFactorImportance } from '../../src/metrics/dci.js';
import { factorColumn, splitTrainTest } from '../../src/metrics/table.js';
import { CASE_NAMES, assertAllClose, assertClose, assertMatrixClose, loadCase, type CaseName, type ReferenceExpected } from './reference.js';

/** The DCI parts of `<case>.expected.json`, which the shared loader's type leaves out. */
type DciExpected = ReferenceExpected & {
  metrics: { dci?: { informativeness_train: number; informativeness_test: number; disentanglement: number; completeness: number } };
  details: {
    dci?: {
      importance_matrix: number[][];
      disentanglement_per_code: number[];
      completeness_per_factor: number[];
      informativeness_train_per_factor: number[];
      informativeness_test_per_factor: number[];
    };
  };
  errors: Record<string, string>;
};

function dciReference(name: CaseName) {
  const reference = loadCase(name);
  const expected = reference.expected as DciExpected;
  return { ...reference, metrics: expected.metrics.dci, details: expected.details.dci, errors: expected.errors };
}

const CASES_WITH_DCI = CASE_NAMES.filter((name) => dciReference(name).metrics !== undefined);

/** reference README: estimator-dependent DCI values within 0.01; tiny_hand is seed-independent. */
const toleranceFor = (name: CaseName): number => (name === 'tiny_hand' ? 1e-6 : 0.01);

function largestDeviation(actual: ArrayLike<number>, expected: readonly number[]): number {
  let largest = 0;
  for (let i = 0; i < expected.length; i++) largest = Math.max(largest, Math.abs(actual[i] - expected[i]));
  return largest;
}

test('the reference cases with DCI are the five without a constant factor', () => {
  assert.deepEqual(CASES_WITH_DCI, ['tiny_hand', 'collapsed_code', 'continuous_codes', 'medium_partial', 'large_uneven']);
});

for (const name of CASES_WITH_DCI) {
  test(`${name}: disentanglement and completeness from the reference importance matrix match to 1e-9`, () => {
    const { metrics, details } = dciReference(name);
    assert.ok(metrics && details);
    const disentanglement = disentanglementFromImportance(details.importance_matrix);
    const completeness = completenessFromImportance(details.importance_matrix);
    assertAllClose(disentanglement.perCode, details.disentanglement_per_code, 'disentanglement_per_code');
    assertAllClose(completeness.perFactor, details.completeness_per_factor, 'completeness_per_factor');
    assertClose(disentanglement.disentanglement, metrics.disentanglement, 'disentanglement');
    assertClose(completeness.completeness, metrics.completeness, 'completeness');
  });

  test(`${name}: DCI with our gradient boosting matches the reference within the README tolerance`, (t) => {
    const { table, input, metrics, details } = dciReference(name);
    assert.ok(metrics && details);
    const { train, test: testRows } = splitTrainTest(table, input.train_frac);
    const started = performance.now();
    const result = computeDci(train, testRows);
    const elapsed = performance.now() - started;
    const tol = toleranceFor(name);

    assertMatrixClose(result.details.importance_matrix, details.importance_matrix, 'importance_matrix', tol);
    assertClose(result.disentanglement, metrics.disentanglement, 'disentanglement', tol);
    assertClose(result.completeness, metrics.completeness, 'completeness', tol);
    assertClose(result.informativeness_train, metrics.informativeness_train, 'informativeness_train', tol);
    assertClose(result.informativeness_test, metrics.informativeness_test, 'informativeness_test', tol);
    assertAllClose(result.details.informativeness_train_per_factor, details.informativeness_train_per_factor, 'train accuracy per factor', tol);
    assertAllClose(result.details.informativeness_test_per_factor, details.informativeness_test_per_factor, 'test accuracy per factor', tol);
    assertAllClose(result.details.disentanglement_per_code, details.disentanglement_per_code, 'disentanglement_per_code', tol);
    assertAllClose(result.details.completeness_per_factor, details.completeness_per_factor, 'completeness_per_factor', tol);

    const importanceDeviation = Math.max(...details.importance_matrix.map((row, i) => largestDeviation(result.details.importance_matrix[i], row)));
    t.diagnostic(
      `${name}: |ours - reference| D ${Math.abs(result.disentanglement - metrics.disentanglement).toExponential(2)}, ` +
        `C ${Math.abs(result.completeness - metrics.completeness).toExponential(2)}, ` +
        `I train ${Math.abs(result.informativeness_train - metrics.informativeness_train).toExponential(2)}, ` +
        `I test ${Math.abs(result.informativeness_test - metrics.informativeness_test).toExponential(2)}, ` +
        `importance entries ${importanceDeviation.toExponential(2)}, ` +
        `test accuracy per factor ${largestDeviation(result.details.informativeness_test_per_factor, details.informativeness_test_per_factor).toExponential(2)}; ` +
        `computeDci took ${elapsed.toFixed(0)} ms`,
    );
  });
}

test('const_factor: DCI raises because a factor has a single value, as the library does', () => {
  const { table, input, errors } = dciReference('const_factor');
  assert.match(errors.dci, /y contains 1 class/);
  const { train, test: testRows } = splitTrainTest(table, input.train_frac);
  assert.throws(() => computeDci(train, testRows), /factor 1 .*y contains 1 class/);
});

test('fitFactorImportance works on plain arrays and scores unseen test labels as errors', () => {
  const { table, input } = dciReference('tiny_hand');
  const { train, test: testRows } = splitTrainTest(table, input.train_frac);
  const labelsTest = factorColumn(testRows, 0).map((label, i) => (i === 0 ? label + 100 : label));
  const fit = fitFactorImportance(train.codes, train.n, train.numCodes, factorColumn(train, 0), testRows.codes, testRows.n, labelsTest);
  assert.deepEqual(Array.from(fit.importance), [1, 0, 0]);
  assert.equal(fit.trainAccuracy, 1);
  assert.equal(fit.testAccuracy, (testRows.n - 1) / testRows.n);
});

test('formulas: a one-to-one importance matrix scores 1, and an all-zero one falls back to equal weights', () => {
  const diagonal = [[0.7, 0], [0, 0.3], [0, 0]];
  assertClose(disentanglementFromImportance(diagonal).disentanglement, 1, 'D of a diagonal matrix', 1e-8);
  assertClose(completenessFromImportance(diagonal).completeness, 1, 'C of a diagonal matrix', 1e-8);
  assert.equal(disentanglementFromImportance(diagonal).perCode[2], 0, 'a code with no importance');

  const zero = [[0, 0], [0, 0], [0, 0]];
  // Uniform rows and columns: every entropy is maximal, so both scores are 0 up to round-off.
  assertClose(disentanglementFromImportance(zero).disentanglement, 0, 'D of an all-zero matrix', 1e-12);
  assertClose(completenessFromImportance(zero).completeness, 0, 'C of an all-zero matrix', 1e-12);
});

test('formulas: one factor or one code divides by log 1 = 0, as the library does', () => {
  assert.ok(!Number.isFinite(disentanglementFromImportance([[0.4], [0.6]]).disentanglement));
  assert.ok(!Number.isFinite(completenessFromImportance([[0.4, 0.6]]).completeness));
});
