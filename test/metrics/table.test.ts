import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeColumn, factorColumn, tableFromRows } from '../../src/metrics/table.js';

test('tableFromRows lays rows out row-major and columns can be read back', () => {
  const table = tableFromRows(
    [
      [1, -2],
      [3, 4],
      [5, 6],
    ],
    [[0.5], [1.5], [2.5]],
  );
  assert.equal(table.n, 3);
  assert.equal(table.numFactors, 2);
  assert.equal(table.numCodes, 1);
  assert.deepEqual(Array.from(table.factors), [1, -2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(factorColumn(table, 1)), [-2, 4, 6]);
  assert.deepEqual(Array.from(codeColumn(table, 0)), [0.5, 1.5, 2.5]);
});

test('tableFromRows names the row or column that is wrong', () => {
  assert.throws(() => tableFromRows([[0], [1]], [[0]]), /factors has 2 rows but codes has 1/);
  assert.throws(() => tableFromRows([], []), /no rows/);
  assert.throws(() => tableFromRows([[0, 1], [2]], [[0], [0]]), /factors row 1 has 1 columns, expected 2/);
  assert.throws(() => tableFromRows([[0], [1]], [[0, 1], [2, 3, 4]]), /codes row 1 has 3 columns, expected 2/);
  assert.throws(() => tableFromRows([[0], [1.5]], [[0], [0]]), /factors\[1\]\[0\] = 1.5 is not a 32-bit integer/);
  assert.throws(() => tableFromRows([[0], [2 ** 31]], [[0], [0]]), /factors\[1\]\[0\]/);
  assert.throws(() => tableFromRows([[0], [1]], [[0], [NaN]]), /codes\[1\]\[0\] = NaN is not a finite number/);
  assert.throws(() => tableFromRows([[]], [[0]]), /at least one factor/);
});
