// The on-disk dataset cache (`disentangle data prepare NAME`). Format, in a directory
// <root>/<name>/:
//   manifest.json  {format: "disentangle-dataset-cache", version: 1, name, factor_names,
//                   factor_sizes, observation_shape: [H, W, C], count, encoding: "uint8"}
//   images.u8      count * H * W * C bytes: every observation in C order of its factors (the
//                  originals' enumeration order), pixel values round(255 * v), HWC.
// The directory is built under a temporary name and renamed when complete, so a half-written
// cache is never read. Rendering is split over worker threads, one per core.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../util/errors.js';
import { runInWorker } from '../util/in_worker.js';
import { factorsToIndex, indexToFactors, numObservations, observationSize, type GroundTruthData } from './ground_truth.js';
import { openOriginalFile, originalFileReaders } from './original_files.js';
import { createDataset, datasetNames, type DatasetOptions } from './registry.js';

export const CACHE_FORMAT = 'disentangle-dataset-cache';
const CACHE_VERSION = 1;
const IMAGES_FILE = 'images.u8';
/** Observations rendered per chunk before they are written out. */
const CHUNK = 4096;

interface CacheManifest {
  format: typeof CACHE_FORMAT;
  version: number;
  name: string;
  factor_names: string[];
  factor_sizes: number[];
  observation_shape: [number, number, number];
  count: number;
  encoding: 'uint8';
}

export function defaultCacheRoot(): string {
  return process.env.DISENTANGLE_CACHE ?? path.join(os.homedir(), '.cache', 'disentangle', 'datasets');
}

/**
 * Renders observations [start, end) of dataset `name` into `file` at their offsets (the file
 * exists and has its full size). Runs inside a worker thread.
 */
export function renderRangeToFile(name: string, file: string, start: number, end: number): number {
  const data = createDataset(name);
  const size = observationSize(data);
  const floats = new Float32Array(CHUNK * size);
  const bytes = new Uint8Array(CHUNK * size);
  const fd = fs.openSync(file, 'r+');
  try {
    for (let first = start; first < end; first += CHUNK) {
      const count = Math.min(CHUNK, end - first);
      for (let i = 0; i < count; i++) data.render(indexToFactors(data.factorSizes, first + i), floats, i * size);
      for (let i = 0; i < count * size; i++) bytes[i] = Math.round(255 * Math.min(1, Math.max(0, floats[i])));
      fs.writeSync(fd, bytes, 0, count * size, first * size);
    }
  } finally {
    fs.closeSync(fd);
  }
  return end - start;
}

/** Renders every observation of `name` into the cache; returns the cache directory. */
export async function prepareCache(name: string, options: { root?: string; workers?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<string> {
  const data = createDataset(name, 'data prepare');
  const root = options.root ?? defaultCacheRoot();
  const target = path.join(root, name);
  if (fs.existsSync(path.join(target, 'manifest.json'))) return target;
  fs.mkdirSync(root, { recursive: true });
  const total = numObservations(data);
  const size = observationSize(data);
  const workers = Math.max(1, options.workers ?? os.availableParallelism());
  const manifest: CacheManifest = {
    format: CACHE_FORMAT, version: CACHE_VERSION, name: data.name,
    factor_names: [...data.factorNames], factor_sizes: [...data.factorSizes],
    observation_shape: [...data.observationShape], count: total, encoding: 'uint8',
  };
  const renderer = new URL('./cache.js', import.meta.url);
  let done = 0;
  // Built beside the target and renamed once complete; a stale one from a killed run is discarded.
  const tmpTarget = `${target}.partial`;
  fs.rmSync(tmpTarget, { recursive: true, force: true });
  fs.mkdirSync(tmpTarget, { recursive: true });
  const file = path.join(tmpTarget, IMAGES_FILE);
  fs.closeSync(fs.openSync(file, 'w'));
  fs.truncateSync(file, total * size);
  // Slices small enough to report progress, handed to the workers in turn.
  const slice = Math.max(CHUNK, Math.ceil(total / (workers * 16)));
  const queue: Array<[number, number]> = [];
  for (let s = 0; s < total; s += slice) queue.push([s, Math.min(total, s + slice)]);
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      done += await runInWorker<number>(renderer, 'renderRangeToFile', [name, file, next[0], next[1]]);
      options.onProgress?.(done, total);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  fs.writeFileSync(path.join(tmpTarget, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  fs.renameSync(tmpTarget, target);
  return target;
}

/** A prepared cache as a GroundTruthData: observations are read from disk, not rendered. */
export class CachedData implements GroundTruthData {
  readonly name: string;
  readonly factorNames: readonly string[];
  readonly factorSizes: readonly number[];
  readonly observationShape: readonly [number, number, number];
  private readonly fd: number;
  private readonly size: number;
  private readonly buffer: Uint8Array;

  constructor(readonly dir: string) {
    const manifestFile = path.join(dir, 'manifest.json');
    let manifest: CacheManifest;
    try {
      manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as CacheManifest;
    } catch (e) {
      throw new UserError(`${manifestFile}: cannot read the dataset cache manifest (${(e as Error).message.split('\n')[0]})`);
    }
    if (manifest.format !== CACHE_FORMAT || manifest.version !== CACHE_VERSION || manifest.encoding !== 'uint8') {
      throw new UserError(`${manifestFile}: not a version ${CACHE_VERSION} disentangle dataset cache`);
    }
    this.name = manifest.name;
    this.factorNames = manifest.factor_names;
    this.factorSizes = manifest.factor_sizes;
    this.observationShape = manifest.observation_shape;
    this.size = observationSize(this);
    const images = path.join(dir, IMAGES_FILE);
    const expected = manifest.count * this.size;
    const actual = fs.existsSync(images) ? fs.statSync(images).size : -1;
    if (actual !== expected) throw new UserError(`${images}: ${actual < 0 ? 'missing' : `${actual} bytes`}, the manifest needs ${expected}`);
    this.fd = fs.openSync(images, 'r');
    this.buffer = new Uint8Array(this.size);
  }

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    const index = factorsToIndex(this.factorSizes, factors);
    fs.readSync(this.fd, this.buffer, 0, this.size, index * this.size);
    for (let i = 0; i < this.size; i++) out[offset + i] = this.buffer[i] / 255;
  }
}

/**
 * The dataset `name`: read from the original file at `options.path` when given, else its
 * prepared cache when there is one, else rendered on demand.
 */
export async function openDataset(name: string, where?: string, options: DatasetOptions & { path?: string } = {},
  root = defaultCacheRoot()): Promise<GroundTruthData> {
  if (options.path) return openOriginalFile(name, options.path, where);
  if (!datasetNames().includes(name) && originalFileReaders().includes(name)) {
    throw new UserError(`${where ? `${where}: ` : ''}dataset '${name}' is read from its original file: set dataset.path`);
  }
  const cached = path.join(root, name);
  if (fs.existsSync(path.join(cached, 'manifest.json'))) return new CachedData(cached);
  return createDataset(name, where, options);
}
