// Nearest-neighbour resizing's gradient for the cpu backend (and so for 'native', which copies
// cpu's kernels), and the forward pass for whole factors on 'native'.
//
// tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad offsets dy by the batch index times the
// *input* image's size, so every image but the first reads its gradient from the wrong place (a
// [2,2,2,2] map resized to 4x4 gets image 1's gradient from image 0's lower half; wasm's kernel is
// right). V3's decoder upsamples this way, so on cpu and native its encoder was trained on wrong
// gradients. The replacement here is the forward pass's exact adjoint: each dy pixel is added to
// the input pixel the forward pass (tfjs's index formula, all flags) read it from.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/** The input row (or column) tfjs's nearest-neighbour resize reads output index `out` from. */
export function nearestSource(out: number, inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): number {
  const aligned = alignCorners && outSize > 1;
  const ratio = (aligned ? inSize - 1 : inSize) / (aligned ? outSize - 1 : outSize);
  const fraction = halfPixelCenters ? ratio * (out + 0.5) : ratio * out;
  const nearest = Math.min(inSize - 1, alignCorners ? Math.round(fraction) : Math.floor(fraction));
  return halfPixelCenters ? Math.max(0, nearest) : nearest;
}

/** dy [N, outH, outW, C] summed into [N, H, W, C] at the pixels the forward pass read. */
export function resizeNearestGradValues(dy: ArrayLike<number>, [batch, height, width, channels]: readonly number[],
  [outHeight, outWidth]: readonly number[], alignCorners: boolean, halfPixelCenters: boolean): Float32Array {
  const dx = new Float32Array(batch * height * width * channels);
  const rows = Int32Array.from({ length: outHeight }, (_, r) => nearestSource(r, height, outHeight, alignCorners, halfPixelCenters));
  const cols = Int32Array.from({ length: outWidth }, (_, c) => nearestSource(c, width, outWidth, alignCorners, halfPixelCenters));
  let source = 0;
  for (let n = 0; n < batch; n++) {
    for (let r = 0; r < outHeight; r++) {
      const rowBase = (n * height + rows[r]) * width;
      for (let c = 0; c < outWidth; c++) {
        const target = (rowBase + cols[c]) * channels;
        for (let d = 0; d < channels; d++) dx[target + d] += dy[source++];
      }
    }
  }
  return dx;
}

const resizeNearestGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { images, dy } = inputs as { images: TensorInfo; dy: TensorInfo };
  const cpu = backend as MathBackendCPU;
  const values = cpu.data.get(dy.dataId).values as Float32Array;
  const dx = resizeNearestGradValues(values, images.shape, dy.shape.slice(1, 3), Boolean(attrs?.alignCorners), Boolean(attrs?.halfPixelCenters));
  return cpu.makeTensorInfo(images.shape, 'float32', dx);
};

let fixed = false;

/** Replaces tfjs-backend-cpu's ResizeNearestNeighborGrad with the adjoint above (once). */
export function fixCpuResizeGradient(): void {
  if (fixed) return;
  tf.unregisterKernel(tf.ResizeNearestNeighborGrad, 'cpu');
  tf.registerKernel({ kernelName: tf.ResizeNearestNeighborGrad, backendName: 'cpu', kernelFunc: resizeNearestGrad });
  fixed = true;
}

/** The whole upsampling factors from [height, width] to [outHeight, outWidth], or null. */
export function wholeFactors(from: readonly number[], to: readonly number[]): [number, number] | null {
  const [fy, fx] = [to[0] / from[0], to[1] / from[1]];
  return Number.isInteger(fy) && Number.isInteger(fx) && fy >= 1 && fx >= 1 ? [fy, fx] : null;
}

/**
 * [N, H, W, C] to [N, H * fy, W * fx, C], each pixel repeated over its block: tfjs's nearest
 * resize with whole factors and neither flag, as row copies instead of per-element index maths.
 */
export function upsampleNearest(x: Float32Array, [batch, height, width, channels]: readonly number[], [fy, fx]: [number, number]): Float32Array {
  const outWidth = width * fx;
  const out = new Float32Array(batch * height * fy * outWidth * channels);
  const row = new Float32Array(outWidth * channels);
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < height; h++) {
      const source = ((n * height + h) * width) * channels;
      for (let w = 0; w < width; w++) {
        for (let j = 0; j < fx; j++) row.set(x.subarray(source + w * channels, source + (w + 1) * channels), (w * fx + j) * channels);
      }
      for (let i = 0; i < fy; i++) out.set(row, ((n * height + h) * fy + i) * outWidth * channels);
    }
  }
  return out;
}
