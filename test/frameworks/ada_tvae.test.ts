import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { XYSingleSquareData } from '../../src/datasets/xysquares.js';
import { AdaTripletVae, adaTripletVae, latentDeltas, sharedMask, type AdaTripletVaeSettings } from '../../src/frameworks/ada_tvae.js';
import { createSchedules } from '../../src/schedules/config.js';
import { Rng } from '../../src/util/random.js';
import { meanOf, tinyModel, trainSteps } from './tiny_model.js';

after(shutdownBackend);

const SETTINGS = { recon_loss: 'bernoulli' as const, optimizer: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };
const close = (got: number, expected: number, what: string) => assert.ok(Math.abs(got - expected) < 1e-5, `${what}: ${got} vs ${expected}`);

test('Ada-TVAE defaults: disent adanegtvae config values', () => {
  const s = adaTripletVae.settings.parse({});
  assert.equal(s.ada_thresh_mode, 'dist');
  assert.equal(s.ada_thresh_ratio, 0.5);
  assert.equal(s.adat_triplet_share_scale, 0.95);
  assert.equal(s.triplet_scale, 0.1);
  assert.equal(adaTripletVae.settings.safeParse({ ada_thresh_ratio: 1.5 }).success, false);
});

test('latent deltas and the shared mask, by hand', async () => {
  await initBackend('cpu');
  // q0 = N(0, 1)³, q1 = N((1, 0, 2), (1, 2, 1)).
  const q0 = { mu: tf.tensor2d([[0, 0, 0]]), logvar: tf.tensor2d([[0, 0, 0]]) };
  const q1 = { mu: tf.tensor2d([[1, 0, 2]]), logvar: tf.tensor2d([[0, Math.log(2), 0]]) };
  const z0 = tf.tensor2d([[0, 1, 0]]);
  const z1 = tf.tensor2d([[3, 1, -1]]);
  const deltas = (mode: Parameters<typeof latentDeltas>[0]) => tf.tidy(() => latentDeltas(mode, q0, q1, z0, z1).arraySync()[0]);
  // KL(q1||q0) = ½(s1²/s0² + (m1−m0)²/s0² − 1 − ln(s1²/s0²)); KL(q0||q1) likewise.
  const kl10 = [0.5, 0.5 * (1 - Math.log(2)), 2];
  const kl01 = [0.5, 0.5 * (0.5 - 1 + Math.log(2)), 2];
  deltas('kl').forEach((d, i) => close(d, kl10[i], `kl ${i}`));
  deltas('symmetric_kl').forEach((d, i) => close(d, (kl10[i] + kl01[i]) / 2, `symmetric_kl ${i}`));
  assert.deepEqual(deltas('dist'), [1, 0, 2]);
  assert.deepEqual(deltas('sampled_dist'), [3, 0, 1]);
  // deltas (0.5, 0.125, 2): threshold lerp(0.125, 2, r) = 1.0625 at r = 0.5, 0.125 at 0, 2 at 1.
  const mask = (ratio: number) => tf.tidy(() => sharedMask(tf.tensor2d([[0.5, 0.125, 2], [3, 1, 2]]), ratio).arraySync());
  assert.deepEqual(mask(0.5), [[1, 1, 0], [0, 1, 0]]);
  assert.deepEqual(mask(0), [[0, 0, 0], [0, 0, 0]]);
  assert.deepEqual(mask(1), [[1, 1, 0], [0, 1, 1]]);
  tf.dispose([q0.mu, q0.logvar, q1.mu, q1.logvar, z0, z1]);
});

