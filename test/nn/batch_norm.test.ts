import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { BatchNorm2d, BatchNormUpdates } from '../../src/nn/batch_norm.js';
import { UserError } from '../../src/util/errors.js';

before(() => initBackend('cpu'));
after(shutdownBackend);

function assertClose(actual: ArrayLike<number>, expected: readonly number[], tolerance = 1e-5): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= tolerance, `[${i}] ${actual[i]} vs ${e}`));
}

/** Two channels over a [2, 1, 2, 2] batch: channel 0 holds `a`, channel 1 holds `b` (4 values each, in batch-row order). */
function batchOf(a: readonly number[], b: readonly number[]): tf.Tensor4D {
  return tf.tensor4d(a.flatMap((v, i) => [v, b[i]]), [2, 1, 2, 2]);
}

const channel = (values: ArrayLike<number>, c: number) => Array.from(values).filter((_, i) => i % 2 === c);

test('training normalises by the batch statistics and the running update uses the unbiased variance, step after step', () => {
  const bn = new BatchNorm2d('bn_steps', 2);
  const updates = new BatchNormUpdates();
  // Channel 0: mean 3, biased variance 14/4 = 3.5, unbiased 14/3. Channel 1: constant 5, variance 0.
  const y = bn.apply(batchOf([1, 2, 3, 6], [5, 5, 5, 5]), updates);
  const sd = Math.sqrt(3.5 + 1e-5);
  assertClose(channel(y.dataSync(), 0), [-2 / sd, -1 / sd, 0, 3 / sd]);
  assertClose(channel(y.dataSync(), 1), [0, 0, 0, 0]);
  // Nothing moves until the caller applies the recorded statistics.
  assertClose(bn.runningMean.dataSync(), [0, 0]);
  assert.equal(updates.size, 1);
  updates.apply();
  assert.equal(updates.size, 0);
  // mean: 0.9 * 0 + 0.1 * batch mean; var: 0.9 * 1 + 0.1 * unbiased batch variance.
  assertClose(bn.runningMean.dataSync(), [0.3, 0.5]);
  assertClose(bn.runningVar.dataSync(), [0.9 + 0.1 * 14 / 3, 0.9]);

  // Second batch: channel 0 mean 1, unbiased variance 4/3; channel 1 mean 2, unbiased variance 16/3.
  bn.apply(batchOf([0, 0, 2, 2], [0, 4, 0, 4]), updates);
  updates.apply();
  assertClose(bn.runningMean.dataSync(), [0.9 * 0.3 + 0.1, 0.9 * 0.5 + 0.2]);
  assertClose(bn.runningVar.dataSync(), [0.9 * (0.9 + 0.1 * 14 / 3) + 0.1 * 4 / 3, 0.9 * 0.9 + 0.1 * 16 / 3]);

  // Eval mode: (x - running mean) / sqrt(running var + eps), with the affine terms.
  bn.gamma.assign(tf.tensor1d([2, 1]));
  bn.beta.assign(tf.tensor1d([0.5, -1]));
  const mean = [0.37, 0.65];
  const variance = [0.9 * (0.9 + 0.1 * 14 / 3) + 0.1 * 4 / 3, 0.81 + 1.6 / 3];
  const evalOut = bn.apply(batchOf([1, 1, 1, 1], [2, 2, 2, 2]), null).dataSync();
  assertClose(channel(evalOut, 0), Array(4).fill(2 * (1 - mean[0]) / Math.sqrt(variance[0] + 1e-5) + 0.5));
  assertClose(channel(evalOut, 1), Array(4).fill((2 - mean[1]) / Math.sqrt(variance[1] + 1e-5) - 1));
  assert.equal(updates.size, 0, 'eval mode records nothing');
  bn.dispose();
});

test('two passes before one apply fold in order, and discard drops them', () => {
  const bn = new BatchNorm2d('bn_order', 1);
  const updates = new BatchNormUpdates();
  const x = (values: number[]) => tf.tensor4d(values, [4, 1, 1, 1]);
  bn.apply(x([2, 2, 2, 2]), updates);
  bn.apply(x([0, 0, 4, 4]), updates);
  updates.apply();
  // mean: 0.9 * (0.9 * 0 + 0.1 * 2) + 0.1 * 2; var: 0.9 * (0.9 * 1 + 0) + 0.1 * 16/3.
  assertClose(bn.runningMean.dataSync(), [0.38]);
  assertClose(bn.runningVar.dataSync(), [0.81 + 1.6 / 3]);
  bn.apply(x([9, 9, 9, 8]), updates);
  updates.discard();
  assertClose(bn.runningMean.dataSync(), [0.38]);
  bn.dispose();
});

test('gradients reach gamma and beta only; the running statistics are not trainable', () => {
  const bn = new BatchNorm2d('bn_grads', 1);
  const updates = new BatchNormUpdates();
  const x = tf.tensor4d([1, 2, 3, 6], [4, 1, 1, 1]);
  const weights = tf.tensor4d([1, 0, 0, 2], [4, 1, 1, 1]);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(bn.apply(x, updates), weights)) as tf.Scalar);
  assert.deepEqual(Object.keys(grads).sort(), ['bn_grads/beta', 'bn_grads/gamma']);
  // d/dbeta = sum of weights; d/dgamma = sum of weights * normalised x = 1 * (-2) / sd + 2 * 3 / sd.
  assertClose(grads['bn_grads/beta'].dataSync(), [3]);
  assertClose(grads['bn_grads/gamma'].dataSync(), [4 / Math.sqrt(3.5 + 1e-5)]);
  assert.equal(updates.size, 1, 'the pass inside the tape recorded its statistics');
  updates.apply();
  assertClose(bn.runningMean.dataSync(), [0.3]);
  assert.equal(bn.runningMean.trainable, false);
  assert.equal(bn.runningVar.trainable, false);
  bn.dispose();
});

test('training on one value per channel is an error naming the layer', () => {
  const bn = new BatchNorm2d('encoder/bn_single', 1);
  const updates = new BatchNormUpdates();
  assert.throws(() => bn.apply(tf.ones([1, 1, 1, 1]) as tf.Tensor4D, updates),
    (e: unknown) => e instanceof UserError && /^encoder\/bn_single: .*more than 1 value per channel/.test(e.message));
  assert.equal(bn.apply(tf.ones([1, 1, 1, 1]) as tf.Tensor4D, null).shape.length, 4, 'eval mode works on one value');
  bn.dispose();
});
