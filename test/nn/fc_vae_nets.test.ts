import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backends/select.js';
import { decoderWidths, FC_VAE_WIDTHS, FcVaeNets, type FcVaeWidths } from '../../src/nn/fc_vae_nets.js';
import { Rng } from '../../src/util/random.js';

before(async () => {
  await initBackend('cpu');
});

const SMALL: FcVaeWidths = { input: 6, encoder: [10, 8, 4], latent: 3 };

/** Linear (w + b) + BatchNorm (γ, β) per encoder layer, two heads, Linear per decoder layer. */
function parameterCount({ input, encoder, latent }: FcVaeWidths): number {
  let count = 0;
  let previous = input;
  for (const units of encoder) {
    count += previous * units + units + 2 * units;
    previous = units;
  }
  count += 2 * (previous * latent + latent);
  const decoder = [latent, ...encoder.slice(0, -1).reverse(), input];
  for (let i = 1; i < decoder.length; i++) count += decoder[i - 1] * decoder[i] + decoder[i];
  return count;
}

const total = (vars: ReadonlyMap<string, tf.Variable>) => [...vars.values()].reduce((n, v) => n + v.size, 0);

test('widths: the decoder mirrors the encoder without its last layer', () => {
  assert.deepEqual(decoderWidths(FC_VAE_WIDTHS), [256, 512, 512, 512, 1024, 2048]);
  assert.deepEqual(decoderWidths(SMALL), [8, 10]);
});

test('parameter count by formula: small widths by hand, the original widths by the formula', () => {
  const nets = new FcVaeNets(SMALL, Rng.fromSeed(1));
  try {
    // encoder 6·10+10+20 + 10·8+8+16 + 8·4+4+8 = 238; heads 2·(4·3+3) = 30; decoder 3·8+8 + 8·10+10 + 10·6+6 = 188.
    assert.equal(parameterCount(SMALL), 456);
    assert.equal(total(nets.params), 456);
    assert.equal(total(nets.state), 2 * (10 + 8 + 4), 'running mean and variance per BatchNorm channel');
  } finally {
    nets.dispose();
  }
  const full = new FcVaeNets(FC_VAE_WIDTHS, Rng.fromSeed(1));
  try {
    assert.equal(total(full.params), parameterCount(FC_VAE_WIDTHS));
  } finally {
    full.dispose();
  }
});

test('shapes, tanh output range and seeded initialisation', () => {
  const nets = new FcVaeNets(SMALL, Rng.fromSeed(5), 'a');
  const twin = new FcVaeNets(SMALL, Rng.fromSeed(5), 'b');
  try {
    const x = tf.mul(tf.randomNormal([7, 6], 0, 1, 'float32', 3), 50) as tf.Tensor2D;
    for (const training of [true, false]) {
      const { mu, logvar } = nets.encode(x, training);
      assert.deepEqual(mu.shape, [7, 3]);
      assert.deepEqual(logvar.shape, [7, 3]);
      tf.dispose([mu, logvar]);
    }
    nets.discardRunningStatistics();
    const recon = nets.decode(tf.mul(tf.randomNormal([7, 3], 0, 1, 'float32', 4), 1e3) as tf.Tensor2D);
    assert.deepEqual(recon.shape, [7, 6]);
    const values = recon.dataSync();
    assert.ok(values.every((v) => Math.abs(v) <= 1), 'tanh bounds the output');
    assert.ok(values.some((v) => Math.abs(v) > 0.9), 'large latents saturate some outputs');
    const kernel = (n: FcVaeNets, scope: string) => n.params.get(`${scope}/decoder/1/linear/kernel`)!.dataSync();
    assert.deepEqual(kernel(nets, 'a'), kernel(twin, 'b'));
    const bound = 1 / Math.sqrt(8);
    assert.ok(kernel(nets, 'a').every((v) => Math.abs(v) <= bound), 'torch default init: U(±1/sqrt(fan_in))');
    assert.throws(() => nets.encode(tf.zeros([2, 5]) as tf.Tensor2D, false), /expects 6 values per frame/);
  } finally {
    nets.dispose();
    twin.dispose();
  }
});

test('training mode normalises by batch statistics and updates the running ones only when applied', () => {
  const nets = new FcVaeNets({ input: 2, encoder: [3], latent: 1 }, Rng.fromSeed(2));
  try {
    const x = tf.tensor2d([[1, 2], [3, -1], [0, 5], [2, 2]]);
    const kernel = nets.params.get('vae/encoder/0/linear/kernel')!;
    const bias = nets.params.get('vae/encoder/0/linear/bias')!;
    const preActivation = tf.add(tf.matMul(x, kernel), bias);
    const { mean, variance } = tf.moments(preActivation, 0);
    const runningMean = nets.state.get('vae/encoder/0/batch_norm/running_mean')!;
    const runningVar = nets.state.get('vae/encoder/0/batch_norm/running_var')!;
    tf.dispose(nets.encode(x, true));
    assert.deepEqual(Array.from(runningMean.dataSync()), [0, 0, 0], 'nothing changes before apply');
    nets.applyRunningStatistics();
    // torch: running ← 0.9·running + 0.1·batch, the variance unbiased (4 rows: × 4/3).
    const expectedMean = mean.dataSync();
    const expectedVar = variance.dataSync();
    runningMean.dataSync().forEach((v, c) => assert.ok(Math.abs(v - 0.1 * expectedMean[c]) < 1e-6));
    runningVar.dataSync().forEach((v, c) => assert.ok(Math.abs(v - (0.9 + 0.1 * expectedVar[c] * 4 / 3)) < 1e-5));
    tf.dispose([x, preActivation, mean, variance]);
  } finally {
    nets.dispose();
  }
});
