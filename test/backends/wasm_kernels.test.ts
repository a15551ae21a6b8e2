import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { installWasmKernels, planSubpixel, SMALL_CIN_MAX } from '../../src/backends/wasm_kernels.js';
import { Rng } from '../../src/util/random.js';
import {
  assertWithinTolerance, compareWithCpu, convData, convInfo, describeGeometry, modelGeometries, normalData,
  randomGeometry, type Comparison, type ConvGeometry,
} from './compare.js';
import { assertFollowsCpuTraining } from './training.js';

const rng = Rng.fromSeed(4_2024);
const randomGeometries = Array.from({ length: 40 }, () => randomGeometry(rng));
const kernelGeometries = [...modelGeometries(2), ...randomGeometries];

function filterShape(g: ConvGeometry): [number, number, number, number] {
  return [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels];
}

function kernelAttrs(g: ConvGeometry) {
  return { strides: g.strides, pad: g.pad, dataFormat: 'NHWC', dimRoundingMode: g.dimRoundingMode };
}

async function compareAll(cases: Array<{ label: string; compute: () => tf.Tensor[] }>): Promise<Comparison[]> {
  const comparisons: Comparison[] = [];
  for (const c of cases) comparisons.push(...await compareWithCpu(c.label, c.compute));
  return comparisons;
}

test('the random geometries cover strides 1-3, kernels 1-5, every padding kind, channel count and filter-gradient path', () => {
  const seen = (f: (g: ConvGeometry) => unknown) => new Set(randomGeometries.map((g) => JSON.stringify(f(g))));
  assert.deepEqual([...seen((g) => g.strides[0])].sort(), ['1', '2', '3']);
  assert.deepEqual([...seen((g) => g.filterHeight)].sort(), ['1', '2', '3', '4', '5']);
  assert.deepEqual([...seen((g) => typeof g.pad === 'object' ? 'explicit' : typeof g.pad)].sort(),
    ['"explicit"', '"number"', '"string"']);
  assert.ok(seen((g) => g.pad).has('"same"') && seen((g) => g.pad).has('"valid"'));
  assert.deepEqual([...seen((g) => g.inChannels)].sort(), ['1', '3', '32', '8']);
  assert.deepEqual([...seen((g) => g.outChannels)].sort(), ['1', '3', '32', '8']);
  assert.ok(randomGeometries.some((g) => g.inChannels <= SMALL_CIN_MAX));
  assert.ok(randomGeometries.some((g) => g.inChannels > SMALL_CIN_MAX));
  assert.ok(randomGeometries.some((g) => g.batch > 1));
});

test('Conv2D on wasm matches cpu', async (t) => {
  const cases = kernelGeometries.map((g) => {
    const data = convData(rng, g);
    return {
      label: describeGeometry(g),
      compute: () => [tf.conv2d(tf.tensor4d(data.x, [g.batch, g.inHeight, g.inWidth, g.inChannels]),
        tf.tensor4d(data.filter, filterShape(g)), g.strides, g.pad, 'NHWC', 1, g.dimRoundingMode)],
    };
  });
  t.diagnostic(`worst relative error ${assertWithinTolerance(await compareAll(cases)).toExponential(2)}`);
});

test('Conv2DBackpropFilter on wasm matches cpu', async (t) => {
  const cases = kernelGeometries.map((g) => {
    const data = convData(rng, g);
    return {
      label: describeGeometry(g),
      compute: () => [tf.engine().runKernel(tf.Conv2DBackpropFilter, {
        x: tf.tensor4d(data.x, [g.batch, g.inHeight, g.inWidth, g.inChannels]),
        dy: tf.tensor(data.dy, data.dyShape),
      }, { ...kernelAttrs(g), filterShape: filterShape(g) } as never) as tf.Tensor],
    };
  });
  t.diagnostic(`worst relative error ${assertWithinTolerance(await compareAll(cases)).toExponential(2)}`);
});

