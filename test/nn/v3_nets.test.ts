import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { gelu } from '../../src/backends/fused_kernels.js';
import { BatchNormUpdates } from '../../src/nn/batch_norm.js';
import {
  createV3Model, resBlock, resBlockT, V3_GEOMETRIES, v3Geometry, V3Parameters, v3Shapes, type AxisPair, type V3Geometry,
} from '../../src/nn/v3_nets.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/random.js';

before(() => initBackend('cpu'));
after(shutdownBackend);

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `[${i}] ${actual[i]} vs ${expected[i]}`);
  }
}

function randomTensor(rng: Rng, shape: number[]): tf.Tensor4D {
  const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
  const t: tf.Tensor = tf.tensor(values, shape);
  return t as tf.Tensor4D;
}

// ---- a float64 reference of torch's layers in plain JS, NHWC arrays flattened ----

/** erf by its Maclaurin series where it converges well, else by the asymptotic series of erfc. */
function erf(x: number): number {
  if (Math.abs(x) > 3) {
    const inv = 1 / (2 * x * x);
    const erfc = Math.exp(-x * x) / (Math.abs(x) * Math.sqrt(Math.PI)) * (1 - inv + 3 * inv ** 2 - 15 * inv ** 3 + 105 * inv ** 4);
    return Math.sign(x) * (1 - erfc);
  }
  let sum = 0;
  let power = x;
  for (let n = 0; n < 60; n++) {
    sum += power / (2 * n + 1);
    power *= -x * x / (n + 1);
  }
  return 2 / Math.sqrt(Math.PI) * sum;
}

const geluRef = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));

interface Map4 { data: number[]; shape: [number, number, number, number] }

const at = (m: Map4, n: number, i: number, j: number, c: number) => m.data[((n * m.shape[1] + i) * m.shape[2] + j) * m.shape[3] + c];

/** torch Conv2d(padding = k//2, stride), with our [kh, kw, in, out] kernel. */
function convRef(x: Map4, kernel: tf.Tensor, bias: tf.Tensor, stride: AxisPair): Map4 {
  const [kh, kw, cin, cout] = kernel.shape;
  const k = Array.from(kernel.dataSync());
  const b = Array.from(bias.dataSync());
  const [batch, h, w] = x.shape;
  const oh = Math.floor((h + 2 * (kh >> 1) - kh) / stride[0]) + 1;
  const ow = Math.floor((w + 2 * (kw >> 1) - kw) / stride[1]) + 1;
  const data: number[] = [];
  for (let n = 0; n < batch; n++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let o = 0; o < cout; o++) {
    let sum = b[o];
    for (let a = 0; a < kh; a++) for (let bb = 0; bb < kw; bb++) for (let c = 0; c < cin; c++) {
      const row = i * stride[0] + a - (kh >> 1);
      const col = j * stride[1] + bb - (kw >> 1);
      if (row >= 0 && row < h && col >= 0 && col < w) sum += at(x, n, row, col, c) * k[((a * kw + bb) * cin + c) * cout + o];
    }
    data.push(sum);
  }
  return { data, shape: [batch, oh, ow, cout] };
}

/**
 * torch ConvTranspose2d(stride 1, padding k//2) by its own definition, y[i] = sum_a x[i + p - a] W[c, o, a],
 * where the weight W[c, o, a, b] is our kernel flipped: kernel[kh-1-a, kw-1-b, c, o].
 */
function convTransposeRef(x: Map4, kernel: tf.Tensor, bias: tf.Tensor): Map4 {
  const [kh, kw, cin, cout] = kernel.shape;
  const k = Array.from(kernel.dataSync());
  const weight = (c: number, o: number, a: number, bb: number) => k[(((kh - 1 - a) * kw + (kw - 1 - bb)) * cin + c) * cout + o];
  const b = Array.from(bias.dataSync());
  const [batch, h, w] = x.shape;
  const data: number[] = [];
  for (let n = 0; n < batch; n++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let o = 0; o < cout; o++) {
    let sum = b[o];
    for (let a = 0; a < kh; a++) for (let bb = 0; bb < kw; bb++) for (let c = 0; c < cin; c++) {
      const row = i + (kh >> 1) - a;
      const col = j + (kw >> 1) - bb;
      if (row >= 0 && row < h && col >= 0 && col < w) sum += at(x, n, row, col, c) * weight(c, o, a, bb);
    }
    data.push(sum);
  }
  return { data, shape: [batch, h, w, cout] };
}

