import { test } from 'node:test';
import assert from 'node:assert/strict';
import { histogramDiscretize, histogramEdges } from '../../src/metrics/discretize.js';
import { codeColumn } from '../../src/metrics/table.js';
import { CASE_NAMES, loadCase } from './reference.js';

test('0.85 over [0, 1] lands in bin 17: the computed edge 17 * 0.05 is 0.8500000000000001', () => {
  const values = [0, 0.85, 1];
  const edges = histogramEdges(values);
  assert.equal(edges[17], 17 * 0.05);
  assert.ok(edges[17] > 0.85);
  assert.deepEqual(Array.from(histogramDiscretize(values)), [1, 17, 20]);
});

test('a value on an interior edge goes to the upper bin and the maximum to the last bin', () => {
  // Over [0, 1] with 20 bins, edge 2 is exactly 2 * 0.05 = 0.1 and edge 10 is exactly 0.5.
  assert.deepEqual(Array.from(histogramDiscretize([0, 0.1, 0.5, 0.49, 1])), [1, 3, 11, 10, 20]);
  assert.deepEqual(Array.from(histogramDiscretize([0, 1, 2, 3, 4], 4)), [1, 2, 3, 4, 4]);
});

test('edges are k * step + lo, not floor((x - lo) / step): the spec\'s [-1, 1] values', () => {
  const values = [-1, -0.9, -0.8, -0.2, -0.1, 0.1, 0.3, 0.6, 0.7, 1];
  const bins = histogramDiscretize(values);
  const step = 2 / 20;
  values.forEach((v, i) => {
    let expected = 0;
    for (let k = 0; k < 20; k++) if (k * step + -1 <= v) expected++;
    assert.equal(bins[i], expected, `bin of ${v}`);
  });
  // The spec lists these as the values where dividing by the step would disagree.
  const naive = values.map((v) => Math.min(20, Math.floor((v + 1) / step) + 1));
  const differing = values.filter((_, i) => naive[i] !== bins[i]);
  assert.deepEqual(differing, [-0.9, -0.8, -0.2, -0.1, 0.1, 0.3, 0.6, 0.7]);
});

test('a constant row is widened by 0.5 on each side and falls in a single bin', () => {
  const edges = histogramEdges([3, 3, 3], 4);
  assert.deepEqual(Array.from(edges), [2.5, 2.75, 3, 3.25, 3.5]);
  assert.deepEqual(Array.from(histogramDiscretize([3, 3, 3], 4)), [3, 3, 3]);
});

test('non-finite values are rejected as numpy rejects them', () => {
  assert.throws(() => histogramDiscretize([0, NaN, 1]), RangeError);
  assert.throws(() => histogramDiscretize([0, Infinity]), RangeError);
  assert.throws(() => histogramDiscretize([0, 1], 0), RangeError);
});

for (const name of CASE_NAMES) {
  test(`${name}: edges and bin ids of every code over all rows and over the train rows match the reference`, () => {
    const { table, expected } = loadCase(name);
    const nTrain = expected.debug.code_bins_train_rows.bin_ids[0].length;
    for (let i = 0; i < table.numCodes; i++) {
      const column = codeColumn(table, i);
      assert.deepEqual(Array.from(histogramEdges(column)), expected.debug.code_bins_all_rows.edges[i], `edges of code ${i}`);
      assert.deepEqual(Array.from(histogramDiscretize(column)), expected.debug.code_bins_all_rows.bin_ids[i], `bins of code ${i}`);
      const trainColumn = column.subarray(0, nTrain);
      assert.deepEqual(Array.from(histogramEdges(trainColumn)), expected.debug.code_bins_train_rows.edges[i], `train edges of code ${i}`);
      assert.deepEqual(Array.from(histogramDiscretize(trainColumn)), expected.debug.code_bins_train_rows.bin_ids[i], `train bins of code ${i}`);
    }
  });
}
