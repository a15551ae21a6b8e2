import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
// select.js also registers the cpu backend and (through tfjs-layers) core's gradients.
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { ARCHITECTURES, createModel } from '../../src/nn/architectures.js';
import { LayerStack } from '../../src/nn/layers.js';
import { klLoss, reconstructionLoss } from '../../src/nn/losses.js';
import type { EncoderDecoder } from '../../src/nn/model.js';
import { Rng } from '../../src/util/random.js';

const Z = 10;

after(shutdownBackend);

/** Builds a model, runs `body`, and always disposes it (tfjs variable names are global). */
function withModel<T>(name: string, shape: [number, number, number], seed: number, body: (m: EncoderDecoder) => T): T {
  const model = createModel(name, Z, shape, Rng.fromSeed(seed));
  try {
    return body(model);
  } finally {
    model.dispose();
  }
}

const shapesOf = (m: EncoderDecoder) => Object.fromEntries([...m.params].map(([k, v]) => [k, v.shape]));
const parameterCount = (m: EncoderDecoder) => [...m.params.values()].reduce((n, v) => n + v.size, 0);

test('every architecture maps 64x64x1 and 64x64x3 images to z-dim posteriors and back', async () => {
  await initBackend('wasm', { threads: 1 });
  for (const name of ARCHITECTURES) {
    for (const channels of [1, 3]) {
      withModel(name, [64, 64, channels], 1, (m) => {
        assert.equal(m.architecture, name);
        tf.tidy(() => {
          const { mu, logvar } = m.encode(tf.zeros([2, 64, 64, channels]) as tf.Tensor4D);
          assert.deepEqual(mu.shape, [2, Z], name);
          assert.deepEqual(logvar.shape, [2, Z], name);
          assert.deepEqual(m.decode(tf.ones([2, Z]) as tf.Tensor2D).shape, [2, 64, 64, channels], name);
        });
      });
    }
  }
});

test('dlib_conv has the layer shapes of disentanglement_lib conv_encoder/deconv_decoder (k2 in e3, e4)', async () => {
  await initBackend('cpu');
  withModel('dlib_conv', [64, 64, 1], 1, (m) => {
    assert.deepEqual(shapesOf(m), {
      'encoder/e1/kernel': [4, 4, 1, 32], 'encoder/e1/bias': [32],
      'encoder/e2/kernel': [4, 4, 32, 32], 'encoder/e2/bias': [32],
      'encoder/e3/kernel': [2, 2, 32, 64], 'encoder/e3/bias': [64],
      'encoder/e4/kernel': [2, 2, 64, 64], 'encoder/e4/bias': [64],
      'encoder/e5/kernel': [1024, 256], 'encoder/e5/bias': [256],
      'encoder/means/kernel': [256, Z], 'encoder/means/bias': [Z],
      'encoder/log_var/kernel': [256, Z], 'encoder/log_var/bias': [Z],
      'decoder/d1/kernel': [Z, 256], 'decoder/d1/bias': [256],
      'decoder/d2/kernel': [256, 1024], 'decoder/d2/bias': [1024],
      'decoder/d3/kernel': [4, 4, 64, 64], 'decoder/d3/bias': [64],
      'decoder/d4/kernel': [4, 4, 32, 64], 'decoder/d4/bias': [32],
      'decoder/d5/kernel': [4, 4, 32, 32], 'decoder/d5/bias': [32],
      'decoder/d6/kernel': [4, 4, 1, 32], 'decoder/d6/bias': [1],
    });
    // (k*k*cin + 1)*cout per conv, (in + 1)*out per dense; 64x64 -> 32 -> 16 -> 8 -> 4, flatten 4*4*64 = 1024.
    const encoder = (16 * 1 + 1) * 32 + (16 * 32 + 1) * 32 + (4 * 32 + 1) * 64 + (4 * 64 + 1) * 64 + (1024 + 1) * 256 + 2 * (256 + 1) * Z;
    const decoder = (Z + 1) * 256 + (256 + 1) * 1024 + (16 * 64 + 1) * 64 + (16 * 64 + 1) * 32 + (16 * 32 + 1) * 32 + (16 * 32 + 1) * 1;
    assert.equal(encoder, 309_204);
    assert.equal(decoder, 381_313);
    assert.equal(parameterCount(m), encoder + decoder);
  });
});

