// The 'native' backend's kernels (src/backends/native.ts, native/src) against the cpu backend:
// every kernel on random shapes, through the real tfjs gradient paths, and a short training run.
// Skipped, with the reason, where the addon is not built (no libdnnl-dev).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backends/select.js';
import { registerNativeBackend } from '../../src/backends/native.js';
import { Rng } from '../../src/util/random.js';
import {
  assertWithinTolerance, convData, convInfo, describeGeometry, modelGeometries, normalData, randomGeometry, compareWithCpu,
  type Comparison, type ConvGeometry,
} from './compare.js';
import { assertFollowsCpuTraining } from './training.js';

const unavailable = registerNativeBackend();
const skip = unavailable === null ? false : `native backend unavailable (${unavailable})`;
if (skip) console.log(`skipping the native kernel tests: ${skip}`);

// Two threads, so that the kernels' multithreaded paths run on the larger cases.
const THREADS = 2;
const rng = Rng.fromSeed(6_2026);


async function assertAllMatch(t: { diagnostic(message: string): void },
  cases: Array<{ label: string; compute: () => tf.Tensor[] }>): Promise<void> {
  const comparisons: Comparison[] = [];
  for (const c of cases) comparisons.push(...await compareWithCpu(c.label, c.compute, 'native', THREADS));
  t.diagnostic(`${cases.length} cases, worst relative error ${assertWithinTolerance(comparisons).toExponential(2)}`);
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const pick = <T>(options: readonly T[]): T => options[rng.int(options.length)];

// ---- convolutions ----

// Strides that leave the last rows and columns unread (V3's 1x1 stride-2 skips over even sizes,
// a 3x3 stride-2 'valid' window): the native kernels see a cropped input, which these check.
const skippingGeometries: ConvGeometry[] = [1, 3, 8].flatMap((inChannels) => [
  { batch: 6, inHeight: 64, inWidth: 16, inChannels, outChannels: 2, filterHeight: 1, filterWidth: 1, strides: [2, 2], pad: 'valid' },
  { batch: 2, inHeight: 12, inWidth: 9, inChannels, outChannels: 5, filterHeight: 3, filterWidth: 1, strides: [2, 2], pad: 'valid' },
] satisfies ConvGeometry[]);

const convGeometries: ConvGeometry[] = [...modelGeometries(2), ...skippingGeometries, ...Array.from({ length: 30 }, () => randomGeometry(rng))];

function inputShape(g: ConvGeometry): [number, number, number, number] {
  return [g.batch, g.inHeight, g.inWidth, g.inChannels];
}

function filterShape(g: ConvGeometry): [number, number, number, number] {
  return [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels];
}

test('conv2d and its gradients (Conv2DBackpropInput, Conv2DBackpropFilter) on native match cpu', { skip }, async (t) => {
  await assertAllMatch(t, convGeometries.map((g) => {
    const data = convData(rng, g);
    return {
      label: describeGeometry(g),
      compute: () => {
        const x = tf.tensor4d(data.x, inputShape(g));
        const filter = tf.tensor4d(data.filter, filterShape(g));
        const conv = (xi: tf.Tensor, fi: tf.Tensor) =>
          tf.conv2d(xi as tf.Tensor4D, fi as tf.Tensor4D, g.strides, g.pad, 'NHWC', 1, g.dimRoundingMode);
        const y = conv(x, filter);
        // A random output gradient: the loss is sum(conv(x, f) * dy).
        const dy = tf.tensor(data.dy, data.dyShape);
        const [dx, dFilter] = tf.grads((xi: tf.Tensor, fi: tf.Tensor) => tf.sum(tf.mul(conv(xi, fi), dy)))([x, filter]);
        return [y, dx, dFilter];
      },
    };
  }));
});

test('conv2dTranspose (Conv2DBackpropInput as a forward op) and its gradients on native match cpu', { skip }, async (t) => {
  await assertAllMatch(t, convGeometries.filter((g) => typeof g.pad !== 'number').map((g) => {
    const data = convData(rng, g);
    const dyData = normalData(rng, size(inputShape(g)));
    return {
      label: describeGeometry(g),
      compute: () => {
        const x = tf.tensor(data.dy, data.dyShape) as tf.Tensor4D;
        const filter = tf.tensor4d(data.filter, filterShape(g));
        const pad = g.pad as 'same' | 'valid' | Exclude<ConvGeometry['pad'], string | number>;
        const convT = (xi: tf.Tensor, fi: tf.Tensor) =>
          tf.conv2dTranspose(xi as tf.Tensor4D, fi as tf.Tensor4D, inputShape(g), g.strides, pad);
        const y = convT(x, filter);
        const dy = tf.tensor(dyData, y.shape);
        const [dx, dFilter] = tf.grads((xi: tf.Tensor, fi: tf.Tensor) => tf.sum(tf.mul(convT(xi, fi), dy)))([x, filter]);
        return [y, dx, dFilter];
      },
    };
  }));
});

test('fused conv2d (bias, relu / linear / elu) on native matches cpu', { skip }, async (t) => {
  await assertAllMatch(t, convGeometries.slice(0, 20).map((g, i) => {
    const data = convData(rng, g);
    const bias = normalData(rng, g.outChannels);
    const activation = (['relu', 'linear', 'elu'] as const)[i % 3];
    return {
      label: `${describeGeometry(g)} ${activation}`,
      compute: () => [tf.fused.conv2d({
        x: tf.tensor4d(data.x, inputShape(g)), filter: tf.tensor4d(data.filter, filterShape(g)), strides: g.strides,
        pad: g.pad, dimRoundingMode: g.dimRoundingMode, bias: i % 4 === 3 ? undefined : tf.tensor1d(bias), activation,
      })],
    };
  }));
});

// Layers with at most 4 input channels (the encoder's first layer has 1): their input gradient
// takes the addon's sgemm + col2im path (native/src/convolution.cc), and oneDNN runs their forward
// pass with other kernels than for wide layers. Every input-channel count 1..4, kernels 1-5,
// strides 1-2 and each kind of padding, through FusedConv2D with and without bias and ReLU.
function fewChannelGeometry(inChannels: number): ConvGeometry {
  for (;;) {
    const filterHeight = 1 + rng.int(5);
    const stride = 1 + rng.int(2);
    const g: ConvGeometry = {
      batch: 1 + rng.int(3), inHeight: 1 + rng.int(12), inWidth: 1 + rng.int(12), inChannels,
      outChannels: pick([1, 5, 16, 32]), filterHeight, filterWidth: rng.float() < 0.7 ? filterHeight : 1 + rng.int(5),
      strides: [stride, rng.float() < 0.7 ? stride : 1 + rng.int(2)],
      ...pick([
        { pad: 'same' }, { pad: 'valid' }, { pad: rng.int(3) },
        { pad: [[0, 0], [rng.int(3), rng.int(3)], [rng.int(3), rng.int(3)], [0, 0]] },
      ] as const),
    };
    const info = convInfo(g);
    if (info.outHeight >= 1 && info.outWidth >= 1) return g;
  }
}

const fewChannelGeometries: ConvGeometry[] = [1, 2, 3, 4].flatMap((c) => Array.from({ length: 6 }, () => fewChannelGeometry(c)));

test('convolutions with 1-4 input channels (fused bias / relu, and gradients) on native match cpu', { skip }, async (t) => {
  await assertAllMatch(t, fewChannelGeometries.map((g, i) => {
    const data = convData(rng, g);
    const biasData = normalData(rng, g.outChannels);
    const withBias = i % 2 === 0;
    const activation = i % 4 < 2 ? 'relu' : 'linear';
    return {
      label: `${describeGeometry(g)}${withBias ? ' bias' : ''} ${activation}`,
      compute: () => {
        const x = tf.tensor4d(data.x, inputShape(g));
        const filter = tf.tensor4d(data.filter, filterShape(g));
        const conv = (xi: tf.Tensor, fi: tf.Tensor, bi?: tf.Tensor) => tf.fused.conv2d({
          x: xi as tf.Tensor4D, filter: fi as tf.Tensor4D, strides: g.strides, pad: g.pad, bias: bi, activation,
        });
        const inputs = withBias ? [x, filter, tf.tensor1d(biasData)] : [x, filter];
        const y = conv(...inputs as [tf.Tensor, tf.Tensor, tf.Tensor?]);
        const dy = tf.tensor(data.dy, data.dyShape);
        const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(conv(...args as [tf.Tensor, tf.Tensor, tf.Tensor?]), dy)));
        return [y, ...grads(inputs)];
      },
    };
  }));
});

