import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { XYSingleSquareData } from '../../src/datasets/xysquares.js';
import { argmaxSharedMask, GroupVae, labelSharedMask, type Aggregation, type Averaging } from '../../src/frameworks/group_vae.js';
import type { Posterior } from '../../src/nn/model.js';
import { Rng } from '../../src/util/random.js';
import { meanOf, tinyModel, trainSteps } from './tiny_model.js';

after(shutdownBackend);

const SETTINGS = { recon_loss: 'bernoulli' as const, optimizer: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };
const LN4 = Math.log(4);

// Three pairs of 4-latent posteriors. Pair 0 differs clearly in latent 1 (means 0 vs 3), a little in
// latent 2 (variance 1 vs 4, means 0 vs 1); pair 1 clearly in latent 2; pair 2 not at all.
const pair = (): Posterior[] => [
  { mu: tf.tensor2d([[0, 0, 0, 0], [1, 1, 1, 1], [0.5, 0.5, 0.5, 0.5]]), logvar: tf.zeros([3, 4]) as tf.Tensor2D },
  { mu: tf.tensor2d([[0.1, 3, 1, 0], [1, 1, -2, 1.5], [0.5, 0.5, 0.5, 0.5]]), logvar: tf.tensor2d([[0, 0, LN4, 0], [0, 0, 0, 0], [0, 0, 0, 0]]) },
];

/** Exposes the framework's aggregation of a pair. */
class ExposedGroupVae extends GroupVae {
  aggregatePair(q: Posterior[], labels?: Int32Array): Posterior[] {
    return this.aggregate(q, 1, labels);
  }
}

function framework(averaging: Averaging, aggregation: Aggregation, seed = 1, zDim = 4): ExposedGroupVae {
  return new ExposedGroupVae(tinyModel(zDim, new XYSingleSquareData().observationShape, Rng.fromSeed(seed)), SETTINGS, 1, averaging, aggregation);
}

function assertClose(actual: tf.Tensor, expected: number[][], what: string): void {
  const values = actual.arraySync() as number[][];
  values.forEach((row, b) => row.forEach((v, d) => assert.ok(Math.abs(v - expected[b][d]) < 1e-5, `${what}[${b}][${d}] = ${v}, expected ${expected[b][d]}`)));
}

test('GroupVAE argmax: the dimensions in the upper half of the 2 KL range keep their own posterior', async () => {
  await initBackend('cpu');
  const [q0, q1] = pair();
  // 2 KL(q0 || q1) per latent: pair 0 [0.01, 9, 0.25 + 0.25 - 1 + ln 4, 0], pair 1 [0, 0, 9, 0.25], pair 2 all 0.
  // Upper half of [min, max]: latent 1 of pair 0, latent 2 of pair 1; equal deltas (pair 2) share all.
  assert.deepEqual(argmaxSharedMask(q0, q1).arraySync(), [[1, 0, 1, 1], [1, 1, 0, 1], [1, 1, 1, 1]]);
});

test('GroupVAE label: every dimension but the changed factor\'s is shared, none for a label past z_dim', async () => {
  await initBackend('cpu');
  assert.deepEqual(labelSharedMask(Int32Array.from([1, 3, 7]), 4).arraySync(), [[1, 0, 1, 1], [1, 1, 1, 0], [0, 0, 0, 0]]);
});

