// A picture of a sequence dataset: one row per sample, its fragments side by side with 1-px white
// separators (and a 1-px white border), so a glance shows whether content changes along a row and
// style down the rows.
// Colour fragments are drawn as they are; single-channel ones (spectrograms) through viridis, a
// perceptual colour map, because gray levels hide the small differences between harmonics.
import { sampleSize, type SequenceDataset, type SequenceSplit } from '../sequences/sequence_data.js';
import type { Rng } from '../util/random.js';
import { imageGrid, type Image } from './image.js';
import { encodePng } from './png.js';

/** matplotlib's viridis at 0, 1/8, ..., 1 (#440154 ... #fde725), interpolated linearly between. */
const VIRIDIS_STOPS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [71, 45, 123],
  [59, 82, 139],
  [44, 114, 142],
  [33, 145, 140],
  [40, 174, 128],
  [94, 201, 98],
  [173, 220, 48],
  [253, 231, 37],
];

/** Viridis colour of `t` in [0, 1] (clamped; NaN as 0), as [0, 1] RGB. */
export function viridis(t: number): [number, number, number] {
  const clamped = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t));
  const position = clamped * (VIRIDIS_STOPS.length - 1);
  const lower = Math.min(Math.floor(position), VIRIDIS_STOPS.length - 2);
  const fraction = position - lower;
  const [a, b] = [VIRIDIS_STOPS[lower], VIRIDIS_STOPS[lower + 1]];
  return [0, 1, 2].map((c) => (a[c] + fraction * (b[c] - a[c])) / 255) as [number, number, number];
}

/** The value range the dataset's samples are normalised to: [-1, 1] for the V3 loaders' (x - 0.5) / 0.5. */
export type ValueRange = readonly [low: number, high: number];

/** One fragment (HWC floats at `offset`) as an RGB image with values mapped from `range` to [0, 1]. */
function fragmentImage(values: Float32Array, offset: number, shape: readonly [number, number, number], range: ValueRange): Image {
  const [height, width, channels] = shape;
  const [low, high] = range;
  const data = new Float32Array(height * width * 3);
  for (let p = 0; p < height * width; p++) {
    if (channels === 1) {
      data.set(viridis((values[offset + p] - low) / (high - low)), 3 * p);
    } else {
      for (let c = 0; c < 3; c++) data[3 * p + c] = (values[offset + p * channels + c] - low) / (high - low);
    }
  }
  return { width, height, channels: 3, data };
}

/**
 * PNG of the first `count` samples of `split` (fewer when the split is smaller), `rng` drawing
 * their per-draw randomness. `range` is the interval the dataset's values lie in (default: the
 * samples' own minimum and maximum).
 */
export function sequenceSheetPng(data: SequenceDataset, split: SequenceSplit, count: number, rng: Rng, range?: ValueRange): Buffer {
  const [, , channels] = data.fragmentShape;
  if (channels !== 1 && channels !== 3) throw new RangeError(`${data.name}: a sheet draws 1- or 3-channel fragments, not ${channels}`);
  if (range && !(range[1] > range[0])) throw new RangeError(`a sheet's value range must be increasing, got [${range.join(', ')}]`);
  const rows = Math.min(count, data.count(split));
  if (!(Number.isInteger(count) && rows >= 1)) throw new RangeError(`${data.name}: cannot draw ${count} samples of the ${split} split (${data.count(split)} samples)`);
  const values = new Float32Array(sampleSize(data));
  const samples: Float32Array[] = [];
  for (let index = 0; index < rows; index++) {
    data.sample(split, index, rng, values, 0);
    samples.push(values.slice());
  }
  return fragmentRowsPng(samples, data.fragmentShape, data.fragmentsPerSample, range ?? valueRange(samples));
}

/** The range of every value in `rows`: for data with no fixed range (log spectrograms). */
export function valueRange(rows: readonly Float32Array[]): ValueRange {
  let low = Infinity;
  let high = -Infinity;
  for (const row of rows) for (const v of row) if (Number.isFinite(v)) [low, high] = [Math.min(low, v), Math.max(high, v)];
  return high > low ? [low, high] : [low, low + 1];
}

/** PNG of rows of `fragments` fragments each (HWC floats, fragment-major), values mapped from `range`. */
export function fragmentRowsPng(rows: readonly Float32Array[], shape: readonly [number, number, number], fragments: number, range: ValueRange): Buffer {
  const fragmentValues = shape[0] * shape[1] * shape[2];
  const images = rows.flatMap((row) => Array.from({ length: fragments }, (_, f) => fragmentImage(row, f * fragmentValues, shape, range)));
  const png = encodePng(imageGrid(images, fragments, { padding: 1, background: 1 }));
  return Buffer.from(png.buffer, png.byteOffset, png.byteLength);
}
