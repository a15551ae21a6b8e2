import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
// select.js also registers the cpu backend and (through tfjs-layers) core's gradients.
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import {
  blurImages, blurKernel2d, decodedToImage, parseReconLoss, reconstructionLoss, type ReconLoss,
} from '../../src/nn/losses.js';
import { Rng } from '../../src/util/random.js';

after(shutdownBackend);

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

// One 2x2 single-channel image: decoder output and target.
const D = [0.5, -1, 2, 0];
const X = [1, 0, 0.5, 0];
const image = (v: number[]) => tf.tensor4d(v, [1, 2, 2, 1]);
const lossOf = (kind: ReconLoss, d = D, x = X, reduction: 'sum' | 'mean' = 'sum') =>
  tf.tidy(() => reconstructionLoss(kind, image(d), image(x), reduction).dataSync()[0]);

test('base losses on a 1x2x2x1 image, summed over pixels and averaged over the 4 elements', async () => {
  await tf.setBackend('cpu');
  const bce = sum(D.map((d, i) => -(X[i] * Math.log(sigmoid(d)) + (1 - X[i]) * Math.log(1 - sigmoid(d)))));
  const l2 = sum(D.map((d, i) => (sigmoid(d) - X[i]) ** 2));
  const squared = 0.25 + 1 + 2.25 + 0;
  const byHand: Record<string, number> = {
    bernoulli: bce, bce, l2, mse: squared, gaussian: 0.5 * squared + 4 * HALF_LOG_TWO_PI, normal: 0.5 * squared + 4 * HALF_LOG_TWO_PI,
  };
  for (const [kind, expected] of Object.entries(byHand)) {
    close(lossOf(kind as ReconLoss), expected);
    close(lossOf(kind as ReconLoss, D, X, 'mean'), expected / 4);
  }
});

test('the sum reduction averages over the batch, the mean reduction over every element', async () => {
  await tf.setBackend('cpu');
  const d = tf.tensor4d([0.5, 0.2, 1, 0], [2, 1, 2, 1]);
  const x = tf.tensor4d([1, 0, 0, 0], [2, 1, 2, 1]);
  close(reconstructionLoss('mse', d, x).dataSync()[0], (0.25 + 0.04 + 1 + 0) / 2);
  close(reconstructionLoss('mse', d, x, 'mean').dataSync()[0], (0.25 + 0.04 + 1 + 0) / 4);
  tf.dispose([d, x]);
});

test('box_r1 has entries 1/9 and box_r2 1/25 whatever the normalisation', () => {
  for (const normalize of ['sum', 'abssum', 'none'] as const) {
    const k1 = blurKernel2d({ shape: 'box', radius: 1, normalize });
    assert.equal(k1.length, 3);
    for (const row of k1) for (const v of row) close(v, 1 / 9, 1e-12);
    for (const row of blurKernel2d({ shape: 'box', radius: 2, normalize })) for (const v of row) close(v, 1 / 25, 1e-12);
  }
});

test('gau_r4 is the 9x9 Gaussian of sigma 1: exp(-(i^2 + j^2)/2) / (2 pi), divided by its sum under norm_sum', () => {
  const raw = blurKernel2d({ shape: 'gau', radius: 4, normalize: 'none' });
  const normed = blurKernel2d({ shape: 'gau', radius: 4, normalize: 'sum' });
  assert.equal(raw.length, 9);
  const g = (i: number, j: number) => Math.exp(-((i - 4) ** 2 + (j - 4) ** 2) / 2) / (2 * Math.PI);
  const total = sum(Array.from({ length: 81 }, (_, n) => g(Math.floor(n / 9), n % 9)));
  close(raw[4][4], 1 / (2 * Math.PI), 1e-12);
  close(raw[0][4], Math.exp(-8) / (2 * Math.PI), 1e-12);
  for (let i = 0; i < 9; i++) {
    for (let j = 0; j < 9; j++) {
      close(raw[i][j], g(i, j), 1e-12);
      close(normed[i][j], g(i, j) / total, 1e-12);
    }
  }
  assert.ok(total < 1 && total > 0.99, `truncation at 4 sigma keeps almost all the mass: ${total}`);
});

