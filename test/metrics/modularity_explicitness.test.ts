import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeModularity, computeModularityExplicitness } from '../../src/metrics/modularity_explicitness.js';
import { splitTrainTest, tableFromRows } from '../../src/metrics/table.js';
import { CASE_NAMES, assertAllClose, assertClose, assertMatrixClose, loadCase, type CaseName } from './reference.js';

interface ExplicitnessScores {
  explicitness_score_train: number;
  explicitness_score_test: number;
}

/** The parts of `<case>.expected.json` about modularity/explicitness that reference.ts does not type. */
interface ModularityReference {
  metrics: { modularity_explicitness?: ExplicitnessScores & { modularity_score: number } };
  variants: { explicitness_sklearn_pre_0_22_defaults?: ExplicitnessScores };
  details: {
    modularity_explicitness?: {
      mi_matrix_train: number[][];
      modularity_per_code: number[];
      explicitness_train_per_factor: number[];
      explicitness_test_per_factor: number[];
    };
  };
  errors: Record<string, string>;
  debug: { modularity_alone?: { modularity_score: number; modularity_per_code: number[]; mi_matrix_train: number[][] } };
}

// README: explicitness at the exact optimum differs from the library's early-stopped lbfgs by at
// most 5.2e-6 on these cases; 1e-4 is the recommended tolerance.
const EXPLICITNESS_TOLERANCE = 1e-4;

/** Why the library's combined function raises on the cases where it does (reference `errors`). */
const EXPECTED_ERRORS: Partial<Record<CaseName, RegExp>> = {
  const_factor: /factor 1 takes a single value \(2\).*at least 2 classes/,
  collapsed_code: /code 1 standardises to NaN.*Input X contains NaN/,
};

function referenceOf(name: CaseName): ModularityReference {
  return loadCase(name).expected as unknown as ModularityReference;
}

for (const name of CASE_NAMES) {
  const expectedError = EXPECTED_ERRORS[name];
  if (expectedError) {
    test(`${name}: modularity+explicitness raises as in the library; modularity alone matches debug.modularity_alone to 1e-9`, () => {
      const { table, input } = loadCase(name);
      const reference = referenceOf(name);
      assert.ok(reference.errors.modularity_explicitness, `${name}: the library raised`);
      assert.equal(reference.metrics.modularity_explicitness, undefined);
      const { train, test: testRows } = splitTrainTest(table, input.train_frac);
      assert.throws(() => computeModularityExplicitness(train, testRows), expectedError);
      assert.throws(() => computeModularityExplicitness(train, testRows, { classifierDefaults: 'sklearn_pre_0_22' }), expectedError);

      const alone = reference.debug.modularity_alone;
      assert.ok(alone, `${name} has debug.modularity_alone`);
      const result = computeModularity(train);
      assertClose(result.modularity_score, alone.modularity_score, 'modularity_score');
      assertAllClose(result.details.modularity_per_code, alone.modularity_per_code, 'modularity_per_code');
      assertMatrixClose(result.details.mi_matrix_train, alone.mi_matrix_train, 'mi_matrix_train');
    });
    continue;
  }

  test(`${name}: modularity to 1e-9 and explicitness within ${EXPLICITNESS_TOLERANCE} of the reference`, () => {
    const { table, input } = loadCase(name);
    const reference = referenceOf(name);
    const scores = reference.metrics.modularity_explicitness;
    const details = reference.details.modularity_explicitness;
    assert.ok(scores && details, `${name} has modularity/explicitness reference values`);
    const { train, test: testRows } = splitTrainTest(table, input.train_frac);
    const result = computeModularityExplicitness(train, testRows);

    assertClose(result.modularity_score, scores.modularity_score, 'modularity_score');
    assertMatrixClose(result.details.mi_matrix_train, details.mi_matrix_train, 'mi_matrix_train');
    assertAllClose(result.details.modularity_per_code, details.modularity_per_code, 'modularity_per_code');
    assertClose(result.explicitness_score_train, scores.explicitness_score_train, 'explicitness_score_train', EXPLICITNESS_TOLERANCE);
    assertClose(result.explicitness_score_test, scores.explicitness_score_test, 'explicitness_score_test', EXPLICITNESS_TOLERANCE);
    assertAllClose(result.details.explicitness_train_per_factor, details.explicitness_train_per_factor, 'explicitness_train_per_factor', EXPLICITNESS_TOLERANCE);
    assertAllClose(result.details.explicitness_test_per_factor, details.explicitness_test_per_factor, 'explicitness_test_per_factor', EXPLICITNESS_TOLERANCE);

    // Modularity alone is the same computation.
    assert.deepEqual(computeModularity(train), {
      modularity_score: result.modularity_score,
      details: { mi_matrix_train: result.details.mi_matrix_train, modularity_per_code: result.details.modularity_per_code },
    });
  });

  test(`${name}: the pre-0.22 (liblinear) explicitness is close to the reference's informational values`, () => {
    const { table, input } = loadCase(name);
    const variant = referenceOf(name).variants.explicitness_sklearn_pre_0_22_defaults;
    assert.ok(variant, `${name} has the pre-0.22 explicitness variant`);
    const { train, test: testRows } = splitTrainTest(table, input.train_frac);
    const result = computeModularityExplicitness(train, testRows, { classifierDefaults: 'sklearn_pre_0_22' });
    // liblinear stops at its own tolerance; the exact optimum measured within 5.3e-6 of it.
    assertClose(result.explicitness_score_train, variant.explicitness_score_train, 'explicitness_score_train', EXPLICITNESS_TOLERANCE);
    assertClose(result.explicitness_score_test, variant.explicitness_score_test, 'explicitness_score_test', EXPLICITNESS_TOLERANCE);
  });
}