test('Conv2DBackpropInput (conv2dTranspose) on wasm matches cpu', async (t) => {
  const cases = kernelGeometries.map((g) => {
    const data = convData(rng, g);
    return {
      label: describeGeometry(g),
      compute: () => [tf.engine().runKernel(tf.Conv2DBackpropInput, {
        dy: tf.tensor(data.dy, data.dyShape),
        filter: tf.tensor4d(data.filter, filterShape(g)),
      }, { ...kernelAttrs(g), inputShape: [g.batch, g.inHeight, g.inWidth, g.inChannels] } as never) as tf.Tensor],
    };
  });
  t.diagnostic(`worst relative error ${assertWithinTolerance(await compareAll(cases)).toExponential(2)}`);
});

test('the model geometries take the sub-pixel path; a geometry it does not cover falls back and is right', async () => {
  for (const g of modelGeometries(64)) assert.notEqual(planSubpixel(convInfo(g)), null, describeGeometry(g));
  // 1x1 filter, stride 2, over a 1x1 image padded by 1 at the top and left: the only output reads
  // padding, so no element of dy reaches dx.
  const uncovered: ConvGeometry = {
    batch: 2, inHeight: 1, inWidth: 1, inChannels: 3, outChannels: 2, filterHeight: 1, filterWidth: 1,
    strides: [2, 2], pad: [[0, 0], [1, 0], [1, 0], [0, 0]],
  };
  assert.equal(planSubpixel(convInfo(uncovered)), null);
  const data = convData(rng, uncovered);
  const comparisons = await compareWithCpu(describeGeometry(uncovered), () => [tf.conv2dTranspose(
    tf.tensor4d(data.dy, data.dyShape), tf.tensor4d(data.filter, filterShape(uncovered)),
    [2, 1, 1, 3], uncovered.strides, uncovered.pad)]);
  assertWithinTolerance(comparisons);
});

interface MatMulCase { aShape: number[]; bShape: number[]; outShape: number[]; transposeA: boolean; transposeB: boolean }

function matMulCase(batchA: number[], batchB: number[], m: number, k: number, n: number,
  transposeA: boolean, transposeB: boolean): MatMulCase {
  return {
    aShape: [...batchA, ...(transposeA ? [k, m] : [m, k])],
    bShape: [...batchB, ...(transposeB ? [n, k] : [k, n])],
    outShape: [...(batchA.length === 0 ? [] : [Math.max(batchA[0], batchB[0])]), m, n],
    transposeA, transposeB,
  };
}

// Batch dims: none, equal, or one side broadcast.
const BATCH_DIMS = [[[], []], [[3], [3]], [[1], [4]], [[2], [1]]];

const matMulCases = [
  // The dense-layer gradients of the model: a^T g and g w^T.
  ...([[false, false], [true, false], [false, true], [true, true]] as const).map(([transposeA, transposeB]) =>
    matMulCase([], [], 64, 1024, 256, transposeA, transposeB)),
  ...Array.from({ length: 20 }, () => {
    const [batchA, batchB] = BATCH_DIMS[rng.int(BATCH_DIMS.length)];
    return matMulCase(batchA, batchB, 1 + rng.int(40), 1 + rng.int(40), 1 + rng.int(40), rng.float() < 0.6, rng.float() < 0.6);
  }),
];

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function describeMatMul(c: MatMulCase): string {
  return `[${c.aShape}]${c.transposeA ? 'T' : ''} @ [${c.bShape}]${c.transposeB ? 'T' : ''}`;
}

test('BatchMatMul with and without transpose flags on wasm matches cpu', async (t) => {
  const cases = matMulCases.map((c) => {
    const a = normalData(rng, size(c.aShape));
    const b = normalData(rng, size(c.bShape));
    return {
      label: describeMatMul(c),
      compute: () => [tf.matMul(tf.tensor(a, c.aShape), tf.tensor(b, c.bShape), c.transposeA, c.transposeB)],
    };
  });
  t.diagnostic(`worst relative error ${assertWithinTolerance(await compareAll(cases)).toExponential(2)}`);
});

/** tf.grads of sum(op(inputs) * probe): the op's gradients for a random upstream gradient. */
function gradsOf(op: (...inputs: tf.Tensor[]) => tf.Tensor, probe: tf.Tensor, inputs: tf.Tensor[]): tf.Tensor[] {
  return tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(op(...xs), probe)))(inputs);
}

