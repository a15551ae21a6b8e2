import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { klLoss, klPerDimension, klPerExample, reconstructionLoss } from '../../src/nn/losses.js';

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('Bernoulli loss is the binary cross-entropy of sigmoid(logits), summed per image, averaged over the batch', async () => {
  await tf.setBackend('cpu');
  const logits = [2, -1, 0, 30, -30, 0.5, -0.25, 4];
  const targets = [1, 0, 1, 0, 0, 1, 1, 0];
  const byHand = logits.reduce((s, l, i) => {
    const x = targets[i];
    // log(1 - sigmoid(l)) loses everything to rounding for l = 30, so use the log-sigmoid identities.
    const logP = -Math.log1p(Math.exp(-l));
    const log1mP = -l - Math.log1p(Math.exp(-l));
    return s - (x * logP + (1 - x) * log1mP);
  }, 0) / 2;
  const loss = reconstructionLoss('bernoulli', tf.tensor4d(logits, [2, 2, 2, 1]), tf.tensor4d(targets, [2, 2, 2, 1]));
  close(loss.dataSync()[0], byHand);
});

test('MSE loss is the squared error summed per image, averaged over the batch', async () => {
  await tf.setBackend('cpu');
  const out = tf.tensor4d([0.5, 0.2, 1, 0], [2, 1, 2, 1]);
  const x = tf.tensor4d([1, 0, 0, 0], [2, 1, 2, 1]);
  close(reconstructionLoss('mse', out, x).dataSync()[0], (0.25 + 0.04 + 1 + 0) / 2);
});

test('KL to the standard normal matches the closed form 1/2 sum(mu^2 + s^2 - log s^2 - 1)', async () => {
  await tf.setBackend('cpu');
  const mu = [0, 1, -2, 0.5];
  const logvar = [0, Math.log(4), -1, 0.3];
  const per = (i: number) => 0.5 * (mu[i] ** 2 + Math.exp(logvar[i]) - logvar[i] - 1);
  const q = { mu: tf.tensor2d(mu, [2, 2]), logvar: tf.tensor2d(logvar, [2, 2]) };
  const perExample = klPerExample(q).dataSync();
  close(perExample[0], per(0) + per(1));
  close(perExample[1], per(2) + per(3));
  close(klLoss(q).dataSync()[0], (per(0) + per(1) + per(2) + per(3)) / 2);
  assert.equal(per(0), 0);
});

test('per-dimension KL averages each latent over the batch', async () => {
  await tf.setBackend('cpu');
  const q = { mu: tf.tensor2d([1, 0, 3, 0], [2, 2]), logvar: tf.tensor2d([0, 0, 0, Math.log(2)], [2, 2]) };
  const kl = klPerDimension(q).dataSync();
  close(kl[0], (0.5 * 1 + 0.5 * 9) / 2);
  close(kl[1], (0 + 0.5 * (2 - Math.log(2) - 1)) / 2);
});
