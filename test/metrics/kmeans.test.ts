import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitKMeans, greedyClusterMapping } from '../../src/metrics/estimators/kmeans.js';
import { Rng } from '../../src/util/random.js';

test('greedy mapping takes the largest contingency entry first, not the best assignment overall', () => {
  // Contingency (cluster x label): c0 = {10: 5, 20: 4}, c1 = {10: 4, 20: 0}. Greedy maps c0 -> 10
  // (the 5), leaving c1 -> 20 (5 correct); the optimal matching c0 -> 20, c1 -> 10 would give 8.
  const clusters = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  const labels = Int32Array.from([10, 10, 10, 10, 10, 20, 20, 20, 20, 10, 10, 10, 10]);
  assert.deepEqual(Array.from(greedyClusterMapping(clusters, labels)), [10, 10, 10, 10, 10, 10, 10, 10, 10, 20, 20, 20, 20]);
});

test('greedy mapping: ties go to the first entry in row-major order; extra clusters map to -1', () => {
  // c3 = {1: 2}, c7 = {1: 2, 2: 2}: the tie 2/2/2 picks (c3, 1), then c7 -> 2.
  assert.deepEqual(Array.from(greedyClusterMapping(Int32Array.from([7, 3, 7, 3, 7, 7]), Int32Array.from([1, 1, 1, 1, 2, 2]))), [2, 1, 2, 1, 2, 2]);
  // Three clusters, two labels: c0 -> 4 (count 2), c1 -> 9 (count 1), c2 left over.
  assert.deepEqual(Array.from(greedyClusterMapping(Int32Array.from([0, 0, 1, 2]), Int32Array.from([4, 4, 9, 9]))), [4, 4, 9, -1]);
});

test('k-means on two 1-D groups finds their means and inertia', () => {
  const x = Float64Array.from([0, 0.1, 0.2, 10, 10.1, 10.2]);
  const result = fitKMeans(x, 6, 1, 2, Rng.fromSeed(0));
  const centers = Array.from(result.centers).sort((a, b) => a - b);
  assert.ok(Math.abs(centers[0] - 0.1) < 1e-12 && Math.abs(centers[1] - 10.1) < 1e-12);
  assert.ok(Math.abs(result.inertia - 0.04) < 1e-12);
  assert.equal(new Set(result.assignments.subarray(0, 3)).size, 1);
  assert.notEqual(result.assignments[0], result.assignments[3]);
});

test('k-means recovers well-separated blobs under every seed', () => {
  const rng = Rng.fromSeed(5);
  const centres = [[0, 0, 0], [8, 0, 0], [0, 8, 0], [0, 0, 8]];
  const n = 80;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
  const x = Float64Array.from({ length: n * 3 }, (_, k) => centres[labels[Math.floor(k / 3)]][k % 3] + 0.5 * rng.normal());
  for (let seed = 0; seed < 5; seed++) {
    const { assignments } = fitKMeans(x, n, 3, 4, Rng.fromSeed(seed), { nInit: 1 });
    assert.deepEqual(Array.from(greedyClusterMapping(assignments, labels)), Array.from(labels));
  }
});

test('duplicate points leave no cluster empty-centred at NaN; bad k is refused', () => {
  const result = fitKMeans(Float64Array.from([0, 0, 0, 5]), 4, 1, 3, Rng.fromSeed(2), { nInit: 2 });
  assert.ok(result.centers.every(Number.isFinite));
  assert.equal(result.inertia, 0);
  assert.throws(() => fitKMeans(Float64Array.from([0, 1]), 2, 1, 3, Rng.fromSeed(0)), /k must be an integer in 1..2/);
});