/** Training-mode BatchNorm with gamma 1, beta 0 (their initial values): biased batch variance, eps 1e-5. */
function batchNormRef(x: Map4): Map4 {
  const channels = x.shape[3];
  const count = x.data.length / channels;
  const mean = Array.from({ length: channels }, (_, c) => x.data.filter((_, i) => i % channels === c).reduce((s, v) => s + v, 0) / count);
  const variance = mean.map((m, c) => x.data.filter((_, i) => i % channels === c).reduce((s, v) => s + (v - m) ** 2, 0) / count);
  return { data: x.data.map((v, i) => (v - mean[i % channels]) / Math.sqrt(variance[i % channels] + 1e-5)), shape: x.shape };
}

const mapOf = (t: tf.Tensor4D): Map4 => ({ data: Array.from(t.dataSync()), shape: t.shape });
const geluMap = (x: Map4): Map4 => ({ data: x.data.map(geluRef), shape: x.shape });
const addMaps = (x: Map4, y: Map4): Map4 => ({ data: x.data.map((v, i) => v + y.data[i]), shape: x.shape });

// ---- tests ----

test('GELU is the exact erf form, and its gradient is Phi(x) + x phi(x)', () => {
  const x = tf.tensor1d([-2, -1, -0.5, 0, 0.5, 1, 2, 3]);
  // x * Phi(x) and its derivative, from Python's math.erf.
  assertClose(gelu(x).dataSync(), [-0.04550026389635842, -0.15865525393145707, -0.15426876936299344, 0, 0.34573123063700656,
    0.8413447460685429, 1.9544997361036416, 2.99595030590511], 2e-6);
  assertClose(tf.grad((v: tf.Tensor) => gelu(v))(x).dataSync(), [-0.08523180107819692, -0.08331547058768629, 0.13250487534383712, 0.5,
    0.8674951246561629, 1.0833154705876864, 1.085231801078197, 1.011945647204184], 2e-6);
  // The reference erf used below agrees with the same values.
  assertClose([-2, 1, 3.5].map(geluRef), [-0.04550026389635842, 0.8413447460685429, 3.5 * 0.9997673709209645], 1e-9);
});

test('every dataset geometry: the map size after each stage, F, and the decoder back to the input', () => {
  const expected: Record<string, { encoder: number[][]; features: number; decoder: number[][]; output: number[] }> = {
    phonenums: { encoder: [[12, 8, 64], [3, 2, 256]], features: 1536, decoder: [[12, 8, 64], [48, 32, 3]], output: [48, 32, 3] },
    insnotes: { encoder: [[64, 4, 32], [4, 4, 512]], features: 8192, decoder: [[64, 4, 32], [512, 32, 1]], output: [512, 32, 1] },
    sprites: { encoder: [[16, 16, 64], [4, 4, 256]], features: 4096, decoder: [[16, 16, 64], [64, 64, 3]], output: [64, 64, 3] },
    svhn: { encoder: [[12, 8, 128], [3, 2, 512]], features: 3072, decoder: [[12, 8, 128], [48, 32, 3]], output: [48, 32, 3] },
    // 80 mel bins: 40, 20, 10 then 5, 3, 2, 1 (ceil); the decoder doubles 1 seven times to 128, cropped to 80.
    librispeech: { encoder: [[10, 8, 16], [1, 8, 256]], features: 2048, decoder: [[16, 8, 16], [128, 64, 1]], output: [80, 64, 1] },
  };
  assert.deepEqual(Object.keys(V3_GEOMETRIES).sort(), Object.keys(expected).sort());
  for (const [name, e] of Object.entries(expected)) {
    const shapes = v3Shapes(v3Geometry(name));
    assert.deepEqual({ encoder: shapes.encoderStages, features: shapes.features, decoder: shapes.decoderStages, output: shapes.output },
      e, name);
  }
  assert.equal(v3Shapes(v3Geometry('insnotes'), { widthMultiplier: 0.25 }).features, 4 * 4 * 128);
});

test('every dataset geometry, shrunk: the built networks give those shapes in training and eval', () => {
  // The narrowest widths that keep whole channels: a first stage of c0 = 1.
  const widths: Record<string, number> = { phonenums: 1 / 16, insnotes: 1 / 4, sprites: 1 / 16, svhn: 1 / 32, librispeech: 1 / 2 };
  const rng = Rng.fromSeed(3);
  for (const [name, widthMultiplier] of Object.entries(widths)) {
    const geometry = v3Geometry(name);
    const model = createV3Model(geometry, rng, { widthMultiplier, embeddingSize: 8 });
    const features = v3Shapes(geometry, { widthMultiplier }).features;
    assert.deepEqual(model.params.get('encoder/fc/kernel')!.shape, [features, 16], name);
    assert.deepEqual(model.params.get('decoder/fc/kernel')!.shape, [16, features], name);
    for (const training of [true, false]) {
      tf.tidy(() => {
        const { content, style } = model.encode(randomTensor(rng, [2, ...geometry.inputShape]), training);
        assert.deepEqual([content.shape, style.shape], [[2, 8], [2, 8]], name);
        assert.deepEqual(model.decode(content, style, training).shape, [2, ...geometry.inputShape], name);
      });
    }
    model.dispose();
  }
});

