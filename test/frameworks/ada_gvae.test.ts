import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { XYSingleSquareData } from '../../src/datasets/xysquares.js';
import { adaptiveSharedMask, AdaGvae, posteriorDeltas, type AdaSettings } from '../../src/frameworks/ada_gvae.js';
import type { Posterior } from '../../src/nn/model.js';
import { Rng } from '../../src/util/random.js';
import { meanOf, tinyModel, trainSteps } from './tiny_model.js';

after(shutdownBackend);

const SETTINGS = { recon_loss: 'bernoulli' as const, optimizer: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };
const DEFAULTS: AdaSettings = { beta: 1, ada_average_mode: 'gvae', ada_thresh_mode: 'symmetric_kl', ada_thresh_ratio: 0.5, reproduce_v040_mean_bug: false };
const LN4 = Math.log(4);

// Three pairs of 4-latent posteriors. Pair 0 differs clearly in latent 1 (means 0 vs 3), a little in
// latent 2 (variance 1 vs 4, means 0 vs 1); pair 1 clearly in latent 2; pair 2 not at all.
const MU0 = [[0, 0, 0, 0], [1, 1, 1, 1], [0.5, 0.5, 0.5, 0.5]];
const MU1 = [[0.1, 3, 1, 0], [1, 1, -2, 1.5], [0.5, 0.5, 0.5, 0.5]];
const pair = (): Posterior[] => [
  { mu: tf.tensor2d(MU0), logvar: tf.zeros([3, 4]) as tf.Tensor2D },
  { mu: tf.tensor2d(MU1), logvar: tf.tensor2d([[0, 0, LN4, 0], [0, 0, 0, 0], [0, 0, 0, 0]]) },
];
// Per latent KL(q1 || q0) and KL(q0 || q1) of pair 0's latent 2: ½(-ln 4 + (4 + 1)/1 - 1) and ½(ln 4 + (1 + 1)/4 - 1).
const KL_10 = 0.5 * (4 - LN4);
const KL_01 = 0.5 * (LN4 - 0.5);

class ExposedAdaGvae extends AdaGvae {
  aggregatePair(q: Posterior[]): Posterior[] {
    return this.aggregate(q, 1);
  }
}

function framework(ada: Partial<AdaSettings>, seed = 1): ExposedAdaGvae {
  return new ExposedAdaGvae(tinyModel(4, new XYSingleSquareData().observationShape, Rng.fromSeed(seed)), SETTINGS, { ...DEFAULTS, ...ada });
}

function assertClose(actual: tf.Tensor, expected: number[][], what: string): void {
  const values = actual.arraySync() as number[][];
  values.forEach((row, b) => row.forEach((v, d) => assert.ok(Math.abs(v - expected[b][d]) < 1e-5, `${what}[${b}][${d}] = ${v}, expected ${expected[b][d]}`)));
}

test('Ada-GVAE: the per-latent deltas of every threshold mode', async () => {
  await initBackend('cpu');
  const [q0, q1] = pair();
  assertClose(posteriorDeltas('kl', q0, q1), [[0.005, 4.5, KL_10, 0], [0, 0, 4.5, 0.125], [0, 0, 0, 0]], 'kl');
  assertClose(posteriorDeltas('symmetric_kl', q0, q1), [[0.005, 4.5, 0.5 * (KL_10 + KL_01), 0], [0, 0, 4.5, 0.125], [0, 0, 0, 0]], 'symmetric_kl');
  assertClose(posteriorDeltas('dist', q0, q1), [[0.1, 3, 1, 0], [0, 0, 3, 0.5], [0, 0, 0, 0]], 'dist');
  // |z1 - z0| with z1 drawn first, then z0, from the same stream.
  const draws = Rng.fromSeed(9);
  const eps1 = MU1.map((row) => row.map(() => draws.normal()));
  const eps0 = MU0.map((row) => row.map(() => draws.normal()));
  const expected = MU1.map((row, b) => row.map((m1, d) => Math.abs(m1 + eps1[b][d] * (b === 0 && d === 2 ? 2 : 1) - (MU0[b][d] + eps0[b][d]))));
  assertClose(posteriorDeltas('sampled_dist', q0, q1, Rng.fromSeed(9)), expected, 'sampled_dist');
  assert.throws(() => posteriorDeltas('sampled_dist', q0, q1), /Rng/);
});

test('Ada-GVAE: shared latents lie strictly below min + ratio (max - min) of their pair', async () => {
  await initBackend('cpu');
  const [q0, q1] = pair();
  const deltas = posteriorDeltas('symmetric_kl', q0, q1);
  // Thresholds 2.25, 2.25, 0; a pair with equal deltas shares nothing (disentanglement_lib would share all).
  assert.deepEqual(adaptiveSharedMask(deltas, 0.5).arraySync(), [[1, 0, 1, 1], [1, 1, 0, 1], [0, 0, 0, 0]]);
  // Thresholds 0.45: pair 0's latent 2 (0.875) is now judged changed.
  assert.deepEqual(adaptiveSharedMask(deltas, 0.1).arraySync(), [[1, 0, 0, 1], [1, 1, 0, 1], [0, 0, 0, 0]]);
});

