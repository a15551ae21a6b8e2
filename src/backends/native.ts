// The 'native' tfjs backend: tfjs-backend-cpu with its hot kernels replaced by our Node-API addon
// (native/, C++ over oneDNN). Convolutions and matrix products go to oneDNN's AVX-512/AVX2 code;
// the elementwise ops, activations and sums a training step is made of run as compiled loops
// instead of the cpu backend's per-element JavaScript. Everything else, and every call the addon
// does not cover (other dtypes, dilations, NCHW, unusual broadcasting), is the cpu backend's own
// kernel, so the backend is complete and its results match 'cpu' (test/backends/native_kernels).
//
// Written by hand because no package does this: @tensorflow/tfjs-node downloads libtensorflow at
// install time, and there is no oneDNN binding for tfjs. Tensors live where the cpu backend keeps
// them (Float32Arrays in backend.data); the addon reads and writes those arrays in place and
// never keeps them. Loading it tells glibc to keep freed memory in the heap (native/src/addon.cc):
// fresh pages for every new tensor made elementwise kernels 4-5x slower.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, slice_util, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { padRuns, sliceRuns } from './copy_kernels.js';
import { FUSED_KERNELS } from './fused_kernels.js';
import { fixCpuResizeGradient, upsampleNearest, wholeFactors } from './resize_kernels.js';

export const NATIVE = 'native';

const ADDON_PATH = fileURLToPath(new URL('../../native/build/Release/disentangle_native.node', import.meta.url));

interface NativeAddon {
  setThreads(threads: number): void;
  getThreads(): number;
  convForward(geometry: Int32Array, x: Float32Array, filter: Float32Array, bias: Float32Array | null, relu: boolean,
    y: Float32Array): void;
  convBackwardData(geometry: Int32Array, dy: Float32Array, filter: Float32Array, dx: Float32Array): void;
  convBackwardWeights(geometry: Int32Array, x: Float32Array, dy: Float32Array, dFilter: Float32Array): void;
  matMul(a: Float32Array, b: Float32Array, out: Float32Array, batchA: number, batchB: number, m: number, k: number,
    n: number, transposeA: boolean, transposeB: boolean, bias: Float32Array | null, relu: boolean): void;
  unary(op: number, x: Float32Array, y: Float32Array, alpha: number): void;
  binary(op: number, a: Float32Array, aShape: Int32Array, b: Float32Array, bShape: Int32Array, out: Float32Array,
    outShape: Int32Array): void;
  reduceSum(x: Float32Array, outer: number, reduced: number, inner: number, out: Float32Array): void;
  geluForward(x: Float32Array, y: Float32Array): void;
  geluBackward(dy: Float32Array, x: Float32Array, dx: Float32Array): void;
  batchNormForward(x: Float32Array, channels: number, gamma: Float32Array, beta: Float32Array, eps: number,
    y: Float32Array, mean: Float32Array, variance: Float32Array): void;
  batchNormBackward(dy: Float32Array, x: Float32Array, channels: number, gamma: Float32Array, mean: Float32Array,
    variance: Float32Array, eps: number, throughStatistics: boolean, dx: Float32Array, dGamma: Float32Array, dBeta: Float32Array): void;
  layerNormForward(x: Float32Array, channels: number, gamma: Float32Array, beta: Float32Array, eps: number,
    y: Float32Array, mean: Float32Array, invStd: Float32Array): void;
  layerNormBackward(dy: Float32Array, x: Float32Array, channels: number, gamma: Float32Array, mean: Float32Array,
    invStd: Float32Array, dx: Float32Array, dGamma: Float32Array, dBeta: Float32Array): void;
}

// Same order as UnaryOp / BinaryOp in native/src/elementwise.cc.
const UNARY_OPS = ['Relu', 'Exp', 'Log', 'Log1p', 'Neg', 'Abs', 'Sqrt', 'Rsqrt', 'Square', 'Sigmoid', 'Softplus',
  'Step', 'Reciprocal', 'Sign', 'Tanh', 'Erf'] as const;
