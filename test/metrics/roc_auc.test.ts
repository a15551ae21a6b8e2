import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryRocAuc, macroRocAuc, oneVsRestRocAuc } from '../../src/metrics/estimators/roc_auc.js';
import { MT19937 } from '../../src/util/mt19937.js';

test('binary ROC-AUC: separated, reversed and the scikit-learn documentation example', () => {
  assert.equal(binaryRocAuc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]), 1);
  assert.equal(binaryRocAuc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4]), 0);
  // Positives 0.35 and 0.8, negatives 0.1 and 0.4: 3 of the 4 pairs are ordered correctly.
  assert.equal(binaryRocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75);
  assert.equal(binaryRocAuc([false, false, true, true], [0.1, 0.4, 0.35, 0.8]), 0.75);
});

test('binary ROC-AUC: tied scores count 1/2 per (positive, negative) pair', () => {
  // Positives 0.5, 0.9, 0.1; negatives 0.5, 0.1. Pairs: 0.5 (tie, 1) -> 1.5, 0.9 -> 2, 0.1 (0, tie) -> 0.5; 4 of 6.
  assert.equal(binaryRocAuc([1, 0, 1, 0, 1], [0.5, 0.5, 0.9, 0.1, 0.1]), 4 / 6);
  assert.equal(binaryRocAuc([1, 0, 1, 0], [0.3, 0.3, 0.3, 0.3]), 0.5);
  // A tie block between strictly ordered scores: positive 3 beats all 3 negatives; each positive 2
  // ties two negatives (1/2 each) and beats the 1: 3 + 2 + 2 of 9 pairs.
  assert.equal(binaryRocAuc([1, 1, 0, 1, 0, 0], [3, 2, 2, 2, 2, 1]), 7 / 9);
});

test('binary ROC-AUC equals the Mann-Whitney count on random integer scores with many ties', () => {
  const random = new MT19937(5);
  for (let trial = 0; trial < 20; trial++) {
    const n = 50 + random.randint(100);
    const labels = Array.from({ length: n }, () => random.randint(2));
    labels[0] = 0;
    labels[1] = 1;
    const scores = Array.from({ length: n }, () => random.randint(6));
    let doubledWins = 0;
    let pairs = 0;
    for (let a = 0; a < n; a++) {
      if (!labels[a]) continue;
      for (let b = 0; b < n; b++) {
        if (labels[b]) continue;
        pairs++;
        doubledWins += scores[a] > scores[b] ? 2 : scores[a] === scores[b] ? 1 : 0;
      }
    }
    assert.equal(binaryRocAuc(labels, scores), doubledWins / (2 * pairs));
  }
});

test('binary ROC-AUC is undefined with a single class or non-finite scores', () => {
  assert.throws(() => binaryRocAuc([1, 1, 1], [0.1, 0.2, 0.3]), /Only one class present/);
  assert.throws(() => binaryRocAuc([0, 0], [0.1, 0.2]), /Only one class present/);
  assert.throws(() => binaryRocAuc([0, 1], [0.1, NaN]), /finite/);
});

test('macro ROC-AUC is the unweighted mean over indicator columns', () => {
  // 3 classes, 6 rows; per-column AUCs worked out by hand.
  const indicator = [
    1, 0, 0,
    0, 1, 0,
    0, 0, 1,
    1, 0, 0,
    0, 1, 0,
    0, 0, 1,
  ];
  const scores = [
    0.7, 0.2, 0.1,
    0.4, 0.3, 0.3,
    0.1, 0.8, 0.1,
    0.2, 0.3, 0.5,
    0.4, 0.4, 0.2,
    0.1, 0.2, 0.7,
  ];
  // Column 0: positives 0.7, 0.2 vs negatives 0.4, 0.1, 0.4, 0.1 -> (4 + 2) / 8.
  // Column 1: positives 0.3, 0.4 vs 0.2, 0.8, 0.3, 0.2 -> (2.5 + 3) / 8.
  // Column 2: positives 0.1, 0.7 vs 0.1, 0.3, 0.5, 0.2 -> (0.5 + 4) / 8.
  const expected = (6 / 8 + 5.5 / 8 + 4.5 / 8) / 3;
  assert.ok(Math.abs(macroRocAuc(indicator, scores, 6, 3) - expected) <= 1e-15);
});

test('one-vs-rest ROC-AUC: indicator columns are the sorted labels; two classes give the same AUC twice', () => {
  const labels = Int32Array.from([7, -1, 7, -1, 7]);
  const positive = [0.9, 0.2, 0.6, 0.7, 0.4];
  const probabilities = Float64Array.from(positive.flatMap((p) => [1 - p, p]));
  const expected = binaryRocAuc([1, 0, 1, 0, 1], positive);
  assert.equal(oneVsRestRocAuc(labels, Int32Array.from([-1, 7]), probabilities), expected);
});

test('one-vs-rest ROC-AUC refuses a set whose classes differ from the classifier\'s', () => {
  const probabilities = Float64Array.from([0.5, 0.3, 0.2, 0.1, 0.6, 0.3]);
  // The library raises when a class is missing (fewer indicator columns than probability columns).
  assert.throws(() => oneVsRestRocAuc(Int32Array.from([0, 1]), Int32Array.from([0, 1, 2]), probabilities), /the labels lack class 2 of the training set;/);
  // An unseen class would pair unrelated columns.
  assert.throws(() => oneVsRestRocAuc(Int32Array.from([0, 3]), Int32Array.from([0, 1, 2]), probabilities), /lack class 1, 2 of the training set and have class 3 the classifier never saw/);
});
