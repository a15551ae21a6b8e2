// Shapes3D (datasets.md §3.1) from the original 3dshapes.h5 through h5wasm, which opens the file
// on disk and reads single images by hyperslab, so the 5.9 GB `images` dataset is never loaded.
// `labels` (N, 6) float64 holds factor values; each column's sorted distinct values define that
// factor's indices, and the rows are checked to enumerate that grid in C order (orientation
// fastest), so image row i is the observation of factor index i. The real file gives sizes
// (10, 10, 10, 8, 4, 15).
//
// Before handing the file to HDF5 the superblock is checked here (signature, end-of-file address
// against the file size): HDF5 reports a truncated or foreign file only as an uninformative error
// after printing a multi-line diagnostic, whereas these checks give the one-line reason.
import * as fs from 'node:fs';
import h5wasm from 'h5wasm/node';
import { factorsToIndex, type GroundTruthData } from '../ground_truth.js';
import { UserError } from '../../util/errors.js';
import { checkGridEnumeration } from './grid.js';
import { openForReading } from './npy.js';

export const SHAPES3D_FACTOR_NAMES = ['floor_hue', 'wall_hue', 'object_hue', 'scale', 'shape', 'orientation'] as const;
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const SUPERBLOCK_PROBE_BYTES = 128;
/** HDF5's H5T_INTEGER type class, as h5wasm reports it in dataset metadata. */
const INTEGER_CLASS = 0;

type H5File = InstanceType<typeof h5wasm.File>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

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
    checkHdf5Superblock(path);
    await h5wasm.ready;
    let file: H5File;
    try {
      file = new h5wasm.File(path, 'r');
    } catch (e) {
      throw new UserError(`${path}: HDF5 could not open the file (${(e as Error).message})`);
    }
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
    if (imageShape.length !== 4 || type !== INTEGER_CLASS || size !== 1 || signed) {
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

function datasetNamed(file: H5File, name: string, path: string): H5Dataset {
  const entity = file.get(name);
  if (!(entity instanceof h5wasm.Dataset)) throw new UserError(`${path}: missing dataset '${name}'`);
  return entity;
}

/**
 * The superblock sits at offset 0 (or 512, 1024, … after a user block); its end-of-file address
 * says how long the file must be. With 8-byte offsets that address is at byte 40 (version 0),
 * 44 (version 1, which adds 4 bytes of B-tree settings) or 28 (versions 2 and 3).
 */
function checkHdf5Superblock(path: string): void {
  const fd = openForReading(path);
  try {
    const fileSize = fs.fstatSync(fd).size;
    const superblock = Buffer.alloc(SUPERBLOCK_PROBE_BYTES);
    for (let base = 0; base + HDF5_SIGNATURE.length <= fileSize; base = base === 0 ? 512 : base * 2) {
      const got = fs.readSync(fd, superblock, 0, SUPERBLOCK_PROBE_BYTES, base);
      if (!HDF5_SIGNATURE.every((b, i) => superblock[i] === b)) continue;
      const version = superblock[8];
      const offsetSize = version <= 1 ? superblock[13] : superblock[9];
      const eofAt = version === 0 ? 40 : version === 1 ? 44 : 28;
      if (offsetSize !== 8 || got < eofAt + 8) {
        throw new UserError(`${path}: truncated or unsupported HDF5 superblock (version ${version})`);
      }
      const endOfFile = base + Number(superblock.readBigUInt64LE(eofAt));
      if (endOfFile > fileSize) {
        throw new UserError(`${path}: truncated HDF5 file (superblock says ${endOfFile} bytes, file has ${fileSize})`);
      }
      return;
    }
    throw new UserError(`${path}: not an HDF5 file (bad signature)`);
  } finally {
    fs.closeSync(fd);
  }
}
