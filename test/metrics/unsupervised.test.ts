import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  codeCovariance, computeUnsupervised, gaussianTotalCorrelation, gaussianWassersteinCorrelation, logAbsDeterminant,
} from '../../src/metrics/unsupervised.js';
import { tableFromRows } from '../../src/metrics/table.js';
import { Rng } from '../../src/util/random.js';
import { CASE_NAMES, assertClose, assertMatrixClose, loadCase } from './reference.js';

/** The parts of `<case>.expected.json` these tests read beyond what reference.ts types. */
interface UnsupervisedReference {
  metrics: {
    unsupervised: {
      gaussian_total_correlation: number;
      gaussian_wasserstein_correlation: number;
      gaussian_wasserstein_correlation_norm: number;
      mutual_info_score: number;
    };
  };
  details: { unsupervised: { covariance: number[][]; code_code_mi_matrix: number[][]; wasserstein_imag_part: number } };
}

for (const name of CASE_NAMES) {
  test(`${name}: total correlation, Wasserstein correlation, MI score, covariance and MI matrix match the reference`, () => {
    const { table, expected } = loadCase(name);
    const reference = expected as unknown as UnsupervisedReference;
    const values = reference.metrics.unsupervised;
    const details = reference.details.unsupervised;
    const result = computeUnsupervised(table);

    assertMatrixClose(result.details.covariance, details.covariance, 'covariance');
    assertMatrixClose(result.details.code_code_mi_matrix, details.code_code_mi_matrix, 'code_code_mi_matrix');
    assertClose(result.gaussian_total_correlation, values.gaussian_total_correlation, 'gaussian_total_correlation');
    assertClose(result.mutual_info_score, values.mutual_info_score, 'mutual_info_score');
    // The square root of a (near-)singular matrix is ill-conditioned: the reference README's bound.
    const traceOfCovariance = details.covariance.reduce((sum, row, i) => sum + row[i], 0);
    const wassersteinError = Math.abs(result.gaussian_wasserstein_correlation - values.gaussian_wasserstein_correlation);
    assert.ok(wassersteinError <= 1e-8 * traceOfCovariance, `gaussian_wasserstein_correlation off by ${wassersteinError}`);
    const normError = Math.abs(result.gaussian_wasserstein_correlation_norm - values.gaussian_wasserstein_correlation_norm);
    assert.ok(normError <= 1e-8, `gaussian_wasserstein_correlation_norm off by ${normError}`);
    assert.equal(result.details.wasserstein_imag_part, details.wasserstein_imag_part);
  });
}

test('collapsed_code: the constant code makes the total correlation NaN but leaves the Wasserstein correlation finite', () => {
  const result = computeUnsupervised(loadCase('collapsed_code').table);
  assert.ok(Number.isNaN(result.gaussian_total_correlation));
  assert.ok(Number.isFinite(result.gaussian_wasserstein_correlation));
});

test('closed form, 2 x 2 [[a, b], [b, a]]: TC = 0.5 log(a^2 / (a^2 - b^2)), W = 4a - 2 (sqrt(a(a+b)) + sqrt(a(a-b)))', () => {
  for (const [a, b] of [[2, 1], [1, -0.999], [1e-4, 3e-5], [5, 0]]) {
    const covariance = [a, b, b, a];
    assertClose(gaussianTotalCorrelation(covariance, 2), 0.5 * Math.log((a * a) / (a * a - b * b)), `TC(${a}, ${b})`, 1e-12);
    const expected = 4 * a - 2 * (Math.sqrt(a * (a + b)) + Math.sqrt(a * (a - b)));
    assert.ok(Math.abs(gaussianWassersteinCorrelation(covariance, 2) - expected) <= 1e-14 * 2 * a, `W(${a}, ${b})`);
  }
});

test('closed form: a diagonal covariance has no correlation of either kind', () => {
  const covariance = [4, 0, 0, 0, 0.25, 0, 0, 0, 9e6];
  assert.equal(gaussianTotalCorrelation(covariance, 3), 0);
  assert.equal(gaussianWassersteinCorrelation(covariance, 3), 0);
});

test('closed form: perfectly correlated codes (rank one) have W = 2 tr S - 2 sqrt(sum_i S_ii^2), and infinite TC', () => {
  // S = v v^T: T = diag(s) S diag(s) = w w^T with w_i = v_i |v_i|, whose one eigenvalue is |w|^2.
  const v = [1, -2, 3];
  const covariance = v.flatMap((x) => v.map((y) => x * y));
  const expected = 2 * (1 + 4 + 9) - 2 * Math.sqrt(1 + 16 + 81);
  assert.ok(Math.abs(gaussianWassersteinCorrelation(covariance, 3) - expected) < 1e-12);
  assert.equal(gaussianTotalCorrelation([1, 1, 1, 1], 2), Infinity);
});

test('logAbsDeterminant pivots like LAPACK and gives -Infinity for a zero column', () => {
  assert.equal(logAbsDeterminant([0, 1, 1, 0], 2), 0);
  assertClose(logAbsDeterminant([1, 2, 3, 4, 5, 6, 7, 8, 10], 3), Math.log(3), 'log|det|', 1e-14);
  assert.equal(logAbsDeterminant([1, 0, 0, 0, 0, 0, 0, 0, 1], 3), -Infinity);
});

test('codeCovariance is np.cov of the codes (ddof 1)', () => {
  const codes = [1, 2, 3, 5, 6, 4];
  // Columns (1, 3, 6) and (2, 5, 4): means 10/3 and 11/3.
  const covariance = codeCovariance(codes, 3, 2);
  assertClose(covariance[0], ((7 / 3) ** 2 + (1 / 3) ** 2 + (8 / 3) ** 2) / 2, 'var 0', 1e-15);
  assertClose(covariance[1], ((-7 / 3) * (-5 / 3) + (-1 / 3) * (4 / 3) + (8 / 3) * (1 / 3)) / 2, 'cov', 1e-15);
  assert.equal(covariance[1], covariance[2]);
});

test('independent codes score near 0 and a copied code raises the MI score', () => {
  const rng = Rng.fromSeed(7);
  const rows = Array.from({ length: 4000 }, () => [rng.normal(), rng.normal()]);
  const factors = rows.map(() => [0]);
  const independent = computeUnsupervised(tableFromRows(factors, rows));
  assert.ok(Math.abs(independent.gaussian_total_correlation) < 0.01);
  assert.ok(Math.abs(independent.gaussian_wasserstein_correlation_norm) < 0.01);
  const copied = computeUnsupervised(tableFromRows(factors, rows.map(([a]) => [a, 2 * a + 1])));
  assert.ok(copied.mutual_info_score > 10 * independent.mutual_info_score);
});

test('a single code: the MI score is 0/0 = NaN, as in the library', () => {
  const result = computeUnsupervised(tableFromRows([[0], [1], [2]], [[0.1], [0.5], [0.2]]));
  assert.ok(Number.isNaN(result.mutual_info_score));
  assert.equal(result.gaussian_total_correlation, 0);
});

test('the unsupervised metrics on large_uneven take well under a second', () => {
  const { table } = loadCase('large_uneven');
  const started = performance.now();
  computeUnsupervised(table);
  const elapsedMs = performance.now() - started;
  assert.ok(elapsedMs < 1000, `unsupervised metrics took ${elapsedMs.toFixed(0)} ms`);
});