/** Input [4, 4, 1]; each stage one down-sampling layer of one block, per-axis kernels and strides. */
const TINY: V3Geometry = {
  name: 'tiny', inputShape: [4, 4, 1],
  stages: [
    { channels: 2, layers: 1, blocks: 1, kernel: [3, 1], stride: [2, 1] },
    { channels: 4, layers: 1, blocks: 1, kernel: [1, 3], stride: [1, 2] },
  ],
};

test('parameter and state counts of a tiny geometry, counted by hand', () => {
  const model = createV3Model(TINY, Rng.fromSeed(4), { embeddingSize: 3 });
  const count = (vars: ReadonlyMap<string, tf.Variable>) => [...vars.values()].reduce((s, v) => s + v.size, 0);
  // conv: kh*kw*cin*cout + cout; BatchNorm: 2 per channel. Encoder stage 1 (c0 = 1, k 3x1):
  // stem conv 1->1 (4) + bn (2); block1 1->1: 4 + 2 + 4 + 2; block2 1->2: conv 8, bn 4, conv 14, bn 4, skip 4 + 4.
  const encoderStage1 = 6 + 12 + 38;
  // Encoder stage 2 (c0 = 2, k 1x3): stem 14 + 4; block1 2->2: 14 + 4 + 14 + 4; block2 2->4: 28 + 8 + 52 + 8 + 12 + 8.
  const encoderStage2 = 18 + 36 + 116;
  // Head, F = 2*2*4 = 16: Linear 16->6 (102), Linear_c and Linear_s 3->3 (12 each).
  const encoderHead = 102 + 12 + 12;
  // Decoder head: two Linear 3->3 (12 each), Linear 6->16 (112).
  const decoderHead = 12 + 12 + 112;
  // makeCNNT(4, 2, k 1x3): block1 4->2: conv 4->4 52, bn 8, conv 4->2 26, bn 4, skip 10 + 4; block2 2->2: 14+4+14+4; out conv 2->2 14.
  const decoderStage1 = 104 + 36 + 14;
  // makeCNNT(2, 1, k 3x1): block1 2->1: 14 + 4 + 7 + 2 + skip 3 + 2; block2 1->1: 4+2+4+2; out conv 1->1 4.
  const decoderStage2 = 32 + 12 + 4;
  assert.equal(count(model.params), encoderStage1 + encoderStage2 + encoderHead + decoderHead + decoderStage1 + decoderStage2);
  // Running mean and variance mirror gamma and beta: 18 + 36 encoder, 24 + 12 decoder.
  assert.equal(count(model.state), 90);
  assert.ok([...model.state.keys()].every((k) => /\/(running_mean|running_var)$/.test(k)));
  assert.deepEqual(model.params.get('encoder/stage1/block2/skip_conv/kernel')!.shape, [1, 1, 1, 2]);
  assert.deepEqual(model.params.get('encoder/stage2/block2/conv1/kernel')!.shape, [1, 3, 2, 4]);
  assert.deepEqual(model.params.get('decoder/stage2/out/kernel')!.shape, [3, 1, 1, 1]);
  model.dispose();
});

test('initial weights: U(+-1/sqrt(fan_in)), with a transposed conv fan-in of c_out * kh * kw', () => {
  const p = new V3Parameters(Rng.fromSeed(5));
  p.dense('init/dense', 400, 50);
  resBlockT(p, 'init/blockT', 16, 2, [3, 3]);
  const maxAbs = (name: string) => Math.max(...Array.from(p.params.get(name)!.dataSync(), Math.abs));
  const within = (name: string, bound: number) => {
    assert.ok(maxAbs(name) <= bound && maxAbs(name) > 0.8 * bound, `${name}: max ${maxAbs(name)}, bound ${bound}`);
  };
  within('init/dense/kernel', 1 / 20);
  // conv2 is a ConvTranspose2d(16 -> 2, 3x3): torch's fan-in is 2 * 9, not 16 * 9.
  within('init/blockT/conv2/kernel', 1 / Math.sqrt(18));
  within('init/blockT/conv1/kernel', 1 / Math.sqrt(16 * 9));
  within('init/blockT/skip_conv/kernel', 1 / Math.sqrt(2));
  p.dispose();
});

