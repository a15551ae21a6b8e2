import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyScore, macroF1, perLabelF1, weightedF1 } from '../../src/metrics/estimators/classification_scores.js';

const close = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} vs ${expected}`);

test('accuracy and F1 scores match sklearn, including a label only the predictions contain', () => {
  const truth = Int32Array.from([0, 0, 1, 1, 1, 2, 2, 2, 2, 3]);
  const predicted = Int32Array.from([0, 1, 1, 1, 2, 2, 2, 0, 4, 3]);
  // /usr/bin/python3, sklearn 1.2.1: accuracy_score(t, p), f1_score(t, p, average='weighted' | 'macro' | None)
  close(accuracyScore(truth, predicted), 0.6);
  close(weightedF1(truth, predicted), 0.6285714285714287);
  close(macroF1(truth, predicted), 0.5476190476190477);
  const perLabel = perLabelF1(truth, predicted);
  assert.deepEqual(Array.from(perLabel.labels), [0, 1, 2, 3, 4]);
  [0.5, 0.6666666666666666, 0.5714285714285715, 1.0, 0.0].forEach((f, k) => close(perLabel.f1[k], f));
  assert.deepEqual(Array.from(perLabel.support), [2, 3, 4, 1, 0]);
});

test('a label never predicted scores 0 (sklearn zero_division)', () => {
  const truth = Int32Array.from([5, 5, 7, 7, 7]);
  const predicted = Int32Array.from([7, 7, 7, 7, 7]);
  // f1_score([5,5,7,7,7], [7]*5, average='weighted' | 'macro')
  close(weightedF1(truth, predicted), 0.45);
  close(macroF1(truth, predicted), 0.375);
  close(accuracyScore(truth, truth), 1);
});

test('mismatched or empty inputs are refused', () => {
  assert.throws(() => accuracyScore(Int32Array.from([1]), Int32Array.from([1, 2])), /1 true labels but 2 predictions/);
  assert.throws(() => macroF1(new Int32Array(0), new Int32Array(0)), /no labels/);
});
