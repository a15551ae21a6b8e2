import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { XYSingleSquareData } from '../../src/datasets/xysquares.js';
import { AdaTripletVae } from '../../src/frameworks/ada_tvae.js';
import {
  OverlapTripletVae, overlapDistance, overlapRng, overlapTripletVae, selectTriplets, type OverlapTripletVaeSettings,
} from '../../src/frameworks/overlap_tvae.js';
import { klLoss } from '../../src/nn/losses.js';
import { Rng } from '../../src/util/random.js';
import { assertTrains, tinyModel } from './tiny_model.js';

after(shutdownBackend);

const SETTINGS = { recon_loss: 'bernoulli' as const, optimizer: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };
const close = (got: number, expected: number, what: string) => assert.ok(Math.abs(got - expected) < 1e-5, `${what}: ${got} vs ${expected}`);
const settings = (own: Partial<OverlapTripletVaeSettings>) => ({ ...overlapTripletVae.settings.parse({}), ...own }) as OverlapTripletVaeSettings;

test('defaults: X--dotvae config values; mining modes are checked', () => {
  const s = overlapTripletVae.settings.parse({});
  assert.equal(s.overlap_num, 512);
  assert.equal(s.overlap_mine_ratio, 0.1);
  assert.equal(s.overlap_mine_triplet_mode, 'none');
  assert.equal(s.overlap_loss, null);
  assert.equal(s.ada_thresh_mode, 'dist');
  assert.ok(overlapTripletVae.settings.safeParse({ overlap_mine_triplet_mode: 'ran:hard_neg+hard_pos+easy_pos' }).success);
  assert.equal(overlapTripletVae.settings.safeParse({ overlap_mine_triplet_mode: 'easy_neg' }).success, false);
  assert.equal(overlapTripletVae.settings.safeParse({ overlap_mine_triplet_mode: 'ran:' }).success, false);
});

test('overlap distance: per-pixel mean of the loss of x_u against x_v, by hand', () => {
  // Images of 2 pixels: (0, 0), (0, 1), (1, 1).
  const mse = overlapDistance('mse', Float32Array.from([0, 0, 0, 1, 1, 1]), 3);
  assert.deepEqual([mse(0, 1), mse(0, 2), mse(1, 2), mse(2, 1), mse(1, 1)], [0.5, 1, 0.5, 0.5, 0]);
  // Bernoulli with x_u as the prediction: −(t ln u + (1 − t) ln(1 − u)), logs clamped at −100.
  const bce = overlapDistance('bernoulli', Float32Array.from([0.5, 1, 1, 1]), 2);
  close(bce(0, 1), Math.log(2) / 2, 'd(0, 1)');
  close(bce(1, 0), 100 * 0.5 / 2, 'd(1, 0): ln(1 − 1) clamped to −100');
  close(bce(1, 1), 0, 'd(1, 1)');
});

test('triplet selection: positives never farther than negatives, overlap_num capped at batch³, mining keeps top-k', () => {
  // Four images of 1 pixel: 0, 0.1, 0.5, 1 (mse distances are squared differences).
  const pixels = Float32Array.from([0, 0.1, 0.5, 1]);
  const distance = overlapDistance('mse', pixels, 4);
  const draw = (own: Partial<OverlapTripletVaeSettings>, seed = 5) => selectTriplets(distance, 4, settings(own), Rng.fromSeed(seed));
  const [a, p, n] = draw({ overlap_num: 100 });
  assert.equal(a.length, 64);
  for (let i = 0; i < a.length; i++) assert.ok(distance(a[i], p[i]) <= distance(a[i], n[i]), `triplet ${i}`);
  assert.deepEqual(draw({ overlap_num: 100 }), [a, p, n], 'the same stream draws the same triplets');
  assert.notDeepEqual(draw({ overlap_num: 100 }, 6), [a, p, n]);
  // hard_pos keeps int(32 · 0.25) = 8 triplets: the largest d(a, p), largest first.
  const [ha, hp] = draw({ overlap_num: 32, overlap_mine_ratio: 0.25, overlap_mine_triplet_mode: 'hard_pos' });
  const dPos = Array.from(ha, (ai, i) => distance(ai, hp[i]));
  assert.equal(dPos.length, 8);
  assert.deepEqual(dPos, [...dPos].sort((x, y) => y - x));
  const [all] = draw({ overlap_num: 32 });
  const [ea, ep] = draw({ overlap_num: 32, overlap_mine_ratio: 0.25, overlap_mine_triplet_mode: 'ran:easy_pos+hard_pos' });
  assert.equal(all.length, 32);
  assert.equal(ea.length, 8);
  assert.ok(Array.from(ea, (ai, i) => distance(ai, ep[i])).every(Number.isFinite));
});

test('unsupervised Ada-TVAE: recon + beta KL + the AdaNeg loss of the triplets drawn from the batch', async () => {
  await initBackend('cpu');
  const model = tinyModel(3, [4, 4, 1], Rng.fromSeed(4));
  const own = settings({ beta: 0.5, triplet_margin_max: 10, triplet_scale: 2, overlap_num: 6, overlap_seed: 9, adat_triplet_share_scale: 0.5 });
  const framework = new OverlapTripletVae(model, SETTINGS, own);
  const rng = Rng.fromSeed(12);
  const pixels = Float32Array.from({ length: 4 * 16 }, () => rng.float());
  const x = tf.tensor4d(pixels, [4, 4, 4, 1]);
  const { terms } = framework.lossTerms([x], [tf.zeros([4, 3]) as tf.Tensor2D], 7);
  // The same triplets as views of a supervised Ada-TVAE on the same model give the same AdaNeg loss.
  const ids = selectTriplets(overlapDistance('bernoulli', pixels, 4), 4, own, overlapRng(9, 7));
  assert.equal(ids[0].length, 6);
  const views = ids.map((i) => tf.gather(x, tf.tensor1d(i, 'int32')) as tf.Tensor4D);
  const supervised = new AdaTripletVae(model, SETTINGS, own).lossTerms(views, views.map(() => tf.zeros([6, 3]) as tf.Tensor2D), 7).terms;
  close(terms.ada_triplet.arraySync(), supervised.ada_triplet.arraySync(), 'ada_triplet');
  close(terms.an_shared.arraySync(), supervised.an_shared.arraySync(), 'an_shared');
  assert.ok(terms.ada_triplet.arraySync() > 0);
  const kl = klLoss(model.encode(x)).arraySync();
  close(terms.kl.arraySync(), kl, 'kl of the single view');
  close(terms.loss.arraySync(), terms.recon.arraySync() + 0.5 * kl + terms.ada_triplet.arraySync(), 'loss');
  framework.dispose();
});

test('unsupervised Ada-TVAE trains on single observations: the loss falls, stays finite, and a step leaks no tensors', async () => {
  await initBackend('wasm');
  const data = new XYSingleSquareData();
  const own = settings({ triplet_scale: 1, overlap_mine_triplet_mode: 'ran:none+hard_neg' });
  const framework = new OverlapTripletVae(tinyModel(4, data.observationShape, Rng.fromSeed(5)), SETTINGS, own);
  assert.equal(framework.views, 1);
  assertTrains(framework, data, 150, ['loss', 'ada_triplet']);
  framework.dispose();
});