// ---- matrix products ----

interface MatMulCase { aShape: number[]; bShape: number[]; transposeA: boolean; transposeB: boolean }

function randomMatMul(): MatMulCase {
  const [batchA, batchB] = pick([[[], []], [[3], [3]], [[1], [4]], [[2], [1]], [[2, 3], [2, 3]], [[3], []]] as const);
  const [m, k, n] = [1 + rng.int(40), 1 + rng.int(40), 1 + rng.int(40)];
  const transposeA = rng.float() < 0.5;
  const transposeB = rng.float() < 0.5;
  return {
    aShape: [...batchA, ...(transposeA ? [k, m] : [m, k])],
    bShape: [...batchB, ...(transposeB ? [n, k] : [k, n])],
    transposeA, transposeB,
  };
}

const matMulCases: MatMulCase[] = [
  ...([[false, false], [true, false], [false, true], [true, true]] as const).map(([transposeA, transposeB]) => ({
    aShape: transposeA ? [300, 64] : [64, 300], bShape: transposeB ? [200, 300] : [300, 200], transposeA, transposeB,
  })),
  ...Array.from({ length: 30 }, randomMatMul),
];

const describeMatMul = (c: MatMulCase) => `[${c.aShape}]${c.transposeA ? 'T' : ''} @ [${c.bShape}]${c.transposeB ? 'T' : ''}`;

