// Kernels that make the tfjs 'wasm' backend (4.22) train convolutional models at a useful speed.
//
// What the package lacks, and what is done about it (measurements: /work/shared/bench/README.md):
//  * Conv2DBackpropFilter is not registered at all, so any conv training throws. It is computed
//    here as ONE forward XNNPACK convolution (the "dilated-conv" form), or, for layers with at
//    most SMALL_CIN_MAX input channels, as a JS im2col and one XNNPACK matMul (1.7-2.9x faster
//    on 1-channel images).
//  * Conv2DBackpropInput -- the input gradient of conv2d AND the forward pass of conv2dTranspose
//    -- is a naive single-threaded loop (3-4 GFLOP/s). It is replaced by a sub-pixel formulation
//    that runs as one stride-1 XNNPACK convolution (3-6x faster), keeping the package's kernel for
//    geometries that formulation does not cover.
//  * BatchMatMul uses XNNPACK only when neither operand is transposed, and matMul's gradients
//    always pass a transpose flag; the wrapper materialises the transpose first (dense-layer
//    gradients 0.9 -> 23-27 GFLOP/s).
//  * Conv2D with a numeric `pad`, or 'same' with a stride larger than the filter, can disagree
//    with XNNPACK about the output size or padding (see xnnpackSafePadding); the package's kernel
//    then computes wrong values or writes past its output buffer. Those calls are re-expressed
//    with explicit padding.
//
// Everything goes through public API (registerKernel / unregisterKernel / getKernel). A kernelFunc
// may build its result from ordinary ops and return a Tensor: the engine does not record ops run
// inside a kernel on the gradient tape, so tfjs-core's gradient definitions for these kernels
// (and tf.conv2d, tf.conv2dTranspose, tf.fused.conv2d, tfjs-layers) keep working unchanged.
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
// Registers the package's own wasm kernels, which the wrappers below delegate to.
import '@tensorflow/tfjs-backend-wasm';

type Tensor4D = tf.Tensor4D;
type Conv2DInfo = backend_util.Conv2DInfo;

const WASM = 'wasm';

/**
 * Input channels up to which Conv2DBackpropFilter uses the JS im2col + matMul path. On these
 * layers (the image layers) the dilated-conv form is dominated by XNNPACK re-packing its huge
 * "filter" (dy, e.g. 2M floats) on every call, while the patch matrix stays small. Measured
 * (batch 16-64, 1 and 2 threads): Cin 1 is 1.7-2.9x faster by im2col; Cin 2-4 at stride 2 is
 * 0.95-1.4x, at stride 1 1.6-3x; at Cin 8 im2col is 3x slower.
 */
export const SMALL_CIN_MAX = 4;

function conv2dInfo(
  xShape: readonly number[], filterShape: readonly number[], strides: number | [number, number],
  pad: tf.Conv2DAttrs['pad'], dimRoundingMode: tf.Conv2DAttrs['dimRoundingMode'], dilations: number | [number, number] = 1,
): Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    strides, dilations, pad, dimRoundingMode, false, 'channelsLast');
}

/**
 * dy cut to the geometry's output size, or null if it is smaller. tfjs-core's conv2d gradient
 * does not pass dimRoundingMode on, so with a numeric pad and 'ceil'/'round' dy can be larger than
 * the output size the gradient kernels compute; the cpu kernels read only that many rows and
 * columns of it, and so do these.
 */
function cropDyToOutput(dy: Tensor4D, info: Conv2DInfo): Tensor4D | null {
  const [, dyHeight, dyWidth] = dy.shape;
  if (dyHeight < info.outHeight || dyWidth < info.outWidth) return null;
  if (dyHeight === info.outHeight && dyWidth === info.outWidth) return dy;
  return tf.slice(dy, [0, 0, 0, 0], [-1, info.outHeight, info.outWidth, -1]);
}

