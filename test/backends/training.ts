// A short training run compared across backends: a small conv autoencoder (conv, transposed
// conv, dense; BCE with logits; our Adam) trained on cpu and on the backend under test.
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backends/select.js';
import { Adam } from '../../src/train/adam.js';
import { Rng } from '../../src/util/random.js';
import { normalData } from './compare.js';

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A small conv VAE-like autoencoder (conv, convT, dense; BCE with logits; Adam): losses per step. */
function trainSmallModel(steps: number): number[] {
  const BATCH = 4;
  const init = Rng.fromSeed(7);
  const shapes: Array<[string, number[], number]> = [
    ['c1', [3, 3, 1, 8], 0.3], ['b1', [8], 0.1], ['c2', [4, 4, 8, 8], 0.1], ['b2', [8], 0.1],
    ['d1', [128, 16], 0.1], ['e1', [16], 0.1], ['d2', [16, 128], 0.1], ['e2', [128], 0.1],
    ['t1', [4, 4, 8, 8], 0.1], ['u1', [8], 0.1], ['t2', [3, 3, 1, 8], 0.1], ['u2', [1], 0.1],
  ];
  // Adam finds gradients by variable name.
  const params = new Map(shapes.map(([name, shape, scale]) => [name, tf.tidy(() =>
    tf.variable(tf.tensor(normalData(init, size(shape)).map((v) => v * scale), shape), true, `training_test/${name}`))]));
  const p = (name: string) => params.get(name) as tf.Variable;
  const data = Rng.fromSeed(8);
  const x = tf.tensor4d(Float32Array.from({ length: BATCH * 16 * 16 }, () => (data.float() < 0.3 ? 1 : 0)), [BATCH, 16, 16, 1]);
  const adam = new Adam({ lr: 3e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  const loss = () => {
    let h = tf.relu(tf.add(tf.conv2d(x, p('c1') as tf.Tensor4D, 2, 'same'), p('b1'))) as tf.Tensor4D;
    h = tf.relu(tf.add(tf.conv2d(h, p('c2') as tf.Tensor4D, 2, 'same'), p('b2'))) as tf.Tensor4D;
    const z = tf.relu(tf.add(tf.matMul(tf.reshape(h, [BATCH, 128]), p('d1')), p('e1')));
    let g = tf.reshape(tf.relu(tf.add(tf.matMul(z, p('d2')), p('e2'))), [BATCH, 4, 4, 8]) as tf.Tensor4D;
    g = tf.relu(tf.add(tf.conv2dTranspose(g, p('t1') as tf.Tensor4D, [BATCH, 8, 8, 8], 2, 'same'), p('u1'))) as tf.Tensor4D;
    const logits = tf.add(tf.conv2dTranspose(g, p('t2') as tf.Tensor4D, [BATCH, 16, 16, 1], 2, 'same'), p('u2'));
    const bce = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.div(tf.sum(bce), BATCH) as tf.Scalar;
  };
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const { value, grads } = tf.variableGrads(loss, [...params.values()]);
    adam.apply(new Map([...params.values()].map((v) => [v.name, v])), grads);
    losses.push(value.dataSync()[0]);
    tf.dispose([value, ...Object.values(grads)]);
  }
  adam.dispose();
  tf.dispose([x, ...params.values()]);
  return losses;
}


const STEPS = 200;

/**
 * Trains 200 steps on cpu and on `backend`, and asserts the loss curves agree: the first 20 steps
 * to 1e-4 relative, all to 2% (summation order differs, and the differences grow), the model
 * learns, and no tensor leaks.
 */
export async function assertFollowsCpuTraining(t: TestContext, backend: string, threads: number): Promise<void> {
  await initBackend('cpu');
  const reference = trainSmallModel(STEPS);
  await initBackend(backend, { threads });
  const before = tf.memory().numTensors;
  const actual = trainSmallModel(STEPS);
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  const worst = Math.max(...reference.map((r, i) => Math.abs(actual[i] - r) / Math.abs(r)));
  t.diagnostic(`loss ${reference[0].toFixed(3)} -> ${reference[STEPS - 1].toFixed(3)} (cpu), `
    + `${actual[STEPS - 1].toFixed(3)} (${backend}); worst relative difference ${worst.toExponential(2)}`);
  assert.ok(reference[STEPS - 1] < 0.8 * reference[0], 'the model did not learn');
  const early = Math.max(...reference.slice(0, 20).map((r, i) => Math.abs(actual[i] - r) / Math.abs(r)));
  assert.ok(early < 1e-4, `the first 20 losses differ by ${early}`);
  assert.ok(worst < 2e-2, `loss curves differ by ${worst}`);
}
