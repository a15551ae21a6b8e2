import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { XYSingleSquareData } from '../../src/datasets/xysquares.js';
import { discriminatorLoss, FactorVae, shuffleCodes, totalCorrelation } from '../../src/frameworks/factor_vae.js';
import { Discriminator } from '../../src/nn/discriminator.js';
import { Rng } from '../../src/util/random.js';
import { meanOf, tinyModel, trainSteps } from './tiny_model.js';

after(shutdownBackend);

const SETTINGS = { recon_loss: 'bernoulli' as const, optimizer: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };
const DISCRIMINATOR_ADAM = { lr: 1e-4, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 };
const SMALL = { hiddenUnits: 32, hiddenLayers: 2 };

function factorVae(zDim: number, seed: number, gamma: number, discriminatorLr = 1e-4, shape = SMALL): FactorVae {
  const data = new XYSingleSquareData();
  const rng = Rng.fromSeed(seed);
  return new FactorVae(tinyModel(zDim, data.observationShape, rng.fork('model')), SETTINGS, gamma,
    new Discriminator(zDim, rng.fork('discriminator'), shape), { ...DISCRIMINATOR_ADAM, lr: discriminatorLr });
}

test('FactorVAE: shuffling permutes each dimension on its own, deterministically for a seed', async () => {
  await initBackend('cpu');
  const codes = tf.tensor2d(Array.from({ length: 16 * 3 }, (_, i) => i), [16, 3]);
  const once = shuffleCodes(codes, Rng.fromSeed(7)).arraySync();
  const again = shuffleCodes(codes, Rng.fromSeed(7)).arraySync();
  assert.deepEqual(once, again);
  const columns = (rows: number[][]) => [0, 1, 2].map((d) => rows.map((row) => row[d]));
  const original = columns(codes.arraySync());
  const shuffled = columns(once);
  for (let d = 0; d < 3; d++) assert.deepEqual([...shuffled[d]].sort((a, b) => a - b), original[d]);
  // Independent permutations: the rows no longer hold values from one original row.
  assert.ok(once.some((row) => Math.floor(row[0] / 3) !== Math.floor(row[1] / 3)));
  assert.notDeepEqual(shuffled, original);
});

test('FactorVAE: the TC estimate, the discriminator loss and the total loss by hand', async () => {
  await initBackend('cpu');
  const logits = tf.tensor2d([[2, -1], [0.5, 0.5], [-1, 3]]);
  assert.ok(Math.abs(totalCorrelation(logits).arraySync() - (3 + 0 - 4) / 3) < 1e-6);
  // -(½ log softmax([1, 0])_0 + ½ log softmax([0, 2])_1)
  const expected = -(0.5 * (1 - Math.log(Math.E + 1)) + 0.5 * (2 - Math.log(1 + Math.exp(2))));
  assert.ok(Math.abs(discriminatorLoss(tf.tensor2d([[1, 0]]), tf.tensor2d([[0, 2]])).arraySync() - expected) < 1e-6);

  const framework = factorVae(2, 1, 10);
  const x = tf.tensor4d(new Float32Array(2 * 64 * 64), [2, 64, 64, 1]);
  const { terms } = framework.lossTerms([x], [tf.zeros([2, 2]) as tf.Tensor2D], 1);
  // With zero noise z = mu, so the TC is the discriminator's logit gap at the means.
  const gap = framework.discriminator.logits(framework.model.encode(x).mu).arraySync().map(([a, b]) => a - b);
  const tc = (gap[0] + gap[1]) / 2;
  assert.ok(Math.abs(terms.tc.arraySync() - tc) < 1e-5);
  assert.ok(Math.abs(terms.loss.arraySync() - (terms.recon.arraySync() + terms.kl.arraySync() + 10 * tc)) < 1e-3);
  framework.dispose();
});

test('FactorVAE: the discriminator learns to tell dependent codes from their shuffle, and only it moves', async () => {
  await initBackend('cpu');
  const framework = factorVae(2, 2, 10, 1e-3);
  const modelBefore = [...framework.model.params.values()].map((v) => v.arraySync());
  const rng = Rng.fromSeed(3);
  const losses: number[] = [];
  for (let step = 0; step < 200; step++) {
    // Both dimensions are one variable: shuffling breaks the dependence the discriminator can see.
    const u = Array.from({ length: 64 }, () => rng.normal());
    const codes = tf.tensor2d(u.flatMap((v) => [v, v]), [64, 2]);
    losses.push(framework.trainDiscriminator(codes, rng));
    codes.dispose();
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(Math.abs(mean(losses.slice(0, 5)) - Math.log(2)) < 0.1, `starts near ln 2: ${mean(losses.slice(0, 5))}`);
  assert.ok(mean(losses.slice(180)) < 0.8 * mean(losses.slice(0, 20)), `${mean(losses.slice(0, 20))} -> ${mean(losses.slice(180))}`);
  assert.deepEqual([...framework.model.params.values()].map((v) => v.arraySync()), modelBefore);
  framework.dispose();
});

test('FactorVAE: the VAE step leaves the discriminator alone', async () => {
  await initBackend('cpu');
  const framework = factorVae(2, 4, 10, 0);
  const before = [...framework.discriminator.params.values()].map((v) => v.arraySync());
  const terms = trainSteps(framework, new XYSingleSquareData(), 3, 8);
  assert.ok(terms.every((t) => Number.isFinite(t.discriminator_loss)));
  assert.deepEqual([...framework.discriminator.params.values()].map((v) => v.arraySync()), before);
  assert.deepEqual([...framework.optimizers().keys()], ['model', 'discriminator']);
  assert.ok([...framework.extraParams().keys()].every((name) => name.startsWith('discriminator/')));
  framework.dispose();
});

test('FactorVAE trains: the loss falls, stays finite, and no tensor leaks', async () => {
  await initBackend('wasm');
  const data = new XYSingleSquareData();
  // A smaller discriminator than the library's 6 x 1000 keeps the run to seconds on the CPU.
  const framework = factorVae(4, 5, 10, 1e-4, { hiddenUnits: 64, hiddenLayers: 3 });
  trainSteps(framework, data, 2, 16, 1);
  const tensors = tf.memory().numTensors;
  const history = trainSteps(framework, data, 200, 16);
  assert.equal(tf.memory().numTensors, tensors);
  assert.ok(history.every((t) => Number.isFinite(t.loss) && Number.isFinite(t.discriminator_loss)));
  assert.ok(meanOf(history, 'loss', 180, 200) < 0.5 * meanOf(history, 'loss', 0, 20), `${meanOf(history, 'loss', 0, 20)} -> ${meanOf(history, 'loss', 180, 200)}`);
  framework.dispose();
});