/**
 * Explicit bottom/right padding (negative: rows/columns to drop) under which XNNPACK, whose output
 * size is floor((in + pads - k) / s) + 1, computes exactly `info`'s output; null when the package's
 * Conv2D kernel already gets it right. It does not, and computes wrong values or writes past its
 * output buffer, in two cases:
 *  - a numeric `pad`: tfjs computes the output size with the filter height and stride height for
 *    BOTH axes (conv_util getPadAndOutInfo) and applies dimRoundingMode ('ceil', 'round'), while
 *    the cpu kernel then slides the real filter width and stride over that many columns, reading
 *    zeros outside the input. XNNPACK derives a different size whenever the filter or stride is
 *    not square or the division is not exact.
 *  - 'same' where the stride exceeds the filter and the last rows or columns are never read
 *    ((out - 1) * s + k < in): XNNPACK's TensorFlow-SAME mode then leaves the output all zero.
 */
function xnnpackSafePadding(info: Conv2DInfo, pad: tf.Conv2DAttrs['pad']): { bottom: number; right: number } | null {
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, padInfo } = info;
  const bottom = (outHeight - 1) * strideHeight + info.effectiveFilterHeight - inHeight - padInfo.top;
  const right = (outWidth - 1) * strideWidth + info.effectiveFilterWidth - inWidth - padInfo.left;
  if (pad === 'same') return bottom < 0 || right < 0 ? { bottom, right } : null;
  if (typeof pad !== 'number') return null;
  const xnnpackSize = (input: number, padding: number, filter: number, stride: number) =>
    Math.floor((input + padding - filter) / stride) + 1;
  const agrees = xnnpackSize(inHeight, padInfo.top + padInfo.bottom, info.effectiveFilterHeight, strideHeight) === outHeight &&
    xnnpackSize(inWidth, padInfo.left + padInfo.right, info.effectiveFilterWidth, strideWidth) === outWidth;
  return agrees ? null : { bottom, right };
}

/**
 * x with `bottom`/`right` padding applied where it is negative (rows/columns the convolution never
 * reads are dropped), or null when that leaves nothing: every window then lies in the zero padding.
 */
function cropForNegativePadding(x: Tensor4D, bottom: number, right: number): Tensor4D | null {
  if (bottom >= 0 && right >= 0) return x;
  const [, h, w] = x.shape;
  const keptHeight = h + Math.min(bottom, 0);
  const keptWidth = w + Math.min(right, 0);
  if (keptHeight <= 0 || keptWidth <= 0) return null;
  return tf.slice(x, [0, 0, 0, 0], [-1, keptHeight, keptWidth, -1]);
}

/**
 * A kernel input as a Tensor. Inputs are Tensors when an op runs the kernel, but runKernel also
 * accepts bare TensorInfos, and ops need Tensors: the wrapper shares the data (refcounted) and is
 * disposed by the caller's tidy.
 */
function input<T extends tf.Tensor>(inputs: tf.NamedTensorInfoMap, name: string): T {
  const info = inputs[name];
  if (info == null) throw new Error(`kernel input '${name}' is missing`);
  return (info instanceof tf.Tensor ? info : tf.engine().makeTensorFromTensorInfo(info)) as T;
}

/**
 * [B,H,W,C] -> [C,H,W,B]. The wasm Transpose kernel's speed depends strongly on the permutation:
 * this 4-D one directly is ~4x slower than a 2-D transpose [B, HWC] -> [HWC, B] followed by
 * [HW, C, B] -> [C, HW, B], which moves contiguous runs of B.
 */
function batchToLast(x: Tensor4D): Tensor4D {
  const [b, h, w, c] = x.shape;
  const hwcByB = tf.transpose(tf.reshape(x, [b, h * w * c]), [1, 0]);
  if (c === 1) return tf.reshape(hwcByB, [1, h, w, b]);
  return tf.reshape(tf.transpose(tf.reshape(hwcByB, [h * w, c, b]), [1, 0, 2]), [c, h, w, b]);
}

/**
 * dW[kh,kw,ci,co] = sum over (b,oh,ow) of x[b, oh*sh+kh-pt, ow*sw+kw-pl, ci] * dy[b,oh,ow,co],
 * written as ONE forward convolution: the input is x with batch and channels swapped
 * ([Cin,H,W,B]), the "filter" is dy ([OH,OW,B,Cout]) dilated by the stride, stride 1; the output
 * [Cin,KH,KW,Cout] is transposed to [KH,KW,Cin,Cout]. 24-32 GFLOP/s on the model's big layers.
 * (An im2col built from tf ops was tried and dropped: wasm's StridedSlice is ~30x slower than a
 * contiguous slice, 0.4-1.3 GFLOP/s.)
 */
