// Cars3D (datasets.md §4) from the original per-car files of nips2015-analogy-data
// (data/cars/car_XXX_mesh.mat, variable `im` (128, 128, 3, 24, 4) uint8 = (H, W, C, azimuth,
// elevation), column-major). Factors (elevation, azimuth, object_type) in C order, as disent and
// disentanglement_lib enumerate them; the object order is the given file order. Images stay
// 128×128×3 (resizing to 64×64 is the caller's choice). Each car's file is read on first use and
// kept (4.7 MB per car, 864 MB for all 183), since inflating it again per image would dominate.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { factorsToIndex, type GroundTruthData } from '../ground_truth.js';
import { UserError } from '../../util/errors.js';
import { readMatVariable } from './mat_v5.js';

const IMAGE_VARIABLE = 'im';

/**
 * The car files of a directory in disent's order: the names listed in list.txt (".mat" added when
 * missing) if present, else the sorted *.mat names (disentanglement_lib uses the unsorted directory
 * listing, so its object ids may differ from both).
 */
export function cars3dFiles(directory: string): string[] {
  const listPath = path.join(directory, 'list.txt');
  if (fs.existsSync(listPath)) {
    const names = fs.readFileSync(listPath, 'utf8').split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
    return names.map((name) => path.join(directory, name.endsWith('.mat') ? name : `${name}.mat`));
  }
  let entries: string[];
  try {
    entries = fs.readdirSync(directory);
  } catch (e) {
    throw new UserError(`${directory}: cannot list (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return entries.filter((name) => name.endsWith('.mat')).sort().map((name) => path.join(directory, name));
}

export class Cars3dData implements GroundTruthData {
  readonly name = 'cars3d';
  readonly factorNames = ['elevation', 'azimuth', 'object_type'] as const;
  readonly factorSizes: readonly number[];
  readonly observationShape: readonly [number, number, number];
  /** (H, W, C, azimuths, elevations) of every file's `im`. */
  private readonly imageDims: readonly number[];
  private readonly loaded = new Map<number, Uint8Array>();

  private constructor(private readonly files: readonly string[], firstImages: Uint8Array, imageDims: number[]) {
    const [height, width, channels, azimuths, elevations] = imageDims;
    this.imageDims = imageDims;
    this.factorSizes = [elevations, azimuths, files.length];
    this.observationShape = [height, width, channels];
    this.loaded.set(0, firstImages);
  }

  /** `files`: the car files in object order (see cars3dFiles). The first is read now to learn the dims. */
  static open(files: readonly string[]): Cars3dData {
    if (files.length === 0) throw new UserError('cars3d: no .mat files given');
    const first = readMatVariable(files[0], IMAGE_VARIABLE);
    if (first.className !== 'uint8' || first.dims.length !== 5) {
      throw new UserError(`${files[0]}: '${IMAGE_VARIABLE}' should be a 5-d uint8 array, found (${first.dims.join(', ')}) ${first.className}`);
    }
    return new Cars3dData(files, first.data as Uint8Array, first.dims);
  }

  private imagesOf(object: number): Uint8Array {
    let images = this.loaded.get(object);
    if (!images) {
      const file = this.files[object];
      const array = readMatVariable(file, IMAGE_VARIABLE);
      if (array.className !== 'uint8' || array.dims.join() !== this.imageDims.join()) {
        throw new UserError(`${file}: '${IMAGE_VARIABLE}' is (${array.dims.join(', ')}) ${array.className}, expected (${this.imageDims.join(', ')}) uint8`);
      }
      images = array.data as Uint8Array;
      this.loaded.set(object, images);
    }
    return images;
  }

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    factorsToIndex(this.factorSizes, factors); // throws RangeError for a factor outside its range
    const [elevation, azimuth, object] = [factors[0], factors[1], factors[2]];
    const images = this.imagesOf(object);
    const [height, width, channels, azimuths] = this.imageDims;
    // Column-major (h, w, c, azimuth, elevation): h fastest; the output is row-major HWC.
    const imageStart = height * width * channels * (azimuth + azimuths * elevation);
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) {
        for (let c = 0; c < channels; c++) {
          out[offset + (h * width + w) * channels + c] = images[imageStart + h + height * (w + width * c)] / 255;
        }
      }
    }
  }
}
