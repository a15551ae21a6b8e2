import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { XYSingleSquareData } from '../../src/datasets/xysquares.js';
import { AnnealedVae, capacity } from '../../src/frameworks/annealed_vae.js';
import { Rng } from '../../src/util/random.js';
import { meanOf, tinyModel, trainSteps } from './tiny_model.js';

after(shutdownBackend);

const SETTINGS = { recon_loss: 'bernoulli' as const, optimizer: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };

test('AnnealedVAE: the capacity grows linearly from the first step to c_max, then stays', () => {
  assert.equal(capacity(1, 25, 100000), 0);
  assert.equal(capacity(50001, 25, 100000), 12.5);
  assert.equal(capacity(100001, 25, 100000), 25);
  assert.equal(capacity(300000, 25, 100000), 25);
});

test('AnnealedVAE: loss = recon + gamma * |KL - C(t)| on both sides of the capacity', async () => {
  await initBackend('cpu');
  const data = new XYSingleSquareData();
  const framework = new AnnealedVae(tinyModel(2, data.observationShape, Rng.fromSeed(1)), SETTINGS, { gamma: 1000, c_max: 25, iteration_threshold: 100 });
  const x = tf.tensor4d(new Float32Array(2 * 64 * 64).map((_, i) => (i % 7 === 0 ? 1 : 0)), [2, 64, 64, 1]);
  const q = framework.model.encode(x);
  const [mu, logvar] = [q.mu.arraySync(), q.logvar.arraySync()];
  const kl = mu.reduce((sum, row, b) => sum + row.reduce((s, m, d) => s + 0.5 * (m * m + Math.exp(logvar[b][d]) - 1 - logvar[b][d]), 0), 0) / 2;
  assert.ok(kl > 0.01 && kl < 25, `the initial KL ${kl} should sit between the two capacities`);
  for (const [step, c] of [[1, 0], [101, 25]]) {
    const { terms } = framework.lossTerms([x], [tf.zeros([2, 2]) as tf.Tensor2D], step);
    assert.equal(terms.capacity.arraySync(), c);
    assert.ok(Math.abs(terms.kl.arraySync() - kl) < 1e-5);
    const regularizer = terms.loss.arraySync() - terms.recon.arraySync();
    assert.ok(Math.abs(regularizer - 1000 * Math.abs(kl - c)) < 1e-2 * Math.max(1, regularizer / 1000), `${regularizer} vs ${1000 * Math.abs(kl - c)}`);
  }
  framework.dispose();
});

test('AnnealedVAE trains: the loss falls, stays finite, and the KL follows the growing capacity', async () => {
  await initBackend('wasm');
  const data = new XYSingleSquareData();
  const framework = new AnnealedVae(tinyModel(4, data.observationShape, Rng.fromSeed(2)), SETTINGS, { gamma: 100, c_max: 10, iteration_threshold: 100 });
  const history = trainSteps(framework, data, 200, 16);
  assert.ok(history.every((t) => Number.isFinite(t.loss)));
  assert.ok(meanOf(history, 'loss', 180, 200) < 0.5 * meanOf(history, 'loss', 0, 20), `${meanOf(history, 'loss', 0, 20)} -> ${meanOf(history, 'loss', 180, 200)}`);
  assert.ok(Math.abs(meanOf(history, 'kl', 180, 200) - 10) < 2, `KL ${meanOf(history, 'kl', 180, 200)} should track C = 10`);
  framework.dispose();
});