/** The 2 x 2 factor grid, repeated, with codes built from the factors. */
function gridTable(code: (f0: number, f1: number) => number[], repeats = 3) {
  const factors: number[][] = [];
  const codes: number[][] = [];
  for (let r = 0; r < repeats; r++) {
    for (const [f0, f1] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
      factors.push([f0, f1]);
      codes.push(code(f0, f1));
    }
  }
  return tableFromRows(factors, codes);
}

test('modularity by hand: a pure code scores 1, an even mix of two factors 0, an uninformative code 0', () => {
  // Code 0 copies f0: MI (log 2, 0) -> delta 0. Code 1 = f0 + f1: MI (log 2 / 2, log 2 / 2) -> delta 1.
  // Code 2 is constant: MI 0 with both factors, counted as 0 rather than skipped.
  const result = computeModularity(gridTable((f0, f1) => [f0, f0 + f1, 0.5]));
  const half = Math.log(2) / 2;
  assertMatrixClose(result.details.mi_matrix_train, [[Math.log(2), 0], [half, half], [0, 0]], 'mi_matrix_train', 1e-15);
  assertAllClose(result.details.modularity_per_code, [1, 0, 0], 'modularity_per_code', 1e-15);
  assertClose(result.modularity_score, 1 / 3, 'modularity_score', 1e-15);
});

test('modularity with a single factor is 0/0 = NaN for an informative code, 0 for an uninformative one', () => {
  const table = tableFromRows([[0], [1], [0], [1]], [[0.1, 3], [0.9, 3], [0.2, 3], [0.8, 3]]);
  const result = computeModularity(table);
  assert.ok(Number.isNaN(result.details.modularity_per_code[0]));
  assert.equal(result.details.modularity_per_code[1], 0);
  assert.ok(Number.isNaN(result.modularity_score));
});

test('a code that determines every factor is perfectly explicit', () => {
  const train = gridTable((f0, f1) => [f0 + 0.01 * f1, f1 - 0.02 * f0], 5);
  const testRows = gridTable((f0, f1) => [f0 - 0.01 * f1, f1 + 0.03 * f0], 2);
  const result = computeModularityExplicitness(train, testRows);
  assert.deepEqual(result.details.explicitness_train_per_factor, [1, 1]);
  assert.deepEqual(result.details.explicitness_test_per_factor, [1, 1]);
  assert.equal(result.explicitness_score_test, 1);
});

test('a test set without one of the train classes, or with an unseen class, is refused', () => {
  const train = tableFromRows(
    [[0], [1], [2], [0], [1], [2]],
    [[0.1], [1.2], [2.1], [-0.1], [0.9], [1.8]],
  );
  const missing = tableFromRows([[0], [1]], [[0], [1]]);
  assert.throws(() => computeModularityExplicitness(train, missing), /factor 0 on the test rows: the labels lack class 2 of the training set/);
  const unseen = tableFromRows([[0], [1], [3]], [[0], [1], [3]]);
  assert.throws(() => computeModularityExplicitness(train, unseen), /factor 0 on the test rows: the labels .*have class 3 the classifier never saw/);
  const empty = { ...missing, n: 0, factors: new Int32Array(0), codes: new Float64Array(0) };
  assert.throws(() => computeModularityExplicitness(train, empty), /at least one test row/);
});
