import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extremeDimensions } from '../../src/decvae/traversal.js';

test('the response analysis keeps the 7 most varied dimensions, then the 3 least varied, the least first', () => {
  const variances = [0.5, 9, 0.01, 3, 7, 0.2, 5, 8, 0.02, 6, 4, 0.3];
  assert.deepEqual(extremeDimensions(variances), [1, 7, 4, 9, 6, 10, 3, 2, 8, 5]);
  assert.deepEqual(extremeDimensions([1, 1, 1, 1], 2, 1), [0, 1, 3], 'ties go by index');
});
