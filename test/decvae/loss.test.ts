import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import {
  DECVAE_LOSS_SETTINGS, decompositionLoss, decVaeLoss, gaussianKl, gradientNormaliser, jensenShannon,
  normaliseAndClipGradients, pairComponentRows, priorLoss, selectFrames, type DecVaeLossSettings,
} from '../../src/decvae/loss.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/random.js';

before(() => initBackend('cpu'));
after(shutdownBackend);

// float32 tfjs against float64 hand values.
const TOL = 2e-6;
const close = (got: number, expected: number, what: string, tol = TOL) =>
  assert.ok(Math.abs(got - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${got} vs ${expected}`);

const DEFAULTS = DECVAE_LOSS_SETTINGS.parse({});
const settings = (overrides: object = {}): DecVaeLossSettings => DECVAE_LOSS_SETTINGS.parse(overrides);

// ---- The hand computation, float64, straight from spec §7.1 ----

type Rows = number[][];
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

function softmaxRow(row: number[]): number[] {
  const top = Math.max(...row);
  const e = row.map((v) => Math.exp(v - top));
  const total = sum(e);
  return e.map((v) => v / total);
}

/** Σ_rows ½[Σ (a+ε)(log(a+ε) − log m) + Σ (b+ε)(log(b+ε) − log m)], before the clamp. */
function rawJs(a: Rows, b: Rows): number {
  const eps = 1e-8;
  let total = 0;
  for (let r = 0; r < a.length; r++) {
    for (let d = 0; d < a[r].length; d++) {
      const m = (a[r][d] + b[r][d]) / 2;
      total += (a[r][d] + eps) * (Math.log(a[r][d] + eps) - Math.log(m)) + (b[r][d] + eps) * (Math.log(b[r][d] + eps) - Math.log(m));
    }
  }
  return 0.5 * total;
}
const clampJs = (v: number) => Math.min(1, Math.max(0, v));
const bceLog = (x: number) => Math.max(Math.log(x), -100);

/**
 * The rows of group l, utterance u, from logits [NoC][U][n][D]: 'intended' takes component l;
 * 'original' takes item i = l·n + r of the frame-major list f_0c_0, f_0c_1, …, i.e. component
 * i mod NoC of frame ⌊i / NoC⌋ (§7.1.4).
 */
function groupRows(components: number[][][][], l: number, u: number, pairing: 'original' | 'intended'): Rows {
  const noc = components.length;
  const n = components[0][u].length;
  return Array.from({ length: n }, (_, r) => {
    if (pairing === 'intended') return components[l][u][r];
    const item = l * n + r;
    return components[item % noc][u][Math.floor(item / noc)];
  });
}

interface HandLogs { js_pos: number[][]; js_neg: number[][]; ce_pos: number[]; ce_neg: number; total: number }

function handLoss(original: number[][][], components: number[][][][], pairing: 'original' | 'intended', s: DecVaeLossSettings): HandLogs {
  const noc = components.length;
  const utterances = original.length;
  const pairs: [number, number][] = [];
  for (let k = 0; k < noc; k++) for (let l = k + 1; l < noc; l++) pairs.push([k, l]);
  const probs = (rows: Rows) => rows.map(softmaxRow);
  const js_pos = Array.from({ length: noc }, (_, k) =>
    original.map((rows, u) => clampJs(rawJs(probs(rows), probs(groupRows(components, k, u, pairing))))));
  const js_neg = pairs.map(([k, l]) =>
    original.map((_, u) => clampJs(rawJs(probs(groupRows(components, k, u, pairing)), probs(groupRows(components, l, u, pairing))))));
  const ce_pos = js_pos.map((values) => sum(values.map((v) => -bceLog(1 - v))) / utterances);
  const ce_neg = sum(js_neg.map((values) => sum(values.map((v) => -bceLog(v))))) / utterances;
  const w = s.weights;
  const positiveWeight = (k: number) => (k === 0 ? w.positive_1 : k === 1 ? w.positive_2 : w.positive_3_and_above);
  const total = w.div_neg * ce_neg + sum(ce_pos.map((v, k) => positiveWeight(k) * v));
  return { js_pos, js_neg, ce_pos, ce_neg, total };
}

// ---- Inputs: U = 2 utterances, n = 2 frames, NoC = 3 components, d = 4 features ----

// Utterance 0 is moderate everywhere. In utterance 1, X and OC_1 are nearly one-hot on different
// features in both frames, so JS(X, OC_1) sums to ≈ 2 ln 2 > 1 and is clamped, and so is the
// negative (OC_1, OC_2) with OC_2 nearly one-hot on a third feature.
const ORIGINAL = [
  [[1, 0, -1, 0.5], [0.2, 0.3, -0.4, 0]],
  [[0, 0, 0, 30], [0, 0, 0, 30]],
];
const COMPONENTS = [
  [[[0, 1, 0, -1], [0.5, -0.5, 1, 0]], [[30, 0, 0, 0], [30, 0, 0, 0]]],
  [[[1.5, 0, 0.2, -0.3], [-1, 0.4, 0.1, 0.6]], [[0, 30, 0, 0], [0, 30, 0, 0]]],
  [[[0.3, -0.2, 0.9, 0.1], [0.7, 0.1, -0.6, 0.2]], [[0.1, 0.2, 1, 0.3], [1, 0, 0.5, 0.2]]],
];

function run(original: number[][][], components: number[][][][], s: DecVaeLossSettings) {
  return tf.tidy(() => {
    const { total, logs } = decompositionLoss(tf.tensor3d(original), tf.tensor4d(components), s);
    return { total: total.dataSync()[0], logs };
  });
}

function checkAgainstHand(pairing: 'original' | 'intended') {
  const s = settings({ pairing, weights: { div_neg: 0.5, positive_1: 0.2, positive_2: 0.7, positive_3_and_above: 1.3 } });
  const { total, logs } = run(ORIGINAL, COMPONENTS, s);
  const hand = handLoss(ORIGINAL, COMPONENTS, pairing, s);
  const mean = (xs: number[]) => sum(xs) / xs.length;
  for (let k = 0; k < 3; k++) {
    close(logs[`div_0_${k + 1}`], mean(hand.js_pos[k]), `${pairing} div_0_${k + 1}`);
    close(logs[`ce_0_${k + 1}`], hand.ce_pos[k], `${pairing} ce_0_${k + 1}`, 1e-5);
  }
  close(logs.div_2_1, mean(hand.js_neg[0]), `${pairing} div_2_1`);
  close(logs.div_3_1, mean(hand.js_neg[1]), `${pairing} div_3_1`);
  close(logs.div_3_2, mean(hand.js_neg[2]), `${pairing} div_3_2`);
  close(logs.div_pos, mean(hand.js_pos.flat()), `${pairing} div_pos`);
  close(logs.div_neg, mean(hand.js_neg.flat()), `${pairing} div_neg`);
  close(logs.ce_pos, sum(hand.ce_pos), `${pairing} ce_pos`, 1e-5);
  close(logs.ce_neg, hand.ce_neg, `${pairing} ce_neg`, 1e-5);
  close(total, hand.total, `${pairing} total`, 1e-5);
  close(logs.decomposition, hand.total, `${pairing} logged total`, 1e-5);
  assert.equal(logs.N_div_pos, 2 * 2 * 3);
  assert.equal(logs.N_div_neg, 2 * 2 * 3);
  return { logs, hand };
}

test('the hand JS matches scipy on one row (ε changes it by ~1e-8)', () => {
  // scipy.spatial.distance.jensenshannon(softmax([1,0,-1,0.5]), softmax([0,1,0,-1]))**2 (natural log)
  const scipyJs = 0.12955187340383734;
  const js = rawJs([softmaxRow([1, 0, -1, 0.5])], [softmaxRow([0, 1, 0, -1])]);
  assert.ok(Math.abs(js - scipyJs) < 1e-7, `${js} vs ${scipyJs}`);
});

test('intended pairing: every JS, per-pair average and CE term against the hand computation, with clamps', () => {
  const { logs, hand } = checkAgainstHand('intended');
  // Utterance 1: JS(X, OC_1) and JS(OC_1, OC_2) exceed 1 before the clamp and are 1 after it.
  assert.ok(rawJs(ORIGINAL[1].map(softmaxRow), COMPONENTS[0][1].map(softmaxRow)) > 1.3);
  assert.equal(hand.js_pos[0][1], 1);
  assert.equal(hand.js_neg[0][1], 1);
  // So CEpos_1 carries −max(log 0, −100) = 100 for that utterance, over U = 2, and the clamped
  // negative adds −log 1 = 0.
  assert.ok(logs.ce_0_1 > 50 && logs.ce_0_1 < 51, `ce_0_1 ${logs.ce_0_1}`);
  // Utterance 0 is below every clamp.
  for (const values of [...hand.js_pos, ...hand.js_neg]) assert.ok(values[0] > 0.01 && values[0] < 0.99);
});

test('original pairing: the regrouped rows of §7.1.4, against the hand computation, and different from intended', () => {
  const original = checkAgainstHand('original').logs;
  const intended = run(ORIGINAL, COMPONENTS, settings({ pairing: 'intended' })).logs;
  for (const key of ['div_0_1', 'div_0_2', 'div_0_3', 'div_2_1', 'div_3_1', 'div_3_2']) {
    assert.ok(Math.abs(original[key] - intended[key]) > 1e-3, `${key}: ${original[key]} vs ${intended[key]}`);
  }
});

test('pairComponentRows: the row table of §7.1.4 for n = 2, NoC = 3', () => {
  // Feature value 100·component + 10·utterance + frame identifies each input row.
  const tagged = tf.tensor4d(Array.from({ length: 3 * 2 * 2 }, (_, i) => {
    const c = Math.floor(i / 4), u = Math.floor(i / 2) % 2, f = i % 2;
    return 100 * c + 10 * u + f;
  }), [3, 2, 2, 1]);
  // Frame-major items f0c0 f0c1 f0c2 f1c0 f1c1 f1c2 cut into blocks of 2:
  // group 0 = (f0,c0) (f0,c1); group 1 = (f0,c2) (f1,c0); group 2 = (f1,c1) (f1,c2).
  const expected = [
    [[0, 100], [10, 110]],
    [[200, 1], [210, 11]],
    [[101, 201], [111, 211]],
  ];
  const got = tf.tidy(() => tf.reshape(pairComponentRows(tagged, 'original'), [3, 2, 2]).arraySync() as number[][][]);
  assert.deepEqual(got, expected);
  const same = tf.tidy(() => pairComponentRows(tagged, 'intended').arraySync());
  assert.deepEqual(same, tagged.arraySync());
  // One row per utterance (S): the regrouping is the identity.
  const single = tf.tensor4d([1, 2, 3, 4, 5, 6], [3, 2, 1, 1]);
  assert.deepEqual(tf.tidy(() => pairComponentRows(single, 'original').arraySync()), single.arraySync());
  tf.dispose([tagged, single]);
});

test('S-like input (n = 1): the same formulas with one row per utterance', () => {
  // The default 'original' pairing against the hand 'intended' rows: with one row they coincide.
  const original = ORIGINAL.map((rows) => [rows[0]]);
  const components = COMPONENTS.map((c) => c.map((rows) => [rows[1]]));
  const s = settings();
  const { total, logs } = run(original, components, s);
  const hand = handLoss(original, components, 'intended', s);
  close(total, hand.total, 'total', 1e-5);
  close(logs.div_neg, sum(hand.js_neg.flat()) / 6, 'div_neg');
  assert.equal(logs.N_div_pos, 2 * 3);
  // A single row's JS is at most ln 2 (up to ε), so nothing is clamped at 1 here.
  assert.ok(Math.max(...hand.js_pos.flat(), ...hand.js_neg.flat()) < 0.7);
});

test('default weights are the config 0.3333 and enter the total as written', () => {
  assert.deepEqual(DEFAULTS.weights, { div_neg: 0.3333, div_pos: 0.3333, positive_1: 0.3333, positive_2: 0.3333, positive_3_and_above: 0.3333 });
  const { total } = run(ORIGINAL, COMPONENTS, DEFAULTS);
  const hand = handLoss(ORIGINAL, COMPONENTS, 'original', DEFAULTS);
  close(total, 0.3333 * (hand.ce_neg + sum(hand.ce_pos)), 'total', 1e-5);
});

test('gradients: match float64 finite differences below the clamps', () => {
  const original = [ORIGINAL[0]];
  const components = COMPONENTS.map((c) => [c[0]]);
  const s = settings({ weights: { div_neg: 0.5, positive_1: 0.2, positive_2: 0.7, positive_3_and_above: 1.3 } });
  const [gradOriginal, gradComponents] = tf.tidy(() => {
    const f = (o: tf.Tensor, c: tf.Tensor) => decompositionLoss(o as tf.Tensor3D, c as tf.Tensor4D, s).total;
    const [go, gc] = tf.grads(f)([tf.tensor3d(original), tf.tensor4d(components)]);
    return [go.arraySync() as number[][][], gc.arraySync() as number[][][][]];
  });
  const h = 1e-6;
  const perturbed = (bump: (o: number[][][], c: number[][][][]) => void, sign: number) => {
    const o = structuredClone(original), c = structuredClone(components);
    bump(o, c);
    return handLoss(o, c, 'original', s).total * sign;
  };
  const fd = (bump: (o: number[][][], c: number[][][][], delta: number) => void) =>
    (perturbed((o, c) => bump(o, c, h), 1) + perturbed((o, c) => bump(o, c, -h), -1)) / (2 * h);
  let largest = 0;
  for (const [r, d] of [[0, 0], [1, 2], [0, 3]]) {
    const expected = fd((o, _c, delta) => { o[0][r][d] += delta; });
    close(gradOriginal[0][r][d], expected, `d/d original[0][${r}][${d}]`, 1e-4);
    largest = Math.max(largest, Math.abs(expected));
  }
  for (const [k, r, d] of [[0, 0, 1], [1, 1, 3], [2, 0, 2], [2, 1, 0]]) {
    const expected = fd((_o, c, delta) => { c[k][0][r][d] += delta; });
    close(gradComponents[k][0][r][d], expected, `d/d components[${k}][0][${r}][${d}]`, 1e-4);
    largest = Math.max(largest, Math.abs(expected));
  }
  assert.ok(largest > 1e-2, 'the checked gradients are not all ~0');
});

test('gradients: none through a pair clamped at 1; finite and non-zero below it', () => {
  // NoC = 2 and only the negative term weighted: the loss is −log JS(OC_1, OC_2) (intended rows;
  // the original regrouping would pair each frame's OC_1 with its OC_2 here).
  const s = settings({ pairing: 'intended', weights: { div_neg: 1, positive_1: 0, positive_2: 0 } });
  const original = [[[0, 0, 0, 1], [1, 0, 0, 0]]];
  const gradient = (components: number[][][][]) => tf.tidy(() => {
    const f = (c: tf.Tensor) => decompositionLoss(tf.tensor3d(original), c as tf.Tensor4D, s).total;
    return Array.from(tf.grad(f)(tf.tensor4d(components)).dataSync());
  });
  const disjoint = [[[[30, 0, 0, 0], [30, 0, 0, 0]]], [[[0, 30, 0, 0], [0, 30, 0, 0]]]];
  assert.ok(rawJs(disjoint[0][0].map(softmaxRow), disjoint[1][0].map(softmaxRow)) > 1);
  assert.ok(gradient(disjoint).every((g) => g === 0), 'clamped pair passes no gradient');
  const overlapping = [[[[1, 0, 0, 0], [0.5, 0, 0, 0]]], [[[0, 1, 0, 0], [0, 0.3, 0, 0]]]];
  const g = gradient(overlapping);
  assert.ok(g.every(Number.isFinite) && g.some((v) => Math.abs(v) > 1e-3), `gradient ${g}`);
});

test('identical components: JS 0 costs 100 and the gradient stays finite (PyTorch BCE backward)', () => {
  const s = settings({ weights: { div_neg: 1, positive_1: 0, positive_2: 0 } });
  const uniform = [[[[0, 0, 0, 0]]], [[[0, 0, 0, 0]]]];
  const original = [[[1, 0, 0, 0]]];
  const { logs } = run(original, uniform, s);
  assert.equal(logs.div_2_1, 0);
  close(logs.ce_neg, 100, 'ce_neg');
  const g = tf.tidy(() => {
    const f = (c: tf.Tensor) => decompositionLoss(tf.tensor3d(original), c as tf.Tensor4D, s).total;
    return Array.from(tf.grad(f)(tf.tensor4d(uniform)).dataSync());
  });
  assert.ok(g.every(Number.isFinite), `gradient ${g}`);
});

test('decomposition loss rejects mismatched shapes and fewer than 2 components', () => {
  assert.throws(() => decompositionLoss(tf.zeros([2, 2, 4]) as tf.Tensor3D, tf.zeros([3, 2, 3, 4]) as tf.Tensor4D, DEFAULTS), RangeError);
  assert.throws(() => decompositionLoss(tf.zeros([2, 2, 4]) as tf.Tensor3D, tf.zeros([1, 2, 2, 4]) as tf.Tensor4D, DEFAULTS), UserError);
});

test('jensenShannon broadcasts one original against every group', () => {
  const got = tf.tidy(() => {
    const p = tf.softmax(tf.tensor3d([[[1, 0, -1, 0.5]]]));
    const q = tf.softmax(tf.tensor4d([[[[0, 1, 0, -1]]], [[[1, 0, -1, 0.5]]]]));
    return Array.from(jensenShannon(tf.expandDims(p, 0), q).dataSync());
  });
  // The first group is the scipy row above; the second is identical to the original.
  close(got[0], 0.12955187340383734, 'JS vs scipy', 1e-6);
  assert.ok(Math.abs(got[1]) < 1e-7);
});

// ---- Prior ----

test('gaussianKl: 0 at the prior, and the closed form on a hand case', () => {
  close(tf.tidy(() => gaussianKl(tf.zeros([3, 2]), tf.zeros([3, 2])).dataSync()[0]), 0, 'KL at the prior', 0);
  // Row 0: μ = (1, 2), lv = (0, ln 2): −½(1 + 0 − 1 − 1) = ½ and −½(1 + ln 2 − 4 − 2) = (5 − ln 2)/2.
  // Row 1: μ = (0, −1), lv = (−1, 1): −½(1 − 1 − 0 − e^−1) = e^−1/2 and −½(1 + 1 − 1 − e) = (e − 1)/2.
  const expected = 0.5 + (5 - Math.LN2) / 2 + Math.exp(-1) / 2 + (Math.E - 1) / 2;
  const got = tf.tidy(() => gaussianKl(tf.tensor2d([[1, 2], [0, -1]]), tf.tensor2d([[0, Math.LN2], [-1, 1]])).dataSync()[0]);
  close(got, expected, 'KL');
  assert.throws(() => gaussianKl(tf.zeros([2, 2]), tf.zeros([2, 3])), RangeError);
});

test('prior loss: weighting·β·(KL(proj) + Σ KL(OC_k))/(NoC + 1), 10 for Z and 400 for S', () => {
  // KLs: proj 0.5 (μ = 1, lv = 0); OC_1 2 (μ = 2); OC_2 0; OC_3 (e − 2)/2 (lv = 1).
  const kls = [0.5, 2, 0, (Math.E - 2) / 2];
  const run = (branch: 'z' | 's', s: DecVaeLossSettings) => tf.tidy(() => {
    const head = (mu: number, lv: number) => ({ mu: tf.tensor2d([[mu]]), logvar: tf.tensor2d([[lv]]) });
    const { total, logs } = priorLoss({ projected: head(1, 0), components: [head(2, 0), head(0, 0), head(0, 1)] }, branch, s);
    return { total: total.dataSync()[0], logs };
  });
  const z = run('z', settings({ beta_z: 0.1 }));
  close(z.total, (10 * 0.1 * sum(kls)) / 4, 'Z prior');
  close(z.logs.kl_proj, kls[0], 'kl_proj');
  close(z.logs.kl_oc_1, kls[1], 'kl_oc_1');
  close(z.logs.kl_oc_3, kls[3], 'kl_oc_3');
  close(z.logs.prior, z.total, 'logged prior');
  close(run('s', DEFAULTS).total, (400 * sum(kls)) / 4, 'S prior');
  assert.equal(run('z', settings({ beta_z: 0 })).total, 0);
});

test('decVaeLoss: the sum of both branches, prefixed logs, and W from the Z counts', () => {
  const s = DEFAULTS;
  const result = tf.tidy(() => {
    const head = (rows: number) => ({ mu: tf.ones([rows, 2]), logvar: tf.zeros([rows, 2]) });
    const heads = (rows: number) => ({ projected: head(rows), components: [head(rows), head(rows), head(rows)] });
    const { total, logs, gradientNormaliser: w } = decVaeLoss({
      z: { original: tf.tensor3d(ORIGINAL), components: tf.tensor4d(COMPONENTS), heads: heads(4) },
      s: { original: tf.tensor3d(ORIGINAL.map((r) => [r[0]])), components: tf.tensor4d(COMPONENTS.map((c) => c.map((r) => [r[0]]))), heads: heads(2) },
    }, s);
    return { total: total.dataSync()[0], logs, w };
  });
  const zHand = handLoss(ORIGINAL, COMPONENTS, 'original', s).total;
  const sHand = handLoss(ORIGINAL.map((r) => [r[0]]), COMPONENTS.map((c) => c.map((r) => [r[0]])), 'original', s).total;
  // Each head: μ = 1, lv = 0 over 2 dims → KL ½ per dim per row; 4 heads.
  const zPrior = (10 * 1 * 4 * (4 * 2 * 0.5)) / 4;
  const sPrior = (400 * 1 * 4 * (2 * 2 * 0.5)) / 4;
  close(result.logs['z/prior'], zPrior, 'z prior');
  close(result.logs['s/prior'], sPrior, 's prior');
  close(result.logs['z/decomposition'], zHand, 'z decomposition', 1e-5);
  close(result.logs['s/decomposition'], sHand, 's decomposition', 1e-5);
  close(result.total, zHand + zPrior + sHand + sPrior, 'total', 1e-5);
  close(result.logs.total, result.total, 'logged total');
  // 4 selected Z frames: N_pos = N_neg = 12; W = 2·0.3333·24.
  close(result.w, 2 * 0.3333 * 24, 'W', 1e-12);
});

// ---- Gradient normaliser and clipping ----

test('gradientNormaliser: W = 2·(w_neg·N_neg + w_pos·N_pos) for B = 16, n = 100 is 6399.36', () => {
  // N_pos = 16·100·3 = 4800, N_neg = 16·100·C(3,2) = 4800; 2·(0.3333·4800 + 0.3333·4800) = 6399.36.
  close(gradientNormaliser(new Array(16).fill(100), 3, DEFAULTS), 6399.36, 'W', 1e-12);
  // Exactly 1/3 would give 6400; unequal weights and counts: NoC 4 has 6 pairs.
  close(gradientNormaliser([2, 5], 4, settings({ weights: { div_neg: 0.5, div_pos: 0.25 } })), 2 * (0.5 * 7 * 6 + 0.25 * 7 * 4), 'W', 1e-12);
  assert.throws(() => gradientNormaliser([0, 0], 3, DEFAULTS), RangeError);
});

test('normaliseAndClipGradients: 1/W, then torch clip_grad_norm_ at max_norm', () => {
  const w = 2;
  const grads = { a: tf.tensor1d([6, 8]), b: tf.tensor2d([[24]]) };
  // Scaled: (3, 4) and 12, global norm 13 > 2: multiply by 2 / (13 + 1e-6).
  const clipped = normaliseAndClipGradients(grads, w, 2);
  close(clipped.norm, 13, 'norm', 1e-12);
  const c = 2 / (13 + 1e-6);
  const a = Array.from(clipped.grads.a.dataSync());
  close(a[0], 3 * c, 'a0');
  close(a[1], 4 * c, 'a1');
  close(clipped.grads.b.dataSync()[0], 12 * c, 'b');
  assert.deepEqual(clipped.grads.b.shape, [1, 1]);
  // Below the threshold (norm 1.3): only the 1/W scaling, untouched by the clip.
  const small = normaliseAndClipGradients(grads, 20, 2);
  close(small.norm, 1.3, 'norm', 1e-6);
  assert.deepEqual(Array.from(small.grads.a.dataSync()).map((v) => Math.round(v * 1e6) / 1e6), [0.3, 0.4]);
  tf.dispose([grads.a, grads.b, ...Object.values(clipped.grads), ...Object.values(small.grads)]);
});

// ---- Frame selection ----

test('selectFrames: min(N, eligible) distinct sorted frames, deterministic per seed', () => {
  const all199 = Array.from({ length: 199 }, (_, i) => i);
  const eligible = [all199, all199, [3, 7, 9], []];
  const a = selectFrames(eligible, 100, Rng.fromSeed(0));
  const b = selectFrames(eligible, 100, Rng.fromSeed(0));
  assert.deepEqual(a, b);
  assert.deepEqual(a.map((f) => f.length), [100, 100, 3, 0]);
  for (const frames of a) {
    for (let i = 1; i < frames.length; i++) assert.ok(frames[i] > frames[i - 1], 'sorted, distinct');
  }
  assert.ok(a[0].every((f) => f >= 0 && f < 199));
  assert.deepEqual(a[2], [3, 7, 9]);
  assert.notDeepEqual(a[0], a[1], 'utterances draw independently');
  assert.notDeepEqual(selectFrames(eligible, 100, Rng.fromSeed(1))[0], a[0], 'another seed, another draw');
  assert.deepEqual(selectFrames([[5, 2, 8]], 'all', Rng.fromSeed(0)), [[2, 5, 8]]);
  assert.throws(() => selectFrames(eligible, 0, Rng.fromSeed(0)), UserError);
  assert.throws(() => selectFrames([[1, 1]], 1, Rng.fromSeed(0)), RangeError);
});

test('selectFrames: uniform without replacement (each of 10 frames picked 3/10 of the time)', () => {
  const rng = Rng.fromSeed(7);
  const counts = new Array(10).fill(0);
  const draws = 2000;
  const frames = Array.from({ length: 10 }, (_, i) => i);
  for (let t = 0; t < draws; t++) for (const f of selectFrames([frames], 3, rng)[0]) counts[f]++;
  // Expected 600 each, sd √(2000·0.3·0.7) ≈ 20.5: allow 5 sd.
  for (const c of counts) assert.ok(Math.abs(c - 600) < 103, `counts ${counts}`);
});

test('settings: defaults of spec §7 and rejected values', () => {
  assert.equal(DEFAULTS.divergence, 'js');
  assert.equal(DEFAULTS.reduction, 'sum');
  assert.equal(DEFAULTS.max_frames_per_batch, 100);
  assert.equal(DEFAULTS.pairing, 'original');
  assert.equal(DEFAULTS.prior_weighting_z, 10);
  assert.equal(DEFAULTS.prior_weighting_s, 400);
  assert.equal(DEFAULTS.beta_z, 1);
  assert.equal(DEFAULTS.beta_s, 1);
  assert.equal(DEFAULTS.max_grad_norm, 2);
  assert.equal(settings({ max_frames_per_batch: 'all' }).max_frames_per_batch, 'all');
  for (const bad of [{ max_frames_per_batch: 0 }, { divergence: 'kl' }, { pairing: 'other' }, { beta_z: -1 }, { weights: { other: 1 } }]) {
    assert.equal(DECVAE_LOSS_SETTINGS.safeParse(bad).success, false, JSON.stringify(bad));
  }
});
