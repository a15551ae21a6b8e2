import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { XYSingleSquareData } from '../../src/datasets/xysquares.js';
import { InfoVae, mmd } from '../../src/frameworks/info_vae.js';
import { Rng } from '../../src/util/random.js';
import { assertTrains, tinyModel } from './tiny_model.js';

after(shutdownBackend);

const SETTINGS = { recon_loss: 'bernoulli' as const, optimizer: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };
const INFO = { alpha: -0.5, lambda: 5, z_var: 2 };

/** Unbiased k(p,p) and k(q,q) means, plain k(p,q) mean, k(a,b) = exp(-|a-b|^2 / (2 zVar zDim)), with scalars. */
function mmdByHand(zq: number[][], zp: number[][], zVar: number): number {
  const k = (a: number[], b: number[]) => Math.exp(-a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / (2 * zVar * a.length));
  const mean = (xs: number[][], ys: number[][], unbiased: boolean) => {
    let [sum, count] = [0, 0];
    xs.forEach((x, i) => ys.forEach((y, j) => {
      if (!unbiased || i !== j) [sum, count] = [sum + k(x, y), count + 1];
    }));
    return sum / count;
  };
  return mean(zp, zp, true) - 2 * mean(zp, zq, false) + mean(zq, zq, true);
}

test('InfoVAE: the MMD with an RBF kernel on hand-made samples', async () => {
  await initBackend('cpu');
  // 2 dims, z_var 1/4: k = exp(-d^2). k(p,p) = k(q,q) = e^-1; k(p,q) averages e^-1, e^-2, e^-2, e^-1.
  const square = mmd(tf.tensor2d([[0, 0], [1, 0]]), tf.tensor2d([[0, 1], [1, 1]]), 0.25).arraySync();
  assert.ok(Math.abs(square - (Math.exp(-1) - Math.exp(-2))) < 1e-6);
  // 1 dim, z_var 1/2: k = exp(-d^2). Prior all at 0: k(p,p) = 1, k(p,q) = (1 + e^-1 + e^-4)/3,
  // k(q,q) = (2e^-1 + e^-4)/3, so MMD = (1 - e^-4)/3.
  const line = mmd(tf.tensor2d([[0], [1], [2]]), tf.tensor2d([[0], [0], [0]]), 0.5).arraySync();
  assert.ok(Math.abs(line - (1 - Math.exp(-4)) / 3) < 1e-6);
});

test('InfoVAE: loss = recon + (1 - alpha) KL + (alpha + lambda - 1) zDim MMD against prior samples from the step Rng', async () => {
  await initBackend('cpu');
  const data = new XYSingleSquareData();
  const framework = new InfoVae(tinyModel(3, data.observationShape, Rng.fromSeed(1)), SETTINGS, INFO);
  const x = tf.tensor4d(new Float32Array(4 * 64 * 64).map((_, i) => (i % (3 + Math.floor(i / 4096)) === 0 ? 1 : 0)), [4, 64, 64, 1]);
  const q = framework.model.encode(x);
  const [mu, logvar] = [q.mu.arraySync(), q.logvar.arraySync()];
  const rng = Rng.fromSeed(7);
  const replay = Rng.fromState(rng.state());
  // trainStep draws the reparameterisation noise first, then the prior samples, row by row.
  const eps = mu.map((row) => row.map(() => replay.normal()));
  const prior = mu.map((row) => row.map(() => replay.normal()));
  const terms = framework.trainStep(x, rng, 1);
  const z = mu.map((row, b) => row.map((m, d) => m + eps[b][d] * Math.exp(0.5 * logvar[b][d])));
  const kl = mu.reduce((sum, row, b) => sum + row.reduce((s, m, d) => s + 0.5 * (m * m + Math.exp(logvar[b][d]) - 1 - logvar[b][d]), 0), 0) / 4;
  const discrepancy = mmdByHand(z, prior, 2);
  assert.ok(Math.abs(terms.mmd - discrepancy) < 1e-5, `${terms.mmd} vs ${discrepancy}`);
  assert.ok(Math.abs(terms.kl - kl) < 1e-4);
  assert.ok(Math.abs(terms.loss - terms.recon - (1.5 * kl + 3.5 * 3 * discrepancy)) < 1e-2);
  assert.throws(() => framework.lossTerms([x], [tf.zeros([4, 3]) as tf.Tensor2D], 1), /pass one to lossTerms/);
  framework.dispose();
});

test('InfoVAE trains: the loss falls, stays finite, and a step leaks no tensors', async () => {
  await initBackend('wasm');
  const data = new XYSingleSquareData();
  const framework = new InfoVae(tinyModel(4, data.observationShape, Rng.fromSeed(2)), SETTINGS, INFO);
  assertTrains(framework, data, 150, ['loss', 'mmd']);
  framework.dispose();
});