test('disent_conv64 has EncoderConv64/DecoderConv64 layer shapes: padding 2 gives 64 -> 33 -> 17 -> 9 -> 5, flatten 1600', async () => {
  await initBackend('cpu');
  withModel('disent_conv64', [64, 64, 3], 1, (m) => {
    const shapes = shapesOf(m);
    assert.deepEqual(shapes['encoder/conv3/kernel'], [4, 4, 32, 64]);
    assert.deepEqual(shapes['encoder/fc1/kernel'], [1600, 256]);
    assert.deepEqual(shapes['encoder/fc2/kernel'], [256, 2 * Z]);
    assert.deepEqual(shapes['decoder/deconv4/kernel'], [4, 4, 3, 32]);
    assert.equal(Object.keys(shapes).length, 2 * (6 + 6));
    const encoder = (16 * 3 + 1) * 32 + (16 * 32 + 1) * 32 + (16 * 32 + 1) * 64 + (16 * 64 + 1) * 64 + (1600 + 1) * 256 + (256 + 1) * 2 * Z;
    const decoder = (Z + 1) * 256 + (256 + 1) * 1024 + (16 * 64 + 1) * 64 + (16 * 64 + 1) * 32 + (16 * 32 + 1) * 32 + (16 * 32 + 1) * 3;
    assert.equal(encoder, 1568 + 16_416 + 32_832 + 65_600 + 409_856 + 5140);
    assert.equal(parameterCount(m), encoder + decoder);
  });
});

test('the fully connected nets: 1200-1200 ReLU encoder, 1200-1200-1200 tanh decoder', async () => {
  await initBackend('cpu');
  const pixels = 64 * 64;
  const encoder = (pixels + 1) * 1200 + (1200 + 1) * 1200 + (1200 + 1) * 2 * Z;
  const decoder = (Z + 1) * 1200 + 2 * (1200 + 1) * 1200 + (1200 + 1) * pixels;
  assert.equal(encoder + decoder, 4_916_400 + 1_441_200 + 24_020 + 13_200 + 2_882_400 + 4_919_296);
  withModel('dlib_fc', [64, 64, 1], 1, (m) => {
    assert.deepEqual(shapesOf(m)['encoder/log_var/kernel'], [1200, Z]);
    assert.deepEqual(shapesOf(m)['decoder/d4/kernel'], [1200, pixels]);
    assert.equal(parameterCount(m), encoder + decoder);
  });
  withModel('disent_fc', [64, 64, 1], 1, (m) => {
    assert.deepEqual(shapesOf(m)['encoder/fc3/kernel'], [1200, 2 * Z]);
    assert.deepEqual(shapesOf(m)['decoder/fc4/kernel'], [1200, pixels]);
    assert.equal(parameterCount(m), encoder + decoder);
  });
  // tanh bounds the decoder's hidden units, so its output is bounded by sum |d4 weights| + |bias|.
  withModel('dlib_fc', [64, 64, 1], 2, (m) => tf.tidy(() => {
    const out = m.decode(tf.fill([1, Z], 1e3) as tf.Tensor2D);
    const bound = tf.sum(tf.abs(m.params.get('decoder/d4/kernel') as tf.Variable), 0);
    assert.ok(tf.all(tf.lessEqual(tf.abs(tf.reshape(out, [pixels])), tf.add(bound, 1e-4))).dataSync()[0] === 1);
  }));
});

test('disent init is Glorot normal, std sqrt(2 / (fan_in + fan_out)); dlib init is Glorot uniform; biases zero', async () => {
  await initBackend('cpu');
  withModel('disent_fc', [64, 64, 1], 3, (m) => {
    const w = m.params.get('encoder/fc1/kernel') as tf.Variable;
    const values = w.dataSync() as Float32Array;
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    const expected = Math.sqrt(2 / (4096 + 1200));
    assert.ok(Math.abs(std - expected) < 0.005 * expected, `std ${std} vs ${expected}`);
    assert.ok(Math.abs(mean) < 0.005 * expected, `mean ${mean}`);
    // An untruncated normal over ~4.9M draws reaches past 4.5 standard deviations.
    assert.ok(values.some((v) => Math.abs(v) > 4.5 * expected));
    assert.equal(tf.sum(tf.abs(m.params.get('encoder/fc1/bias') as tf.Variable)).dataSync()[0], 0);
  });
  withModel('dlib_conv', [64, 64, 1], 3, (m) => {
    const values = (m.params.get('encoder/e5/kernel') as tf.Variable).dataSync() as Float32Array;
    const limit = Math.sqrt(6 / (1024 + 256));
    const maxAbs = values.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    assert.ok(maxAbs <= limit && maxAbs > 0.999 * limit, `max |w| ${maxAbs} vs limit ${limit}`);
  });
});

