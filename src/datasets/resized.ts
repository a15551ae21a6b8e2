// A dataset whose observations are another's, resampled to a square size: how SmallNORB (96 px)
// and Cars3D (128 px) reach the 64×64 models, filtered as the library whose convention is chosen
// filtered them (datasets.md §4–5).
import type { GroundTruthData } from './ground_truth.js';
import { observationSize } from './ground_truth.js';
import { resampleImage, type ResampleFilter } from './resample.js';

export const DATASET_CONVENTIONS = ['disentanglement_lib', 'disent'] as const;
export type DatasetConvention = (typeof DATASET_CONVENTIONS)[number];

/** disent resizes with Pillow BILINEAR; disentanglement_lib with thumbnail(..., ANTIALIAS) = LANCZOS. */
export const CONVENTION_FILTERS: Readonly<Record<DatasetConvention, ResampleFilter>> = {
  disent: 'bilinear',
  disentanglement_lib: 'lanczos',
};

export class ResizedData implements GroundTruthData {
  readonly name: string;
  readonly factorNames: readonly string[];
  readonly factorSizes: readonly number[];
  readonly observationShape: readonly [number, number, number];
  private readonly sourcePixels: Float32Array;
  private readonly sourceBytes: Uint8Array;

  constructor(private readonly source: GroundTruthData, size: number, private readonly filter: ResampleFilter) {
    this.name = source.name;
    this.factorNames = source.factorNames;
    this.factorSizes = source.factorSizes;
    this.observationShape = [size, size, source.observationShape[2]];
    this.sourcePixels = new Float32Array(observationSize(source));
    this.sourceBytes = new Uint8Array(this.sourcePixels.length);
  }

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    this.source.render(factors, this.sourcePixels, 0);
    // Pillow resamples 8-bit images; the originals are 8-bit, so this rounding is exact for them.
    for (let i = 0; i < this.sourcePixels.length; i++) this.sourceBytes[i] = Math.round(this.sourcePixels[i] * 255);
    const [inHeight, inWidth, channels] = this.source.observationShape;
    const [height, width] = this.observationShape;
    const resized = resampleImage(this.sourceBytes, inHeight, inWidth, channels, height, width, this.filter);
    for (let i = 0; i < resized.length; i++) out[offset + i] = resized[i] / 255;
  }
}

/** `data` itself when its observations are already `size`×`size`, else resampled to that size. */
export function resizedTo(data: GroundTruthData, size: number, filter: ResampleFilter): GroundTruthData {
  const [height, width] = data.observationShape;
  return height === size && width === size ? data : new ResizedData(data, size, filter);
}