test('gradients through tf.conv2d on wasm match cpu', async (t) => {
  const cases = [...modelGeometries(1), ...randomGeometries.slice(0, 16)].map((g) => {
    const data = convData(rng, g);
    return {
      label: describeGeometry(g),
      compute: () => gradsOf(
        (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, g.strides, g.pad, 'NHWC', 1, g.dimRoundingMode),
        tf.tensor(data.dy, data.dyShape),
        [tf.tensor4d(data.x, [g.batch, g.inHeight, g.inWidth, g.inChannels]), tf.tensor4d(data.filter, filterShape(g))]),
    };
  });
  t.diagnostic(`worst relative error ${assertWithinTolerance(await compareAll(cases)).toExponential(2)}`);
});

test('gradients through tf.conv2dTranspose on wasm match cpu', async (t) => {
  const cases = [...modelGeometries(1), ...randomGeometries.slice(16, 32)].map((g) => {
    const data = convData(rng, g);
    const xShape: [number, number, number, number] = [g.batch, g.inHeight, g.inWidth, g.inChannels];
    return {
      label: describeGeometry(g),
      compute: () => gradsOf(
        (dy, w) => tf.conv2dTranspose(dy as tf.Tensor4D, w as tf.Tensor4D, xShape, g.strides, g.pad, g.dimRoundingMode),
        tf.tensor4d(data.x, xShape),
        [tf.tensor(data.dy, data.dyShape), tf.tensor4d(data.filter, filterShape(g))]),
    };
  });
  t.diagnostic(`worst relative error ${assertWithinTolerance(await compareAll(cases)).toExponential(2)}`);
});

test('gradients through tf.matMul on wasm match cpu', async (t) => {
  // tfjs-core's matMul gradient does not reduce over broadcast batch dimensions (it throws on
  // every backend), so only cases without broadcasting.
  const cases = matMulCases.filter((c) => c.aShape.length === 2 || c.aShape[0] === c.bShape[0]).map((c) => {
    const a = normalData(rng, size(c.aShape));
    const b = normalData(rng, size(c.bShape));
    const dy = normalData(rng, size(c.outShape));
    return {
      label: describeMatMul(c),
      compute: () => gradsOf((x, y) => tf.matMul(x, y, c.transposeA, c.transposeB), tf.tensor(dy, c.outShape),
        [tf.tensor(a, c.aShape), tf.tensor(b, c.bShape)]),
    };
  });
  t.diagnostic(`worst relative error ${assertWithinTolerance(await compareAll(cases)).toExponential(2)}`);
});

/** A small conv autoencoder for 16x16x1 images; parameters in a fixed order. */
const AUTOENCODER_SHAPES: Record<string, number[]> = {
  enc1_w: [4, 4, 1, 8], enc1_b: [8],
  enc2_w: [4, 4, 8, 16], enc2_b: [16],
  enc_fc_w: [256, 6], enc_fc_b: [6],
  dec_fc_w: [6, 256], dec_fc_b: [256],
  dec1_w: [4, 4, 8, 16], dec1_b: [8],   // conv2dTranspose filters are [KH, KW, out, in]
  dec2_w: [4, 4, 1, 8], dec2_b: [1],
};

function autoencoderLoss(images: tf.Tensor4D, p: Record<string, tf.Tensor>): tf.Scalar {
  const batch = images.shape[0];
  const conv = (x: tf.Tensor4D, name: string) =>
    tf.relu(tf.add(tf.conv2d(x, p[`${name}_w`] as tf.Tensor4D, 2, 'same'), p[`${name}_b`])) as tf.Tensor4D;
  const deconv = (x: tf.Tensor4D, name: string, size: number) => {
    const w = p[`${name}_w`] as tf.Tensor4D;
    return tf.add(tf.conv2dTranspose(x, w, [batch, size, size, w.shape[2]], 2, 'same'), p[`${name}_b`]) as tf.Tensor4D;
  };
  const features = tf.reshape(conv(conv(images, 'enc1'), 'enc2'), [batch, 256]);
  const code = tf.add(tf.matMul(features, p.enc_fc_w), p.enc_fc_b);
  const hidden = tf.reshape(tf.relu(tf.add(tf.matMul(code, p.dec_fc_w), p.dec_fc_b)), [batch, 4, 4, 16]) as tf.Tensor4D;
  const logits = deconv(tf.relu(deconv(hidden, 'dec1', 8)), 'dec2', 16);
  // Bernoulli log-likelihood with logits: relu(l) - l*x + log(1 + exp(-|l|)), summed per image.
  const perPixel = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, images)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
  return tf.div(tf.sum(perPixel), batch);
}

