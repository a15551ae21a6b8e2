import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitRandomForest } from '../../src/metrics/estimators/random_forest.js';
import { Rng } from '../../src/util/random.js';

/** Three well-separated 2-D Gaussian blobs (sd 0.3, centres 6 apart), `perClass` points each. */
function blobs(perClass: number, rng: Rng): { x: Float64Array; y: Int32Array } {
  const centres = [[0, 0], [6, 0], [0, 6]];
  const x = new Float64Array(3 * perClass * 2);
  const y = new Int32Array(3 * perClass);
  for (let i = 0; i < 3 * perClass; i++) {
    const c = i % 3;
    y[i] = c + 1;
    x[2 * i] = centres[c][0] + 0.3 * rng.normal();
    x[2 * i + 1] = centres[c][1] + 0.3 * rng.normal();
  }
  return { x, y };
}

test('a single unbootstrapped tree on a 1-D problem has sklearn\'s structure and midpoint thresholds', () => {
  const x = Float64Array.from([0.5, 1.0, 1.7, 2.0, 3.1, 3.3, 4.0, 5.2, 6.0, 6.4, 7.5, 8.0]);
  const y = Int32Array.from([0, 0, 1, 0, 0, 1, 1, 1, 2, 1, 2, 2]);
  const [tree] = fitRandomForest(x, 12, 1, y, Rng.fromSeed(0), { nEstimators: 1, bootstrap: false }).trees;
  // /usr/bin/python3, sklearn 1.2.1: t = DecisionTreeClassifier(random_state=0).fit(x[:, None], y).tree_
  //   t.feature, t.threshold, t.children_left, t.children_right (sklearn casts X to float32, hence 3.1999999...)
  const sklearnThreshold = [3.1999999284744263, 1.350000023841858, -2.0, 1.850000023841858, -2.0, -2.0, 5.599999904632568, -2.0, 6.950000047683716, 6.200000047683716, -2.0, -2.0, -2.0];
  assert.deepEqual(Array.from(tree.feature), [0, 0, -1, 0, -1, -1, 0, -1, 0, 0, -1, -1, -1]);
  assert.deepEqual(Array.from(tree.left), [1, 2, -1, 4, -1, -1, 7, -1, 9, 10, -1, -1, -1]);
  assert.deepEqual(Array.from(tree.right), [6, 3, -1, 5, -1, -1, 8, -1, 12, 11, -1, -1, -1]);
  tree.threshold.forEach((t, i) => assert.ok(Math.abs(t - sklearnThreshold[i]) < 1e-6, `node ${i}: ${t}`));
});

test('identical inputs with different labels end in one leaf holding the class fractions', () => {
  // x = 0 holds labels 0, 1, 1; x = 1 holds label 1: one split at 0.5, then an unsplittable leaf.
  const model = fitRandomForest(Float64Array.from([0, 0, 0, 1]), 4, 1, Int32Array.from([0, 1, 1, 1]), Rng.fromSeed(1), { nEstimators: 1, bootstrap: false });
  assert.deepEqual(Array.from(model.trees[0].threshold), [0.5, -2, -2]);
  const proba = model.predictProba(Float64Array.from([-3, 0.5, 0.7]), 3);
  [1 / 3, 2 / 3, 1 / 3, 2 / 3, 0, 1].forEach((p, i) => assert.ok(Math.abs(proba[i] - p) < 1e-15));
  assert.deepEqual(Array.from(model.predict(Float64Array.from([0, 2]), 2)), [1, 1]);
});

test('a bootstrapped forest separates well-separated blobs and its probabilities sum to 1', () => {
  const rng = Rng.fromSeed(7);
  const train = blobs(20, rng.fork('train'));
  const heldOut = blobs(30, rng.fork('test'));
  const model = fitRandomForest(train.x, 60, 2, train.y, rng.fork('forest'), { nEstimators: 25 });
  assert.deepEqual(Array.from(model.classes), [1, 2, 3]);
  assert.deepEqual(Array.from(model.predict(heldOut.x, 90)), Array.from(heldOut.y));
  const proba = model.predictProba(heldOut.x, 90);
  for (let r = 0; r < 90; r++) {
    const row = proba.subarray(3 * r, 3 * r + 3);
    assert.ok(Math.abs(row[0] + row[1] + row[2] - 1) < 1e-12);
    assert.ok(row.every((p) => p >= 0 && p <= 1));
  }
  // Bootstrap samples differ between trees, so not every tree is the same.
  assert.ok(model.trees.some((tree) => tree.threshold[0] !== model.trees[0].threshold[0] || tree.feature[0] !== model.trees[0].feature[0]));
});

test('the same seed gives the same forest; bad settings are refused', () => {
  const { x, y } = blobs(10, Rng.fromSeed(3));
  const a = fitRandomForest(x, 30, 2, y, Rng.fromSeed(11), { nEstimators: 5 });
  const b = fitRandomForest(x, 30, 2, y, Rng.fromSeed(11), { nEstimators: 5 });
  assert.deepEqual(a.trees, b.trees);
  assert.throws(() => fitRandomForest(x, 30, 2, y, Rng.fromSeed(0), { maxFeatures: 3 }), /maxFeatures/);
  assert.throws(() => fitRandomForest(x, 30, 3, y, Rng.fromSeed(0)), /expected 30 x 3/);
});
