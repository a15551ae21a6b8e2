// The fused GELU, training-mode BatchNorm and LayerNorm (src/backends/fused_kernels.ts): the
// 'native' backend's kernels against the composite tfjs ops on cpu, values and gradients, and the
// batch statistics they report; where no backend registers them, the composite path is what runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backends/select.js';
import { registerNativeBackend } from '../../src/backends/native.js';
import { batchNormTraining, FUSED_KERNELS, gelu, layerNorm } from '../../src/backends/fused_kernels.js';
import { Rng } from '../../src/util/random.js';
import { assertWithinTolerance, compareWithCpu, normalData, type Comparison } from './compare.js';

const unavailable = registerNativeBackend();
const skip = unavailable === null ? false : `native backend unavailable (${unavailable})`;
const rng = Rng.fromSeed(11_2026);


// V3's maps (a 2-channel full-size layer, a deep one), DecVAE's [batch, time, channels], a vector
// batch, and one big enough for the multithreaded loops.
const SHAPES = [[6, 48, 32, 2], [5, 6, 4, 16], [3, 50, 24], [40, 7], [8, 64, 64, 4]];

test('fused GELU and its gradient on native match the composite ops on cpu (tails included)', { skip }, async (t) => {
  const comparisons: Comparison[] = [];
  for (const shape of SHAPES) {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = normalData(rng, n).map((v, i) => (i % 101 === 3 ? v * 12 : v * 2));
    const dy = normalData(rng, n);
    comparisons.push(...await compareWithCpu(`gelu [${shape}]`, () => {
      const xt = tf.tensor(x, shape);
      const dyt = tf.tensor(dy, shape);
      return [gelu(xt), tf.grad((v: tf.Tensor) => tf.sum(tf.mul(gelu(v), dyt)))(xt)];
    }, 'native', 2));
  }
  t.diagnostic(`worst relative error ${assertWithinTolerance(comparisons).toExponential(2)}`);
});

for (const detachStatistics of [false, true]) {
  const gradient = detachStatistics ? 'with the statistics held constant' : 'through the statistics';
  test(`fused training BatchNorm: output, batch statistics and gradients of x, gamma, beta ${gradient} on native match cpu`, { skip }, async (t) => {
    const comparisons: Comparison[] = [];
    for (const shape of SHAPES) {
      const channels = shape[shape.length - 1];
      const n = shape.reduce((a, b) => a * b, 1);
      // An offset per channel, so that a one-pass variance would lose digits.
      const x = normalData(rng, n).map((v, i) => v * 3 + 50 * ((i % channels) - channels / 2));
      const dy = normalData(rng, n);
      const gamma = normalData(rng, channels);
      const beta = normalData(rng, channels);
      comparisons.push(...await compareWithCpu(`batch norm [${shape}] ${gradient}`, () => {
        const [xt, dyt, g, b] = [tf.tensor(x, shape), tf.tensor(dy, shape), tf.tensor1d(gamma), tf.tensor1d(beta)];
        const { y, mean, variance } = batchNormTraining(xt, g, b, 1e-5, { detachStatistics });
        const grads = tf.grads((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => {
          const result = batchNormTraining(xi, gi as tf.Tensor1D, bi as tf.Tensor1D, 1e-5, { detachStatistics });
          tf.dispose([result.mean, result.variance]);
          return tf.sum(tf.mul(result.y, dyt));
        })([xt, g, b]);
        return [y, mean, variance, ...grads];
      }, 'native', 2));
    }
    t.diagnostic(`worst relative error ${assertWithinTolerance(comparisons).toExponential(2)}`);
  });
}

// DecVAE's S maps [U, 1, steps, channels] and rows of other widths. Not 2 channels: the gradient of
// a row of two normalised values is zero but for rounding, so no relative error can be asked of it.
const LAYER_NORM_SHAPES = [[4, 1, 300, 24], [3, 50, 24], [5, 6, 4, 16], [40, 7], [6, 192]];

test('fused LayerNorm and its gradients of x, gamma, beta on native match the composite ops on cpu', { skip }, async (t) => {
  const comparisons: Comparison[] = [];
  for (const shape of LAYER_NORM_SHAPES) {
    const channels = shape[shape.length - 1];
    const n = shape.reduce((a, b) => a * b, 1);
    // An offset per row, so that a one-pass variance would lose digits.
    const x = normalData(rng, n).map((v, i) => v * 3 + 40 * (Math.floor(i / channels) % 7));
    const dy = normalData(rng, n);
    const gamma = normalData(rng, channels);
    const beta = normalData(rng, channels);
    comparisons.push(...await compareWithCpu(`layer norm [${shape}]`, () => {
      const [xt, dyt, g, b] = [tf.tensor(x, shape), tf.tensor(dy, shape), tf.tensor1d(gamma), tf.tensor1d(beta)];
      const grads = tf.grads((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(layerNorm(xi, gi as tf.Tensor1D, bi as tf.Tensor1D, 1e-5), dyt)))([xt, g, b]);
      return [layerNorm(xt, g, b, 1e-5), ...grads];
    }, 'native', 2));
  }
  t.diagnostic(`worst relative error ${assertWithinTolerance(comparisons).toExponential(2)}`);
});

test('training BatchNorm normalises each channel to gamma-scaled unit variance around beta (closed form)', async () => {
  await initBackend('cpu');
  for (const backend of skip ? ['cpu'] : ['cpu', 'native']) {
    await initBackend(backend);
    // Channel 0 holds 1, 2, 3, 4 (mean 2.5, biased variance 1.25); channel 1 is constant 7.
    const x = tf.tensor3d([1, 7, 2, 7, 3, 7, 4, 7], [2, 2, 2]);
    const { y, mean, variance } = batchNormTraining(x, tf.tensor1d([2, 1]), tf.tensor1d([0.5, -1]), 0);
    assert.deepEqual(Array.from(mean.dataSync()), [2.5, 7], backend);
    assert.deepEqual(Array.from(variance.dataSync()), [1.25, 0], backend);
    const expected = [1, 2, 3, 4].map((v) => 2 * (v - 2.5) / Math.sqrt(1.25) + 0.5);
    const values = y.dataSync();
    expected.forEach((e, i) => assert.ok(Math.abs(values[2 * i] - e) < 1e-5, `${backend}: ${values[2 * i]} vs ${e}`));
    // A constant channel with eps 0 divides 0 by 0.
    assert.ok(Number.isNaN(values[1]), backend);
    tf.dispose([x, y, mean, variance]);
  }
});

test('the fused kernels are registered for native only; other backends run the composite ops', async () => {
  await initBackend('cpu');
  for (const name of Object.values(FUSED_KERNELS)) {
    assert.equal(tf.getKernel(name, 'cpu'), undefined, name);
    if (!skip) assert.ok(tf.getKernel(name, 'native'), name);
  }
});