test('a conv autoencoder loss and all its parameter gradients on wasm match cpu', async (t) => {
  const names = Object.keys(AUTOENCODER_SHAPES);
  const values = names.map((name) => {
    const shape = AUTOENCODER_SHAPES[name];
    const fanIn = shape.length === 1 ? 16 : shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return normalData(rng, shape.reduce((a, b) => a * b, 1)).map((v) => v / Math.sqrt(fanIn));
  });
  const images = Float32Array.from({ length: 4 * 16 * 16 }, () => (rng.float() < 0.3 ? 1 : 0));
  const comparisons = await compareWithCpu('autoencoder [loss, then gradients in parameter order]', () => {
    const x = tf.tensor4d(images, [4, 16, 16, 1]);
    const params = names.map((name, i) => tf.tensor(values[i], AUTOENCODER_SHAPES[name]));
    const lossOf = (...ps: tf.Tensor[]) => autoencoderLoss(x, Object.fromEntries(names.map((n, i) => [n, ps[i]])));
    const { value, grads } = tf.valueAndGrads(lossOf)(params);
    return [value, ...grads];
  });
  assert.equal(comparisons.length, 1 + names.length);
  t.diagnostic(`worst relative error ${assertWithinTolerance(comparisons).toExponential(2)}`);
});

test('the wasm kernels leak no tensors, and installing them again changes nothing', async () => {
  await initBackend('wasm', { threads: 1 });
  const registered = [tf.Conv2DBackpropFilter, tf.Conv2DBackpropInput, tf.BatchMatMul].map((k) => tf.getKernel(k, 'wasm'));
  installWasmKernels();
  assert.deepEqual([tf.Conv2DBackpropFilter, tf.Conv2DBackpropInput, tf.BatchMatMul].map((k) => tf.getKernel(k, 'wasm')), registered);

  const small = randomGeometries.find((g) => g.inChannels <= SMALL_CIN_MAX)!;
  const large = randomGeometries.find((g) => g.inChannels > SMALL_CIN_MAX)!;
  const inputs = [small, large].map((g) => ({ g, data: convData(rng, g) }));
  const before = tf.memory().numTensors;
  for (const { g, data } of inputs) {
    const x = tf.tensor4d(data.x, [g.batch, g.inHeight, g.inWidth, g.inChannels]);
    const w = tf.tensor4d(data.filter, filterShape(g));
    const dy = tf.tensor(data.dy, data.dyShape);
    const grads = gradsOf((xx, ww) => tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, g.strides, g.pad, 'NHWC', 1, g.dimRoundingMode),
      dy, [x, w]);
    tf.dispose([x, w, dy, ...grads]);
  }
  const a = tf.tensor2d(normalData(rng, 6 * 5), [6, 5]);
  const probe = tf.ones([5, 5]);
  const grads = gradsOf((x) => tf.matMul(x, x, true, false), probe, [a]);
  tf.dispose([a, probe, ...grads]);
  // A Conv2D the package's kernel gets wrong ('same', stride above the filter size), so re-expressed.
  const x = tf.ones([1, 9, 9, 2]) as tf.Tensor4D;
  const w = tf.ones([2, 2, 2, 1]) as tf.Tensor4D;
  const y = tf.conv2d(x, w, 3, 'same');
  assert.deepEqual(Array.from(y.dataSync()), Array(9).fill(8));
  tf.dispose([x, w, y]);
  assert.equal(tf.memory().numTensors, before);
});

test('200 training steps of a small conv autoencoder on wasm follow the cpu loss curve', async (t) => {
  await assertFollowsCpuTraining(t, 'wasm', 2);
  shutdownBackend();
});
