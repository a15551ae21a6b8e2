// MPI3D (datasets.md §6) from its original mpi3d_{toy,realistic,real}.npz (key `images`,
// (N, 64, 64, 3) uint8, C order over the factors below), or from that member extracted to a
// plain .npy file. The factor sizes follow the file, not a library: 1 036 800 images are the
// current 6-colour × 6-shape release, 460 800 the legacy 4 × 4 one (disentanglement_lib and disent
// v0.4.0 hard-code 4 × 4 even for current files, which would misindex them). Other variants
// (e.g. mpi3d_real_complex) pass their sizes explicitly.
//
// Rendering needs random access, so a deflated `images` member is refused with a hint: inflating
// 12.7 GB on every lookup is not workable, and an in-memory copy would not fit.
import { factorsToIndex, type GroundTruthData } from '../ground_truth.js';
import { UserError } from '../../util/errors.js';
import { openNpyFile, type NpyRows } from './npy.js';
import { openNpzArray } from './npz.js';

export const MPI3D_FACTOR_NAMES = [
  'object_color', 'object_shape', 'object_size', 'camera_height', 'background_color', 'horizontal_axis', 'vertical_axis',
] as const;
const CURRENT_FACTOR_SIZES = [6, 6, 2, 3, 3, 40, 40];
const LEGACY_FACTOR_SIZES = [4, 4, 2, 3, 3, 40, 40];

export interface Mpi3dOptions {
  /** Dataset name reported by the instance (default 'mpi3d'). */
  name?: string;
  /** Factor sizes for variants other than the current and legacy releases; must multiply to N. */
  factorSizes?: readonly number[];
}

export class Mpi3dData implements GroundTruthData {
  readonly name: string;
  readonly factorNames = MPI3D_FACTOR_NAMES;
  readonly factorSizes: readonly number[];
  readonly observationShape: readonly [number, number, number];
  private readonly rowScratch: Uint8Array;

  private constructor(private readonly images: NpyRows, factorSizes: readonly number[], name: string) {
    this.name = name;
    this.factorSizes = factorSizes;
    const [, height, width, channels] = images.header.shape;
    this.observationShape = [height, width, channels];
    this.rowScratch = new Uint8Array(images.rowBytes);
  }

  /** `path` is the .npz file, or an .npy file holding the `images` array. */
  static open(path: string, options: Mpi3dOptions = {}): Mpi3dData {
    const images = path.endsWith('.npy') ? openNpyFile(path) : openMemberWithRandomAccess(path);
    const { shape, dtype } = images.header;
    if (shape.length !== 4 || dtype !== 'u1') {
      throw new UserError(`${images.source}: expected (N, height, width, channels) uint8, found (${shape.join(', ')}) ${dtype}`);
    }
    const sizes = options.factorSizes ?? defaultFactorSizes(shape[0], images.source);
    const total = sizes.reduce((a, b) => a * b, 1);
    if (sizes.length !== MPI3D_FACTOR_NAMES.length || total !== shape[0]) {
      throw new UserError(`${images.source}: factor sizes (${sizes.join(', ')}) do not match ${shape[0]} images`);
    }
    return new Mpi3dData(images, sizes, options.name ?? 'mpi3d');
  }

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    this.images.readRows(factorsToIndex(this.factorSizes, factors), 1, this.rowScratch);
    for (let i = 0; i < this.rowScratch.length; i++) out[offset + i] = this.rowScratch[i] / 255;
  }
}

function openMemberWithRandomAccess(path: string): NpyRows {
  const images = openNpzArray(path, 'images');
  if (!images.randomAccess) {
    throw new UserError(
      `${images.source}: deflate-compressed members have no random access; extract it (unzip ${path} images.npy) and open the .npy file`,
    );
  }
  return images;
}

function defaultFactorSizes(numImages: number, source: string): readonly number[] {
  for (const sizes of [CURRENT_FACTOR_SIZES, LEGACY_FACTOR_SIZES]) {
    if (sizes.reduce((a, b) => a * b, 1) === numImages) return sizes;
  }
  throw new UserError(`${source}: ${numImages} images match neither MPI3D release (1036800 or 460800); pass factorSizes`);
}