function filterGradByDilatedConv(x: Tensor4D, dy: Tensor4D, info: Conv2DInfo): Tensor4D {
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw,
    inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, padInfo } = info;
  // Bottom/right padding that makes the output exactly KH x KW. Negative when the forward conv
  // never reached the last rows/columns of x: those are dropped instead.
  const padBottom = kh + (oh - 1) * sh - h - padInfo.top;
  const padRight = kw + (ow - 1) * sw - w - padInfo.left;
  return tf.tidy(() => {
    const xUsed = cropForNegativePadding(x, padBottom, padRight);
    if (xUsed == null) return tf.zeros([kh, kw, info.inChannels, info.outChannels]);
    const [b, , , cout] = dy.shape;
    // [B, OH*OW, Cout] -> [OH*OW, B, Cout] moves whole rows of Cout: a cheap transpose.
    const dyAsFilter = tf.reshape(
      tf.transpose(tf.reshape(dy, [b, oh * ow, cout]), [1, 0, 2]), [oh, ow, b, cout]) as Tensor4D;
    const padding: tf.Conv2DBackpropFilterAttrs['pad'] =
      [[0, 0], [padInfo.top, Math.max(padBottom, 0)], [padInfo.left, Math.max(padRight, 0)], [0, 0]];
    const grad = tf.conv2d(batchToLast(xUsed), dyAsFilter, 1, padding, 'NHWC', [sh, sw]);
    return tf.transpose(grad, [1, 2, 0, 3]);
  });
}

/**
 * Filter gradient for layers with few input channels: the patch matrix P^T [(kh,kw,ci), (b,oh,ow)]
 * is small enough to build with a plain JS loop, and dW = P^T @ dy is one XNNPACK
 * fully-connected op.
 */
function filterGradBySmallCinIm2col(x: Tensor4D, dy: Tensor4D, info: Conv2DInfo): Tensor4D {
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inHeight: h,
    inWidth: w, inChannels: cin, outChannels: cout, outHeight: oh, outWidth: ow, batchSize: b,
    padInfo } = info;
  const xs = x.dataSync() as Float32Array;
  const positions = b * oh * ow;
  const patchesT = new Float32Array(kh * kw * cin * positions);
  for (let j = 0; j < kw; j++) {
    // Output columns whose tap j lands inside x (outside it the patch is zero padding): a
    // branch-free inner loop over exactly those.
    const qFirst = Math.max(0, Math.ceil((padInfo.left - j) / sw));
    const qEnd = Math.min(ow, Math.floor((w - 1 + padInfo.left - j) / sw) + 1);
    const colOffset = j - padInfo.left;
    for (let i = 0; i < kh; i++) {
      for (let c = 0; c < cin; c++) {
        let k = ((i * kw + j) * cin + c) * positions;
        for (let bb = 0; bb < b; bb++) {
          for (let y = 0; y < oh; y++, k += ow) {
            const row = y * sh + i - padInfo.top;
            if (row < 0 || row >= h) continue;
            const rowStart = ((bb * h + row) * w + colOffset) * cin + c;
            for (let q = qFirst; q < qEnd; q++) patchesT[k + q] = xs[rowStart + q * sw * cin];
          }
        }
      }
    }
  }
  return tf.tidy(() => {
    const grad = tf.matMul(tf.tensor2d(patchesT, [kh * kw * cin, positions]), tf.reshape(dy, [positions, cout]));
    return tf.reshape(grad, [kh, kw, cin, cout]);
  });
}

/** One output phase r (output index i = s*q + r) of a stride-s transposed conv along one axis. */
interface Phase {
  /** Smallest kernel tap congruent to the phase; the phase uses taps first, first+s, ... */
  first: number;
  taps: number;
  /** dy offset of the phase's flipped sub-kernel: its tap u reads dy[q - padBefore + u]. */
  padBefore: number;
}

