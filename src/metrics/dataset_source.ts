// A FactorCodeSource for a live model: factors drawn from a ground-truth dataset with the
// project's Rng, observations rendered on demand and encoded in bounded batches so that a
// 10000-point variance estimate never holds 10000 images at once.
import { renderBatch, sampleFactors, type GroundTruthData } from '../datasets/ground_truth.js';
import type { Rng } from '../util/random.js';
import type { FactorCodeSource } from './source.js';

export interface DatasetSourceOptions {
  data: GroundTruthData;
  /** Encoder means of `n` observations (NHWC float32, as `renderBatch` lays them out): row-major n x numCodes. */
  encode: (images: Float32Array, n: number) => Promise<Float64Array>;
  numCodes: number;
  rng: Rng;
  /** Most images rendered and encoded at once (default 64, the library's eval batch size). */
  batchSize?: number;
}

type Encoder = DatasetSourceOptions['encode'];

/** The batch size to encode with (default 64), after checking it and the code width. */
export function checkedBatchSize(batchSize: number | undefined, numCodes: number): number {
  const size = batchSize ?? 64;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batchSize must be a positive integer, got ${size}`);
  if (!Number.isInteger(numCodes) || numCodes < 1) throw new RangeError(`numCodes must be a positive integer, got ${numCodes}`);
  return size;
}

/** `encode`, refusing an output that is not count x numCodes values. */
export function checkedEncoder(encode: Encoder, numCodes: number): Encoder {
  return async (images, count) => {
    const codes = await encode(images, count);
    if (codes.length !== count * numCodes) {
      throw new Error(`the encoder returned ${codes.length} values for ${count} images; expected ${count} x ${numCodes}`);
    }
    return codes;
  };
}

export function datasetSource(options: DatasetSourceOptions): FactorCodeSource {
  const { data, numCodes, rng } = options;
  const batchSize = checkedBatchSize(options.batchSize, numCodes);
  const encode = checkedEncoder(options.encode, numCodes);
  const numFactors = data.factorSizes.length;

  return {
    factorSizes: data.factorSizes,
    numCodes,
    sampleFactors: (n) => sampleFactors(data.factorSizes, n, rng),
    randomIndex: (n) => rng.int(n),
    async representations(factors, n) {
      if (factors.length !== n * numFactors) {
        throw new RangeError(`expected ${n} x ${numFactors} factor indices, got ${factors.length} values`);
      }
      const out = new Float64Array(n * numCodes);
      for (let start = 0; start < n; start += batchSize) {
        const count = Math.min(batchSize, n - start);
        const images = renderBatch(data, factors.subarray(start * numFactors, (start + count) * numFactors), count);
        out.set(await encode(images, count), start * numCodes);
      }
      return out;
    },
  };
}
