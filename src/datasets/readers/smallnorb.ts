// SmallNORB (datasets.md §5) from its original files, smallnorb-…-{training,testing}-{dat,cat,info}.mat
// (gzipped or not). The "binary matrix" format is written by hand because no npm package reads
// it: an int32 LE magic naming the element type, int32 ndim, max(3, ndim) int32 dims (only the
// first ndim meaningful), then the elements in row-major order.
//
// Two library conventions are offered:
// * 'disent' (SmallNorbData): the training triplet only; 5 factors (category, instance, elevation,
//   rotation = azimuth/2, lighting); rows ordered lexicographically by those factors, so factor
//   index i is the i-th row after sorting. Instance index k is the k-th smallest instance id in
//   the file (training ids {4, 6, 7, 8, 9} → 0..4).
// * 'disentanglement_lib': train and test triplets together; 4 latent factors (category,
//   elevation, rotation, lighting); the instance (10 ids) is hidden and drawn uniformly from the
//   given Rng each time an observation is rendered.
// Images are camera 0 of each stereo pair, 96×96×1, divided by 255; resizing to 64×64 is left to
// the caller.
import { gunzipSync } from 'fflate';
import { factorsToIndex, type GroundTruthData } from '../ground_truth.js';
import { UserError } from '../../util/errors.js';
import type { Rng } from '../../util/random.js';
import { readWholeFile } from './whole_file.js';

const ELEMENT_TYPES = {
  0x1e3d4c55: { name: 'uint8', bytes: 1 },
  0x1e3d4c54: { name: 'int32', bytes: 4 },
  0x1e3d4c56: { name: 'int16', bytes: 2 },
  0x1e3d4c51: { name: 'float32', bytes: 4 },
  0x1e3d4c53: { name: 'float64', bytes: 8 },
} as const;
type ElementTypeName = (typeof ELEMENT_TYPES)[keyof typeof ELEMENT_TYPES]['name'];
const GZIP_MAGIC = [0x1f, 0x8b];
const MIN_DIMS = 3;
const INFO_COLUMNS = 4; // instance, elevation, azimuth, lighting

export interface NorbMatrix {
  type: ElementTypeName;
  dims: number[];
  /** Element bytes, row-major, little-endian. */
  data: Uint8Array;
}