test('ResBlock with a channel change and a 2x1 stride equals torch-style conv, BN and GELU in float64', () => {
  const rng = Rng.fromSeed(6);
  const p = new V3Parameters(rng);
  const block = resBlock(p, 'ref/block', 2, 3, [3, 3], [2, 1]);
  const x = randomTensor(rng, [2, 6, 3, 2]);
  const updates = new BatchNormUpdates();
  const y = block(x, updates);
  assert.deepEqual(y.shape, [2, 3, 3, 3], 'torch pads 1 row on both sides of the 6, where TF \'same\' would pad 0 before');
  assert.equal(updates.size, 3, 'bn1, bn2 and the skip BN recorded');
  updates.discard();

  const w = (name: string) => p.params.get(`ref/block/${name}`)!;
  const input = mapOf(x);
  const h1 = geluMap(batchNormRef(convRef(input, w('conv1/kernel'), w('conv1/bias'), [2, 1])));
  const h2 = batchNormRef(convRef(h1, w('conv2/kernel'), w('conv2/bias'), [1, 1]));
  const skip = batchNormRef(convRef(input, w('skip_conv/kernel'), w('skip_conv/bias'), [2, 1]));
  assertClose(y.dataSync(), geluMap(addMaps(h2, skip)).data, 2e-4);
  p.dispose();
});

test('ResBlockT: its "same" convs equal torch transposed convs (stride 1, padding k//2) by the flipped kernel', () => {
  const rng = Rng.fromSeed(7);
  const p = new V3Parameters(rng);
  const block = resBlockT(p, 'ref/blockT', 3, 2, [3, 1]);
  const x = randomTensor(rng, [2, 4, 3, 3]);
  const y = block(x, new BatchNormUpdates());
  const w = (name: string) => p.params.get(`ref/blockT/${name}`)!;
  const input = mapOf(x);
  const h1 = geluMap(batchNormRef(convTransposeRef(input, w('conv1/kernel'), w('conv1/bias'))));
  const h2 = batchNormRef(convTransposeRef(h1, w('conv2/kernel'), w('conv2/bias')));
  const skip = batchNormRef(convTransposeRef(input, w('skip_conv/kernel'), w('skip_conv/bias')));
  assert.deepEqual(y.shape, [2, 4, 3, 2]);
  assertClose(y.dataSync(), geluMap(addMaps(h2, skip)).data, 2e-4);
  p.dispose();
});

test('a few Adam steps on a tiny geometry reduce the reconstruction loss and move the running statistics', () => {
  const rng = Rng.fromSeed(8);
  const model = createV3Model(TINY, rng, { embeddingSize: 8, widthMultiplier: 4 });
  // Six multiples of one random pattern: learnable in a few steps, unlike pure noise.
  const pattern = Array.from({ length: 16 }, () => rng.normal());
  const x = tf.tensor4d(Array.from({ length: 6 }, (_, n) => pattern.map((v) => v * (n - 2.5) / 2.5)).flat(), [6, 4, 4, 1]);
  const optimizer = tf.train.adam(1e-2);
  const variables = [...model.params.values()];
  const reconstruction = (training: boolean) => {
    const { content, style } = model.encode(x, training);
    return tf.mean(tf.square(tf.sub(model.decode(content, style, training), x))) as tf.Scalar;
  };
  const losses: number[] = [];
  for (let step = 0; step < 20; step++) {
    const { value, grads } = tf.variableGrads(() => reconstruction(true), variables);
    assert.ok(Object.keys(grads).every((name) => !name.includes('running_')));
    optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    model.applyRunningStatistics();
    losses.push(value.dataSync()[0]);
    tf.dispose([value, ...Object.values(grads)]);
  }
  assert.ok(losses[19] < 0.25 * losses[0], `loss ${losses[0]} -> ${losses[19]}`);
  const runningMean = model.state.get('encoder/stage1/stem/bn/running_mean')!.dataSync()[0];
  assert.notEqual(runningMean, 0, 'the stem BN saw 20 batches');
  assert.ok(Number.isFinite(tf.tidy(() => reconstruction(false).dataSync()[0])), 'eval mode runs on the running statistics');
  optimizer.dispose();
  model.dispose();
});

test('mistakes name the geometry and what is wrong', () => {
  assert.throws(() => v3Geometry('phonenum', 'model.geometry'),
    (e: unknown) => e instanceof UserError && /model\.geometry: unknown V3 geometry 'phonenum' \(known: insnotes, librispeech/.test(e.message));
  assert.throws(() => v3Shapes(v3Geometry('insnotes'), { widthMultiplier: 1 / 16 }),
    (e: unknown) => e instanceof UserError && /^insnotes stage 1 at width multiplier 0\.0625: 2 channels do not halve 3 times/.test(e.message));
  assert.throws(() => createV3Model(TINY, Rng.fromSeed(1), { embeddingSize: 0 }),
    (e: unknown) => e instanceof UserError && /^tiny: embedding size must be a positive integer/.test(e.message));
  assert.throws(() => v3Shapes({ ...TINY, stages: [{ ...TINY.stages[0], kernel: [2, 1] }, TINY.stages[1]] }),
    (e: unknown) => e instanceof UserError && /kernel size 2 is not odd/.test(e.message));
});