const BINARY_OPS = ['Add', 'Sub', 'Multiply', 'RealDiv', 'Maximum', 'Minimum', 'SquaredDifference'] as const;

let addon: NativeAddon | null = null;

/** The addon (loaded once), or why it cannot be used. */
/** Set to 'off' to keep the addon unloaded, e.g. to compare against wasm or test the fallback. */
export const NATIVE_SWITCH = 'DISENTANGLE_NATIVE';

function loadAddon(): NativeAddon | string {
  if (addon) return addon;
  if (process.env[NATIVE_SWITCH] === 'off') return `disabled by ${NATIVE_SWITCH}=off`;
  if (!existsSync(ADDON_PATH)) return 'not built: apt-get install libdnnl-dev, then npm run build:native';
  // OpenMP's default lets idle threads spin between parallel regions. Between our kernels the
  // JavaScript thread works alone, so a spinning thread burns a core that others need; on a busy
  // machine two spinning threads made training ~15x slower than one. libgomp reads this when it
  // loads, i.e. with the addon; a value the user set wins.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  try {
    addon = createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
    return addon;
  } catch (error) {
    return `failed to load: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
  }
}

interface KernelArgs {
  inputs: NamedTensorInfoMap;
  backend: MathBackendCPU;
  attrs: NamedAttrMap;
}

/** A native implementation: its result, or null to hand the call to the cpu kernel. */
type NativeKernel = (args: KernelArgs, native: NativeAddon) => TensorInfo | TensorInfo[] | null;

function valuesOf(backend: MathBackendCPU, t: TensorInfo): Float32Array | null {
  const values = backend.data.get(t.dataId).values;
  return t.dtype === 'float32' && values instanceof Float32Array ? values : null;
}

function allFloat32(backend: MathBackendCPU, ...tensors: Array<TensorInfo | undefined>): Float32Array[] | null {
  const values: Float32Array[] = [];
  for (const t of tensors) {
    const v = t && valuesOf(backend, t);
    if (!v || v.length === 0) return null;
    values.push(v);
  }
  return values;
}

/**
 * An output buffer without the zero-fill `new Float32Array` pays (measured as a visible share of a
 * batch-256 encode), for kernels that write every element; allocUnsafeSlow gives each array its own
 * memory rather than a slice of Buffer's shared pool.
 */
function unfilled(length: number): Float32Array {
  const bytes = Buffer.allocUnsafeSlow(length * Float32Array.BYTES_PER_ELEMENT);
  return new Float32Array(bytes.buffer, bytes.byteOffset, length);
}

function output(backend: MathBackendCPU, shape: number[], values: Float32Array): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', values);
}

// ---- convolutions ----

interface ConvPlan {
  geometry: Int32Array;
  /** The input's [height, width] as oneDNN sees it: the tensor's, or less where cropped. */
  seen: [number, number];
}

/**
 * The addon's description of a convolution (and the input size it sees), or null when oneDNN cannot express it exactly. The
 * bottom/right padding is recomputed so that oneDNN's output-size formula gives tfjs's output
 * size (tfjs may round up, or with a numeric pad size both axes from the height's filter and
 * stride). Where that padding would be negative (a stride that skips the last rows or columns, as
 * a 1x1 stride-2 skip over an even size), the input is cropped to the rows and columns windows
 * reach instead: oneDNN's 1-channel kernels corrupt the heap with negative padding.
 */
function convPlan(info: backend_util.Conv2DInfo): ConvPlan | null {
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1 || info.dataFormat !== 'channelsLast') return null;
  const { top, left } = info.padInfo;
  const bottom = (info.outHeight - 1) * info.strideHeight + info.filterHeight - info.inHeight - top;
  const right = (info.outWidth - 1) * info.strideWidth + info.filterWidth - info.inWidth - left;
  if (top < 0 || left < 0 || bottom <= -info.strideHeight || right <= -info.strideWidth) return null;
  if (info.outHeight < 1 || info.outWidth < 1) return null;
  const seen: [number, number] = [info.inHeight + Math.min(0, bottom), info.inWidth + Math.min(0, right)];
  const geometry = Int32Array.from([info.batchSize, seen[0], seen[1], info.inChannels, info.outChannels,
    info.filterHeight, info.filterWidth, info.outHeight, info.outWidth, info.strideHeight, info.strideWidth,
    top, left, Math.max(0, bottom), Math.max(0, right)]);
  return { geometry, seen };
}

/** An NHWC tensor's values moved between its full [height, width] and the top-left [seen] part of each image. */
function resizeImages(values: Float32Array, [batch, channels]: [number, number], from: [number, number], to: [number, number]): Float32Array {
  if (from[0] === to[0] && from[1] === to[1]) return values;
  const out = new Float32Array(batch * to[0] * to[1] * channels);
  const rows = Math.min(from[0], to[0]);
  const rowLength = Math.min(from[1], to[1]) * channels;
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < rows; h++) {
      const source = ((n * from[0] + h) * from[1]) * channels;
      out.set(values.subarray(source, source + rowLength), ((n * to[0] + h) * to[1]) * channels);
    }
  }
  return out;
}

function conv2dInfo(xShape: number[], filterShape: number[], attrs: NamedAttrMap): backend_util.Conv2DInfo {
  const a = attrs as unknown as tf.Conv2DAttrs;
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number], a.strides,
    a.dilations ?? 1, a.pad, a.dimRoundingMode, false, backend_util.convertConv2DDataFormat(a.dataFormat));
}

const sameShape = (a: number[], b: number[]) => util.arraysEqual(a, b);

/** Bias values if they add one value per output channel (shape [C], [1, C], ...), else null. */
function channelBias(backend: MathBackendCPU, bias: TensorInfo | undefined, channels: number): Float32Array | null {
  if (!bias) return null;
  const values = valuesOf(backend, bias);
  if (!values || values.length !== channels || bias.shape[bias.shape.length - 1] !== channels) return null;
  return values;
}

/** FusedConv2D / _FusedMatMul epilogues the addon applies itself: none, bias, ReLU. */
function nativeEpilogue(backend: MathBackendCPU, inputs: NamedTensorInfoMap, attrs: NamedAttrMap, channels: number):
  { bias: Float32Array | null; relu: boolean } | null {
  const activation = (attrs.activation ?? 'linear') as string;
  if (activation !== 'linear' && activation !== 'relu') return null;
  const bias = channelBias(backend, inputs.bias, channels);
  if (inputs.bias && !bias) return null;
  return { bias, relu: activation === 'relu' };
}

function convForward({ inputs, backend, attrs }: KernelArgs, native: NativeAddon): TensorInfo | null {
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const values = allFloat32(backend, x, filter);
  if (!values) return null;
  const info = conv2dInfo(x.shape, filter.shape, attrs);
  const plan = convPlan(info);
  const epilogue = nativeEpilogue(backend, inputs, attrs, info.outChannels);
  if (!plan || !epilogue) return null;
  const y = unfilled(util.sizeFromShape(info.outShape));
  const input = resizeImages(values[0], [info.batchSize, info.inChannels], [info.inHeight, info.inWidth], plan.seen);
  native.convForward(plan.geometry, input, values[1], epilogue.bias, epilogue.relu, y);
  return output(backend, info.outShape, y);
}

function convBackpropInput({ inputs, backend, attrs }: KernelArgs, native: NativeAddon): TensorInfo | null {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const values = allFloat32(backend, dy, filter);
  const inputShape = attrs.inputShape as number[];
  if (!values) return null;
  const info = conv2dInfo(inputShape, filter.shape, attrs);
  const plan = convPlan(info);
  // tfjs's conv2d gradient drops dimRoundingMode, so dy can be larger than the output size
  // computed here; the cpu kernel then reads only part of it.
  if (!plan || !sameShape(dy.shape, info.outShape)) return null;
  // Zeroed: the few-channel path accumulates patches into dx.
  const dx = new Float32Array(info.batchSize * plan.seen[0] * plan.seen[1] * info.inChannels);
  native.convBackwardData(plan.geometry, values[0], values[1], dx);
  return output(backend, inputShape, resizeImages(dx, [info.batchSize, info.inChannels], plan.seen, [info.inHeight, info.inWidth]));
}

function convBackpropFilter({ inputs, backend, attrs }: KernelArgs, native: NativeAddon): TensorInfo | null {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const values = allFloat32(backend, x, dy);
  const filterShape = attrs.filterShape as number[];
  if (!values) return null;
  const info = conv2dInfo(x.shape, filterShape, attrs);
  const plan = convPlan(info);
  if (!plan || !sameShape(dy.shape, info.outShape)) return null;
  const dFilter = unfilled(util.sizeFromShape(filterShape));
  const input = resizeImages(values[0], [info.batchSize, info.inChannels], [info.inHeight, info.inWidth], plan.seen);
  native.convBackwardWeights(plan.geometry, input, values[1], dFilter);
  return output(backend, filterShape, dFilter);
}

// ---- matrix products ----

function matMul({ inputs, backend, attrs }: KernelArgs, native: NativeAddon): TensorInfo | null {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const values = allFloat32(backend, a, b);
  if (!values || a.shape.length < 2 || b.shape.length < 2) return null;
  const transposeA = Boolean(attrs.transposeA);
  const transposeB = Boolean(attrs.transposeB);
  const [aRows, aCols] = a.shape.slice(-2);
  const [bRows, bCols] = b.shape.slice(-2);
  const [m, k] = transposeA ? [aCols, aRows] : [aRows, aCols];
  const [kB, n] = transposeB ? [bCols, bRows] : [bRows, bCols];
  const aBatchShape = a.shape.slice(0, -2);
  const bBatchShape = b.shape.slice(0, -2);
  const batchA = util.sizeFromShape(aBatchShape);
  const batchB = util.sizeFromShape(bBatchShape);
  // Batches are either equal or one operand's is broadcast whole; the cpu kernel handles the rest
  // (and reports mismatches).
  if (k !== kB || !(sameShape(aBatchShape, bBatchShape) || batchA === 1 || batchB === 1)) return null;
  const epilogue = nativeEpilogue(backend, inputs, attrs, n);
  if (!epilogue) return null;
  const outShape = [...backend_util.assertAndGetBroadcastShape(aBatchShape, bBatchShape), m, n];
  const out = unfilled(util.sizeFromShape(outShape));
  native.matMul(values[0], values[1], out, batchA, batchB, m, k, n, transposeA, transposeB, epilogue.bias, epilogue.relu);
  return output(backend, outShape, out);
}

// ---- elementwise ops and sums ----

function unaryKernel(op: number): NativeKernel {
  return ({ inputs, backend, attrs }, native) => {
    const { x } = inputs as { x: TensorInfo };
    const values = allFloat32(backend, x);
    if (!values) return null;
    const y = unfilled(values[0].length);
    native.unary(op, values[0], y, (attrs?.alpha as number | undefined) ?? 0);
    return output(backend, x.shape, y);
  };
}

function binaryKernel(op: number): NativeKernel {
  return ({ inputs, backend }, native) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const values = allFloat32(backend, a, b);
    if (!values) return null;
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const out = unfilled(util.sizeFromShape(outShape));
    native.binary(op, values[0], Int32Array.from(a.shape), values[1], Int32Array.from(b.shape), out,
      Int32Array.from(outShape));
    return output(backend, outShape, out);
  };
}

/** Sums over a contiguous run of axes (bias gradients, losses, KL terms); others go to the cpu. */
function sum({ inputs, backend, attrs }: KernelArgs, native: NativeAddon): TensorInfo | null {
  const { x } = inputs as { x: TensorInfo };
  const values = allFloat32(backend, x);
  if (!values) return null;
  const axes = util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((p, q) => p - q);
  // Axes of size 1 do not change the memory layout, so the summed axes are contiguous once they
  // are left out (a [N, 1, W, C] map summed over [0, 2], as 1-D convs' gradients are).
  const kept = x.shape.map((_, i) => i).filter((i) => x.shape[i] !== 1);
  const summed = axes.filter((a) => x.shape[a] !== 1).map((a) => kept.indexOf(a));
  const shape = kept.map((i) => x.shape[i]);
  if (axes.length === 0 || (summed.length > 0 && summed[summed.length - 1] - summed[0] + 1 !== summed.length)) return null;
  const first = summed.length > 0 ? summed[0] : shape.length;
  const last = summed.length > 0 ? summed[summed.length - 1] : shape.length - 1;
  const outer = util.sizeFromShape(shape.slice(0, first));
  const inner = util.sizeFromShape(shape.slice(last + 1));
  const out = unfilled(outer * inner);
  native.reduceSum(values[0], outer, values[0].length / (outer * inner), inner, out);
  const outShape = attrs.keepDims
    ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : x.shape.filter((_, i) => !axes.includes(i));
  return output(backend, outShape, out);
}

/** Means over a contiguous run of axes: the sum's kernel, scaled (BatchNorm's batch statistics). */
function mean(args: KernelArgs, native: NativeAddon): TensorInfo | null {
  const summed = sum(args, native);
  if (!summed) return null;
  const values = valuesOf(args.backend, summed) as Float32Array;
  const count = util.sizeFromShape((args.inputs.x as TensorInfo).shape) / Math.max(1, values.length);
  for (let i = 0; i < values.length; i++) values[i] /= count;
  return summed;
}

function slice({ inputs, backend, attrs }: KernelArgs): TensorInfo | null {
  const { x } = inputs as { x: TensorInfo };
  const values = allFloat32(backend, x);
  if (!values) return null;
  const [begin, size] = slice_util.parseSliceParams(x, attrs.begin as number[], attrs.size as number[]);
  const out = sliceRuns(values[0], x.shape, begin, size);
  return out && output(backend, size, out);
}

/** SplitV as one slice per part (the cpu kernel's slices go element by element). */
function splitV({ inputs, backend, attrs }: KernelArgs): TensorInfo[] | null {
  const { x } = inputs as { x: TensorInfo };
  const values = allFloat32(backend, x);
  if (!values) return null;
  const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x, attrs.numOrSizeSplits as number | number[], axis);
  const begin = x.shape.map(() => 0);
  const parts: TensorInfo[] = [];
  for (const length of sizes) {
    const size = x.shape.map((d, a) => (a === axis ? length : d));
    const out = sliceRuns(values[0], x.shape, begin, size);
    if (!out) return null;
    parts.push(output(backend, size, out));
    begin[axis] += length;
  }
  return parts;
}

function pad({ inputs, backend, attrs }: KernelArgs): TensorInfo | null {
  const { x } = inputs as { x: TensorInfo };
  const values = allFloat32(backend, x);
  if (!values) return null;
  const paddings = attrs.paddings as [number, number][];
  const out = padRuns(values[0], x.shape, paddings, attrs.constantValue as number);
  return out && output(backend, x.shape.map((d, a) => d + paddings[a][0] + paddings[a][1]), out);
}

// ---- fused layers (src/backends/fused_kernels.ts) ----

function gelu({ inputs, backend }: KernelArgs, native: NativeAddon): TensorInfo | null {
  const { x } = inputs as { x: TensorInfo };
  const values = allFloat32(backend, x);
  if (!values) return null;
  const y = unfilled(values[0].length);
  native.geluForward(values[0], y);
  return output(backend, x.shape, y);
}

function geluGrad({ inputs, backend }: KernelArgs, native: NativeAddon): TensorInfo | null {
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  const values = allFloat32(backend, dy, x);
  if (!values || !sameShape(dy.shape, x.shape)) return null;
  const dx = unfilled(values[0].length);
  native.geluBackward(values[0], values[1], dx);
  return output(backend, x.shape, dx);
}

function batchNorm({ inputs, backend, attrs }: KernelArgs, native: NativeAddon): TensorInfo[] | null {
  const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
  const values = allFloat32(backend, x, gamma, beta);
  if (!values) return null;
  const channels = x.shape[x.shape.length - 1];
  const [y, mean, variance] = [unfilled(values[0].length), unfilled(channels), unfilled(channels)];
  native.batchNormForward(values[0], channels, values[1], values[2], attrs.epsilon as number, y, mean, variance);
  return [output(backend, x.shape, y), output(backend, [channels], mean), output(backend, [channels], variance)];
}

function batchNormGrad({ inputs, backend, attrs }: KernelArgs, native: NativeAddon): TensorInfo[] | null {
  const { dy, x, gamma, mean, variance } = inputs as Record<'dy' | 'x' | 'gamma' | 'mean' | 'variance', TensorInfo>;
  const values = allFloat32(backend, dy, x, gamma, mean, variance);
  if (!values || !sameShape(dy.shape, x.shape)) return null;
  const channels = x.shape[x.shape.length - 1];
  const [dx, dGamma, dBeta] = [unfilled(values[1].length), unfilled(channels), unfilled(channels)];
  native.batchNormBackward(values[0], values[1], channels, values[2], values[3], values[4], attrs.epsilon as number,
    !attrs.detachStatistics, dx, dGamma, dBeta);
  return [output(backend, x.shape, dx), output(backend, [channels], dGamma), output(backend, [channels], dBeta)];
}

function layerNorm({ inputs, backend, attrs }: KernelArgs, native: NativeAddon): TensorInfo[] | null {
  const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
  const values = allFloat32(backend, x, gamma, beta);
  if (!values) return null;
  const channels = x.shape[x.shape.length - 1];
  const rows = values[0].length / channels;
  const [y, mean, invStd] = [unfilled(values[0].length), unfilled(rows), unfilled(rows)];
  native.layerNormForward(values[0], channels, values[1], values[2], attrs.epsilon as number, y, mean, invStd);
  return [output(backend, x.shape, y), output(backend, [rows], mean), output(backend, [rows], invStd)];
}

function layerNormGrad({ inputs, backend }: KernelArgs, native: NativeAddon): TensorInfo[] | null {
  const { dy, x, gamma, mean, invStd } = inputs as Record<'dy' | 'x' | 'gamma' | 'mean' | 'invStd', TensorInfo>;
  const values = allFloat32(backend, dy, x, gamma, mean, invStd);
  if (!values || !sameShape(dy.shape, x.shape)) return null;
  const channels = x.shape[x.shape.length - 1];
  const [dx, dGamma, dBeta] = [unfilled(values[1].length), unfilled(channels), unfilled(channels)];
  native.layerNormBackward(values[0], values[1], channels, values[2], values[3], values[4], dx, dGamma, dBeta);
  return [output(backend, x.shape, dx), output(backend, [channels], dGamma), output(backend, [channels], dBeta)];
}

/** Kernels with no cpu counterpart: every call is the addon's (inputs are always float32). */
const NATIVE_ONLY_KERNELS: Record<string, (args: KernelArgs, native: NativeAddon) => TensorInfo | TensorInfo[] | null> = {
  [FUSED_KERNELS.gelu]: gelu,
  [FUSED_KERNELS.geluGrad]: geluGrad,
  [FUSED_KERNELS.batchNorm]: batchNorm,
  [FUSED_KERNELS.batchNormGrad]: batchNormGrad,
  [FUSED_KERNELS.layerNorm]: layerNorm,
  [FUSED_KERNELS.layerNormGrad]: layerNormGrad,
};

function resizeNearest({ inputs, backend, attrs }: KernelArgs): TensorInfo | null {
  const { images } = inputs as { images: TensorInfo };
  const values = allFloat32(backend, images);
  if (!values || images.shape.length !== 4 || attrs.alignCorners || attrs.halfPixelCenters) return null;
  const size = attrs.size as [number, number];
  const factors = wholeFactors(images.shape.slice(1, 3), size);
  if (!factors) return null;
  const [batch, , , channels] = images.shape;
  return output(backend, [batch, size[0], size[1], channels], upsampleNearest(values[0], images.shape, factors));
}

const NATIVE_KERNELS: Record<string, NativeKernel> = {
  Conv2D: convForward,
  FusedConv2D: convForward,
  Conv2DBackpropInput: convBackpropInput,
  Conv2DBackpropFilter: convBackpropFilter,
  BatchMatMul: matMul,
  _FusedMatMul: matMul,
  Sum: sum,
  Mean: mean,
  Slice: slice,
  SplitV: splitV,
  PadV2: pad,
  ResizeNearestNeighbor: resizeNearest,
  ...Object.fromEntries(UNARY_OPS.map((name, op) => [name, unaryKernel(op)])),
  ...Object.fromEntries(BINARY_OPS.map((name, op) => [name, binaryKernel(op)])),
};

function registerKernels(native: NativeAddon): void {
  for (const config of tf.getKernelsForBackend('cpu')) {
    const nativeKernel = NATIVE_KERNELS[config.kernelName];
    if (!nativeKernel) {
      tf.registerKernel({ ...config, backendName: NATIVE });
      continue;
    }
    const cpuKernel = config.kernelFunc;
    const kernelFunc: KernelFunc = (args) =>
      nativeKernel(args as unknown as KernelArgs, native) ?? cpuKernel(args);
    tf.registerKernel({ ...config, backendName: NATIVE, kernelFunc } satisfies KernelConfig);
  }
  for (const [kernelName, nativeKernel] of Object.entries(NATIVE_ONLY_KERNELS)) {
    const kernelFunc: KernelFunc = (args) => {
      const result = nativeKernel(args as unknown as KernelArgs, native);
      if (!result) throw new Error(`${kernelName}: the native kernel takes float32 tensors of matching shapes`);
      return result;
    };
    tf.registerKernel({ kernelName, backendName: NATIVE, kernelFunc });
  }
}

/** The cpu backend without its first-write banner advising to install tfjs-node. */
function createBackend(): MathBackendCPU {
  const backend = new MathBackendCPU();
  (backend as unknown as { firstUse: boolean }).firstUse = false;
  return backend;
}

let registered = false;

/**
 * Registers the 'native' backend (once) if the addon loads. Returns why it is unavailable, or
 * null when it is registered. Call after tfjs-backend-cpu is imported (its kernels are copied).
 */
export function registerNativeBackend(): string | null {
  if (process.env[NATIVE_SWITCH] === 'off') return `disabled by ${NATIVE_SWITCH}=off`;
  if (registered) return null;
  const loaded = loadAddon();
  if (typeof loaded === 'string') return loaded;
  fixCpuResizeGradient();
  registerKernels(loaded);
  // Priority below wasm's: tfjs never picks 'native' unless asked to by name.
  tf.registerBackend(NATIVE, createBackend, 1);
  registered = true;
  return null;
}

/** The OpenMP threads the native kernels use now. */
export function getNativeThreads(): number {
  if (!addon) throw new Error('the native addon is not loaded');
  return addon.getThreads();
}

/** Sets the threads oneDNN and the elementwise loops use (OpenMP); returns the count in effect. */
export function setNativeThreads(threads: number): number {
  if (!addon) throw new Error('the native addon is not loaded');
  addon.setThreads(threads);
  return addon.getThreads();
}
