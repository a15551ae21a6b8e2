import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backends/select.js';
import {
  BASELINE_VAE_DEFAULTS, baselineLearningRate, baselineVaeLoss, BaselineVaeSystem, type BaselineVaeTerms,
} from '../../src/decvae/baseline_vae.js';
import type { FcVaeWidths } from '../../src/nn/fc_vae_nets.js';
import { Rng } from '../../src/util/random.js';

before(async () => {
  await initBackend('cpu');
});

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

function lossValues(x: number[][], recon: number[][], mu: number[][], logvar: number[][], beta: number) {
  return tf.tidy(() => {
    const terms = baselineVaeLoss(tf.tensor2d(x), tf.tensor2d(recon), tf.tensor2d(mu), tf.tensor2d(logvar), beta);
    return { total: terms.total.dataSync()[0], reconstruction: terms.reconstruction.dataSync()[0], kl: terms.kl.dataSync()[0] };
  });
}

test('loss terms by hand on a 2-sample batch: sums over samples and dimensions, KL in closed form', () => {
  const x = [[0.5, -0.2], [0.1, 0.3]];
  const recon = [[0.4, 0.0], [0.1, -0.1]];
  const { total, reconstruction, kl } = lossValues(x, recon, [[0.5], [-1]], [[Math.log(2)], [0]], 0.5);
  // (0.1² + 0.2²) + (0 + 0.4²)
  close(reconstruction, 0.21, 1e-6, 'reconstruction');
  // KL(N(μ, σ²) ‖ N(0, 1)) = ½(σ² + μ² − 1 − ln σ²): ½(2 + 0.25 − 1 − ln 2) + ½(1 + 1 − 1 − 0)
  const expectedKl = 0.5 * (1.25 - Math.log(2)) + 0.5;
  close(kl, expectedKl, 1e-6, 'kl');
  close(total, 0.21 + 0.5 * expectedKl, 1e-6, 'total');
});

test('log σ² is clamped to [−20, 20] inside the KL', () => {
  const x = [[0.2]];
  const klAt = (logvar: number, mu = 0.3) => lossValues(x, x, [[mu]], [[logvar]], 1).kl;
  const atBound = 0.5 * (Math.exp(20) + 0.09 - 1 - 20);
  close(klAt(20), atBound, 1e-6 * atBound, 'kl at +20');
  assert.equal(klAt(30), klAt(20));
  assert.ok(klAt(30) < 0.5 * (Math.exp(30) - 31) * 1e-3, 'unclamped it would be e^10 times larger');
  close(klAt(-25), 0.5 * (Math.exp(-20) + 0.09 - 1 + 20), 1e-5, 'kl at −20');
  assert.equal(klAt(-25), klAt(-20));
  assert.notEqual(klAt(-19), klAt(-20));
});

test('the linear schedule: warm-up ramp over 10000 steps, then linear decay to 0', () => {
  close(baselineLearningRate(BASELINE_VAE_DEFAULTS, 0, 37500), 0, 0, 'first step');
  close(baselineLearningRate(BASELINE_VAE_DEFAULTS, 5000, 37500), 5e-5, 1e-15, 'mid warm-up');
  close(baselineLearningRate(BASELINE_VAE_DEFAULTS, 10000, 37500), 1e-4, 1e-15, 'peak');
  close(baselineLearningRate(BASELINE_VAE_DEFAULTS, 23750, 37500), 5e-5, 1e-15, 'mid decay');
  close(baselineLearningRate(BASELINE_VAE_DEFAULTS, 37500, 37500), 0, 0, 'end');
});

