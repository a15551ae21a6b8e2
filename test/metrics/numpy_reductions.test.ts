import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnVariances, pairwiseMean, pairwiseSum } from '../../src/metrics/numpy_reductions.js';

test('pairwiseSum adds in numpy\'s order, not left to right', () => {
  // numpy: ((1e16 + 1) + (1 + 1)) + ((1 + 1) + (1 + 1)), then + 1. 1e16 + 1 rounds back to 1e16
  // (the spacing there is 2), adding 2 and 4 is exact, and 1e16 + 7 rounds to even, 1e16 + 8.
  // np.sum gives 1.0000000000000008e16; a left-to-right sum loses every 1 and stays at 1e16.
  const values = [1e16, 1, 1, 1, 1, 1, 1, 1, 1];
  assert.equal(pairwiseSum(values), 1.0000000000000008e16);
  assert.equal(values.reduce((a, b) => a + b, 0), 1e16);
  // Ten copies of 0.1: numpy gives exactly 1.0, left to right gives 0.9999999999999999.
  assert.equal(pairwiseSum(new Array(10).fill(0.1)), 1);
  assert.equal(pairwiseMean([1, 2, 3, 4]), 2.5);
});

test('pairwiseSum of long inputs (recursive blocks) is exact on integers', () => {
  const values = Array.from({ length: 1000 }, (_, i) => i);
  assert.equal(pairwiseSum(values), (999 * 1000) / 2);
  assert.equal(pairwiseSum(values, 10, 5), 10 + 11 + 12 + 13 + 14);
});

test('columnVariances matches np.var(axis=0, ddof) on a small matrix', () => {
  const matrix = [1, 10, 2, 20, 3, 30, 4, 40];
  assert.deepEqual(Array.from(columnVariances(matrix, 4, 2, 1)), [5 / 3, 500 / 3]);
  assert.deepEqual(Array.from(columnVariances(matrix, 4, 2, 0)), [1.25, 125]);
  assert.deepEqual(Array.from(columnVariances([1, 2, 3, 4], 4, 1, 1)), [5 / 3]);
  assert.ok(Number.isNaN(columnVariances([7, 8], 1, 2, 1)[0]), 'one row with ddof=1 is 0/0');
  assert.throws(() => columnVariances([1, 2, 3], 2, 2, 1), RangeError);
});
