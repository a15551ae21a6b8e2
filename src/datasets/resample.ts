// Image resampling as Pillow's Image.resize does it, because the reference datasets were shrunk
// with Pillow (datasets.md §4–5: disent's 64×64 Cars3D and SmallNORB with BILINEAR, and
// disentanglement_lib's with thumbnail(..., ANTIALIAS), i.e. LANCZOS) and a model trained on
// differently filtered images sees different pixels. Pillow's rule: separable passes (horizontal,
// then vertical), each output pixel a normalised weighted sum of the input pixels under a filter
// stretched by the scale factor when shrinking (so shrinking is antialiased), rounded to uint8
// after each pass. We weight in float64 where Pillow uses 22-bit fixed point, so an output pixel
// can differ by one grey level in rare ties. No npm package offers Pillow's filters without a
// native image library, hence this module.

export type ResampleFilter = 'bilinear' | 'lanczos';

interface FilterKernel {
  support: number;
  weight: (x: number) => number;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

const FILTERS: Record<ResampleFilter, FilterKernel> = {
  bilinear: { support: 1, weight: (x) => Math.max(0, 1 - Math.abs(x)) },
  lanczos: { support: 3, weight: (x) => (Math.abs(x) < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

/** For each output position: the first input index and the normalised weights of the inputs from it. */
export interface ResampleTaps {
  first: Int32Array;
  weights: Float64Array[];
}

/** Pillow's precompute_coeffs for one axis of `inSize` pixels resampled to `outSize`. */
export function resampleTaps(inSize: number, outSize: number, filter: ResampleFilter): ResampleTaps {
  const kernel = FILTERS[filter];
  const scale = inSize / outSize;
  const stretch = Math.max(scale, 1);
  const support = kernel.support * stretch;
  const first = new Int32Array(outSize);
  const weights: Float64Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    // Math.trunc, as C's (int) cast in Pillow, not Math.floor: they differ below zero.
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    const taps = new Float64Array(hi - lo);
    let total = 0;
    for (let i = lo; i < hi; i++) {
      taps[i - lo] = kernel.weight((i - center + 0.5) / stretch);
      total += taps[i - lo];
    }
    if (total !== 0) for (let t = 0; t < taps.length; t++) taps[t] /= total;
    first[o] = lo;
    weights.push(taps);
  }
  return { first, weights };
}

function roundToByte(value: number): number {
  return Math.min(255, Math.max(0, Math.round(value)));
}

/**
 * Resamples an 8-bit HWC image of `inHeight`×`inWidth`×`channels` to `outHeight`×`outWidth`,
 * returning 8-bit values (as Pillow does for mode L and RGB images).
 */
export function resampleImage(
  pixels: ArrayLike<number>, inHeight: number, inWidth: number, channels: number,
  outHeight: number, outWidth: number, filter: ResampleFilter,
): Uint8Array {
  const horizontal = resampleTaps(inWidth, outWidth, filter);
  const rows = new Uint8Array(inHeight * outWidth * channels);
  for (let y = 0; y < inHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const taps = horizontal.weights[x];
      const start = (y * inWidth + horizontal.first[x]) * channels;
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let t = 0; t < taps.length; t++) sum += taps[t] * pixels[start + t * channels + c];
        rows[(y * outWidth + x) * channels + c] = roundToByte(sum);
      }
    }
  }
  const vertical = resampleTaps(inHeight, outHeight, filter);
  const out = new Uint8Array(outHeight * outWidth * channels);
  const rowLength = outWidth * channels;
  for (let y = 0; y < outHeight; y++) {
    const taps = vertical.weights[y];
    const start = vertical.first[y] * rowLength;
    for (let i = 0; i < rowLength; i++) {
      let sum = 0;
      for (let t = 0; t < taps.length; t++) sum += taps[t] * rows[start + t * rowLength + i];
      out[y * rowLength + i] = roundToByte(sum);
    }
  }
  return out;
}
