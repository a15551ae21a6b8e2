import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { XYSingleSquareData } from '../../src/datasets/xysquares.js';
import { TripletVae, tripletVae, type TripletVaeSettings } from '../../src/frameworks/triplet_vae.js';
import { multiplySchedule } from '../../src/schedules/schedules.js';
import { Rng } from '../../src/util/random.js';
import { assertTrains, tinyModel } from './tiny_model.js';

after(shutdownBackend);

const SETTINGS = { recon_loss: 'bernoulli' as const, optimizer: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };

/** Three views of two 4x4 images each, pixels uniform in [0, 1). */
function tinyTriplet(seed: number): tf.Tensor4D[] {
  const rng = Rng.fromSeed(seed);
  return [0, 1, 2].map(() => tf.tensor4d(Float32Array.from({ length: 2 * 16 }, () => rng.float()), [2, 4, 4, 1]));
}

/** Mean over rows of the summed KL(N(mu, e^lv) || N(0, 1)) = ½(mu² + e^lv − 1 − lv). */
const klByHand = (mu: number[][], lv: number[][]) =>
  mu.reduce((sum, row, b) => sum + row.reduce((s, m, d) => s + 0.5 * (m * m + Math.exp(lv[b][d]) - 1 - lv[b][d]), 0), 0) / mu.length;

test('Triplet VAE defaults: disent tvae config values, beta 4', () => {
  assert.deepEqual(tripletVae.settings.parse({}), {
    beta: 4, triplet_loss: 'triplet', triplet_margin_min: 0.001, triplet_margin_max: 1, triplet_scale: 0.1, triplet_p: 1,
  });
  assert.equal(tripletVae.settings.safeParse({ triplet_p: 0.5 }).success, false);
  assert.equal(tripletVae.settings.safeParse({ triplet_loss: 'quadruplet' }).success, false);
});

test('Triplet VAE: loss = mean over views of (recon + beta KL) + scale * mean max(0, |a-p|_1 - |a-n|_1 + margin)', async () => {
  await initBackend('cpu');
  const hyper: TripletVaeSettings = { beta: 0.5, triplet_loss: 'triplet', triplet_margin_min: 0, triplet_margin_max: 1, triplet_scale: 2, triplet_p: 1 };
  // A schedule doubling beta checks that the hyperparameters go through `hyper`.
  const framework = new TripletVae(tinyModel(3, [4, 4, 1], Rng.fromSeed(1)), { ...SETTINGS, schedules: { beta: multiplySchedule(2) } }, hyper);
  const x = tinyTriplet(7);
  const { terms } = framework.lossTerms(x, x.map(() => tf.zeros([2, 3]) as tf.Tensor2D), 1);
  const q = x.map((v) => framework.model.encode(v));
  const mu = q.map((p) => p.mu.arraySync());
  const kl = q.reduce((sum, p, v) => sum + klByHand(mu[v], p.logvar.arraySync()), 0) / 3;
  const l1 = (u: number[], w: number[]) => u.reduce((s, ui, i) => s + Math.abs(ui - w[i]), 0);
  const perTriplet = [0, 1].map((b) => Math.max(0, l1(mu[0][b], mu[1][b]) - l1(mu[0][b], mu[2][b]) + 1));
  const triplet = 2 * (perTriplet[0] + perTriplet[1]) / 2;
  assert.ok(perTriplet.some((t) => t > 0), 'the hinge is active for at least one triplet');
  assert.ok(Math.abs(terms.kl.arraySync() - kl) < 1e-5, `${terms.kl.arraySync()} vs ${kl}`);
  assert.ok(Math.abs(terms.triplet.arraySync() - triplet) < 1e-5, `${terms.triplet.arraySync()} vs ${triplet}`);
  assert.ok(Math.abs(terms.loss.arraySync() - (terms.recon.arraySync() + 2 * 0.5 * kl + triplet)) < 1e-4);
  framework.dispose();
});

test('Triplet VAE trains on dist triplets: the loss falls, stays finite, and a step leaks no tensors', async () => {
  await initBackend('wasm');
  const data = new XYSingleSquareData();
  const hyper = { ...tripletVae.settings.parse({}), triplet_scale: 1 } as TripletVaeSettings;
  const framework = new TripletVae(tinyModel(4, data.observationShape, Rng.fromSeed(2)), SETTINGS, hyper);
  assertTrains(framework, data, 150, ['loss', 'triplet']);
  framework.dispose();
});