/** How one spatial axis of dx is computed by the sub-pixel convolution. */
interface AxisPlan {
  stride: number;
  phases: Phase[];
  /** Smallest dy offset any phase reads (relative to q); the combined kernel starts there. */
  lowOffset: number;
  /** Extent of the combined kernel along this axis. */
  size: number;
  /** Output blocks: ceil(dx size / stride); blocks*stride - dx size trailing outputs are cropped. */
  blocks: number;
  /** dy rows dropped at the start / end (never read), then zero padding added at start / end. */
  cropStart: number;
  cropEnd: number;
  padStart: number;
  padEnd: number;
}

function planAxis(inSize: number, dySize: number, kernel: number, stride: number, padStart: number): AxisPlan | null {
  const phases: Phase[] = [];
  for (let r = 0; r < stride; r++) {
    const first = (r + padStart) % stride;
    const taps = first >= kernel ? 0 : Math.ceil((kernel - first) / stride);
    phases.push({ first, taps, padBefore: taps - 1 - (r + padStart - first) / stride });
  }
  const active = phases.filter((p) => p.taps > 0);
  const lowOffset = Math.min(...active.map((p) => -p.padBefore));
  const highOffset = Math.max(...active.map((p) => p.taps - 1 - p.padBefore));
  const size = highOffset - lowOffset + 1;
  const blocks = Math.ceil(inSize / stride);
  // The padded dy must hold blocks + size - 1 entries, starting at offset lowOffset.
  const signedStart = -lowOffset;
  const signedEnd = blocks + size - 1 - dySize - signedStart;
  const cropStart = Math.max(0, -signedStart);
  const cropEnd = Math.max(0, -signedEnd);
  if (cropStart + cropEnd >= dySize) return null;
  return {
    stride, phases, lowOffset, size, blocks, cropStart, cropEnd,
    padStart: Math.max(0, signedStart), padEnd: Math.max(0, signedEnd),
  };
}

/** The original kernel tap held at combined-kernel offset d for phase p, or -1 if none. */
function tapAt(plan: AxisPlan, p: Phase, d: number): number {
  const u = d + plan.lowOffset + p.padBefore;
  return u >= 0 && u < p.taps ? p.first + plan.stride * (p.taps - 1 - u) : -1;
}

export interface SubpixelPlan { rows: AxisPlan; cols: AxisPlan }

/**
 * The sub-pixel plan for a Conv2DBackpropInput geometry, or null when the package's kernel is
 * kept: dilated convolutions (tfjs defines no gradient for them) and paddings so large that no
 * element of dy reaches dx. Every other geometry is covered, including kernels smaller than the
 * stride, where most of the combined kernel is zero (up to 9x the useful FLOPs for 1x1/stride 3):
 * measured, that is still 1.4-2.3x faster than the package's loop, and 5-7x where the kernel
 * covers the stride.
 */
export function planSubpixel(info: Conv2DInfo): SubpixelPlan | null {
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const rows = planAxis(info.inHeight, info.outHeight, info.filterHeight, info.strideHeight, info.padInfo.top);
  const cols = planAxis(info.inWidth, info.outWidth, info.filterWidth, info.strideWidth, info.padInfo.left);
  return rows == null || cols == null ? null : { rows, cols };
}

/**
 * dx of a strided conv (= conv2dTranspose) as ONE stride-1 XNNPACK convolution plus a pixel
 * shuffle. Output pixel (s*i+rh, s*j+rw) only sees the kernel taps congruent to its phase
 * (rh, rw); each phase is a stride-1 correlation of dy with a flipped sub-kernel. The phases'
 * sub-kernels are laid side by side in one combined kernel (the union of their dy offsets: 3x3
 * for 4x4/stride 2, i.e. 2.25x the useful FLOPs) with sh*sw*Cin output channels, so one
 * convolution computes all phases and one pixel shuffle interleaves them.
 */