test('matMul (BatchMatMul) and its gradients on native match cpu', { skip }, async (t) => {
  await assertAllMatch(t, matMulCases.map((c) => {
    const a = normalData(rng, size(c.aShape));
    const b = normalData(rng, size(c.bShape));
    const m = c.transposeA ? c.aShape[c.aShape.length - 1] : c.aShape[c.aShape.length - 2];
    const n = c.transposeB ? c.bShape[c.bShape.length - 2] : c.bShape[c.bShape.length - 1];
    const batch = Math.max(size(c.aShape.slice(0, -2)), size(c.bShape.slice(0, -2)));
    const dyData = normalData(rng, batch * m * n);
    // tfjs's matMul gradient does not sum over broadcast batches (on any backend).
    const gradients = util.arraysEqual(c.aShape.slice(0, -2), c.bShape.slice(0, -2));
    return {
      label: describeMatMul(c),
      compute: () => {
        const at = tf.tensor(a, c.aShape);
        const bt = tf.tensor(b, c.bShape);
        const product = (ai: tf.Tensor, bi: tf.Tensor) => tf.matMul(ai, bi, c.transposeA, c.transposeB);
        const y = product(at, bt);
        if (!gradients) return [y];
        const dy = tf.tensor(dyData, y.shape);
        return [y, ...tf.grads((ai: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(product(ai, bi), dy)))([at, bt])];
      },
    };
  }));
});

test('fused matMul (_FusedMatMul: bias, relu / linear / elu) on native matches cpu', { skip }, async (t) => {
  await assertAllMatch(t, matMulCases.filter((c) => c.aShape.length === 2 && c.bShape.length === 2).map((c, i) => {
    const a = normalData(rng, size(c.aShape));
    const b = normalData(rng, size(c.bShape));
    const n = c.transposeB ? c.bShape[0] : c.bShape[1];
    const bias = normalData(rng, n);
    const activation = (['relu', 'linear', 'elu'] as const)[i % 3];
    return {
      label: `${describeMatMul(c)} ${activation}`,
      compute: () => [tf.fused.matMul({
        a: tf.tensor2d(a, c.aShape as [number, number]), b: tf.tensor2d(b, c.bShape as [number, number]),
        transposeA: c.transposeA, transposeB: c.transposeB, bias: i % 4 === 3 ? undefined : tf.tensor1d(bias), activation,
      })],
    };
  }));
});

// ---- elementwise ops and sums ----

const UNARY: Array<[string, (x: tf.Tensor) => tf.Tensor, 'any' | 'positive']> = [
  ['relu', tf.relu, 'any'], ['exp', tf.exp, 'any'], ['log', tf.log, 'positive'], ['log1p', tf.log1p, 'positive'],
  ['neg', tf.neg, 'any'], ['abs', tf.abs, 'any'], ['sqrt', tf.sqrt, 'positive'], ['rsqrt', tf.rsqrt, 'positive'],
  ['square', tf.square, 'any'], ['sigmoid', tf.sigmoid, 'any'], ['softplus', tf.softplus, 'any'],
  ['step', (x) => tf.step(x, 0.25), 'any'], ['reciprocal', tf.reciprocal, 'positive'], ['sign', tf.sign, 'any'],
  ['tanh', tf.tanh, 'any'], ['erf', tf.erf, 'any'],
];

