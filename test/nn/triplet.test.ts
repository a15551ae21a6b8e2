import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { distTripletLoss, mineTriplets, rowNorm, tripletLoss, type TripletLossName, type TripletSettings } from '../../src/nn/triplet.js';

before(() => initBackend('cpu'));
after(shutdownBackend);

// Two triplets: a − p = (−3, −4) and (0, 0); a − n = (−1, 0) and (−1, −2).
const anchor = () => tf.tensor2d([[0, 0], [1, 1]]);
const positive = () => tf.tensor2d([[3, 4], [1, 1]]);
const negative = () => tf.tensor2d([[1, 0], [2, 3]]);
// Their distances by hand: L1, L2 and L3 norms of the rows above.
const DISTANCES: Record<number, { pos: number[]; neg: number[] }> = {
  1: { pos: [7, 0], neg: [1, 3] },
  2: { pos: [5, 0], neg: [1, Math.sqrt(5)] },
  3: { pos: [Math.cbrt(91), 0], neg: [1, Math.cbrt(9)] },
};
const M_MIN = 0.5;
const M_MAX = 2;
const SCALE = 3;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const PER_SAMPLE: Record<TripletLossName, (dp: number, dn: number) => number> = {
  triplet: (dp, dn) => Math.max(0, dp - dn + M_MAX),
  triplet_soft: (dp, dn) => Math.log(1 + Math.exp(dp - dn)),
  triplet_sigmoid: (dp, dn) => sigmoid((dp - dn) / M_MAX),
  min_clamped_triplet: (dp, dn) => Math.max(0, Math.max(dp, M_MIN) - dn + M_MAX),
  split_clamped_triplet: (dp, dn) => Math.max(dp, M_MIN) - Math.min(dn, M_MAX) + (M_MAX - M_MIN),
};
const settings = (loss: TripletLossName, p: number): TripletSettings =>
  ({ triplet_loss: loss, triplet_margin_min: M_MIN, triplet_margin_max: M_MAX, triplet_scale: SCALE, triplet_p: p });

test('rowNorm: L1, L2 and L3 norms of each row', () => {
  for (const [p, { pos, neg }] of Object.entries(DISTANCES)) {
    const got = tf.tidy(() => [rowNorm(tf.sub(anchor(), positive()) as tf.Tensor2D, +p).arraySync(), rowNorm(tf.sub(anchor(), negative()) as tf.Tensor2D, +p).arraySync()]);
    got[0].forEach((v, i) => assert.ok(Math.abs(v - pos[i]) < 1e-5, `p=${p}: ${v} vs ${pos[i]}`));
    got[1].forEach((v, i) => assert.ok(Math.abs(v - neg[i]) < 1e-5, `p=${p}: ${v} vs ${neg[i]}`));
  }
});

test('every triplet loss, for p = 1, 2, 3, equals scale * mean of its per-triplet formula', () => {
  for (const loss of Object.keys(PER_SAMPLE) as TripletLossName[]) {
    for (const [p, { pos, neg }] of Object.entries(DISTANCES)) {
      const expected = SCALE * (PER_SAMPLE[loss](pos[0], neg[0]) + PER_SAMPLE[loss](pos[1], neg[1])) / 2;
      const got = tf.tidy(() => tripletLoss(anchor(), positive(), negative(), settings(loss, +p)).arraySync());
      assert.ok(Math.abs(got - expected) < 1e-4, `${loss} p=${p}: ${got} vs ${expected}`);
    }
  }
  // A few by hand, p = 2: triplet (6 + 0)/2·3 = 9; split_clamped (5 − 1 + 1.5 + 0.5 − 2 + 1.5)/2·3 = 8.25.
  assert.ok(Math.abs(tf.tidy(() => tripletLoss(anchor(), positive(), negative(), settings('triplet', 2)).arraySync()) - 9) < 1e-5);
  assert.ok(Math.abs(tf.tidy(() => tripletLoss(anchor(), positive(), negative(), settings('split_clamped_triplet', 2)).arraySync()) - 8.25) < 1e-5);
});

test('the dist form takes the differences: scaling a − n by 0.5 halves d−', () => {
  const got = tf.tidy(() => distTripletLoss(
    tf.sub(anchor(), positive()) as tf.Tensor2D, tf.mul(0.5, tf.sub(anchor(), negative())) as tf.Tensor2D, settings('triplet', 1)).arraySync());
  // d+ = (7, 0), d− = (0.5, 1.5): (8.5 + 0.5) / 2 · 3.
  assert.ok(Math.abs(got - 13.5) < 1e-5, `${got}`);
});

test('a zero anchor-positive difference gives finite, zero gradients for every p', () => {
  // a = p in both rows; row 0's negative is 0.5 away (an active loss), row 1's coincides with a.
  const near = () => tf.tensor2d([[3, 4.5], [1, 1]]);
  for (const p of [1, 2, 3]) {
    const grad = tf.tidy(() => tf.grad((a: tf.Tensor) => tripletLoss(a as tf.Tensor2D, positive(), near(), settings('triplet', p)))(positive()).arraySync()) as number[][];
    // d− = 0.5 along y only: the gradient pushes a away from n along y, by scale / batch.
    assert.deepEqual(grad[0].map((g) => Math.round(g * 1e5) / 1e5), [0, 1.5], `p=${p}`);
    assert.deepEqual(grad[1], [0, 0], `p=${p}`);
  }
  const zeroGrad = tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(rowNorm(tf.sub(a, positive()) as tf.Tensor2D, 2)))(positive()).arraySync()) as number[][];
  assert.deepEqual(zeroGrad, [[0, 0], [0, 0]]);
});

test('mining keeps the hard, semi-hard or easy triplets, or all when none qualifies', () => {
  const dPos = [0.1, 0.5, 0.3, 0.2];
  const dNeg = [0.4, 0.6, 0.35, 2.0];
  assert.deepEqual(mineTriplets('none', dPos, dNeg, 2, 1), [0, 1, 2, 3]);
  assert.deepEqual(mineTriplets('hard_neg', dPos, dNeg, 2, 1), [2, 0]);
  assert.deepEqual(mineTriplets('hard_pos', dPos, dNeg, 2, 1), [1, 2]);
  assert.deepEqual(mineTriplets('easy_pos', dPos, dNeg, 2, 1), [0, 3]);
  assert.deepEqual(mineTriplets('semi_hard_neg', dPos, dNeg, 2, 1), [0, 1, 2]);
  assert.deepEqual(mineTriplets('semi_hard_neg', dPos, dNeg, 2, 0.5), [0, 2]);
  assert.deepEqual(mineTriplets('semi_hard_neg', dPos, dNeg, 2, 0.3), [0, 1, 2, 3]);
  assert.deepEqual(mineTriplets('hard_neg', dPos, dNeg, 0, 1), [0, 1, 2, 3]);
});