test('evaluation with fixed weights: running BatchNorm statistics, z = μ, loss as numpy computes it', () => {
  const system = new BaselineVaeSystem({ ...BASELINE_VAE_DEFAULTS, beta: 0.5, widths: { input: 2, encoder: [2], latent: 1 } }, Rng.fromSeed(0));
  try {
    const set = (name: string, values: number[][] | number[]) => system.variables().get(`vae/${name}`)!.assign(tf.tensor(values));
    set('encoder/0/linear/kernel', [[0.5, -0.3], [0.2, 0.8]]);
    set('encoder/0/linear/bias', [0.1, -0.2]);
    set('encoder/0/batch_norm/gamma', [1.5, 0.5]);
    set('encoder/0/batch_norm/beta', [0.1, -0.1]);
    set('encoder/0/batch_norm/running_mean', [0.2, -0.1]);
    set('encoder/0/batch_norm/running_var', [2.0, 0.5]);
    set('z_mean/kernel', [[0.7], [-0.4]]);
    set('z_mean/bias', [0.05]);
    set('z_logvar/kernel', [[0.3], [0.6]]);
    set('z_logvar/bias', [-0.5]);
    set('decoder/0/linear/kernel', [[0.9, -1.2]]);
    set('decoder/0/linear/bias', [0.1, 0.2]);
    // x = [[.5,-.2],[.1,.3]]; h = x @ W1 + b1; h = (h - rm)/sqrt(rv + 1e-5)·γ + β; h = h·½(1 + erf(h/√2))
    // mu = h @ Wm + bm; lv = h @ Wl + bl; x̂ = tanh(mu @ Wd + bd)
    // rec = ((x̂ - x)²).sum(); kl = -½(1 + lv - mu² - exp(lv)).sum(); print(mu, rec, kl, rec + 0.5·kl)
    const x = tf.tensor2d([[0.5, -0.2], [0.1, 0.3]]);
    const terms = system.evalTerms(x);
    close(terms.reconstruction, 0.13631079966096854, 1e-6, 'reconstruction');
    close(terms.kl, 0.13642039553446222, 1e-6, 'kl');
    close(terms.loss, 0.20452099742819965, 1e-6, 'loss');
    assert.equal(terms.frames, 2);
    const mu = system.encodeMeans(x);
    assert.deepEqual(mu.shape, [2, 1]);
    mu.dataSync().forEach((v, i) => close(v, [0.1931663974478039, 0.09648679029103485][i], 1e-6, `mu[${i}]`));
    tf.dispose([x, mu]);
  } finally {
    system.dispose();
  }
});

const TINY: FcVaeWidths = { input: 8, encoder: [32, 16], latent: 4 };

/** 64 frames of 8 values in (−1, 1), from two hidden factors. */
function tinyDataset(): tf.Tensor2D {
  const rng = Rng.fromSeed(11);
  const values: number[][] = [];
  for (let n = 0; n < 64; n++) {
    const [a, b] = [rng.float() * 2 - 1, rng.float() * 3];
    values.push(Array.from({ length: 8 }, (_, j) => 0.8 * Math.tanh(a * Math.cos(b + j))));
  }
  return tf.tensor2d(values);
}

function run(seed: number, steps: number, data: tf.Tensor2D): { terms: BaselineVaeTerms[]; mu: Float32Array } {
  const system = new BaselineVaeSystem({ ...BASELINE_VAE_DEFAULTS, beta: 0.1, widths: TINY }, Rng.fromSeed(seed));
  try {
    const terms = Array.from({ length: steps }, () => system.trainStep(data, 1e-3));
    const mu = system.encodeMeans(data);
    const values = mu.dataSync() as Float32Array;
    mu.dispose();
    return { terms, mu: values };
  } finally {
    system.dispose();
  }
}

test('30 training steps on a tiny fixed dataset decrease the loss; gradients clipped at norm 1', () => {
  const data = tinyDataset();
  try {
    const { terms } = run(3, 30, data);
    const mean = (xs: BaselineVaeTerms[]) => xs.reduce((s, t) => s + t.loss, 0) / xs.length;
    const [first, last] = [mean(terms.slice(0, 3)), mean(terms.slice(-3))];
    assert.ok(last < 0.7 * first, `loss ${first} → ${last}`);
    for (const t of terms) {
      assert.equal(t.frames, 64);
      close(t.loss, t.reconstruction + 0.1 * t.kl, 1e-3 * t.loss, 'loss = reconstruction + β·KL');
      assert.ok(Number.isFinite(t.grad_norm) && t.grad_norm > 0);
    }
  } finally {
    data.dispose();
  }
});

test('determinism: two systems from the same seed give identical terms and means; another seed differs', () => {
  const data = tinyDataset();
  try {
    const a = run(21, 3, data);
    const b = run(21, 3, data);
    const c = run(22, 3, data);
    assert.deepEqual(a.terms, b.terms);
    assert.deepEqual(a.mu, b.mu);
    assert.notDeepEqual(a.terms, c.terms);
  } finally {
    data.dispose();
  }
});

test('the sampling stream resumes from its saved state', () => {
  const data = tinyDataset();
  const system = new BaselineVaeSystem({ ...BASELINE_VAE_DEFAULTS, beta: 1, widths: { input: 8, encoder: [4], latent: 2 } }, Rng.fromSeed(4));
  try {
    const saved = system.noiseState();
    const weights = new Map([...system.variables()].map(([name, v]) => [name, tf.clone(v)]));
    const first = system.trainStep(data, 0);
    for (const [name, v] of system.variables()) v.assign(weights.get(name)!);
    system.restoreNoise(saved);
    // lr 0 leaves the weights alone but AdamW's moments advance; the forward pass repeats exactly.
    const again = system.trainStep(data, 0);
    assert.equal(again.loss, first.loss);
    tf.dispose([...weights.values()]);
  } finally {
    system.dispose();
    data.dispose();
  }
});
