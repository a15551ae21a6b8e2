import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fitStandardScaler,
  gridSearchBestIndex,
  stratifiedKFold,
  stratifiedShuffleSplit,
  takeRows,
  withStandardScaler,
  type Fitter,
} from '../../src/metrics/cross_validation.js';
import { Rng } from '../../src/util/random.js';

const labels = Int32Array.from([2, 0, 2, 1, 0, 2, 2, 1, 0, 2, 1, 2, 0, 2]);
const classCounts = (indices: Int32Array): number[] => [0, 1, 2].map((c) => indices.filter((i) => labels[i] === c).length);

test('unshuffled stratified folds equal sklearn\'s', () => {
  // /usr/bin/python3, sklearn 1.2.1: [t for _, t in StratifiedKFold(3).split(np.zeros(14), y)]
  const folds = stratifiedKFold(labels, 3);
  assert.deepEqual(folds.map((f) => Array.from(f.test)), [[0, 1, 2, 3, 5], [4, 6, 7, 8, 9], [10, 11, 12, 13]]);
});

test('shuffled stratified folds partition the data and keep class proportions', () => {
  const many = Int32Array.from({ length: 103 }, (_, i) => (i * 7) % 5 === 0 ? 3 : i % 2);
  for (let seed = 0; seed < 3; seed++) {
    const folds = stratifiedKFold(many, 5, Rng.fromSeed(seed));
    const seen = new Int32Array(many.length);
    for (const { train, test } of folds) {
      test.forEach((i) => seen[i]++);
      assert.equal(train.length + test.length, many.length);
      assert.ok(train.every((i) => !test.includes(i)));
      for (const label of [0, 1, 3]) {
        const total = many.filter((l) => l === label).length;
        const inTest = test.filter((i) => many[i] === label).length;
        assert.ok(Math.abs(inTest - total / 5) < 1, `class ${label}: ${inTest} of ${total} in a fold`);
      }
    }
    assert.ok(seen.every((count) => count === 1));
  }
  const a = stratifiedKFold(many, 5, Rng.fromSeed(1)).map((f) => Array.from(f.test));
  const b = stratifiedKFold(many, 5, Rng.fromSeed(2)).map((f) => Array.from(f.test));
  assert.notDeepEqual(a, b);
});

test('stratified shuffle split has sklearn\'s sizes and class counts', () => {
  // StratifiedShuffleSplit(1, test_size=0.2).split(...): 11 train / 3 test,
  // train class counts [3, 2, 6], test [1, 1, 1] (remainders are unique here, so no random ties).
  const { train, test } = stratifiedShuffleSplit(labels, 0.2, Rng.fromSeed(4));
  assert.equal(train.length, 11);
  assert.equal(test.length, 3);
  assert.deepEqual(classCounts(train), [3, 2, 6]);
  assert.deepEqual(classCounts(test), [1, 1, 1]);
  assert.ok(train.every((i) => !test.includes(i)));
  assert.throws(() => stratifiedShuffleSplit(Int32Array.from([0, 0, 1]), 0.2, Rng.fromSeed(0)), /at least 2 samples/);
});

test('StandardScaler uses the population std and leaves constant features unscaled', () => {
  const x = Float64Array.from([1, 5, 2, 5, 3, 5, 6, 5]);
  const scaler = fitStandardScaler(x, 4, 2);
  // mean 3, population variance (4 + 1 + 0 + 9) / 4 = 3.5
  assert.deepEqual(Array.from(scaler.mean), [3, 5]);
  assert.ok(Math.abs(scaler.scale[0] - Math.sqrt(3.5)) < 1e-15);
  assert.equal(scaler.scale[1], 1);
  const out = scaler.transform(Float64Array.from([3 + Math.sqrt(3.5), 7]), 1);
  assert.ok(Math.abs(out[0] - 1) < 1e-15);
  assert.equal(out[1], 2);
});

test('grid search picks the candidate with the best CV accuracy; the pipeline scales first', () => {
  const n = 30;
  const y = Int32Array.from({ length: n }, (_, i) => i % 2);
  const x = Float64Array.from(y, (label, i) => 1000 + label * 10 + (i % 5));
  const threshold = (cut: number): Fitter => () => (input, count) => Int32Array.from({ length: count }, (_, r) => (input[r] > cut ? 1 : 0));
  // After standardisation the classes sit either side of 0, so a cut at 1000 predicts one class
  // (accuracy 1/2) while a cut at 0 is perfect; the raw cut at 1009.5 ties with it and loses (first wins).
  const candidates = [withStandardScaler(threshold(1000)), withStandardScaler(threshold(0)), threshold(1009.5)];
  assert.equal(gridSearchBestIndex(candidates, x, n, 1, y), 1);
  assert.equal(gridSearchBestIndex([threshold(1e9)], x, n, 1, y), 0);
  assert.deepEqual(Array.from(takeRows(Float64Array.from([1, 2, 3, 4, 5, 6]), 2, Int32Array.from([2, 0]))), [5, 6, 1, 2]);
});

test('stratified split: per-class counts follow scikit-learn`s StratifiedShuffleSplit', () => {
  // y = [0]*10 + [1]*7 + [2]*13 + [3]*5; StratifiedShuffleSplit(1, test_size=0.2, train_size=0.8)
  // gives train counts [8, 6, 10, 4] (28 rows) and test counts [2, 1, 3, 1] (7 rows).
  const labels = Int32Array.from([...Array(10).fill(0), ...Array(7).fill(1), ...Array(13).fill(2), ...Array(5).fill(3)]);
  const countsOf = (rows: Int32Array) => [0, 1, 2, 3].map((c) => rows.filter((r) => labels[r] === c).length);
  for (const seed of [1, 2, 3]) {
    const { train, test: testRows } = stratifiedShuffleSplit(labels, 0.2, Rng.fromSeed(seed));
    assert.deepEqual(countsOf(train), [8, 6, 10, 4]);
    assert.deepEqual(countsOf(testRows), [2, 1, 3, 1]);
    assert.equal(new Set([...train, ...testRows]).size, 35);
  }
  const again = (seed: number) => Array.from(stratifiedShuffleSplit(labels, 0.2, Rng.fromSeed(seed)).test);
  assert.deepEqual(again(5), again(5));
  assert.notDeepEqual(again(5), again(6));
  assert.throws(() => stratifiedShuffleSplit(Int32Array.from([0, 0, 1]), 0.2, Rng.fromSeed(0)), /at least 2 samples/);
});
