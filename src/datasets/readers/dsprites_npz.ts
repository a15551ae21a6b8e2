// The original dSprites file (datasets.md §2.1), dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz,
// as GroundTruthData. Factor sizes come from the `latents_classes` member (max + 1 per column)
// and its rows are checked to be the C-order grid enumeration, so row i of `imgs` is the image of
// factor index i. The constant colour factor (size 1) is dropped, as every learning library does;
// since a size-1 factor does not change C-order indices, the 5-factor index equals the file's row.
//
// The published file is deflate-compressed (np.savez_compressed), so its 3 GB `imgs` member has
// no random access: rendering from it needs `loadIntoMemory`, which inflates it once into a
// packed copy of 1 bit per pixel (377 MB for the full file; the images are binary). A file saved
// with np.savez (stored members) is rendered straight from disk by file offset.
import { factorsToIndex, type GroundTruthData } from '../ground_truth.js';
import { UserError } from '../../util/errors.js';
import { openNpzArray, type NpzArray } from './npz.js';
import { checkGridEnumeration } from './grid.js';

const FILE_LATENT_NAMES = ['color', 'shape', 'scale', 'orientation', 'position_x', 'position_y'];
const SCAN_BLOCK_ROWS = 1024;

export interface DSpritesNpzOptions {
  /** Inflate `imgs` once into a 1-bit-per-pixel copy; required when `imgs` is deflated. */
  loadIntoMemory?: boolean;
}

export class DSpritesNpzData implements GroundTruthData {
  readonly name = 'dsprites';
  readonly factorNames: readonly string[];
  readonly factorSizes: readonly number[];
  readonly observationShape: readonly [number, number, number];
  private readonly pixelsPerImage: number;
  private readonly rowScratch: Uint8Array;

  private constructor(
    private readonly images: NpzArray,
    fileFactorSizes: number[],
    /** Bit i·pixels + p is pixel p of image i; undefined when rendering reads the file. */
    private readonly packedBits: Uint8Array | undefined,
  ) {
    const kept = fileFactorSizes.map((size, i) => ({ size, name: FILE_LATENT_NAMES[i] })).filter((f) => f.size > 1);
    this.factorNames = kept.map((f) => f.name);
    this.factorSizes = kept.map((f) => f.size);
    const [, height, width] = images.header.shape;
    this.observationShape = [height, width, 1];
    this.pixelsPerImage = height * width;
    this.rowScratch = new Uint8Array(images.rowBytes);
  }

  static open(path: string, options: DSpritesNpzOptions = {}): DSpritesNpzData {
    const images = openNpzArray(path, 'imgs');
    const { shape, dtype } = images.header;
    if (shape.length !== 3 || dtype !== 'u1') {
      throw new UserError(`${images.source}: expected (N, height, width) uint8, found (${shape.join(', ')}) ${dtype}`);
    }
    const classes = openNpzArray(path, 'latents_classes');
    const classShape = classes.header.shape;
    if (classShape.length !== 2 || classShape[1] !== FILE_LATENT_NAMES.length || classShape[0] !== shape[0]) {
      throw new UserError(
        `${classes.source}: expected shape (${shape[0]}, ${FILE_LATENT_NAMES.length}), found (${classShape.join(', ')})`,
      );
    }
    const fileFactorSizes = checkGridEnumeration(toNumbers(classes.readAll()), FILE_LATENT_NAMES.length, classes.source);
    if (!options.loadIntoMemory && !images.randomAccess) {
      throw new UserError(
        `${images.source}: deflate-compressed (np.savez_compressed) members have no random access; open with loadIntoMemory to unpack it once (1 bit per pixel)`,
      );
    }
    return new DSpritesNpzData(images, fileFactorSizes, options.loadIntoMemory ? packImages(images) : undefined);
  }

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    const index = factorsToIndex(this.factorSizes, factors);
    const pixels = this.pixelsPerImage;
    if (this.packedBits) {
      const bits = this.packedBits;
      for (let p = 0, bit = index * pixels; p < pixels; p++, bit++) out[offset + p] = (bits[bit >>> 3] >>> (bit & 7)) & 1;
      return;
    }
    this.images.readRows(index, 1, this.rowScratch);
    for (let p = 0; p < pixels; p++) out[offset + p] = this.rowScratch[p];
  }
}

/** One sequential pass over `imgs`, packing each pixel into one bit; values other than 0/1 are an error. */
function packImages(images: NpzArray): Uint8Array {
  const pixels = images.rowBytes;
  const packed = new Uint8Array(Math.ceil((images.rows * pixels) / 8));
  images.scanRows(SCAN_BLOCK_ROWS, (rows, firstRow) => {
    let bit = firstRow * pixels;
    for (let i = 0; i < rows.length; i++, bit++) {
      const value = rows[i];
      if (value > 1) {
        throw new UserError(`${images.source}: image ${firstRow + Math.floor(i / pixels)} has pixel value ${value}; dSprites images are binary`);
      }
      packed[bit >>> 3] |= value << (bit & 7);
    }
  });
  return packed;
}

/** Factor classes are int64 in the file; they are small, so plain numbers are exact. */
function toNumbers(values: ArrayLike<number | bigint>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  return out;
}