// Big enough (2^17) for the multithreaded loops, small ones for the single-threaded paths.
const ELEMENTWISE_SHAPES = [[7], [3, 5, 4], [2, 64, 32, 32], [1]];

test('unary kernels and their gradients on native match cpu (extreme values included)', { skip }, async (t) => {
  await assertAllMatch(t, UNARY.flatMap(([name, op, domain]) => ELEMENTWISE_SHAPES.map((shape) => {
    const values = normalData(rng, size(shape)).map((v, i) => (i % 97 === 5 ? v * 20 : v * 3));
    const x = domain === 'positive' ? values.map((v) => Math.abs(v) + 1e-3) : values;
    return {
      label: `${name} [${shape}]`,
      compute: () => {
        const xt = tf.tensor(x, shape);
        return [op(xt), tf.grad((xi: tf.Tensor) => tf.sum(op(xi)))(xt)];
      },
    };
  })));
});

const BINARY: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
  ['add', tf.add], ['sub', tf.sub], ['mul', tf.mul], ['div', tf.div], ['maximum', tf.maximum],
  ['minimum', tf.minimum], ['squaredDifference', tf.squaredDifference],
];

// Pairs of shapes that broadcast: equal, bias-like, scalar either side, broadcasting both ways.
const BROADCASTS: Array<[number[], number[]]> = [
  [[2, 64, 32, 32], [2, 64, 32, 32]], [[2, 64, 32, 32], [32]], [[3, 4, 5], []], [[], [3, 4, 5]], [[4, 1, 5], [3, 1]],
  [[2, 3, 4], [2, 1, 4]], [[1, 3, 1], [2, 1, 4]], [[5], [1]], [[6, 1], [1, 6]], [[2, 1, 3, 1, 2], [1, 4, 3, 1, 1]],
];

test('binary kernels with broadcasting and their gradients on native match cpu', { skip }, async (t) => {
  await assertAllMatch(t, BINARY.flatMap(([name, op]) => BROADCASTS.map(([aShape, bShape]) => {
    const a = normalData(rng, size(aShape));
    // Away from 0, so that division stays well-conditioned.
    const b = normalData(rng, size(bShape)).map((v) => (v < 0 ? v - 0.5 : v + 0.5));
    return {
      label: `${name} [${aShape}] [${bShape}]`,
      compute: () => {
        const at = tf.tensor(a, aShape);
        const bt = tf.tensor(b, bShape);
        // tfjs's maximum, minimum and squaredDifference gradients do not sum over broadcast axes
        // (on any backend).
        const gradients = util.arraysEqual(aShape, bShape) || ['add', 'sub', 'mul', 'div'].includes(name);
        return [op(at, bt), ...(gradients ? tf.grads((ai: tf.Tensor, bi: tf.Tensor) => tf.sum(op(ai, bi)))([at, bt]) : [])];
      },
    };
  })));
});

test('sum and mean over contiguous and non-contiguous axes on native match cpu', { skip }, async (t) => {
  const cases: Array<[number[], number | number[] | undefined, boolean]> = [
    [[2, 64, 32, 32], [0, 1, 2], false], [[2, 64, 32, 32], undefined, false], [[64, 10], 1, false],
    [[64, 10], 0, true], [[3, 4, 5], [1], true], [[3, 4, 5], [1, 2], false], [[3, 4, 5], [0, 2], false],
    [[3, 4, 5], -1, false], [[7], 0, false],
    // Summed axes that are contiguous once size-1 axes are left out (1-D convs' [N, 1, W, C] maps).
    [[5, 1, 7, 3], [0, 2], false], [[5, 1, 7, 3], [0, 2], true], [[4, 1, 3], [1], false], [[2, 1, 1, 3], [1, 2], true],
    [[3, 1, 4, 1, 2], [0, 2, 3], false],
  ];
  await assertAllMatch(t, cases.map(([shape, axis, keepDims]) => {
    const x = normalData(rng, size(shape));
    return {
      label: `sum [${shape}] axis ${JSON.stringify(axis)}${keepDims ? ' keepDims' : ''}`,
      compute: () => [tf.sum(tf.tensor(x, shape), axis, keepDims), tf.mean(tf.tensor(x, shape), axis, keepDims)],
    };
  }));
});

