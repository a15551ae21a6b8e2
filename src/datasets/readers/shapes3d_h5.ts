// Shapes3D (datasets.md §3.1) from the original 3dshapes.h5 through h5wasm, which opens the file
// on disk and reads single images by hyperslab, so the 5.9 GB `images` dataset is never loaded.
// `labels` (N, 6) float64 holds factor values; each column's sorted distinct values define that
// factor's indices, and the rows are checked to enumerate that grid in C order (orientation
// fastest), so image row i is the observation of factor index i. The real file gives sizes
// (10, 10, 10, 8, 4, 15).

import { factorsToIndex, type GroundTruthData } from '../ground_truth.js';
import { UserError } from '../../util/errors.js';
import { checkGridEnumeration } from './grid.js';
import { datasetNamed, HDF5_INTEGER_CLASS, openHdf5, type H5Dataset, type H5File } from './hdf5.js';

export const SHAPES3D_FACTOR_NAMES = ['floor_hue', 'wall_hue', 'object_hue', 'scale', 'shape', 'orientation'] as const;

export class Shapes3dH5Data implements GroundTruthData {
  readonly name = 'shapes3d';
  readonly factorNames = SHAPES3D_FACTOR_NAMES;
  readonly factorSizes: readonly number[];
  readonly observationShape: readonly [number, number, number];
  /** factorValues[f][k]: the label value of index k of factor f (hues, scales, shape ids, degrees). */
  readonly factorValues: readonly (readonly number[])[];

  private constructor(
    private readonly file: H5File,
    private readonly images: H5Dataset,
    factorValues: number[][],
    observationShape: [number, number, number],
  ) {
    this.factorValues = factorValues;
    this.factorSizes = factorValues.map((values) => values.length);
    this.observationShape = observationShape;
  }

  static async open(path: string): Promise<Shapes3dH5Data> {
    const file = await openHdf5(path);
    try {
      return Shapes3dH5Data.fromFile(path, file);
    } catch (e) {
      file.close();
      throw e;
    }
  }

  private static fromFile(path: string, file: H5File): Shapes3dH5Data {
    const images = datasetNamed(file, 'images', path);
    const labels = datasetNamed(file, 'labels', path);
    const imageShape = images.shape ?? [];
    const labelShape = labels.shape ?? [];
    const { type, size, signed } = images.metadata;
    if (imageShape.length !== 4 || type !== HDF5_INTEGER_CLASS || size !== 1 || signed) {
      throw new UserError(`${path}: 'images' should be (N, height, width, channels) uint8, found (${imageShape.join(', ')}) ${String(images.dtype)}`);
    }
    if (labelShape.length !== 2 || labelShape[0] !== imageShape[0] || labelShape[1] !== SHAPES3D_FACTOR_NAMES.length) {
      throw new UserError(`${path}: 'labels' should be (${imageShape[0]}, ${SHAPES3D_FACTOR_NAMES.length}), found (${labelShape.join(', ')})`);
    }
    const values = labels.value;
    if (!(values instanceof Float64Array || values instanceof Float32Array)) {
      throw new UserError(`${path}: 'labels' should hold floating-point factor values`);
    }
    const columns = SHAPES3D_FACTOR_NAMES.length;
    const factorValues = Array.from({ length: columns }, (_, f) =>
      [...new Set(Array.from({ length: labelShape[0] }, (_, r) => values[r * columns + f]))].sort((a, b) => a - b),
    );
    const ranks = factorValues.map((list) => new Map(list.map((value, rank) => [value, rank])));
    const indices = Float64Array.from(values, (value, i) => ranks[i % columns].get(value) ?? -1);
    checkGridEnumeration(indices, columns, `${path} 'labels'`);
    return new Shapes3dH5Data(file, images, factorValues, [imageShape[1], imageShape[2], imageShape[3]]);
  }

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    const index = factorsToIndex(this.factorSizes, factors);
    const pixels = this.images.slice([[index, index + 1]]) as Uint8Array;
    for (let i = 0; i < pixels.length; i++) out[offset + i] = pixels[i] / 255;
  }

  /** Releases the HDF5 file handle. */
  close(): void {
    this.file.close();
  }
}