test('the same seed gives the same weights, another seed different ones', async () => {
  await initBackend('cpu');
  const snapshot = (seed: number) => withModel('disent_conv64', [64, 64, 1], seed, (m) =>
    [...m.params].map(([k, v]) => [k, Array.from(v.dataSync())] as const));
  const first = snapshot(11);
  assert.deepEqual(snapshot(11), first);
  const other = snapshot(12);
  assert.notDeepEqual(other.find(([k]) => k === 'encoder/conv1/kernel'), first.find(([k]) => k === 'encoder/conv1/kernel'));
});

test('conv nets refuse other image sizes; unknown names are refused with the list', () => {
  assert.throws(() => createModel('dlib_conv', Z, [32, 32, 1], Rng.fromSeed(0)), /dlib_conv needs 64x64 images/);
  assert.throws(() => createModel('disent_conv64', Z, [64, 48, 1], Rng.fromSeed(0)), /64x64/);
  assert.throws(() => createModel('resnet', Z, [64, 64, 1], Rng.fromSeed(0)), (e: Error) =>
    e instanceof RangeError && /resnet/.test(e.message) && /dlib_conv/.test(e.message));
  withModel('dlib_fc', [32, 32, 3], 0, (m) => assert.deepEqual(m.params.get('encoder/e1/kernel')?.shape, [32 * 32 * 3, 1200]));
});

test("layer padding: TF 'same' transposed conv k4 s2 crops one pixel per side like torch padding=1; conv padding 2 is zeros", async () => {
  await initBackend('cpu');
  const layers = new LayerStack(Rng.fromSeed(0), 'glorot_uniform');
  layers.addDeconv('t', 4, 1, 1);
  layers.addConv('c', 4, 1, 1);
  const ramp = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i), [4, 4, 1, 1]);
  (layers.params.get('t/kernel') as tf.Variable).assign(ramp);
  (layers.params.get('c/kernel') as tf.Variable).assign(ramp);
  tf.tidy(() => {
    // One pixel of value 1: the full transposed conv is the 4x4 kernel itself; cropping 1 per side leaves k[1..2][1..2].
    const one = tf.ones([1, 1, 1, 1]) as tf.Tensor4D;
    assert.deepEqual(Array.from(layers.deconv(one, 't', 2).dataSync()), [5, 6, 9, 10]);
    // Padded to 5x5, the single 4x4 window at the origin sees the pixel at kernel entry [2][2] = 10.
    assert.deepEqual(Array.from(layers.conv(tf.mul(one, 2) as tf.Tensor4D, 'c', 2, 2).dataSync()), [20]);
  });
  layers.dispose();
  ramp.dispose();
});

test('on wasm every variable of every architecture gets a finite, non-zero gradient, without leaking tensors', async () => {
  await initBackend('wasm', { threads: 1 });
  const rng = Rng.fromSeed(9);
  const pixels = Float32Array.from({ length: 2 * 64 * 64 }, () => (rng.float() < 0.3 ? 1 : 0));
  for (const name of ARCHITECTURES) {
    withModel(name, [64, 64, 1], 4, (m) => {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const x = tf.tensor4d(pixels, [2, 64, 64, 1]);
        const { grads } = tf.variableGrads(() => {
          const q = m.encode(x);
          return tf.add(reconstructionLoss('bernoulli', m.decode(q.mu), x), klLoss(q)) as tf.Scalar;
        }, [...m.params.values()]);
        for (const [key, g] of Object.entries(grads)) {
          const values = g.dataSync() as Float32Array;
          assert.ok(values.every(Number.isFinite), `${name} ${key}`);
          assert.ok(values.some((v) => v !== 0), `${name} ${key} has a zero gradient`);
        }
      });
      assert.equal(tf.memory().numTensors, before, name);
    });
  }
});