/** Reads one SmallNORB binary matrix file, gunzipping it first when it is gzipped. */
export function readNorbMatrix(path: string): NorbMatrix {
  let bytes = readWholeFile(path);
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new UserError(`${path}: corrupt or truncated gzip data (${(e as Error).message})`);
    }
  }
  if (bytes.length < 8) throw new UserError(`${path}: truncated SmallNORB header (${bytes.length} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = dv.getUint32(0, true);
  if (!Object.hasOwn(ELEMENT_TYPES, magic)) {
    throw new UserError(`${path}: not a SmallNORB matrix (bad magic 0x${magic.toString(16)})`);
  }
  const type = ELEMENT_TYPES[magic as keyof typeof ELEMENT_TYPES];
  const ndim = dv.getInt32(4, true);
  if (!(ndim >= 1 && ndim <= 16)) throw new UserError(`${path}: bad SmallNORB ndim ${ndim}`);
  const headerBytes = 8 + 4 * Math.max(MIN_DIMS, ndim);
  if (bytes.length < headerBytes) throw new UserError(`${path}: truncated SmallNORB header (${bytes.length} bytes)`);
  const dims = Array.from({ length: ndim }, (_, i) => dv.getInt32(8 + 4 * i, true));
  if (dims.some((d) => d < 0)) throw new UserError(`${path}: negative SmallNORB dims (${dims.join(', ')})`);
  const dataBytes = dims.reduce((a, b) => a * b, 1) * type.bytes;
  if (bytes.length - headerBytes !== dataBytes) {
    throw new UserError(
      `${path}: dims (${dims.join(', ')}) ${type.name} need ${dataBytes} data bytes, found ${bytes.length - headerBytes}`,
    );
  }
  return { type: type.name, dims, data: bytes.subarray(headerBytes) };
}

export interface SmallNorbFiles {
  dat: string;
  cat: string;
  info: string;
}

/** One triplet's camera-0 images and per-row factor values (category, instance, elevation, azimuth/2, lighting). */
interface NorbRows {
  images: Uint8Array;
  imageSize: [number, number];
  /** Byte distance between consecutive rows' camera-0 images (2 cameras per row). */
  rowStride: number;
  factors: Int32Array;
  rows: number;
}

function expectType(matrix: NorbMatrix, type: ElementTypeName, ndim: number, path: string): void {
  if (matrix.type !== type || matrix.dims.length !== ndim) {
    throw new UserError(`${path}: expected a ${ndim}-d ${type} matrix, found (${matrix.dims.join(', ')}) ${matrix.type}`);
  }
}

function readTriplet(files: SmallNorbFiles): NorbRows {
  const dat = readNorbMatrix(files.dat);
  const cat = readNorbMatrix(files.cat);
  const info = readNorbMatrix(files.info);
  expectType(dat, 'uint8', 4, files.dat);
  expectType(cat, 'int32', 1, files.cat);
  expectType(info, 'int32', 2, files.info);
  const [rows, cameras, height, width] = dat.dims;
  if (cat.dims[0] !== rows || info.dims[0] !== rows || info.dims[1] !== INFO_COLUMNS || cameras < 1) {
    throw new UserError(
      `${files.dat}: shape mismatch between dat (${dat.dims.join(', ')}), cat (${cat.dims.join(', ')}) and info (${info.dims.join(', ')})`,
    );
  }
  const categories = new Int32Array(cat.data.buffer.slice(cat.data.byteOffset, cat.data.byteOffset + cat.data.byteLength));
  const infoValues = new Int32Array(info.data.buffer.slice(info.data.byteOffset, info.data.byteOffset + info.data.byteLength));
  const factors = new Int32Array(rows * 5);
  for (let r = 0; r < rows; r++) {
    const azimuth = infoValues[r * 4 + 2];
    if (azimuth % 2 !== 0) throw new UserError(`${files.info}: row ${r} has odd azimuth ${azimuth}; SmallNORB azimuths are 0, 2, …, 34`);
    factors.set([categories[r], infoValues[r * 4], infoValues[r * 4 + 1], azimuth / 2, infoValues[r * 4 + 3]], r * 5);
  }
  return { images: dat.data, imageSize: [height, width], rowStride: cameras * height * width, factors, rows };
}

export type SmallNorbConvention = 'disent' | 'disentanglement_lib';

export interface SmallNorbOptions {
  convention: SmallNorbConvention;
  /** Draws the hidden instance under 'disentanglement_lib'; required there. */
  rng?: Rng;
}

const FULL_FACTOR_NAMES = ['category', 'instance', 'elevation', 'rotation', 'lighting'];
const INSTANCE_FACTOR = 1;

export class SmallNorbData implements GroundTruthData {
  readonly name = 'smallnorb';
  readonly factorNames: readonly string[];
  readonly factorSizes: readonly number[];
  readonly observationShape: readonly [number, number, number];
  /** Sizes of all five factors, instance included, over which `imageOffsets` is indexed. */
  private readonly fullSizes: readonly number[];
  private readonly fullFactors = new Int32Array(5);

  private constructor(
    private readonly convention: SmallNorbConvention,
    fullSizes: number[],
    /** images[k] / offsets[k]: where the image of full C-order index k lies. */
    private readonly sources: Uint8Array[],
    private readonly offsets: Float64Array,
    imageSize: [number, number],
    private readonly rng: Rng | undefined,
  ) {
    this.fullSizes = fullSizes;
    const latent = convention === 'disent' ? [0, 1, 2, 3, 4] : [0, 2, 3, 4];
    this.factorNames = latent.map((i) => FULL_FACTOR_NAMES[i]);
    this.factorSizes = latent.map((i) => fullSizes[i]);
    this.observationShape = [imageSize[0], imageSize[1], 1];
  }

  /** Under 'disent' give the training triplet only; under 'disentanglement_lib' the training and testing triplets. */
  static open(triplets: readonly SmallNorbFiles[], options: SmallNorbOptions): SmallNorbData {
    const where = triplets[0]?.dat ?? 'smallnorb';
    if (options.convention === 'disent' && triplets.length !== 1) {
      throw new UserError(`${where}: the disent convention uses the training files only (got ${triplets.length} triplets)`);
    }
    if (options.convention === 'disentanglement_lib' && !options.rng) {
      throw new UserError(`${where}: the disentanglement_lib convention needs an rng for the hidden instance factor`);
    }
    const parts = triplets.map(readTriplet);
    const imageSize = parts[0].imageSize;
    if (parts.some((p) => p.imageSize[0] !== imageSize[0] || p.imageSize[1] !== imageSize[1])) {
      throw new UserError(`${where}: the triplets have different image sizes`);
    }
    const instanceIds = [...new Set(parts.flatMap((p) => Array.from({ length: p.rows }, (_, r) => p.factors[r * 5 + INSTANCE_FACTOR])))].sort((a, b) => a - b);
    const instanceRank = new Map(instanceIds.map((id, rank) => [id, rank]));
    const fullSizes = [0, 1, 2, 3, 4].map((f) =>
      f === INSTANCE_FACTOR ? instanceIds.length : 1 + Math.max(...parts.map((p) => maxOfColumn(p.factors, f))),
    );
    const total = fullSizes.reduce((a, b) => a * b, 1);
    const rows = parts.reduce((a, p) => a + p.rows, 0);
    if (rows !== total) {
      throw new UserError(`${where}: ${rows} rows do not form the full factor grid (${fullSizes.join(', ')}) = ${total}`);
    }
    const sources = new Array<Uint8Array>(total);
    const offsets = new Float64Array(total).fill(-1);
    const vector = new Int32Array(5);
    for (const [t, part] of parts.entries()) {
      for (let r = 0; r < part.rows; r++) {
        vector.set(part.factors.subarray(r * 5, r * 5 + 5));
        if (vector.some((v) => v < 0)) throw new UserError(`${triplets[t].info}: row ${r} has a negative factor value`);
        vector[INSTANCE_FACTOR] = instanceRank.get(vector[INSTANCE_FACTOR]) ?? -1;
        const index = factorsToIndex(fullSizes, vector);
        if (offsets[index] >= 0) {
          throw new UserError(`${triplets[t].info}: row ${r} repeats factors (${Array.from(part.factors.subarray(r * 5, r * 5 + 5)).join(', ')})`);
        }
        sources[index] = part.images;
        offsets[index] = r * part.rowStride;
      }
    }
    return new SmallNorbData(options.convention, fullSizes, sources, offsets, imageSize, options.rng);
  }

  /** Number of instances (hidden under 'disentanglement_lib', the second factor under 'disent'). */
  get instanceCount(): number {
    return this.fullSizes[INSTANCE_FACTOR];
  }

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    factorsToIndex(this.factorSizes, factors); // throws RangeError for a factor outside its range
    const full = this.fullFactors;
    if (this.convention === 'disent') {
      for (let i = 0; i < 5; i++) full[i] = factors[i];
    } else {
      const rng = this.rng as Rng; // open() requires it under this convention
      full.set([factors[0], rng.int(this.instanceCount), factors[1], factors[2], factors[3]]);
    }
    const index = factorsToIndex(this.fullSizes, full);
    const source = this.sources[index];
    const start = this.offsets[index];
    const pixels = this.observationShape[0] * this.observationShape[1];
    for (let p = 0; p < pixels; p++) out[offset + p] = source[start + p] / 255;
  }
}

function maxOfColumn(values: Int32Array, column: number): number {
  let max = -1;
  for (let i = column; i < values.length; i += 5) max = Math.max(max, values[i]);
  return max;
}
