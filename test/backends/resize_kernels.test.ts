// The nearest-neighbour resize gradient that replaces tfjs-backend-cpu's (src/backends/resize_kernels.ts):
// by hand on a batch of two, and as the exact adjoint of the forward pass, <resize(x), w> =
// <x, grad(w)>, for every flag on cpu; wasm's own kernel, which we keep, passes the same check
// without half-pixel centres (with them it does not; nothing here uses them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { nearestSource } from '../../src/backends/resize_kernels.js';
import { Rng } from '../../src/util/random.js';

const rng = Rng.fromSeed(23_11_2026);

function resizeGrad(x: tf.Tensor4D, w: tf.Tensor4D, size: [number, number], alignCorners: boolean, halfPixelCenters: boolean): Float32Array {
  return tf.tidy(() => tf.grad((xi: tf.Tensor) =>
    tf.sum(tf.mul(tf.image.resizeNearestNeighbor(xi as tf.Tensor4D, size, alignCorners, halfPixelCenters), w)))(x).dataSync() as Float32Array);
}

test('the gradient of a 2x upsampling of two 2x2 images sums each 2x2 block of dy, image by image', async () => {
  await initBackend('cpu');
  const x = tf.zeros([2, 2, 2, 1]) as tf.Tensor4D;
  const w = tf.tensor4d(Array.from({ length: 32 }, (_, i) => i), [2, 4, 4, 1]);
  // Image 1's top-left block holds 16, 17, 20, 21 (tfjs-backend-cpu gives 4 + 5 + 8 + 9 = 26 there).
  assert.deepEqual(Array.from(resizeGrad(x, w, [4, 4], false, false)), [10, 18, 42, 50, 74, 82, 106, 114]);
  tf.dispose([x, w]);
});

test('nearestSource follows tfjs: floor of the ratio, rounding with aligned corners, shifted centres clamped', () => {
  assert.deepEqual([0, 1, 2, 3].map((o) => nearestSource(o, 2, 4, false, false)), [0, 0, 1, 1]);
  assert.deepEqual([0, 1, 2].map((o) => nearestSource(o, 3, 3, true, false)), [0, 1, 2]);
  assert.deepEqual([0, 1, 2, 3, 4].map((o) => nearestSource(o, 3, 5, true, false)), [0, 1, 1, 2, 2]);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((o) => nearestSource(o, 4, 6, false, true)), [0, 1, 1, 2, 3, 3]);
  assert.deepEqual([0, 1, 2].map((o) => nearestSource(o, 5, 3, false, false)), [0, 1, 3]);
});

test('the gradient is the adjoint of the forward resize for every flag on cpu, and without half-pixel centres on wasm', async () => {
  const cases: Array<[number[], [number, number], boolean, boolean]> = [
    [[3, 4, 5, 2], [8, 10], false, false], [[2, 4, 5, 3], [7, 3], false, false], [[2, 4, 5, 1], [6, 9], true, false],
    [[2, 3, 3, 2], [7, 5], false, true], [[1, 5, 4, 2], [2, 2], true, false],
  ];
  try {
    for (const backend of ['cpu', 'wasm']) {
      await initBackend(backend);
      for (const [shape, size, alignCorners, halfPixelCenters] of cases) {
        if (backend === 'wasm' && halfPixelCenters) continue;
        const xValues = Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal());
        const wValues = Array.from({ length: shape[0] * size[0] * size[1] * shape[3] }, () => rng.normal());
        const x = tf.tensor4d(xValues, shape as [number, number, number, number]);
        const w = tf.tensor4d(wValues, [shape[0], ...size, shape[3]]);
        const forward = tf.tidy(() => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(x, size, alignCorners, halfPixelCenters), w)).dataSync()[0]);
        const grad = resizeGrad(x, w, size, alignCorners, halfPixelCenters);
        const adjoint = xValues.reduce((sum, v, i) => sum + v * grad[i], 0);
        assert.ok(Math.abs(forward - adjoint) < 1e-4 * (1 + Math.abs(forward)), `${backend} [${shape}] to ${size}: ${forward} vs ${adjoint}`);
        tf.dispose([x, w]);
      }
    }
  } finally {
    shutdownBackend();
  }
});
