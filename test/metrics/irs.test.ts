import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeIrs, numpyPercentile } from '../../src/metrics/irs.js';
import { histogramDiscretize } from '../../src/metrics/discretize.js';
import { factorColumn, tableFromRows } from '../../src/metrics/table.js';
import { CASE_NAMES, assertAllClose, assertClose, assertMatrixClose, loadCase } from './reference.js';

/** The parts of `<case>.expected.json` these tests read beyond what reference.ts types. */
interface IrsReference {
  metrics: { irs: { IRS: number; num_active_dims: number; num_active_dims_library_literal: number } };
  details: {
    irs: { irs_matrix_active_codes_x_factors: number[][]; disentanglement_scores: number[]; max_deviations: number[]; parents: number[] };
  };
  debug: { irs_factor_bin_ids_all_rows: number[][] };
}

for (const name of CASE_NAMES) {
  test(`${name}: IRS, active dims, IRS matrix, scores, max deviations and parents match the reference`, () => {
    const { table, expected } = loadCase(name);
    const reference = expected as unknown as IrsReference;
    const result = computeIrs(table);
    assertClose(result.IRS, reference.metrics.irs.IRS, 'IRS');
    assert.equal(result.num_active_dims, reference.metrics.irs.num_active_dims);
    assertClose(result.num_active_dims_library_literal, reference.metrics.irs.num_active_dims_library_literal, 'num_active_dims_library_literal');
    const details = reference.details.irs;
    assertMatrixClose(result.details.irs_matrix_active_codes_x_factors, details.irs_matrix_active_codes_x_factors, 'irs_matrix');
    assertAllClose(result.details.disentanglement_scores, details.disentanglement_scores, 'disentanglement_scores');
    assertAllClose(result.details.max_deviations, details.max_deviations, 'max_deviations');
    assert.deepEqual(result.details.parents, details.parents);
  });

  test(`${name}: the factor discretisation IRS groups by is the reference's`, () => {
    const { table, expected } = loadCase(name);
    const bins = (expected as unknown as IrsReference).debug.irs_factor_bin_ids_all_rows;
    bins.forEach((row, j) => assert.deepEqual(Array.from(histogramDiscretize(factorColumn(table, j))), row, `factor ${j}`));
  });
}

test('collapsed_code: the constant code is dropped, and the library literal is the sum of the active codes', () => {
  const { table } = loadCase('collapsed_code');
  const result = computeIrs(table);
  assert.equal(result.num_active_dims, 3);
  assert.equal(result.details.max_deviations.length, 3);
  let sum = 0;
  for (let r = 0; r < table.n; r++) for (const i of [0, 2, 3]) sum += table.codes[r * table.numCodes + i];
  assertClose(result.num_active_dims_library_literal, sum, 'literal', 1e-12);
});

test('numpyPercentile reproduces np.percentile (linear) including its upper-neighbour interpolation', () => {
  // Values printed by numpy: np.percentile(a, 99).
  assert.equal(numpyPercentile(Float64Array.from([1, 2, 3, 4]), 0.99), 3.9699999999999998);
  assert.equal(numpyPercentile(Float64Array.from([0.1, 0.7, 0.2]), 0.99), 0.69);
  assert.equal(numpyPercentile(Float64Array.from([5]), 0.99), 5);
  assert.equal(numpyPercentile(Float64Array.from({ length: 101 }, (_, i) => i * 0.1), 0.99), 9.9);
  assert.equal(numpyPercentile(Float64Array.from([0.3, 0.1, 0.2, 0.9, 0.5, 0.4]), 0.99), 0.8800000000000001);
  // Here interpolating up from the lower neighbour would give ...0323: numpy comes down from the upper one.
  const sixValues = [0.004061756187274524, 0.00828085758964947, 0.019402745490079323, 0.03527434156964051, 0.04267211437302411, 0.05198330743342318];
  assert.equal(numpyPercentile(Float64Array.from(sixValues), 0.99), 0.051517747780403224);
  assert.equal(numpyPercentile(Float64Array.from([3, 1, 2]), 1), 3);
  assert.equal(numpyPercentile(Float64Array.from([3, 1, 2]), 0), 1);
});

test('codes that copy distinct factors give IRS 1 with each code parented by its factor', () => {
  const factors: number[][] = [];
  const codes: number[][] = [];
  for (let a = 0; a < 3; a++) for (let b = 0; b < 4; b++) for (let rep = 0; rep < 3; rep++) {
    factors.push([a, b]);
    codes.push([b * 0.5, a - 1]);
  }
  const result = computeIrs(tableFromRows(factors, codes));
  assert.equal(result.IRS, 1);
  assert.deepEqual(result.details.parents, [1, 0]);
  assert.deepEqual(result.details.disentanglement_scores, [1, 1]);
});

test('a code of pure within-group noise scores 0 against a factor that never moves it', () => {
  // Code 0 alternates -1/+1 inside every group of both factors: every group's deviations are all
  // 1 = the largest deviation, so IRS_matrix = 1 - 1/1 = 0 everywhere.
  const factors: number[][] = [];
  const codes: number[][] = [];
  for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) for (const noise of [-1, 1]) {
    factors.push([a, b]);
    codes.push([noise]);
  }
  const result = computeIrs(tableFromRows(factors, codes));
  assert.deepEqual(result.details.irs_matrix_active_codes_x_factors, [[0, 0]]);
  assert.equal(result.IRS, 0);
  assert.equal(result.num_active_dims_library_literal, 0);
});

test('only constant codes: IRS 0 and no active dims, as the library', () => {
  const result = computeIrs(tableFromRows([[0], [1], [2]], [[4, -1], [4, -1], [4, -1]]));
  assert.equal(result.IRS, 0);
  assert.equal(result.num_active_dims, 0);
  assert.deepEqual(result.details.parents, []);
});

test('diffQuantile 1 (the paper version) uses the largest within-group deviation', () => {
  const factors = [[0], [0], [0], [1], [1], [1]];
  const codes = [[0], [1], [5], [10], [10], [10]];
  // Overall mean 6: largest deviation 6. Group 0 mean 2: deviations 2, 1, 3 -> max 3; group 1: 0.
  const result = computeIrs(tableFromRows(factors, codes), { diffQuantile: 1 });
  assertClose(result.details.irs_matrix_active_codes_x_factors[0][0], 1 - 1.5 / 6, 'IRS matrix', 1e-15);
});

test('IRS on large_uneven takes well under a second', () => {
  const { table } = loadCase('large_uneven');
  const started = performance.now();
  computeIrs(table);
  const elapsedMs = performance.now() - started;
  assert.ok(elapsedMs < 1000, `IRS took ${elapsedMs.toFixed(0)} ms`);
});
