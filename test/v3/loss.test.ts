import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import {
  meanPairwiseDistance, supersampleShape, v3Hinge, v3Loss, V3_LOSS_SETTINGS, wideningRadius, widenStyle,
  type V3LossInputs, type V3LossTerms,
} from '../../src/v3/loss.js';

before(() => initBackend('cpu'));
after(shutdownBackend);

const EPS = 1e-5;
const close = (got: number, expected: number, what: string, tol = 1e-5) =>
  assert.ok(Math.abs(got - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${got} vs ${expected}`);
const hinge = (ratio: number, r: number) => Math.max(0, r - ratio) / r;

// B = 2 samples of n = 3 fragments in d = 2, chosen for whole-number distances.
// z_c:  sample 0 (0,0) (3,0) (0,4): pair distances 3, 4, 5, mpd = 2·12 / (3·2) = 4
//       sample 1 (0,0) (6,0) (0,8): 6, 8, 10, mpd = 8; means (1, 4/3) and (2, 8/3), 5/3 apart
// z_q:  sample 0 (0,0) (3,0) (3,0): 3, 3, 0, mpd = 2
//       sample 1 (3,0) (0,4) (0,0): 5, 3, 4, mpd = 4; means (2, 0) and (1, 4/3), 5/3 apart
// z_s:  sample 0 (12,0) (12,0) (12,3): 0, 3, 3, mpd = 2
//       sample 1 (0,6) three times: mpd = 0; means (12, 1) and (0, 6), 13 apart
const Z_C = [[[0, 0], [3, 0], [0, 4]], [[0, 0], [6, 0], [0, 8]]];
const Z_Q = [[[0, 0], [3, 0], [3, 0]], [[3, 0], [0, 4], [0, 0]]];
const Z_S = [[[12, 0], [12, 0], [12, 3]], [[0, 6], [0, 6], [0, 6]]];
const V_FRAG_C = ((4 + 2) / 2 + (8 + 4) / 2) / 2; // 4.5
const V_SAMP_C = (5 / 3) / 2 + (5 / 3) / 2;
const V_FRAG_S = (2 + 0) / 2;
const V_SAMP_S = 13;
// x and its reconstruction differ by 2 and 1 in two of four elements: MSE (4 + 1) / 4.
const RECON = 1.25;
const COMMIT = 0.5;

function inputs(zc: number[][][] = Z_C, zq: number[][][] = Z_Q, zs: number[][][] = Z_S): V3LossInputs {
  return {
    x: tf.tensor2d([[1, 2], [3, 4]]),
    recon: tf.tensor2d([[1, 0], [3, 5]]),
    zContent: tf.tensor3d(zc),
    zQuantized: tf.tensor3d(zq),
    zStyle: tf.tensor3d(zs),
    commit: tf.scalar(COMMIT),
  };
}

function evaluate(settings: object, zc?: number[][][], zq?: number[][][], zs?: number[][][]): Record<string, number> {
  return tf.tidy(() => {
    const terms: V3LossTerms = v3Loss(inputs(zc, zq, zs), V3_LOSS_SETTINGS.parse(settings));
    return Object.fromEntries(Object.entries(terms).map(([name, t]) => [name, (t as tf.Scalar).arraySync()]));
  });
}

test('meanPairwiseDistance: the mean over ordered distinct pairs, per group', () => {
  const got = tf.tidy(() => meanPairwiseDistance(tf.tensor3d(Z_C)).arraySync());
  close(got[0], 4, 'sample 0');
  close(got[1], 8, 'sample 1');
  assert.throws(() => meanPairwiseDistance(tf.tensor3d([[[1, 2]]])), /at least 2 vectors/);
});

test('meanPairwiseDistance: finite gradient where two vectors coincide, equal to the other pairs\' unit vectors', () => {
  // Rows a = b = (1,1), c = (4,5): mpd = 2·(0 + 5 + 5) / 6. d mpd / dc = 2·(3,4)/5 / 3 (pairs a–c and b–c);
  // a and b each get −(3,4)/5 / 3 and nothing from their coinciding pair.
  const grad = tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(meanPairwiseDistance(v as tf.Tensor3D)))(tf.tensor3d([[[1, 1], [1, 1], [4, 5]]])).arraySync() as number[][][]);
  const expected = [[-0.2, -0.8 / 3], [-0.2, -0.8 / 3], [0.4, 1.6 / 3]];
  grad[0].forEach((row, i) => row.forEach((v, j) => close(v, expected[i][j], `grad[${i}][${j}]`)));
});

test('the plain V3 loss: every statistic and term against the hand computation (r = 15)', () => {
  const got = evaluate({});
  close(got.v_frag_c, V_FRAG_C, 'V_frag(c)');
  close(got.v_samp_c, V_SAMP_C, 'V_samp(c)');
  close(got.v_frag_s, V_FRAG_S, 'V_frag(s)');
  close(got.v_samp_s, V_SAMP_S, 'V_samp(s)');
  assert.equal(got.v_samp_ss_s, undefined);
  const content = (15 - 4.5 / (5 / 3 + EPS)) / 15;
  const style = (15 - 13 / (1 + EPS)) / 15;
  const sample = (15 - 13 / (5 / 3 + EPS)) / 15;
  const fragment = (15 - 4.5 / (1 + EPS)) / 15;
  close(got.content, content, 'L_content');
  close(got.style, style, 'L_style');
  close(got.sample, sample, 'L_sample');
  close(got.fragment, fragment, 'L_fragment');
  close(got.recon, RECON, 'L_rec');
  close(got.commit, COMMIT, 'L_commit');
  close(got.total, RECON + content + style + sample + fragment + 0.1 * COMMIT, 'total');
});

test('weights scale their terms in the total', () => {
  const got = evaluate({ weights: { recon: 2, content: 0, style: 3, sample: 0, fragment: 0, commit: 1 } });
  close(got.total, 2 * RECON + 3 * (15 - 13 / (1 + EPS)) / 15 + COMMIT, 'total');
});

test('the hinges at and past r are 0, below r (r − ratio) / r', () => {
  // r = 5: style (13 / 1) and sample (13 / (5/3) = 7.8) are past r; content (2.7) and fragment (4.5) below.
  const got = evaluate({ relativity: 5 });
  assert.equal(got.style, 0);
  assert.equal(got.sample, 0);
  close(got.content, (5 - 4.5 / (5 / 3 + EPS)) / 5, 'L_content');
  close(got.fragment, (5 - 4.5 / (1 + EPS)) / 5, 'L_fragment');

  // Exactly at r (r taken as the ratio tf computes), just past and just below it; the slope is
  // −1 / (r (denominator + ε)) below r and 0 from r on.
  const numerator = tf.scalar(3);
  const denominator = tf.scalar(2);
  const ratio = tf.tidy(() => tf.div(numerator, tf.add(denominator, EPS)).arraySync() as number);
  const valueAndSlope = (r: number) => tf.tidy(() => {
    const { value, grad } = tf.valueAndGrad((n: tf.Tensor) => v3Hinge(n as tf.Scalar, denominator, r))(numerator);
    // + 0 folds the −0 of a zero slope into 0.
    return [(value.arraySync() as number) + 0, (grad.arraySync() as number) + 0];
  });
  assert.deepEqual(valueAndSlope(ratio), [0, 0]);
  assert.deepEqual(valueAndSlope(ratio * 0.9), [0, 0]);
  const [below, slope] = valueAndSlope(2);
  close(below, hinge(3 / (2 + EPS), 2), 'hinge below r');
  close(slope, -1 / (2 * (2 + EPS)), 'slope below r');
});

test('supersampleShape: the largest divisor i ≤ √P as the pseudo-sample length', () => {
  assert.deepEqual(supersampleShape(64), [8, 8]);
  assert.deepEqual(supersampleShape(12), [4, 3]);
  assert.deepEqual(supersampleShape(6), [3, 2]);
  assert.deepEqual(supersampleShape(30), [6, 5]);
  assert.deepEqual(supersampleShape(7), [7, 1]);
  assert.deepEqual(supersampleShape(1), [1, 1]);
});

test('super-sampling (SVHN settings): V_samp(c) and V_samp_ss(s) on the regrouped vectors, plain V_samp(s) for L_style, no commitment', () => {
  // P = 6 → [3, 2]: consecutive rows (b0f0, b0f1), (b0f2, b1f0), (b1f1, b1f2).
  // z_c groups: means (1.5, 0), (0, 2), (3, 4).
  const zcSs = (Math.hypot(1.5, 2) + Math.hypot(1.5, 4) + Math.hypot(3, 2)) / 3;
  // z_q groups: (0,0)(3,0) → (1.5, 0); (3,0)(3,0) → (3, 0); (0,4)(0,0) → (0, 2).
  const zqSs = (Math.hypot(1.5, 0) + Math.hypot(1.5, 2) + Math.hypot(3, 2)) / 3;
  const vSampC = zcSs / 2 + zqSs / 2;
  // z_s groups: (12,0)(12,0) → (12, 0); (12,3)(0,6) → (6, 4.5); (0,6)(0,6) → (0, 6).
  const vSampSsS = (Math.hypot(6, 4.5) + Math.hypot(12, 6) + Math.hypot(6, 1.5)) / 3;
  const got = evaluate({ relativity: 5, supersample_content: true });
  close(got.v_samp_c, vSampC, 'super-sampled V_samp(c)');
  close(got.v_samp_ss_s, vSampSsS, 'V_samp_ss(s)');
  close(got.v_frag_c, V_FRAG_C, 'V_frag(c) keeps the samples');
  close(got.v_samp_s, V_SAMP_S, 'plain V_samp(s)');
  const content = hinge(4.5 / (vSampC + EPS), 5);
  const style = hinge(13 / (1 + EPS), 5);
  const sample = hinge(vSampSsS / (vSampC + EPS), 5);
  const fragment = hinge(4.5 / (1 + EPS), 5);
  assert.ok(sample > 0 && content > 0, 'the constructed batch exercises both hinges');
  close(got.content, content, 'L_content');
  close(got.style, style, 'L_style');
  close(got.sample, sample, 'L_sample');
  close(got.fragment, fragment, 'L_fragment');
  close(got.commit, COMMIT, 'L_commit is still reported');
  close(got.total, RECON + content + style + sample + fragment, 'total without the commitment');
  close(evaluate({ relativity: 5, supersample_content: true, adapted_commit_loss: true }).total,
    RECON + content + style + sample + fragment + 0.1 * COMMIT, 'total with adapted_commit_loss');
});

test('wideningRadius: floor((w − 1) / 2), true is 1, false is off', () => {
  assert.equal(wideningRadius(false), null);
  assert.equal(wideningRadius(true), 1);
  assert.equal(wideningRadius(1), 0);
  assert.equal(wideningRadius(3), 1);
  assert.equal(wideningRadius(4), 1);
  assert.equal(wideningRadius(5), 2);
});

// d = 1 style sequences for the widening: sample 0 [1, 2, 4], sample 1 [1, 1, 4], radius 1.
// Sample 0 padded P = [1, 1, 2, 4, 4]; roll(P, −1) = [1, 2, 4, 4, 1], roll(P, 1) = [4, 1, 1, 2, 4];
// P + (roll −1 + roll 0 + roll 1) = [7, 5, 9, 14, 13], divided by 3.
// Sample 1 padded [1, 1, 1, 4, 4]: 2P + roll(P, −1) + roll(P, 1) = [7, 4, 7, 13, 13], divided by 3.
const WIDE_S = [[[1], [2], [4]], [[1], [1], [4]]];
const WIDENED = [[7, 5, 9, 14, 13], [7, 4, 7, 13, 13]].map((row) => row.map((v) => v / 3));

test('widenStyle: replicate padding and the original roll sum, padding kept', () => {
  const got = tf.tidy(() => widenStyle(tf.tensor3d(WIDE_S), 1).arraySync());
  got.forEach((sample, b) => {
    assert.equal(sample.length, 5);
    sample.forEach(([v], j) => close(v, WIDENED[b][j], `W[${b}][${j}]`));
  });
  const unpadded = tf.tidy(() => widenStyle(tf.tensor3d(WIDE_S), 0).arraySync());
  unpadded.forEach((sample, b) => sample.forEach(([v], j) => close(v, 2 * WIDE_S[b][j][0], `radius 0 doubles, [${b}][${j}]`)));
});

test('style widening (widen_style: 3): V_frag(s) and V_samp(s) over the widened rows, L_sample on the widened V_samp(s)', () => {
  // Widened ×3: sample 0 [7, 5, 9, 14, 13], pair gaps 2 2 7 6 4 9 8 5 4 1 (sum 48);
  // sample 1 [7, 4, 7, 13, 13], gaps 3 0 6 6 3 9 9 6 6 0 (sum 48). Each mpd = 2·(48/3) / 20 = 1.6.
  // Row means 48/15 and 44/15: V_samp(s) = 4/15.
  const vFragS = 1.6;
  const vSampS = 4 / 15;
  // Content (z_q = z_c): sample 0 [0, 3, 1] gaps 3 1 2, mpd 2; sample 1 [5, 5, 8] gaps 0 3 3, mpd 2;
  // means 4/3 and 6.
  const zc = [[[0], [3], [1]], [[5], [5], [8]]];
  const vFragC = 2;
  const vSampC = 6 - 4 / 3;
  const got = evaluate({ relativity: 5, widen_style: 3 }, zc, zc, WIDE_S);
  close(got.v_frag_s, vFragS, 'widened V_frag(s)');
  close(got.v_samp_s, vSampS, 'widened V_samp(s)');
  close(got.v_frag_c, vFragC, 'V_frag(c)');
  close(got.v_samp_c, vSampC, 'V_samp(c)');
  const content = hinge(vFragC / (vSampC + EPS), 5);
  const style = hinge(vSampS / (vFragS + EPS), 5);
  const sample = hinge(vSampS / (vSampC + EPS), 5);
  const fragment = hinge(vFragC / (vFragS + EPS), 5);
  close(got.content, content, 'L_content');
  close(got.style, style, 'L_style');
  close(got.sample, sample, 'L_sample');
  close(got.fragment, fragment, 'L_fragment');
  close(got.total, RECON + content + style + sample + fragment, 'total without the commitment');
});

test('gradients are finite when fragments share an atom and style vectors coincide', () => {
  const atoms = tf.tensor3d(Z_Q);
  for (const settings of [{}, { relativity: 5, supersample_content: true, widen_style: 3 }]) {
    const grads = tf.tidy(() => tf.grads((zc: tf.Tensor, zs: tf.Tensor) => {
      // Straight-through: forward value the atoms, gradient the identity into z_c.
      const zq = tf.add(zc, tf.sub(atoms, tf.tensor3d(Z_C)));
      return v3Loss({ ...inputs(), zContent: zc as tf.Tensor3D, zQuantized: zq as tf.Tensor3D, zStyle: zs as tf.Tensor3D }, V3_LOSS_SETTINGS.parse(settings)).total;
    })([tf.tensor3d(Z_C), tf.tensor3d(Z_S)]).map((g) => Array.from(g.dataSync())));
    for (const [i, g] of grads.entries()) {
      assert.ok(g.every(Number.isFinite), `${JSON.stringify(settings)}: gradient ${i} has a non-finite value: ${g}`);
      assert.ok(g.some((v) => v !== 0), `${JSON.stringify(settings)}: gradient ${i} is all zero`);
    }
  }
});

test('a batch of one sample is refused: the statistics need pairs', () => {
  assert.throws(() => v3Loss(inputs([Z_C[0]], [Z_Q[0]], [Z_S[0]]), V3_LOSS_SETTINGS.parse({})), /at least 2 samples/);
});

test('settings: defaults of the PhoneNums/InsNotes/Sprites configs, bad values refused', () => {
  const defaults = V3_LOSS_SETTINGS.parse({});
  assert.equal(defaults.relativity, 15);
  assert.deepEqual(defaults.weights, { recon: 1, content: 1, style: 1, sample: 1, fragment: 1, commit: 0.1 });
  assert.equal(defaults.adapted_commit_loss, false);
  assert.equal(V3_LOSS_SETTINGS.safeParse({ widen_style: 0 }).success, false);
  assert.equal(V3_LOSS_SETTINGS.safeParse({ relativity: 0 }).success, false);
});
