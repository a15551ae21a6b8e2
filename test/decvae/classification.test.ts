import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarise, supervisedClassification, unsupervisedClustering } from '../../src/decvae/classification.js';
import { Rng } from '../../src/util/random.js';

/** Three 4-D blobs, centres 5 apart on the first three axes (sd 0.5), `perClass` points each. */
function easyProblem(perClass: number, seed: number, labelOffset = 0): { x: Float64Array; labels: Int32Array } {
  const rng = Rng.fromSeed(seed);
  const labels = Int32Array.from({ length: 3 * perClass }, (_, i) => (i % 3) + labelOffset);
  const x = Float64Array.from({ length: labels.length * 4 }, (_, k) => {
    const label = labels[Math.floor(k / 4)] - labelOffset;
    return (k % 4 === label ? 5 : 0) + 0.5 * rng.normal();
  });
  return { x, labels };
}

test('summaries are numpy mean / std (ddof 0) / min / max with a 1.96 std / sqrt(n) interval', () => {
  const s = summarise([0.5, 1, 1, 0.5]);
  assert.equal(s.mean, 0.75);
  assert.equal(s.std, 0.25);
  assert.equal(s.min, 0.5);
  assert.equal(s.max, 1);
  assert.ok(Math.abs(s.ci95 - (1.96 * 0.25) / 2) < 1e-15);
});

test('sup_eval on an easy 3-class problem: real classifiers ~1, uniform dummy ~1/3, most-frequent 1/3', () => {
  const { x, labels } = easyProblem(20, 1);
  const result = supervisedClassification(x, 60, 4, labels, { randomStates: 2, forestTrees: 15 });
  for (const name of ['logistic_regression', 'random_forest', 'svc_rbf'] as const) {
    const scores = result.classifiers[name]!;
    assert.equal(scores.accuracy.values.length, 10);
    assert.ok(scores.accuracy.mean > 0.97, `${name}: ${scores.accuracy.mean}`);
    assert.ok(scores.macroF1.mean > 0.97 && scores.weightedF1.mean > 0.97);
  }
  const uniform = result.classifiers.dummy_uniform!.accuracy.mean;
  assert.ok(uniform > 0.15 && uniform < 0.55, `uniform dummy: ${uniform}`);
  // Balanced folds of 12 (4 per class): most-frequent predicts one class, accuracy exactly 1/3.
  assert.ok(result.classifiers.dummy_most_frequent!.accuracy.values.every((a) => Math.abs(a - 1 / 3) < 1e-12));
  assert.ok(['logistic_regression', 'random_forest', 'svc_rbf'].includes(result.bestClassifier));
  assert.equal(result.bestAccuracy, result.classifiers[result.bestClassifier]!.accuracy.mean);
});

test('sup_eval is deterministic and honours the classifier choice', () => {
  const { x, labels } = easyProblem(10, 2);
  const settings = { randomStates: 1, classifiers: ['dummy_uniform', 'dummy_most_frequent'] as const };
  const a = supervisedClassification(x, 30, 4, labels, settings);
  const b = supervisedClassification(x, 30, 4, labels, settings);
  assert.deepEqual(a, b);
  assert.deepEqual(Object.keys(a.classifiers), ['dummy_uniform', 'dummy_most_frequent']);
  assert.throws(() => supervisedClassification(x, 30, 3, labels), /expected 30 x 3/);
});

test('unsup_eval clusters each set on its own and maps clusters to the right labels', () => {
  const train = easyProblem(15, 3);
  const test = easyProblem(10, 4, 7);
  const result = unsupervisedClustering(train.x, train.labels, test.x, test.labels, [0, 1, 2], 1);
  for (const scores of [result.train, result.test]) {
    assert.equal(scores.accuracy, 1);
    assert.equal(scores.weightedF1, 1);
    assert.equal(scores.macroF1, 1);
  }
  assert.throws(() => unsupervisedClustering(train.x, train.labels, test.x, test.labels, []), /no seeds/);
});
