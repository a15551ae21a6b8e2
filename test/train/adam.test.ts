import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { Adam } from '../../src/train/adam.js';
import { Rng } from '../../src/util/random.js';

// The cpu kernels under another name: a backend Adam does not update on the host, so it takes the
// tensor-op path there.
tf.registerBackend('cpu-ops', () => new MathBackendCPU());
for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: 'cpu-ops' });

/** Adam in float64 for one scalar, straight from Kingma & Ba's Algorithm 1. */
function adamByHand(theta: number, grads: number[], lr: number, b1: number, b2: number, eps: number, weightDecay = 0, lrs?: number[]): number[] {
  let m = 0;
  let v = 0;
  const out: number[] = [];
  grads.forEach((g, i) => {
    const t = i + 1;
    const rate = lrs?.[i] ?? lr;
    // AdamW (torch.optim.AdamW): the decay first, decoupled from the moments.
    theta *= 1 - rate * weightDecay;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    theta -= (rate * (m / (1 - b1 ** t))) / (Math.sqrt(v / (1 - b2 ** t)) + eps);
    out.push(theta);
  });
  return out;
}

test('Adam follows the algorithm step by step, and a restored copy continues identically', async () => {
  await tf.setBackend('cpu');
  const settings = { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
  const grads = [0.5, -1.25, 2, 0.1, -0.3];
  const expected = adamByHand(1, grads, settings.lr, settings.beta1, settings.beta2, settings.epsilon);
  const w = tf.variable(tf.scalar(1), true, 'w');
  const params = new Map([['w', w]]);
  const adam = new Adam(settings);
  const seen: number[] = [];
  for (const g of grads.slice(0, 3)) {
    adam.apply(params, { w: tf.scalar(g) });
    seen.push(w.dataSync()[0]);
  }
  const saved = adam.state();
  const copy = new Adam(settings);
  copy.restore(saved.iterations, new Map([...saved.tensors].map(([k, t]) => [k, t.clone()])));
  const w2 = tf.variable(w.clone(), true, 'w2');
  for (const g of grads.slice(3)) {
    adam.apply(params, { w: tf.scalar(g) });
    copy.apply(new Map([['w', w2]]), { w: tf.scalar(g) });
    seen.push(w.dataSync()[0]);
    assert.equal(w2.dataSync()[0], w.dataSync()[0]);
  }
  seen.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `step ${i + 1}: ${v} vs ${expected[i]}`));
  assert.equal(adam.iterations, 5);
  assert.deepEqual([...saved.tensors.keys()].sort(), ['w/m', 'w/v']);
});

test('AdamW decays the weights decoupled from the gradient, at the learning rate of each step', async () => {
  await tf.setBackend('cpu');
  const settings = { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1 };
  const grads = [0.5, -1.25, 2, 0.1];
  const rates = [1e-3, 1e-3, 0.5e-3, 0.25e-3];
  const expected = adamByHand(3, grads, settings.lr, settings.beta1, settings.beta2, settings.epsilon, 0.1, rates);
  const plain = adamByHand(3, grads, settings.lr, settings.beta1, settings.beta2, settings.epsilon, 0, rates);
  const w = tf.variable(tf.scalar(3), true, 'w_adamw');
  const adam = new Adam(settings);
  grads.forEach((g, i) => {
    adam.apply(new Map([['w', w]]), { w: tf.scalar(g) }, rates[i]);
    assert.ok(Math.abs(w.dataSync()[0] - expected[i]) < 1e-6, `step ${i + 1}: ${w.dataSync()[0]} vs ${expected[i]}`);
  });
  assert.ok(Math.abs(expected[3] - plain[3]) > 1e-4, 'the decay must show');
});

test('the host update (cpu) and the tensor-op update give the same bits, decay or none', async () => {
  const rng = Rng.fromSeed(31);
  const shapes = [[3, 4], [7], [2, 2, 5]];
  const initial = shapes.map((shape) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()));
  const gradients = Array.from({ length: 6 }, () => initial.map((w) => Float32Array.from(w, () => 10 ** (10 * rng.float() - 9) * (rng.float() < 0.5 ? -1 : 1))));
  const train = async (backend: string, weightDecay: number) => {
    await tf.setBackend(backend);
    const params = new Map(shapes.map((shape, i) => [`w${i}`, tf.variable(tf.tensor(initial[i], shape), true, `${backend}-${weightDecay}-w${i}`)]));
    const adam = new Adam({ lr: 3e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay });
    gradients.forEach((step, t) => adam.apply(params, Object.fromEntries(step.map((g, i) => [`w${i}`, tf.tensor(g, shapes[i])])), 3e-3 / (t + 1)));
    const state = [...params.values(), ...adam.state().tensors.values()].map((v) => Array.from(v.dataSync()));
    adam.dispose();
    params.forEach((v) => v.dispose());
    return state;
  };
  for (const decay of [0, 0.1]) assert.deepEqual(await train('cpu', decay), await train('cpu-ops', decay), `weight decay ${decay}`);
});