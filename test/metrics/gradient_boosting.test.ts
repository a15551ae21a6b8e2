import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGradientBoosting } from '../../src/metrics/estimators/gradient_boosting.js';
import { assertAllClose, assertClose } from './reference.js';

const column = (...values: number[]): Float64Array => Float64Array.from(values);
const labels = (...values: number[]): Int32Array => Int32Array.from(values);
const ONE_TREE_STUMP = { nEstimators: 1, maxDepth: 1 };

test('1-D separable binary problem: the split sits at the midpoint and the feature gets all the importance', () => {
  const x = column(0, 1, 4, 5);
  const model = fitGradientBoosting(x, 4, 1, labels(0, 0, 1, 1));
  assert.deepEqual(Array.from(model.featureImportances), [1]);
  assert.deepEqual(Array.from(model.classes), [0, 1]);
  assert.deepEqual(Array.from(model.predict(x, 4)), [0, 0, 1, 1]);
  // Samples go left iff x <= 2.5; the next float32 above 2.5 goes right, and a double that
  // rounds to 2.5 in float32 goes left.
  const nextFloat32 = 2.5 + 2 ** -22;
  assert.deepEqual(Array.from(model.predict(column(2.5, nextFloat32, 2.5 + 1e-7), 3)), [0, 1, 0]);
});

test('a feature that carries no information gets importance exactly 0', () => {
  const constantSecond = fitGradientBoosting(Float64Array.of(0, 7, 1, 7, 4, 7, 5, 7), 4, 2, labels(0, 0, 1, 1));
  assert.deepEqual(Array.from(constantSecond.featureImportances), [1, 0]);
  // Not separating, and never needed: the root split on feature 0 leaves pure children.
  const noisySecond = fitGradientBoosting(Float64Array.of(0, 3, 1, 1, 4, 2, 5, 0), 4, 2, labels(0, 0, 1, 1));
  assert.deepEqual(Array.from(noisySecond.featureImportances), [1, 0]);
});

test('without any split the raw scores stay at the priors: log-odds (binary) and log priors (multiclass)', () => {
  const constantFeature = column(3, 3, 3, 3);
  const binary = fitGradientBoosting(constantFeature, 4, 1, labels(5, 9, 9, 9));
  assertClose(binary.decisionFunction(column(3), 1)[0], Math.log(3), 'binary log-odds', 1e-12);
  assert.deepEqual(Array.from(binary.featureImportances), [0]);
  assert.deepEqual(Array.from(binary.predict(column(3), 1)), [9]);

  const multiclass = fitGradientBoosting(constantFeature, 4, 1, labels(2, 2, 4, 8));
  assertAllClose(multiclass.decisionFunction(column(3), 1), [Math.log(0.5), Math.log(0.25), Math.log(0.25)], 'log priors', 1e-12);
  assert.deepEqual(Array.from(multiclass.featureImportances), [0]);
  assert.deepEqual(Array.from(multiclass.predict(column(3), 1)), [2]);
});

test('binary Newton leaf values on a 3-sample stump, by hand', () => {
  // prior p = 2/3, raw0 = log 2, residuals [-2/3, 1/3, 1/3]. Proxies: split after x=0 gives
  // (2*(-2/3) - 1*(2/3))^2 / 2 = 2, after x=1 gives 0.5, so the threshold is 0.5.
  // Left leaf: sum r / sum (y - r)(1 - y + r) = (-2/3) / (2/3 * 1/3) = -3.
  // Right leaf: (2/3) / (2 * 2/3 * 1/3) = 1.5.
  const model = fitGradientBoosting(column(0, 1, 2), 3, 1, labels(0, 1, 1), ONE_TREE_STUMP);
  const scores = model.decisionFunction(column(0, 0.5, 0.6, 2), 4);
  assertAllClose(scores, [Math.log(2) - 0.3, Math.log(2) - 0.3, Math.log(2) + 0.15, Math.log(2) + 0.15], 'raw scores', 1e-12);
});

test('multiclass Newton leaf values carry the (K-1)/K factor, by hand', () => {
  // Priors 1/3, residuals of class 0: [2/3, -1/3, -1/3]; best split after x=0.
  // Left: (2/3 * 2/3) / (1/3 * 2/3) = 2; right: (-2/3 * 2/3) / (2 * 1/3 * 2/3) = -1.
  // Class 2 mirrors it with the split after x=1: [-1, -1, 2].
  const model = fitGradientBoosting(column(0, 1, 2), 3, 1, labels(0, 1, 2), ONE_TREE_STUMP);
  const scores = model.decisionFunction(column(0, 1, 2), 3);
  const logThird = Math.log(1 / 3);
  assertAllClose([scores[0], scores[3], scores[6]], [logThird + 0.2, logThird - 0.1, logThird - 0.1], 'class 0 scores', 1e-12);
  assertAllClose([scores[2], scores[5], scores[8]], [logThird - 0.1, logThird - 0.1, logThird + 0.2], 'class 2 scores', 1e-12);
});

test('inputs are compared in float32: values equal in float32, or within 1e-7 of each other, are never split', () => {
  for (const second of [1 + 1e-9, 1 + 2 ** -23]) {
    const model = fitGradientBoosting(column(1, second), 2, 1, labels(0, 1));
    assert.deepEqual(Array.from(model.featureImportances), [0], `1 vs ${second}`);
    // Both raw scores stay at log-odds 0: a probability tie goes to the first class.
    assert.deepEqual(Array.from(model.predict(column(1, second), 2)), [0, 0]);
  }
  const separable = fitGradientBoosting(column(1, 1 + 2 ** -22), 2, 1, labels(0, 1));
  assert.deepEqual(Array.from(separable.featureImportances), [1]);
  assert.deepEqual(Array.from(separable.predict(column(1, 1 + 2 ** -22), 2)), [0, 1]);
});

test('equally good features are chosen by the seeded random feature order, deterministically', () => {
  const n = 40;
  const x = new Float64Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = i;
    y[i] = (i * 7) % 3 === 0 ? 1 : 0;
  }
  const importancesFor = (randomState: number): number[] => Array.from(fitGradientBoosting(x, n, 2, y, { randomState }).featureImportances);
  const seeded = importancesFor(0);
  assert.deepEqual(importancesFor(0), seeded);
  assertClose(seeded[0] + seeded[1], 1, 'importances sum', 1e-12);
  assert.ok(seeded[0] > 0 && seeded[1] > 0, `both duplicated features are used: ${seeded.join(', ')}`);
  assert.notDeepEqual(importancesFor(1), seeded);
});

test('a single class is rejected as scikit-learn rejects it', () => {
  assert.throws(() => fitGradientBoosting(column(0, 1, 2), 3, 1, labels(4, 4, 4)), /y contains 1 class/);
});

test('inputs that float32 cannot hold are rejected', () => {
  assert.throws(() => fitGradientBoosting(column(0, 1e39), 2, 1, labels(0, 1)), /too large for float32/);
  assert.throws(() => fitGradientBoosting(column(0, NaN), 2, 1, labels(0, 1)), /NaN/);
});