test('blurring is a per-channel zero-padded same-size convolution with the 2-D kernel', async () => {
  await tf.setBackend('cpu');
  // A pixel in the corner of a 3x3 image: the box r1 spreads 1/9 onto the 2x2 corner only.
  const corner = tf.tensor4d([1, 0, 0, 0, 0, 0, 0, 0, 0], [1, 3, 3, 1]);
  assert.deepEqual(Array.from(blurImages({ shape: 'box', radius: 1, normalize: 'sum' }, corner).dataSync()).map((v) => Math.round(v * 9 * 1e5) / 1e5),
    [1, 1, 0, 1, 1, 0, 0, 0, 0]);
  // Against a direct 2-D convolution with gau_r2 on a 4x5 image of 2 channels.
  const spec = { shape: 'gau', radius: 2, normalize: 'none' } as const;
  const k = blurKernel2d(spec);
  const [h, w, c] = [4, 5, 2];
  const pixels = Array.from({ length: h * w * c }, (_, n) => Math.sin(n * 1.7) + (n % 3));
  const at = (y: number, x: number, ch: number) => (y < 0 || y >= h || x < 0 || x >= w ? 0 : pixels[(y * w + x) * c + ch]);
  const input = tf.tensor4d(pixels, [1, h, w, c]);
  const out = blurImages(spec, input).dataSync();
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        let expected = 0;
        for (let i = -2; i <= 2; i++) for (let j = -2; j <= 2; j++) expected += k[i + 2][j + 2] * at(y + i, x + j, ch);
        close(out[(y * w + x) * c + ch], expected);
      }
    }
  }
  tf.dispose([corner, input]);
});

test('blurred loss = w_rec * base(d, x) + w_aug * base(K * act(d), K * x)', async () => {
  await tf.setBackend('cpu');
  // On a 2x2 image every 3x3 window of box_r1 covers all four pixels: K * v = sum(v) / 9 everywhere.
  const x = [1, 0, 0.5, 0.5];
  const squared = 0.25 + 1 + 2.25 + 0.25;
  const blurredSquared = 4 * ((sum(D) - sum(x)) / 9) ** 2;
  close(lossOf('mse_box_r1_l2.0_k3.0_norm_sum', D, x), 2 * squared + 3 * blurredSquared);
  close(lossOf('mse_box_r1_l2.0_k3.0_norm_sum', D, x, 'mean'), (2 * squared + 3 * blurredSquared) / 4);
  close(lossOf('mse_box_r1', D, x), squared + blurredSquared);
  close(lossOf('mse_box_r0', D, x), 2 * squared);
  // Bernoulli: the blurred term is the BCE of the blurred probabilities sigmoid(d).
  const bce = sum(D.map((d, i) => -(x[i] * Math.log(sigmoid(d)) + (1 - x[i]) * Math.log(1 - sigmoid(d)))));
  const p = sum(D.map(sigmoid)) / 9;
  const q = sum(x) / 9;
  close(lossOf('bce_box_r1_l0.5_k1.0_norm_sum', D, x), 0.5 * bce + 4 * -(q * Math.log(p) + (1 - q) * Math.log(1 - p)));
});

test('blurred Bernoulli loss keeps finite gradients on saturated logits, and leaks no tensors', async () => {
  await tf.setBackend('cpu');
  const d = image([60, -60, 60, -60]);
  const x = image([1, 0, 0, 1]);
  const before = tf.memory().numTensors;
  const grad = tf.grad((v: tf.Tensor) => reconstructionLoss('bce_gau_r1_norm_sum', v as tf.Tensor4D, x))(d);
  assert.ok(Array.from(grad.dataSync()).every(Number.isFinite));
  grad.dispose();
  const loss = reconstructionLoss('mse_box_r1_l1.0_k9.0_norm_none', d, x);
  loss.dispose();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([d, x]);
});

test('decoded output to image: sigmoid for the logit losses, clipped for the others', async () => {
  await tf.setBackend('cpu');
  const d = image([0, 2, -1, 0.5]);
  close(decodedToImage('l2', d).dataSync()[1], sigmoid(2));
  close(decodedToImage('bce_box_r1', d).dataSync()[2], sigmoid(-1));
  assert.deepEqual(Array.from(decodedToImage('gaussian_gau_r2_norm_sum', d).dataSync()), [0, 1, 0, 0.5]);
  d.dispose();
});