test('Ada-GVAE: averaged posteriors for gvae (fixed and v0.4.0) and ml-vae', async () => {
  await initBackend('cpu');
  const fixed = framework({ reproduce_v040_mean_bug: false });
  const [a, b] = fixed.aggregatePair(pair());
  assertClose(a.mu, [[0.05, 0, 0.5, 0], [1, 1, 1, 1.25], MU0[2]], 'gvae mu0');
  assertClose(b.mu, [[0.05, 3, 0.5, 0], [1, 1, -2, 1.25], MU1[2]], 'gvae mu1');
  assertClose(a.logvar, [[0, 0, Math.log(2.5), 0], [0, 0, 0, 0], [0, 0, 0, 0]], 'gvae logvar0');
  assertClose(b.logvar, [[0, 0, Math.log(2.5), 0], [0, 0, 0, 0], [0, 0, 0, 0]], 'gvae logvar1');
  fixed.dispose();

  // v0.4.0: the shared mean is ½(mu1 + mu1), the second view's; variances still averaged.
  const v040 = framework({ reproduce_v040_mean_bug: true }, 2);
  const [c, d] = v040.aggregatePair(pair());
  assertClose(c.mu, [[0.1, 0, 1, 0], [1, 1, 1, 1.5], MU0[2]], 'v0.4.0 mu0');
  assertClose(d.mu, [[0.1, 3, 1, 0], [1, 1, -2, 1.5], MU1[2]], 'v0.4.0 mu1');
  assertClose(c.logvar, [[0, 0, Math.log(2.5), 0], [0, 0, 0, 0], [0, 0, 0, 0]], 'v0.4.0 logvar0');
  v040.dispose();

  // Product of Gaussians on pair 0's latent 2: variance 2·1·4/(1 + 4) = 1.6, mean (0/1 + 1/4)·1.6/2 = 0.2; the flag does not touch it.
  const ml = framework({ ada_average_mode: 'ml-vae', reproduce_v040_mean_bug: true }, 3);
  const [e, f] = ml.aggregatePair(pair());
  assertClose(e.mu, [[0.05, 0, 0.2, 0], [1, 1, 1, 1.25], MU0[2]], 'ml-vae mu0');
  assertClose(f.mu, [[0.05, 3, 0.2, 0], [1, 1, -2, 1.25], MU1[2]], 'ml-vae mu1');
  assertClose(f.logvar, [[0, 0, Math.log(1.6), 0], [0, 0, 0, 0], [0, 0, 0, 0]], 'ml-vae logvar1');
  ml.dispose();
});

test('Ada-GVAE: loss = mean over the pair of recon + beta * KL, with the shared count logged', async () => {
  await initBackend('cpu');
  const ada = framework({ beta: 2 }, 4);
  const x0 = tf.tensor4d(new Float32Array(2 * 64 * 64), [2, 64, 64, 1]);
  const x1 = tf.tensor4d(new Float32Array(2 * 64 * 64).fill(1), [2, 64, 64, 1]);
  const { terms } = ada.lossTerms([x0, x1], [tf.zeros([2, 4]) as tf.Tensor2D, tf.zeros([2, 4]) as tf.Tensor2D], 1);
  const aggregated = ada.aggregatePair([ada.model.encode(x0), ada.model.encode(x1)]);
  const kl = aggregated.map(({ mu, logvar }) => {
    const [m, lv] = [mu.arraySync(), logvar.arraySync()];
    return m.reduce((sum, row, r) => sum + row.reduce((s, v, c) => s + 0.5 * (v * v + Math.exp(lv[r][c]) - 1 - lv[r][c]), 0), 0) / 2;
  });
  assert.ok(Math.abs(terms.kl.arraySync() - (kl[0] + kl[1]) / 2) < 1e-5);
  assert.ok(Math.abs(terms.loss.arraySync() - (terms.recon.arraySync() + 2 * terms.kl.arraySync())) < 1e-3);
  // Two different images: at least the largest delta is not shared, at least the smallest is.
  const shared = terms.shared.arraySync();
  assert.ok(shared >= 1 && shared <= 3, `${shared}`);
  ada.dispose();
});

for (const ada of [{}, { reproduce_v040_mean_bug: true }, { ada_average_mode: 'ml-vae', ada_thresh_mode: 'sampled_dist' }] as const) {
  test(`Ada-GVAE ${JSON.stringify(ada)} trains on weak pairs: the loss falls, stays finite, no tensor leaks`, async () => {
    await initBackend('wasm');
    const data = new XYSingleSquareData();
    const vae = framework(ada, 5);
    trainSteps(vae, data, 2, 16, 1);
    const tensors = tf.memory().numTensors;
    const history = trainSteps(vae, data, 150, 16);
    assert.equal(tf.memory().numTensors, tensors);
    assert.ok(history.every((t) => Number.isFinite(t.loss)));
    assert.ok(meanOf(history, 'loss', 130, 150) < 0.5 * meanOf(history, 'loss', 0, 20), `${meanOf(history, 'loss', 0, 20)} -> ${meanOf(history, 'loss', 130, 150)}`);
    vae.dispose();
  });
}
