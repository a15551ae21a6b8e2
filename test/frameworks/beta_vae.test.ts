import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { XYSingleSquareData } from '../../src/datasets/xysquares.js';
import { BetaVae } from '../../src/frameworks/beta_vae.js';
import { Rng } from '../../src/util/random.js';
import { meanOf, tinyModel, trainSteps } from './tiny_model.js';

after(shutdownBackend);

const SETTINGS = { recon_loss: 'bernoulli' as const, optimizer: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };

test('beta-VAE: loss = recon + beta * KL, with the KL of diagonal Gaussians in closed form', async () => {
  await initBackend('cpu');
  const data = new XYSingleSquareData();
  const framework = new BetaVae(tinyModel(2, data.observationShape, Rng.fromSeed(1)), SETTINGS, 4);
  const x = tf.tensor4d(new Float32Array(2 * 64 * 64), [2, 64, 64, 1]);
  const { terms } = framework.lossTerms([x], [tf.zeros([2, 2]) as tf.Tensor2D], 1);
  const q = framework.model.encode(x);
  const [mu, logvar] = [q.mu.arraySync(), q.logvar.arraySync()];
  // KL(N(mu, e^lv) || N(0, 1)) = ½(mu² + e^lv − 1 − lv) per dimension, summed, averaged over the batch.
  const kl = mu.reduce((sum, row, b) => sum + row.reduce((s, m, d) => s + 0.5 * (m * m + Math.exp(logvar[b][d]) - 1 - logvar[b][d]), 0), 0) / 2;
  assert.ok(Math.abs(terms.kl.arraySync() - kl) < 1e-5);
  assert.ok(Math.abs(terms.loss.arraySync() - (terms.recon.arraySync() + 4 * kl)) < 1e-3);
  framework.dispose();
});

test('beta-VAE trains: the loss falls and stays finite', async () => {
  await initBackend('wasm');
  const data = new XYSingleSquareData();
  const framework = new BetaVae(tinyModel(4, data.observationShape, Rng.fromSeed(2)), SETTINGS, 4);
  const history = trainSteps(framework, data, 200, 16);
  assert.ok(history.every((t) => Number.isFinite(t.loss)));
  assert.ok(meanOf(history, 'loss', 180, 200) < 0.5 * meanOf(history, 'loss', 0, 20), `${meanOf(history, 'loss', 0, 20)} -> ${meanOf(history, 'loss', 180, 200)}`);
  framework.dispose();
});
