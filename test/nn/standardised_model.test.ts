import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { BetaVae } from '../../src/frameworks/beta_vae.js';
import { StandardisedModel } from '../../src/nn/standardised_model.js';
import { Rng } from '../../src/util/random.js';
import { tinyModel } from '../frameworks/tiny_model.js';

after(shutdownBackend);

const SHAPE = [4, 4, 2] as const;
const STATS = { mean: [0.25, 0.5], std: [0.5, 2] };

function images(seed: number, n: number): tf.Tensor4D {
  const rng = Rng.fromSeed(seed);
  return tf.tensor4d(Float32Array.from({ length: n * 32 }, () => rng.float()), [n, ...SHAPE]);
}

/** (x − mean_c) / std_c, written out element by element. */
function standardisedByHand(x: tf.Tensor4D): number[] {
  return Array.from(x.dataSync(), (v, i) => (v - STATS.mean[i % 2]) / STATS.std[i % 2]);
}

test('the standardised model encodes (x − mean)/std and decodes raw·std + mean, with the inner model\'s variables', async () => {
  await initBackend('cpu');
  const inner = tinyModel(3, SHAPE, Rng.fromSeed(1));
  const model = new StandardisedModel(inner, STATS);
  assert.equal(model.params, inner.params);
  const x = images(2, 3);
  const expected = inner.encode(tf.tensor4d(standardisedByHand(x), [3, ...SHAPE]));
  const actual = model.encode(x);
  assert.ok((tf.max(tf.abs(tf.sub(actual.mu, expected.mu))).arraySync() as number) < 1e-6);
  const z = tf.tensor2d([[0.5, -1, 2], [0, 0, 0]]);
  const raw = inner.decode(z).dataSync();
  Array.from(model.decode(z).dataSync()).forEach((v, i) => assert.ok(Math.abs(v - (raw[i] * STATS.std[i % 2] + STATS.mean[i % 2])) < 1e-6));
  Array.from(model.toNetworkScale(model.decode(z)).dataSync()).forEach((v, i) => assert.ok(Math.abs(v - raw[i]) < 1e-5));
  model.dispose();
});

test("with mse and mean reduction the reconstruction term is disent's: raw output against the standardised target", async () => {
  await initBackend('cpu');
  const inner = tinyModel(3, SHAPE, Rng.fromSeed(3));
  const framework = new BetaVae(new StandardisedModel(inner, STATS), {
    recon_loss: 'mse', loss_reduction: 'mean', optimizer: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  }, 0.5);
  const x = images(4, 2);
  const noise = tf.zeros([2, 3]) as tf.Tensor2D;
  const { terms } = framework.lossTerms([x], [noise], 0);
  // With zero noise z is the mean of q computed from the standardised input.
  const target = standardisedByHand(x);
  const z = inner.encode(tf.tensor4d(target, [2, ...SHAPE])).mu;
  const raw = inner.decode(z).dataSync();
  const mse = target.reduce((sum, t, i) => sum + (raw[i] - t) ** 2, 0) / target.length;
  assert.ok(Math.abs(terms.recon.arraySync() - mse) < 1e-5 * mse, `${terms.recon.arraySync()} vs ${mse}`);
  framework.dispose();
});

test('statistics that do not fit the images are refused', async () => {
  await initBackend('cpu');
  const inner = tinyModel(2, SHAPE, Rng.fromSeed(5));
  assert.throws(() => new StandardisedModel(inner, { mean: [0], std: [1] }), /1 channel\(s\), the images have 2/);
  assert.throws(() => new StandardisedModel(inner, { mean: [0, 0], std: [1, 0] }), /positive/);
  inner.dispose();
});
