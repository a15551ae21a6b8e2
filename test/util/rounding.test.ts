import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roundHalfEven } from '../../src/util/rounding.js';

test("Python's round: halves go to the even neighbour, everything else to the nearest integer", () => {
  assert.deepEqual([0.5, 1.5, 2.5, 4.8, -0.5, -1.5, -2.5, 2.4999, 3].map(roundHalfEven), [0, 2, 2, 5, 0, -2, -2, 2, 3]);
});
