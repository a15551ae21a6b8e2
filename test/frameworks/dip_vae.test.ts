import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { XYSingleSquareData } from '../../src/datasets/xysquares.js';
import { DipVae, dipCovariance, dipPenalty } from '../../src/frameworks/dip_vae.js';
import { Rng } from '../../src/util/random.js';
import { meanOf, tinyModel, trainSteps } from './tiny_model.js';

after(shutdownBackend);

const SETTINGS = { recon_loss: 'bernoulli' as const, optimizer: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };

function assertClose(actual: number[][] | number, expected: number[][] | number, tolerance = 1e-4): void {
  const [a, e] = [[actual].flat(2), [expected].flat(2)];
  assert.equal(a.length, e.length);
  a.forEach((value, i) => assert.ok(Math.abs(value - e[i]) < tolerance, `${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`));
}

test('DIP-VAE: covariances and penalty of a 3x2 batch by hand', async () => {
  await initBackend('cpu');
  // mu centred: (-2, 0), (0, -2), (2, 2); Cov = [[8, 4], [4, 8]] / 3 (divisor 3). E[var] = (1, 2).
  const q = { mu: tf.tensor2d([[1, 2], [3, 0], [5, 4]]), logvar: tf.log(tf.tensor2d([[0.5, 1], [1, 2], [1.5, 3]])) as tf.Tensor2D };
  const covI = dipCovariance(q, 'i');
  const covIi = dipCovariance(q, 'ii');
  assertClose(covI.arraySync(), [[8 / 3, 4 / 3], [4 / 3, 8 / 3]]);
  assertClose(covIi.arraySync(), [[11 / 3, 4 / 3], [4 / 3, 14 / 3]]);
  // I with lambda_od 10, lambda_d 100: 10 * 2 (4/3)^2 + 100 * 2 (5/3)^2 = 320/9 + 5000/9.
  assertClose(dipPenalty(covI, 10, 100).arraySync(), 5320 / 9, 1e-3);
  // II with lambda_od = lambda_d = 10: 320/9 + 10 ((8/3)^2 + (11/3)^2) = 320/9 + 1850/9.
  assertClose(dipPenalty(covIi, 10, 10).arraySync(), 2170 / 9, 1e-3);
});

test('DIP-VAE: loss = recon + KL + penalty with lambda_d = lambda_d_factor * lambda_od', async () => {
  await initBackend('cpu');
  const data = new XYSingleSquareData();
  const framework = new DipVae(tinyModel(2, data.observationShape, Rng.fromSeed(1)), SETTINGS, 'ii', { lambda_od: 10, lambda_d_factor: 1 });
  const x = tf.tensor4d(new Float32Array(3 * 64 * 64).map((_, i) => (i % (3 + Math.floor(i / 4096)) === 0 ? 1 : 0)), [3, 64, 64, 1]);
  const { terms } = framework.lossTerms([x], [tf.zeros([3, 2]) as tf.Tensor2D], 1);
  const q = framework.model.encode(x);
  const [mu, logvar] = [q.mu.arraySync(), q.logvar.arraySync()];
  const kl = mu.reduce((sum, row, b) => sum + row.reduce((s, m, d) => s + 0.5 * (m * m + Math.exp(logvar[b][d]) - 1 - logvar[b][d]), 0), 0) / 3;
  const mean = [0, 1].map((d) => mu.reduce((s, row) => s + row[d], 0) / 3);
  const cov = [0, 1].map((i) => [0, 1].map((j) =>
    mu.reduce((s, row) => s + (row[i] - mean[i]) * (row[j] - mean[j]), 0) / 3 + (i === j ? logvar.reduce((s, row) => s + Math.exp(row[i]), 0) / 3 : 0)));
  const penalty = 10 * 2 * cov[0][1] ** 2 + 10 * ((cov[0][0] - 1) ** 2 + (cov[1][1] - 1) ** 2);
  assertClose(terms.dip.arraySync(), penalty);
  assertClose(terms.loss.arraySync() - terms.recon.arraySync(), kl + penalty, 1e-2);
  framework.dispose();
});

for (const type of ['i', 'ii'] as const) {
  test(`DIP-VAE-${type.toUpperCase()} trains: the loss falls, stays finite, and a step leaks no tensors`, async () => {
    await initBackend('wasm');
    const data = new XYSingleSquareData();
    const framework = new DipVae(tinyModel(4, data.observationShape, Rng.fromSeed(2)), SETTINGS, type, { lambda_od: 10, lambda_d_factor: type === 'i' ? 10 : 1 });
    const history = trainSteps(framework, data, 150, 16);
    assert.ok(history.every((t) => Number.isFinite(t.loss)));
    assert.ok(meanOf(history, 'loss', 130, 150) < 0.5 * meanOf(history, 'loss', 0, 20), `${meanOf(history, 'loss', 0, 20)} -> ${meanOf(history, 'loss', 130, 150)}`);
    const before = tf.memory().numTensors;
    trainSteps(framework, data, 3, 16, 1);
    assert.equal(tf.memory().numTensors, before);
    framework.dispose();
  });
}