test('the name grammar: base, kernel, weights and normalisation', () => {
  assert.deepEqual(parseReconLoss('bce'), { name: 'bce', base: 'bernoulli' });
  assert.deepEqual(parseReconLoss('mse_box_r31_l1.0_k3969.0_norm_sum'), {
    name: 'mse_box_r31_l1.0_k3969.0_norm_sum', base: 'mse',
    blur: { kernel: { shape: 'box', radius: 31, normalize: 'sum' }, reconWeight: 1, augWeight: 3969 },
  });
  assert.deepEqual(parseReconLoss('normal_gau_r4_norm_abssum').blur, { kernel: { shape: 'gau', radius: 4, normalize: 'abssum' }, reconWeight: 1, augWeight: 1 });
  assert.deepEqual(parseReconLoss('bernoulli_box_r2').blur, { kernel: { shape: 'box', radius: 2, normalize: 'none' }, reconWeight: 1, augWeight: 1 });
  const refused: Array<[string, RegExp]> = [
    ['l3', /unknown base loss 'l3'/],
    ['', /unknown base loss ''/],
    ['mae_box_r1', /unknown base loss 'mae'/],
    ['mse_tri_r1', /unknown blur kernel 'tri'/],
    ['mse_box', /radius .*got ''/],
    ['mse_box_31', /radius .*got '31'/],
    ['mse_gau_r0', /radius .*>= 1.*'r0'/],
    ['mse_box_r1_l1_k1.0_norm_sum', /reconstruction weight .*got 'l1'/],
    ['mse_box_r1_l1.0_w1.0_norm_sum', /blurred-loss weight .*got 'w1.0'/],
    ['mse_box_r1_l1.0_k1.0_nrm_sum', /expected 'norm', got 'nrm'/],
    ['mse_box_r1_nrm_sum', /got '_nrm_sum'/],
    ['mse_box_r1_norm_maxsum', /unknown kernel normalisation 'maxsum'/],
    ['mse_box_r1_norm', /got '_norm'/],
    ['mse_box_r1_l1.0_k1.0', /got '_l1.0_k1.0'/],
  ];
  for (const [name, message] of refused) {
    assert.throws(() => parseReconLoss(name), (e: Error) => e instanceof RangeError && message.test(e.message), name);
  }
  assert.throws(() => lossOf('mse_box_r1_norm_median' as ReconLoss), /normalisation 'median'/);
});

test('blurred losses and their gradients agree on the cpu and wasm backends (the MSc r31 box included)', async () => {
  const rng = Rng.fromSeed(5);
  const shape: [number, number, number, number] = [2, 64, 64, 3];
  const values = (n: number, f: () => number) => Float32Array.from({ length: n }, f);
  const n = shape.reduce((a, b) => a * b, 1);
  const decodedValues = values(n, () => 4 * rng.float() - 2);
  const targetValues = values(n, () => (rng.float() < 0.2 ? 1 : 0));
  const run = (kind: ReconLoss) => tf.tidy(() => {
    const x = tf.tensor4d(targetValues, shape);
    const { value, grads } = tf.valueAndGrads((d) => reconstructionLoss(kind, d as tf.Tensor4D, x))([tf.tensor4d(decodedValues, shape)]);
    return { value: value.dataSync()[0], grad: grads[0].dataSync() as Float32Array };
  });
  const kinds: ReconLoss[] = ['mse_box_r31_l1.0_k3969.0_norm_sum', 'bce_gau_r2_l1.0_k2.0_norm_none'];
  await initBackend('cpu');
  const onCpu = kinds.map(run);
  await initBackend('wasm', { threads: 1 });
  const onWasm = kinds.map(run);
  kinds.forEach((kind, i) => {
    close(onWasm[i].value, onCpu[i].value, 1e-4);
    const worst = onCpu[i].grad.reduce((m, g, j) => Math.max(m, Math.abs(g - onWasm[i].grad[j])), 0);
    const scale = onCpu[i].grad.reduce((m, g) => Math.max(m, Math.abs(g)), 0);
    assert.ok(worst < 1e-5 * scale, `${kind}: gradients differ by ${worst} of ${scale}`);
  });
});
