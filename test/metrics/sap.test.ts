import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeSap, continuousSapScoreEntry, sapFromScoreMatrix, sapScoreEntry } from '../../src/metrics/sap.js';
import { codeColumn, factorColumn, splitTrainTest, tableFromRows } from '../../src/metrics/table.js';
import { CASE_NAMES, assertClose, assertMatrixClose, loadCase, type CaseName, type ReferenceExpected } from './reference.js';

/** The SAP parts of `<case>.expected.json` (absent where the library raised). */
interface SapExpected {
  metrics: { sap?: { SAP_score: number } };
  variants: { sap_continuous_factors_True: { SAP_score: number } };
  details: { sap?: { score_matrix: number[][] }; sap_continuous_factors_True: { score_matrix: number[][] } };
  errors: Record<string, string>;
}

function sapReference(name: CaseName): SapExpected {
  return loadCase(name).expected as ReferenceExpected & SapExpected;
}

function splitCase(name: CaseName) {
  const { table, input } = loadCase(name);
  return splitTrainTest(table, input.train_frac);
}

const CASES_WITH_SAP = CASE_NAMES.filter((name) => sapReference(name).metrics.sap !== undefined);

// Reference README: SAP_score within 0.005 (0.015 for continuous_codes) and score-matrix entries
// within 0.005 (0.06 for code 5 of continuous_codes, where liblinear stops at max_iter unconverged).
const SAP_TOLERANCE: Partial<Record<CaseName, number>> = { continuous_codes: 0.015 };
function entryTolerance(name: CaseName, code: number): number {
  return name === 'continuous_codes' && code === 5 ? 0.06 : 0.005;
}

test('sapFromScoreMatrix: mean over factors of the gap between the two best codes', () => {
  assertClose(sapFromScoreMatrix([[0.9, 0.1], [0.5, 0.3], [0.2, 0.8]]), (0.4 + 0.5) / 2, 'gap mean', 1e-15);
  assert.equal(sapFromScoreMatrix([[0.7, 0.2], [0.7, 0.1]]), (0 + 0.1) / 2, 'a tie at the top is a zero gap');
  assert.ok(Number.isNaN(sapFromScoreMatrix([[0.7, NaN], [0.2, 0.1]])), 'numpy sorts NaN last, so its column gap is NaN');
  assert.throws(() => sapFromScoreMatrix([[0.5, 0.4]]), /at least 2 code dimensions/);
});

for (const name of CASE_NAMES) {
  test(`${name}: SAP from the reference score matrices reproduces the reference scores (1e-9)`, () => {
    const reference = sapReference(name);
    if (reference.details.sap && reference.metrics.sap) {
      assertClose(sapFromScoreMatrix(reference.details.sap.score_matrix), reference.metrics.sap.SAP_score, 'SAP_score');
    }
    assertClose(
      sapFromScoreMatrix(reference.details.sap_continuous_factors_True.score_matrix),
      reference.variants.sap_continuous_factors_True.SAP_score,
      'continuous SAP_score',
    );
  });

  test(`${name}: continuous variant matches the reference score matrix and score (1e-9)`, () => {
    const { train, test: testRows } = splitCase(name);
    const reference = sapReference(name);
    const result = computeSap(train, testRows, { continuousFactors: true });
    assertMatrixClose(result.details.score_matrix, reference.details.sap_continuous_factors_True.score_matrix, 'score_matrix');
    assertClose(result.SAP_score, reference.variants.sap_continuous_factors_True.SAP_score, 'SAP_score');
  });
}

for (const name of CASES_WITH_SAP) {
  test(`${name}: discrete SAP (LinearSVC) matches the reference within the README tolerances`, (t) => {
    const { train, test: testRows } = splitCase(name);
    const reference = sapReference(name);
    const referenceMatrix = reference.details.sap?.score_matrix ?? [];
    const referenceScore = reference.metrics.sap?.SAP_score ?? NaN;
    const result = computeSap(train, testRows);
    assert.equal(result.details.score_matrix.length, train.numCodes);
    let largestEntryDeviation = 0;
    result.details.score_matrix.forEach((row, i) => {
      assert.equal(row.length, train.numFactors);
      row.forEach((score, j) => {
        const deviation = Math.abs(score - referenceMatrix[i][j]);
        largestEntryDeviation = Math.max(largestEntryDeviation, deviation);
        assert.ok(deviation <= entryTolerance(name, i), `score_matrix[${i}][${j}]: got ${score}, reference ${referenceMatrix[i][j]}`);
      });
    });
    const scoreDeviation = Math.abs(result.SAP_score - referenceScore);
    assert.ok(scoreDeviation <= (SAP_TOLERANCE[name] ?? 0.005), `SAP_score: got ${result.SAP_score}, reference ${referenceScore}`);
    t.diagnostic(`largest score-matrix deviation ${largestEntryDeviation}, SAP_score deviation ${scoreDeviation}`);
  });
}

test('const_factor: the discrete variant raises like the library, the continuous one gives NaN', () => {
  const { train, test: testRows } = splitCase('const_factor');
  assert.match(sapReference('const_factor').errors.sap, /at least 2 classes/);
  assert.throws(() => computeSap(train, testRows), /factor 1 is always 2.*at least 2 classes in the data, but the data contains only one class: 2/);
  const continuous = computeSap(train, testRows, { continuousFactors: true });
  assert.ok(Number.isNaN(continuous.SAP_score));
  continuous.details.score_matrix.forEach((row, i) => assert.ok(Number.isNaN(row[1]), `score_matrix[${i}][1] is NaN`));
});

test('a single code dimension is a clear error in both variants (the library raises IndexError)', () => {
  const table = tableFromRows([[0], [1], [0], [1], [0], [1]], [[0.1], [0.9], [0.2], [0.8], [0.1], [0.7]]);
  const { train, test: testRows } = splitTrainTest(table, 0.5);
  assert.throws(() => computeSap(train, testRows), /at least 2 code dimensions/);
  assert.throws(() => computeSap(train, testRows, { continuousFactors: true }), /at least 2 code dimensions/);
});

test('the per-entry functions are the matrix entries (what a worker thread would compute)', () => {
  const { train, test: testRows } = splitCase('medium_partial');
  const reference = sapReference('medium_partial');
  for (const [i, j] of [[0, 0], [2, 2], [7, 1]]) {
    const trainCode = codeColumn(train, i);
    const trainFactor = factorColumn(train, j);
    assert.equal(sapScoreEntry(trainCode, trainFactor, codeColumn(testRows, i), factorColumn(testRows, j)), reference.details.sap?.score_matrix[i][j]);
    assertClose(continuousSapScoreEntry(trainCode, trainFactor), reference.details.sap_continuous_factors_True.score_matrix[i][j], `continuous [${i}][${j}]`);
  }
  // A constant code scores 0 in the continuous variant instead of 0/0.
  assert.equal(continuousSapScoreEntry(new Float64Array(5).fill(-1.25), Int32Array.from([0, 1, 2, 0, 1])), 0);
});

test('large_uneven: timing of computeSap (discrete, the configured default)', (t) => {
  const { train, test: testRows } = splitCase('large_uneven');
  const timesMs: number[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    computeSap(train, testRows);
    timesMs.push(performance.now() - started);
  }
  t.diagnostic(`computeSap on large_uneven (2580 train / 286 test rows, D=7, K=4): ${timesMs.map((ms) => ms.toFixed(1)).join(', ')} ms`);
  assert.ok(Math.min(...timesMs) < 2000, `computeSap took ${Math.min(...timesMs).toFixed(0)} ms`);
});