test('GroupVAE and ML-VAE: the shared dimensions take the average posterior in both views', async () => {
  await initBackend('cpu');
  const gvae = framework('gvae', 'argmax');
  // Arithmetic mean: mean ½(mu0 + mu1), variance ½(1 + 4) = 2.5 on pair 0's latent 2.
  const [a, b] = gvae.aggregatePair(pair());
  assertClose(a.mu, [[0.05, 0, 0.5, 0], [1, 1, 1, 1.25], [0.5, 0.5, 0.5, 0.5]], 'gvae mu0');
  assertClose(b.mu, [[0.05, 3, 0.5, 0], [1, 1, -2, 1.25], [0.5, 0.5, 0.5, 0.5]], 'gvae mu1');
  assertClose(a.logvar, [[0, 0, Math.log(2.5), 0], [0, 0, 0, 0], [0, 0, 0, 0]], 'gvae logvar0');
  assertClose(b.logvar, [[0, 0, Math.log(2.5), 0], [0, 0, 0, 0], [0, 0, 0, 0]], 'gvae logvar1');
  gvae.dispose();

  const mlvae = framework('ml-vae', 'label', 2);
  // Product of Gaussians on pair 0's latent 2: variance 2·1·4/(1 + 4) = 1.6, mean (0/1 + 1/4)·1.6/2 = 0.2.
  const [c, d] = mlvae.aggregatePair(pair(), Int32Array.from([1, 3, 7]));
  assertClose(c.mu, [[0.05, 0, 0.2, 0], [1, 1, -0.5, 1], [0.5, 0.5, 0.5, 0.5]], 'ml-vae mu0');
  assertClose(d.mu, [[0.05, 3, 0.2, 0], [1, 1, -0.5, 1.5], [0.5, 0.5, 0.5, 0.5]], 'ml-vae mu1');
  assertClose(c.logvar, [[0, 0, Math.log(1.6), 0], [0, 0, 0, 0], [0, 0, 0, 0]], 'ml-vae logvar0');
  assertClose(d.logvar, [[0, 0, Math.log(1.6), 0], [0, 0, 0, 0], [0, 0, 0, 0]], 'ml-vae logvar1');
  assert.throws(() => mlvae.aggregatePair(pair()), /labels/);
  mlvae.dispose();
});

test('GroupVAE: the loss is the mean over the pair of recon + beta * KL of the aggregated posteriors', async () => {
  await initBackend('cpu');
  const gvae = framework('gvae', 'argmax', 3);
  const x0 = tf.tensor4d(new Float32Array(2 * 64 * 64), [2, 64, 64, 1]);
  const x1 = tf.tensor4d(new Float32Array(2 * 64 * 64).fill(1), [2, 64, 64, 1]);
  const noise = [tf.zeros([2, 4]) as tf.Tensor2D, tf.zeros([2, 4]) as tf.Tensor2D];
  const { terms } = gvae.lossTerms([x0, x1], noise, 1);
  const kl = gvae.aggregatePair([gvae.model.encode(x0), gvae.model.encode(x1)]).map(({ mu, logvar }) => {
    const [m, lv] = [mu.arraySync(), logvar.arraySync()];
    return m.reduce((sum, row, r) => sum + row.reduce((s, v, c) => s + 0.5 * (v * v + Math.exp(lv[r][c]) - 1 - lv[r][c]), 0), 0) / 2;
  });
  assert.ok(Math.abs(terms.kl.arraySync() - (kl[0] + kl[1]) / 2) < 1e-5);
  assert.ok(Math.abs(terms.loss.arraySync() - (terms.recon.arraySync() + terms.kl.arraySync())) < 1e-3);
  gvae.dispose();
});

test('GroupVAE argmax: an identical pair (all deltas equal, 0/0 in the binning) still gives finite gradients', async () => {
  await initBackend('cpu');
  const gvae = framework('gvae', 'argmax', 5);
  const x = tf.tensor4d(new Float32Array(2 * 64 * 64), [2, 64, 64, 1]);
  const noise = [tf.zeros([2, 4]) as tf.Tensor2D, tf.zeros([2, 4]) as tf.Tensor2D];
  const { grads } = tf.variableGrads(() => gvae.lossTerms([x, x], noise, 1).total, [...gvae.model.params.values()]);
  for (const [name, grad] of Object.entries(grads)) assert.ok(grad.dataSync().every(Number.isFinite), name);
  gvae.dispose();
});

for (const [averaging, aggregation] of [['gvae', 'label'], ['ml-vae', 'argmax']] as const) {
  test(`${averaging} with ${aggregation} aggregation trains on weak pairs: the loss falls, stays finite, no tensor leaks`, async () => {
    await initBackend('wasm');
    const data = new XYSingleSquareData();
    const vae = framework(averaging, aggregation, 4);
    trainSteps(vae, data, 2, 16, 1);
    const tensors = tf.memory().numTensors;
    const history = trainSteps(vae, data, 200, 16);
    assert.equal(tf.memory().numTensors, tensors);
    assert.ok(history.every((t) => Number.isFinite(t.loss)));
    assert.ok(meanOf(history, 'loss', 180, 200) < 0.5 * meanOf(history, 'loss', 0, 20), `${meanOf(history, 'loss', 0, 20)} -> ${meanOf(history, 'loss', 180, 200)}`);
    vae.dispose();
  });
}