/** The AdaNeg loss by hand: L1 triplet with the shared part of a − n (delta = |mu_n − mu_a|) scaled. */
function adaNegByHand(mu: number[][][], ratio: number, shareScale: number, margin: number, scale: number) {
  const [a, p, n] = mu;
  let loss = 0;
  let sharedCount = 0;
  a.forEach((ab, b) => {
    const deltas = ab.map((v, i) => Math.abs(n[b][i] - v));
    const threshold = Math.min(...deltas) + ratio * (Math.max(...deltas) - Math.min(...deltas));
    const shared = deltas.map((d) => d < threshold);
    sharedCount += shared.filter(Boolean).length;
    const dPos = ab.reduce((s, v, i) => s + Math.abs(v - p[b][i]), 0);
    const dNeg = ab.reduce((s, v, i) => s + Math.abs((shared[i] ? shareScale : 1) * (v - n[b][i])), 0);
    loss += Math.max(0, dPos - dNeg + margin);
  });
  return { loss: (scale * loss) / a.length, anShared: sharedCount / a.length };
}

test('Ada-TVAE: loss = recon + beta KL + scale * triplet(a-p, share-scaled a-n), with the adanegtvae_up_ratio schedule', async () => {
  await initBackend('cpu');
  const hyper: AdaTripletVaeSettings = {
    beta: 0.5, triplet_loss: 'triplet', triplet_margin_min: 0, triplet_margin_max: 10, triplet_scale: 2, triplet_p: 1,
    ada_thresh_mode: 'dist', ada_thresh_ratio: 0.2, adat_triplet_share_scale: 0.95,
  };
  // At step 50 of 100 the preset gives share scale 0.75 and ratio 0.5, overriding 0.95 and 0.2.
  const schedules = createSchedules('adanegtvae_up_ratio', undefined, 100);
  const framework = new AdaTripletVae(tinyModel(5, [4, 4, 1], Rng.fromSeed(3)), { ...SETTINGS, schedules }, hyper);
  const rng = Rng.fromSeed(11);
  const x = [0, 1, 2].map(() => tf.tensor4d(Float32Array.from({ length: 3 * 16 }, () => rng.float()), [3, 4, 4, 1]));
  const { terms } = framework.lossTerms(x, x.map(() => tf.zeros([3, 5]) as tf.Tensor2D), 50);
  const mu = x.map((v) => framework.model.encode(v).mu.arraySync());
  const expected = adaNegByHand(mu, 0.5, 0.75, 10, 2);
  const unscaled = adaNegByHand(mu, 0.5, 1, 10, 2);
  assert.ok(expected.anShared > 0 && expected.loss > unscaled.loss, 'some latents are shared, so scaling them matters');
  close(terms.ada_triplet.arraySync(), expected.loss, 'ada_triplet');
  close(terms.triplet.arraySync(), unscaled.loss, 'plain triplet');
  close(terms.an_shared.arraySync(), expected.anShared, 'an_shared');
  close(terms.loss.arraySync(), terms.recon.arraySync() + 0.5 * terms.kl.arraySync() + expected.loss, 'loss');
  framework.dispose();
});

test('Ada-TVAE trains on dist triplets under a schedule: the loss falls, stays finite, and a step leaks no tensors', async () => {
  await initBackend('wasm');
  const data = new XYSingleSquareData();
  const hyper = { ...adaTripletVae.settings.parse({}), triplet_scale: 1 } as AdaTripletVaeSettings;
  const schedules = createSchedules('adanegtvae_up_all', undefined, 150);
  const framework = new AdaTripletVae(tinyModel(4, data.observationShape, Rng.fromSeed(4)), { ...SETTINGS, schedules }, hyper);
  const history = trainSteps(framework, data, 150, 16);
  assert.ok(history.every((t) => Number.isFinite(t.loss) && Number.isFinite(t.ada_triplet)));
  assert.ok(meanOf(history, 'loss', 130, 150) < 0.5 * meanOf(history, 'loss', 0, 20), `${meanOf(history, 'loss', 0, 20)} -> ${meanOf(history, 'loss', 130, 150)}`);
  // The threshold ratio rises from ~0 (only the closest latent shared) to 0.5.
  assert.equal(history[0].an_shared, 1);
  assert.ok(meanOf(history, 'an_shared', 130, 150) > meanOf(history, 'an_shared', 0, 20), `${meanOf(history, 'an_shared', 130, 150)}`);
  const before = tf.memory().numTensors;
  trainSteps(framework, data, 3, 16, 1);
  assert.equal(tf.memory().numTensors, before);
  framework.dispose();
});
