import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discreteEntropy, discreteMutualInfoMatrix, encodeLabels, mutualInfoScore } from '../../src/metrics/mutual_info.js';

function assertNear(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: got ${actual}, expected ${expected}`);
}

test('identical two-label vectors share log 2 nats', () => {
  assertNear(mutualInfoScore([0, 0, 1, 1], [0, 0, 1, 1]), Math.log(2), 'MI');
});

test('independent labellings give exactly 0 (round-off terms are zeroed)', () => {
  assert.equal(mutualInfoScore([0, 0, 1, 1], [0, 1, 0, 1]), 0);
  assert.equal(mutualInfoScore([0, 0, 0, 1, 1, 1], [0, 1, 2, 0, 1, 2]), 0);
});

test('a labelling with a single label gives exactly 0', () => {
  assert.equal(mutualInfoScore([5, 5, 5], [1, 2, 3]), 0);
  assert.equal(mutualInfoScore([1, 2, 3], [7, 7, 7]), 0);
});

test('an uneven contingency table matches sum p(u,v) log(p(u,v) / (p(u) p(v)))', () => {
  // Cells (a, b): (0,0) x2, (0,1) x1, (1,1) x2, (2,1) x1; a counts 3, 2, 1; b counts 2, 4; n = 6.
  const a = [0, 0, 0, 1, 1, 2];
  const b = [0, 0, 1, 1, 1, 1];
  const expected =
    (2 / 6) * Math.log((6 * 2) / (3 * 2)) +
    (1 / 6) * Math.log((6 * 1) / (3 * 4)) +
    (2 / 6) * Math.log((6 * 2) / (2 * 4)) +
    (1 / 6) * Math.log((6 * 1) / (1 * 4));
  assertNear(mutualInfoScore(a, b), expected, 'MI(a, b)');
  assertNear(mutualInfoScore(b, a), expected, 'MI(b, a)');
});

test('labels are compared for equality only: relabelling and float labels change nothing', () => {
  const a = [0, 0, 0, 1, 1, 2, 2, 2];
  const b = [3, 1, 3, 1, 2, 2, 2, 3];
  const relabelledA = a.map((v) => [-0.5, 17, 2.25][v]);
  const relabelledB = b.map((v) => 100 - v);
  assert.equal(mutualInfoScore(relabelledA, relabelledB), mutualInfoScore(a, b));
  assert.ok(mutualInfoScore(a, b) > 0);
});

test('all-distinct labels give log n, also through the sparse contingency path', () => {
  const n = 3000;
  const labels = Array.from({ length: n }, (_, i) => i * 0.25);
  const shuffled = Array.from({ length: n }, (_, i) => (i * 7919) % n);
  assertNear(mutualInfoScore(labels, labels), Math.log(n), 'MI(x, x)');
  assertNear(mutualInfoScore(labels, shuffled), Math.log(n), 'MI(x, permutation)');
});

test('encodeLabels numbers labels in ascending order and counts them', () => {
  const coding = encodeLabels([4, -1, 4, 2, -1, 4]);
  assert.equal(coding.numLabels, 3);
  assert.deepEqual(Array.from(coding.ids), [2, 0, 2, 1, 0, 2]);
  assert.deepEqual(Array.from(coding.counts), [2, 1, 3]);
});

test('discreteEntropy is MI of a factor with itself: -sum p log p, and 0 when constant', () => {
  const [h, constant] = discreteEntropy([
    [0, 0, 1, 2],
    [9, 9, 9, 9],
  ]);
  assertNear(h, -(0.5 * Math.log(0.5) + 2 * 0.25 * Math.log(0.25)), 'H');
  assert.equal(constant, 0);
});

test('discreteMutualInfoMatrix is codes x factors', () => {
  const factor0 = [0, 0, 1, 1];
  const factor1 = [0, 1, 0, 1];
  const codes = [
    [5, 5, 6, 6],
    [1, 2, 1, 2],
    [1, 1, 1, 1],
  ];
  const m = discreteMutualInfoMatrix(codes, [factor0, factor1]);
  assert.equal(m.length, 3);
  m.forEach((row) => assert.equal(row.length, 2));
  assertNear(m[0][0], Math.log(2), 'code 0 / factor 0');
  assert.equal(m[0][1], 0);
  assert.equal(m[1][0], 0);
  assertNear(m[1][1], Math.log(2), 'code 1 / factor 1');
  assert.deepEqual(m[2], [0, 0]);
});

test('label vectors of different lengths are rejected', () => {
  assert.throws(() => mutualInfoScore([0, 1], [0, 1, 1]), RangeError);
});