test('slice and pad (and their gradients: pad and slice) on native match cpu', { skip }, async (t) => {
  const cases: Array<[number[], number[], number[], [number, number][], number]> = [
    [[2, 12, 8, 16], [0, 2, 2, 0], [2, 8, 4, 16], [[0, 0], [2, 2], [2, 2], [0, 0]], 0],
    [[2, 12, 8, 16], [1, 0, 0, 0], [1, 12, 8, 16], [[0, 0], [4, 4], [1, 1], [0, 0]], 0],
    [[3, 5, 7], [0, 1, 2], [-1, 3, 4], [[1, 0], [0, 2], [3, 1]], 1.5],
    [[64, 1024], [0, 512], [64, 512], [[0, 0], [0, 7]], 0],
    [[10], [3], [5], [[2, 4]], -1],
  ];
  await assertAllMatch(t, cases.map(([shape, begin, sliceSize, paddings, constant]) => {
    const x = normalData(rng, size(shape));
    const paddedShape = shape.map((d, a) => d + paddings[a][0] + paddings[a][1]);
    const w = normalData(rng, size(paddedShape));
    return {
      label: `slice [${shape}] at [${begin}] size [${sliceSize}], pad ${JSON.stringify(paddings)} with ${constant}`,
      compute: () => {
        const xt = tf.tensor(x, shape);
        const weights = tf.tensor(w, paddedShape);
        const grad = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(tf.pad(xi, paddings, constant), weights)))(xt);
        return [tf.slice(xt, begin, sliceSize), tf.pad(xt, paddings, constant), grad];
      },
    };
  }));
});

test('split into equal parts and given sizes, along every axis (and concat, its gradient) on native match cpu', { skip }, async (t) => {
  const cases: Array<[number[], number | number[], number]> = [
    [[796, 72], 3, 1], [[796, 72], [10, 700, 86], 0], [[2, 3, 8, 5], [1, 4, 3], 2], [[2, 3, 8, 5], 5, -1], [[6], [2, -1], 0],
  ];
  await assertAllMatch(t, cases.map(([shape, splits, axis]) => {
    const x = normalData(rng, size(shape));
    return {
      label: `split [${shape}] into ${JSON.stringify(splits)} along ${axis}`,
      compute: () => {
        const xt = tf.tensor(x, shape);
        const parts = tf.split(xt, splits, axis);
        const grad = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(tf.concat(tf.split(xi, splits, axis).reverse(), axis), tf.reverse(xt, axis))))(xt);
        return [...parts, grad];
      },
    };
  }));
});

test('nearest-neighbour resizing and its gradient on native match cpu (whole factors natively, others by the cpu kernels)', { skip }, async (t) => {
  const cases: Array<[number[], [number, number], boolean]> = [
    [[3, 12, 8, 2], [24, 16], false], [[2, 5, 4, 3], [10, 12], false], [[2, 5, 4, 3], [5, 4], false],
    [[2, 6, 4, 1], [9, 10], false], [[2, 6, 4, 2], [12, 8], true],
  ];
  await assertAllMatch(t, cases.map(([shape, resized, alignCorners]) => {
    const x = normalData(rng, size(shape));
    const weights = normalData(rng, shape[0] * resized[0] * resized[1] * shape[3]);
    return {
      label: `[${shape}] to ${resized}${alignCorners ? ' aligned' : ''}`,
      compute: () => {
        const xt = tf.tensor4d(x, shape as [number, number, number, number]);
        const w = tf.tensor4d(weights, [shape[0], ...resized, shape[3]]);
        const resize = (xi: tf.Tensor) => tf.image.resizeNearestNeighbor(xi as tf.Tensor4D, resized, alignCorners);
        return [resize(xt), tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(resize(xi), w)))(xt)];
      },
    };
  }));
});

test('int32 tensors go to the cpu kernels and stay int32', { skip }, async () => {
  await initBackend('native', { threads: THREADS });
  const a = tf.tensor1d([1, 2, 3], 'int32');
  const sum = tf.add(a, tf.scalar(2, 'int32'));
  assert.equal(sum.dtype, 'int32');
  assert.deepEqual(Array.from(sum.dataSync()), [3, 4, 5]);
  assert.deepEqual(Array.from(tf.sum(a).dataSync()), [6]);
  tf.dispose([a, sum]);
});

// ---- training ----

test('200 training steps of a small conv autoencoder on native follow the cpu loss curve', { skip }, async (t) => {
  await assertFollowsCpuTraining(t, 'native', THREADS);
});

