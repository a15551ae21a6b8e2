// The interface every ground-truth dataset implements: a full Cartesian grid of named factors,
// enumerated in C order (last factor fastest) exactly as the original files are, with
// observations rendered on demand so no dataset needs all its images in memory.
import type { Rng } from '../util/random.js';

export interface GroundTruthData {
  readonly name: string;
  readonly factorNames: readonly string[];
  readonly factorSizes: readonly number[];
  /** [height, width, channels] of one observation. */
  readonly observationShape: readonly [number, number, number];
  /** True when every pixel is exactly 0 or 1 (dSprites): caches then store one bit per pixel. */
  readonly binary?: boolean;
  /**
   * Writes the observation for one factor vector (indices, one per factor) into `out` at
   * `offset`, as float32 in [0, 1], HWC order.
   */
  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void;
}

export function numObservations(data: GroundTruthData): number {
  return data.factorSizes.reduce((a, b) => a * b, 1);
}

export function observationSize(data: GroundTruthData): number {
  const [h, w, c] = data.observationShape;
  return h * w * c;
}

/** C-order index of a factor vector. */
export function factorsToIndex(sizes: readonly number[], factors: ArrayLike<number>): number {
  let idx = 0;
  for (let i = 0; i < sizes.length; i++) {
    const f = factors[i];
    if (!(f >= 0 && f < sizes[i]) || !Number.isInteger(f)) {
      throw new RangeError(`factor ${i} = ${f} is outside [0, ${sizes[i]})`);
    }
    idx = idx * sizes[i] + f;
  }
  return idx;
}

/** Factor vector of a C-order index. */
export function indexToFactors(sizes: readonly number[], index: number): Int32Array {
  const total = sizes.reduce((a, b) => a * b, 1);
  if (!(index >= 0 && index < total) || !Number.isInteger(index)) {
    throw new RangeError(`index ${index} is outside [0, ${total})`);
  }
  const out = new Int32Array(sizes.length);
  for (let i = sizes.length - 1; i >= 0; i--) {
    out[i] = index % sizes[i];
    index = Math.floor(index / sizes[i]);
  }
  return out;
}

/** `n` factor vectors, each factor uniform and independent; row-major n x K. */
export function sampleFactors(sizes: readonly number[], n: number, rng: Rng): Int32Array {
  const k = sizes.length;
  const out = new Int32Array(n * k);
  for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) out[r * k + j] = rng.int(sizes[j]);
  return out;
}

/** Renders `n` observations for row-major factor vectors into one NHWC float32 buffer. */
export function renderBatch(data: GroundTruthData, factors: Int32Array, n: number): Float32Array {
  const k = data.factorSizes.length;
  const size = observationSize(data);
  const out = new Float32Array(n * size);
  for (let r = 0; r < n; r++) data.render(factors.subarray(r * k, (r + 1) * k), out, r * size);
  return out;
}