function inputGradBySubpixel(dy: Tensor4D, filter: Tensor4D, info: Conv2DInfo, plan: SubpixelPlan): Tensor4D {
  const { rows, cols } = plan;
  const { filterWidth: kw, inChannels: cin, outChannels: cout, inHeight: h, inWidth: w } = info;
  const phaseCount = rows.stride * cols.stride;
  // The combined kernel [rows.size, cols.size, Cout, (rh, rw, Cin)] is assembled in JS: it is tiny,
  // and assembling it from gathers and pads costs more than the convolution on the small layers.
  const weights = filter.dataSync() as Float32Array;           // [KH, KW, Cin, Cout]
  const combined = new Float32Array(rows.size * cols.size * cout * phaseCount * cin);
  for (let du = 0; du < rows.size; du++) {
    for (let dv = 0; dv < cols.size; dv++) {
      for (let rh = 0; rh < rows.stride; rh++) {
        const tapRow = tapAt(rows, rows.phases[rh], du);
        if (tapRow < 0) continue;
        for (let rw = 0; rw < cols.stride; rw++) {
          const tapCol = tapAt(cols, cols.phases[rw], dv);
          if (tapCol < 0) continue;
          const phase = rh * cols.stride + rw;
          for (let ci = 0; ci < cin; ci++) {
            const src = ((tapRow * kw + tapCol) * cin + ci) * cout;
            let dst = (du * cols.size + dv) * cout * phaseCount * cin + phase * cin + ci;
            for (let co = 0; co < cout; co++, dst += phaseCount * cin) combined[dst] = weights[src + co];
          }
        }
      }
    }
  }
  return tf.tidy(() => {
    const [b, dyH, dyW] = dy.shape;
    const dyUsed = rows.cropStart + rows.cropEnd + cols.cropStart + cols.cropEnd > 0
      ? tf.slice(dy, [0, rows.cropStart, cols.cropStart, 0],
        [-1, dyH - rows.cropStart - rows.cropEnd, dyW - cols.cropStart - cols.cropEnd, -1])
      : dy;
    const kernel = tf.tensor4d(combined, [rows.size, cols.size, cout, phaseCount * cin]);
    const padding: tf.Conv2DBackpropInputAttrs['pad'] =
      [[0, 0], [rows.padStart, rows.padEnd], [cols.padStart, cols.padEnd], [0, 0]];
    const phases = tf.conv2d(dyUsed, kernel, 1, padding);     // [B, blocksH, blocksW, (rh, rw, Cin)]
    const fullH = rows.blocks * rows.stride;
    const fullW = cols.blocks * cols.stride;
    // Pixel shuffle. The wasm DepthToSpace kernel is ~11x slower than this reshape + transpose,
    // which swaps whole (rw, Cin) rows (other 6-D permutations of the same data are ~20x slower).
    const shuffled = phaseCount === 1 ? phases : tf.reshape(
      tf.transpose(tf.reshape(phases, [b, rows.blocks, cols.blocks, rows.stride, cols.stride, cin]), [0, 1, 3, 2, 4, 5]),
      [b, fullH, fullW, cin]);
    return (fullH === h && fullW === w ? shuffled : tf.slice(shuffled, [0, 0, 0, 0], [-1, h, w, -1])) as Tensor4D;
  });
}

function swapLastTwoAxes(t: tf.Tensor): tf.Tensor {
  const perm = t.shape.map((_, i) => i);
  const last = perm.length - 1;
  [perm[last - 1], perm[last]] = [perm[last], perm[last - 1]];
  return tf.transpose(t, perm);
}

/** Replaces the package's kernel `name` (if any) with make(original). */
function replaceKernel(name: string, make: (original: tf.KernelConfig | undefined) => tf.KernelConfig): void {
  const original = tf.getKernel(name, WASM);
  if (original != null) tf.unregisterKernel(name, WASM);
  tf.registerKernel(make(original));
}

function requireOriginal(name: string, original: tf.KernelConfig | undefined): tf.KernelConfig {
  if (original == null) throw new Error(`tfjs-backend-wasm registers no ${name} kernel; expected 4.22's kernels`);
  return original;
}

let installed = false;

/**
 * Registers the kernels for the 'wasm' backend. Idempotent. Call before the backend first
 * initialises (the package's setupFuncs, which the wrappers keep, run at initialisation).
 */
