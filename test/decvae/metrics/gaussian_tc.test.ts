import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussianTotalCorrelation } from '../../../src/decvae/metrics/gaussian_tc.js';
import { fixtureTable } from './fixture.js';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

// Four points whose two columns have zero mean, equal sample variance 4/3 (ddof 1) and zero covariance.
const X = [1, 1, -1, -1];
const E = [1, -1, 1, -1];
function rows(columns: number[][]): Float64Array {
  return Float64Array.from(columns[0].flatMap((_, r) => columns.map((column) => column[r])));
}

test('independent dimensions have zero total correlation', () => {
  const { total_correlation } = gaussianTotalCorrelation(rows([X, E]), 4, 2);
  close(total_correlation, 0, 1e-15, 'TC');
});

test('a 2-D Gaussian with sample correlation rho has TC = -0.5 log(1 - rho^2)', () => {
  for (const rho of [0.3, -0.6, 0.95]) {
    const y = X.map((x, r) => rho * x + Math.sqrt(1 - rho * rho) * E[r]);
    const { total_correlation, total_correlation_normalised } = gaussianTotalCorrelation(rows([X, y]), 4, 2);
    const expected = -0.5 * Math.log(1 - rho * rho);
    close(total_correlation, expected, 1e-12, `TC at rho=${rho}`);
    // np.cov uses ddof = 1: both variances are 4/3 (ddof 0 would give 1, and |log(1 + 1e-8)| ~ 1e-8).
    close(total_correlation_normalised, expected / (2 * Math.abs(Math.log(4 / 3 + 1e-8))), 1e-12, `TC_norm at rho=${rho}`);
  }
});

test('TC and TC_norm of the fixture match numpy', () => {
  // cov = np.cov(mu)  (mu: 4 x 60, see fixture.ts)
  // tc = 0.5 * (np.sum(np.log(np.diag(cov))) - np.linalg.slogdet(cov)[1])
  // tc / (4 * abs(np.log(np.mean(np.diag(cov)) + 1e-8)))
  const table = fixtureTable();
  const result = gaussianTotalCorrelation(table.codes, table.n, table.numCodes);
  close(result.total_correlation, 0.47136221564798664, 1e-13, 'TC');
  close(result.total_correlation_normalised, 0.1733396708671518, 1e-13, 'TC_norm');
});

test('a duplicated dimension makes the covariance singular: TC is +Infinity, as numpy gives', () => {
  assert.equal(gaussianTotalCorrelation(rows([X, E, X]), 4, 3).total_correlation, Infinity);
});

test('shape errors are reported', () => {
  assert.throws(() => gaussianTotalCorrelation(new Float64Array(2), 1, 2), /at least 2 points/);
  assert.throws(() => gaussianTotalCorrelation(new Float64Array(5), 2, 2), /do not form/);
});
