import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { XYSingleSquareData } from '../../src/datasets/xysquares.js';
import { Ae } from '../../src/frameworks/ae.js';
import { Rng } from '../../src/util/random.js';
import { assertTrains, tinyModel } from './tiny_model.js';

after(shutdownBackend);

const SETTINGS = { recon_loss: 'bernoulli' as const, optimizer: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };

test('AE: the loss is the Bernoulli NLL of the decoded mean, whatever the noise', async () => {
  await initBackend('cpu');
  const data = new XYSingleSquareData();
  const framework = new Ae(tinyModel(2, data.observationShape, Rng.fromSeed(1)), SETTINGS);
  const x = tf.tensor4d(new Float32Array(2 * 64 * 64), [2, 64, 64, 1]);
  const { terms } = framework.lossTerms([x], [tf.fill([2, 2], 3) as tf.Tensor2D], 1);
  // x = 0, so each pixel's NLL is softplus(logit) of the decoder's output at z = mu.
  const logits = Array.from(framework.model.decode(framework.model.encode(x).mu).dataSync());
  const nll = logits.reduce((sum, l) => sum + Math.log1p(Math.exp(l)), 0) / 2;
  assert.ok(Math.abs(terms.loss.arraySync() - nll) < 1e-5 * nll, `${terms.loss.arraySync()} vs ${nll}`);
  assert.equal(terms.loss.arraySync(), terms.recon.arraySync());
  framework.dispose();
});

test('AE trains: the loss falls, stays finite, and a step leaks no tensors', async () => {
  await initBackend('wasm');
  const data = new XYSingleSquareData();
  const framework = new Ae(tinyModel(4, data.observationShape, Rng.fromSeed(2)), SETTINGS);
  assertTrains(framework, data, 150);
  framework.dispose();
});