export function installWasmKernels(): void {
  if (installed) return;
  installed = true;

  replaceKernel(tf.Conv2DBackpropFilter, () => ({
    kernelName: tf.Conv2DBackpropFilter,
    backendName: WASM,
    kernelFunc: ({ inputs, attrs }) => {
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
        attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter (wasm): dataFormat ${dataFormat} is not supported, only NHWC`);
      return tf.tidy(() => {
        const x = input<Tensor4D>(inputs, 'x');
        const info = conv2dInfo(x.shape, filterShape, strides, pad, dimRoundingMode);
        // Possible for the same reason as a too large dy (see cropDyToOutput); XNNPACK rejects
        // empty operands.
        if (info.outHeight <= 0 || info.outWidth <= 0) return tf.zeros(filterShape);
        const dy = cropDyToOutput(input<Tensor4D>(inputs, 'dy'), info);
        if (dy == null) throw new Error('Conv2DBackpropFilter (wasm): dy is smaller than the convolution output');
        return info.inChannels <= SMALL_CIN_MAX
          ? filterGradBySmallCinIm2col(x, dy, info)
          : filterGradByDilatedConv(x, dy, info);
      });
    },
  }));

  replaceKernel(tf.Conv2DBackpropInput, (maybeOriginal) => {
    const original = requireOriginal(tf.Conv2DBackpropInput, maybeOriginal);
    return {
      ...original,
      kernelFunc: (args) => {
        const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
          args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
        const filterShape = args.inputs.filter?.shape;
        if (dataFormat !== 'NHWC' || filterShape == null) return original.kernelFunc(args);
        const info = conv2dInfo(inputShape, filterShape, strides, pad, dimRoundingMode);
        const dyShape = args.inputs.dy?.shape;
        const plan = planSubpixel(info);
        if (plan == null || dyShape == null || dyShape[1] < info.outHeight || dyShape[2] < info.outWidth) {
          return original.kernelFunc(args);
        }
        return tf.tidy(() => inputGradBySubpixel(
          cropDyToOutput(input<Tensor4D>(args.inputs, 'dy'), info) as Tensor4D, input<Tensor4D>(args.inputs, 'filter'), info, plan));
      },
    };
  });

  replaceKernel(tf.Conv2D, (maybeOriginal) => {
    const original = requireOriginal(tf.Conv2D, maybeOriginal);
    return {
      ...original,
      kernelFunc: (args) => {
        const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs as unknown as tf.Conv2DAttrs;
        const filterShape = args.inputs.filter?.shape;
        const xShape = args.inputs.x?.shape;
        if (dataFormat !== 'NHWC' || filterShape == null || xShape == null) return original.kernelFunc(args);
        const info = conv2dInfo(xShape, filterShape, strides, pad, dimRoundingMode, dilations);
        const padding = xnnpackSafePadding(info, pad);
        if (padding == null) return original.kernelFunc(args);
        return tf.tidy(() => {
          const x = cropForNegativePadding(input<Tensor4D>(args.inputs, 'x'), padding.bottom, padding.right);
          if (x == null) return tf.zeros(info.outShape);
          const explicitPadding: tf.Conv2DAttrs['pad'] =
            [[0, 0], [info.padInfo.top, Math.max(padding.bottom, 0)], [info.padInfo.left, Math.max(padding.right, 0)], [0, 0]];
          return tf.conv2d(x, input<Tensor4D>(args.inputs, 'filter'), strides, explicitPadding, 'NHWC', dilations);
        });
      },
    };
  });

  replaceKernel(tf.BatchMatMul, (maybeOriginal) => {
    const original = requireOriginal(tf.BatchMatMul, maybeOriginal);
    return {
      ...original,
      kernelFunc: (args) => {
        const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
        if (!transposeA && !transposeB) return original.kernelFunc(args);
        return tf.tidy(() => {
          const a = input(args.inputs, 'a');
          const b = input(args.inputs, 'b');
          return tf.matMul(transposeA ? swapLastTwoAxes(a) : a, transposeB ? swapLastTwoAxes(b) : b);
        });
      },
    };
  });
}
