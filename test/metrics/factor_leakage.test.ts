import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeFactorLeakage } from '../../src/metrics/factor_leakage.js';
import { tableFromRows } from '../../src/metrics/table.js';
import { assertClose } from './reference.js';

/**
 * Every combination of a in {0, 1} and b in {0, 1, 2}, twice: on this exactly balanced sample a
 * and b are independent, so a code that is a function of one factor has exactly 0 information
 * about the other.
 */
function balancedTable(codesOf: (a: number, b: number) => number[]) {
  const factors: number[][] = [];
  const codes: number[][] = [];
  for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) for (let rep = 0; rep < 2; rep++) {
    factors.push([a, b]);
    codes.push(codesOf(a, b));
  }
  return tableFromRows(factors, codes);
}

test('codes that copy the factors one to one leak nothing', () => {
  const result = computeFactorLeakage(balancedTable((a, b) => [a, b]));
  assertClose(result.details.mi_matrix[0][0], Math.log(2), 'MI(code 0, a)', 1e-12);
  assertClose(result.details.mi_matrix[1][1], Math.log(3), 'MI(code 1, b)', 1e-12);
  assert.equal(result.factor_leakage_mean, 0);
  assert.deepEqual(result.details.leakage_per_factor, [0, 0]);
});

test('a code that copies a factor already captured leaks all of it; a coarsened copy leaks its entropy', () => {
  // Codes: a, b, a again, and b with its values 1 and 2 merged. The columns sorted descending:
  // a: [ln 2, ln 2, 0, 0] and b: [ln 3, H(1/3, 2/3), 0, 0]; every entry but the top one of each
  // column leaks, so the mean is (ln 2 + H(1/3, 2/3)) / 6.
  const coarseEntropy = -(1 / 3) * Math.log(1 / 3) - (2 / 3) * Math.log(2 / 3);
  const result = computeFactorLeakage(balancedTable((a, b) => [a, b, a, Math.min(b, 1)]));
  assertClose(result.details.mi_matrix[3][1], coarseEntropy, 'MI(coarse b, b)', 1e-12);
  assertClose(result.factor_leakage_mean, (Math.log(2) + coarseEntropy) / 6, 'factor leakage', 1e-12);
  assertClose(result.details.leakage_per_factor[0], Math.log(2) / 3, 'leakage of a', 1e-12);
  assertClose(result.details.leakage_per_factor[1], coarseEntropy / 3, 'leakage of b', 1e-12);
});

test('the information is raw nats, not divided by the factor entropy as MIG does', () => {
  // The second copy of the 3-valued factor leaks ln 3 = 1.0986, more than a score normalised by
  // the factor's entropy could reach.
  const result = computeFactorLeakage(balancedTable((a, b) => [a, b, b]));
  assertClose(result.factor_leakage_mean, Math.log(3) / 4, 'factor leakage', 1e-12);
});

test('with a single code nothing is left after the top one: NaN, as numpy\'s mean of nothing', () => {
  const result = computeFactorLeakage(balancedTable((a) => [a]));
  assert.ok(Number.isNaN(result.factor_leakage_mean));
});
