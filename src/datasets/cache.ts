// The on-disk dataset cache (`disentangle data prepare NAME`). Format, in a directory
// <root>/<name>/:
//   manifest.json  {format: "disentangle-dataset-cache", version: 1, name, factor_names,
//                   factor_sizes, observation_shape: [H, W, C], count, encoding}
//   images.u8      every observation in C order of its factors (the originals' enumeration
//                  order), HWC. encoding "uint8": round(255 * v) per value, H * W * C bytes each;
//                  "bits", for binary datasets such as dSprites: one bit per value, most
//                  significant first, ceil(H * W * C / 8) bytes each (8x less to write).
// The directory is built under a temporary name and renamed when complete, so a half-written
// cache is never read. Rendering is split over worker threads, one per core.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../util/errors.js';
import { runInWorker } from '../util/in_worker.js';
import { encodingOf, storedSize, type Encoding } from './cache_writer.js';
import { factorsToIndex, numObservations, observationSize, type GroundTruthData } from './ground_truth.js';
import { createDataset } from './registry.js';

export const CACHE_FORMAT = 'disentangle-dataset-cache';
const CACHE_VERSION = 1;
const IMAGES_FILE = 'images.u8';
/** Fewest observations a worker is given at once. */
const CHUNK = 4096;

interface CacheManifest {
  format: typeof CACHE_FORMAT;
  version: number;
  name: string;
  factor_names: string[];
  factor_sizes: number[];
  observation_shape: [number, number, number];
  count: number;
  encoding: Encoding;
}

export function defaultCacheRoot(): string {
  return process.env.DISENTANGLE_CACHE ?? path.join(os.homedir(), '.cache', 'disentangle', 'datasets');
}

/** Renders every observation of `name` into the cache; returns the cache directory. */
export async function prepareCache(name: string, options: { root?: string; workers?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<string> {
  const data = createDataset(name, 'data prepare');
  const root = options.root ?? defaultCacheRoot();
  const target = path.join(root, name);
  if (fs.existsSync(path.join(target, 'manifest.json'))) return target;
  fs.mkdirSync(root, { recursive: true });
  const total = numObservations(data);
  const encoding = encodingOf(data);
  const size = storedSize(observationSize(data), encoding);
  const workers = Math.max(1, options.workers ?? os.availableParallelism());
  const manifest: CacheManifest = {
    format: CACHE_FORMAT, version: CACHE_VERSION, name: data.name,
    factor_names: [...data.factorNames], factor_sizes: [...data.factorSizes],
    observation_shape: [...data.observationShape], count: total, encoding,
  };
  // A module of its own, so each worker loads the renderers and not the original-file readers.
  const renderer = new URL('./cache_writer.js', import.meta.url);
  let done = 0;
  // Built beside the target and renamed once complete; a stale one from a killed run is discarded.
  const tmpTarget = `${target}.partial`;
  fs.rmSync(tmpTarget, { recursive: true, force: true });
  fs.mkdirSync(tmpTarget, { recursive: true });
  const file = path.join(tmpTarget, IMAGES_FILE);
  fs.closeSync(fs.openSync(file, 'w'));
  fs.truncateSync(file, total * size);
  // A few slices per worker: enough to report progress, few enough that starting a worker
  // (loading tsx and the renderers) stays a small part of the time.
  const slice = Math.max(CHUNK, Math.ceil(total / (workers * 4)));
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
  readonly binary: boolean;
  private readonly fd: number;
  private readonly size: number;
  private readonly stored: number;
  private readonly buffer: Uint8Array;

  constructor(readonly dir: string) {
    const manifestFile = path.join(dir, 'manifest.json');
    let manifest: CacheManifest;
    try {
      manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as CacheManifest;
    } catch (e) {
      throw new UserError(`${manifestFile}: cannot read the dataset cache manifest (${(e as Error).message.split('\n')[0]})`);
    }
    if (manifest.format !== CACHE_FORMAT || manifest.version !== CACHE_VERSION || !['uint8', 'bits'].includes(manifest.encoding)) {
      throw new UserError(`${manifestFile}: not a version ${CACHE_VERSION} disentangle dataset cache`);
    }
    this.name = manifest.name;
    this.factorNames = manifest.factor_names;
    this.factorSizes = manifest.factor_sizes;
    this.observationShape = manifest.observation_shape;
    this.binary = manifest.encoding === 'bits';
    this.size = observationSize(this);
    this.stored = storedSize(this.size, manifest.encoding);
    const images = path.join(dir, IMAGES_FILE);
    const expected = manifest.count * this.stored;
    const actual = fs.existsSync(images) ? fs.statSync(images).size : -1;
    if (actual !== expected) throw new UserError(`${images}: ${actual < 0 ? 'missing' : `${actual} bytes`}, the manifest needs ${expected}`);
    this.fd = fs.openSync(images, 'r');
    this.buffer = new Uint8Array(this.stored);
  }

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    const index = factorsToIndex(this.factorSizes, factors);
    fs.readSync(this.fd, this.buffer, 0, this.stored, index * this.stored);
    if (this.binary) {
      for (let i = 0; i < this.size; i++) out[offset + i] = (this.buffer[i >> 3] >> (7 - (i & 7))) & 1;
    } else {
      for (let i = 0; i < this.size; i++) out[offset + i] = this.buffer[i] / 255;
    }
  }
}
