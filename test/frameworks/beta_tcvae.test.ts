import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { XYSingleSquareData } from '../../src/datasets/xysquares.js';
import { BetaTcVae, totalCorrelation } from '../../src/frameworks/beta_tcvae.js';
import { Rng } from '../../src/util/random.js';
import { assertTrains, tinyModel } from './tiny_model.js';

after(shutdownBackend);

const SETTINGS = { recon_loss: 'bernoulli' as const, optimizer: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };

function tc(z: number[][], mu: number[][], logvar: number[][]): number {
  return totalCorrelation(tf.tensor2d(z), { mu: tf.tensor2d(mu), logvar: tf.tensor2d(logvar) }).arraySync();
}

/** The estimator written out with scalars: mean_j [log sum_i prod_l N(z_jl; mu_il) - sum_l log sum_i N(z_jl; mu_il)]. */
function tcByHand(z: number[][], mu: number[][], logvar: number[][]): number {
  const density = (j: number, i: number, l: number) =>
    Math.exp(-0.5 * ((z[j][l] - mu[i][l]) ** 2 / Math.exp(logvar[i][l]) + logvar[i][l] + Math.log(2 * Math.PI)));
  const dims = z[0].map((_, l) => l);
  const rows = z.map((_, j) => {
    const joint = Math.log(mu.reduce((s, _m, i) => s + dims.reduce((p, l) => p * density(j, i, l), 1), 0));
    const marginals = dims.reduce((s, l) => s + Math.log(mu.reduce((t, _m, i) => t + density(j, i, l), 0)), 0);
    return joint - marginals;
  });
  return rows.reduce((a, b) => a + b) / rows.length;
}

test('beta-TCVAE: the TC estimate is the TC less (zDim - 1) log(batch) where the TC is known', async () => {
  await initBackend('cpu');
  // Identical posteriors: q(z) is one factorised Gaussian, TC = 0, at any z.
  const same = [[0.3, -1], [0.3, -1], [0.3, -1]];
  assert.ok(Math.abs(tc([[2, 0], [-1, 1], [0.5, 0.5]], same, [[0, 1], [0, 1], [0, 1]]) - -Math.log(3)) < 1e-5);
  // Four near-points on the corners of a square: independent coordinates, TC = 0.
  const corners = [[-2, -2], [-2, 2], [2, -2], [2, 2]];
  const narrow = corners.map(() => [-8, -8]);
  assert.ok(Math.abs(tc(corners, corners, narrow) - -Math.log(4)) < 1e-4);
  // Two near-points on the diagonal: z1 = z2, TC = H(z1) + H(z2) - H(z) = log 2.
  const diagonal = [[-2, -2], [2, 2]];
  assert.ok(Math.abs(tc(diagonal, diagonal, [[-8, -8], [-8, -8]]) - (Math.log(2) - Math.log(2))) < 1e-4);
  // And any batch, against the estimator written out with scalars.
  const [z, mu, logvar] = [[[0.1, -0.4, 1.2], [0.9, 0.3, -0.7]], [[0, -0.5, 1], [1, 0.2, -1]], [[-0.2, 0.3, 0], [0.5, -1, 0.1]]];
  assert.ok(Math.abs(tc(z, mu, logvar) - tcByHand(z, mu, logvar)) < 1e-5);
});

test('beta-TCVAE: loss = recon + KL + (beta - 1) * TC of the sampled codes', async () => {
  await initBackend('cpu');
  const data = new XYSingleSquareData();
  const framework = new BetaTcVae(tinyModel(3, data.observationShape, Rng.fromSeed(1)), SETTINGS, 6);
  const x = tf.tensor4d(new Float32Array(2 * 64 * 64).map((_, i) => (i % 5 === 0 ? 1 : 0)), [2, 64, 64, 1]);
  const eps = [[0.5, -1, 0.2], [1.5, 0.3, -0.8]];
  const { terms } = framework.lossTerms([x], [tf.tensor2d(eps)], 1);
  const q = framework.model.encode(x);
  const [mu, logvar] = [q.mu.arraySync(), q.logvar.arraySync()];
  const z = mu.map((row, b) => row.map((m, d) => m + eps[b][d] * Math.exp(0.5 * logvar[b][d])));
  const kl = mu.reduce((sum, row, b) => sum + row.reduce((s, m, d) => s + 0.5 * (m * m + Math.exp(logvar[b][d]) - 1 - logvar[b][d]), 0), 0) / 2;
  const expectedTc = tcByHand(z, mu, logvar);
  assert.ok(Math.abs(terms.tc.arraySync() - expectedTc) < 1e-4, `${terms.tc.arraySync()} vs ${expectedTc}`);
  const regularizer = terms.loss.arraySync() - terms.recon.arraySync();
  assert.ok(Math.abs(regularizer - (kl + 5 * expectedTc)) < 1e-2, `${regularizer} vs ${kl + 5 * expectedTc}`);
  framework.dispose();
});

test('beta-TCVAE trains: the loss falls, stays finite, and a step leaks no tensors', async () => {
  await initBackend('wasm');
  const data = new XYSingleSquareData();
  const framework = new BetaTcVae(tinyModel(4, data.observationShape, Rng.fromSeed(2)), SETTINGS, 6);
  assertTrains(framework, data, 200, ['loss', 'tc']);
  framework.dispose();
});
