// What the MSc metrics (nmichlo/msc-research: linearity / axis-alignment ratios, ground-truth
// distance correlation, flatness; metrics spec §7, msc_research spec §8) query: the codes, and for
// the data distances the observations, of factor vectors they choose themselves, mostly
// traversals that sweep one factor over all its values with the others held at a random base.
// Traversals and every other draw come from the caller's Rng.
import { renderBatch, sampleFactors, type GroundTruthData } from '../datasets/ground_truth.js';
import type { Rng } from '../util/random.js';
import { checkedBatchSize, checkedEncoder } from './dataset_source.js';

/** A representation over a factor grid. `FactorCodeSource` (a dataset + encoder, or a lookup table) is one. */
export interface TraversalSubject {
  readonly factorSizes: readonly number[];
  /** Number of code dimensions D. */
  readonly numCodes: number;
  /** Codes (the encoder mean) of one observation per factor vector (indices, row-major n x K): row-major n x D. */
  representations(factors: Int32Array, n: number): Promise<Float64Array>;
}

export interface ObservedBatch {
  /** Row-major n x D codes. */
  codes: Float64Array;
  /** Row-major n x observationSize: the observations exactly as the encoder read them. */
  observations: Float32Array;
}

/** A subject that can also show the observations, which the data distances compare. */
export interface ObservedSubject extends TraversalSubject {
  /** Values per observation (height x width x channels for images). */
  readonly observationSize: number;
  observe(factors: Int32Array, n: number): Promise<ObservedBatch>;
}

export interface DatasetSubjectOptions {
  data: GroundTruthData;
  /** Encoder means of `n` observations (NHWC float32, as `renderBatch` lays them out): row-major n x numCodes. */
  encode: (images: Float32Array, n: number) => Promise<Float64Array>;
  numCodes: number;
  /** Most images rendered and encoded at once (default 64, the MSc metrics' batch size); never changes results. */
  batchSize?: number;
}

/** A ground-truth dataset and an encoder as an ObservedSubject: observations rendered on demand, encoded in batches. */
export function datasetSubject(options: DatasetSubjectOptions): ObservedSubject {
  const { data, numCodes } = options;
  const batchSize = checkedBatchSize(options.batchSize, numCodes);
  const encode = checkedEncoder(options.encode, numCodes);
  const numFactors = data.factorSizes.length;
  const [height, width, channels] = data.observationShape;
  const observationSize = height * width * channels;

  const observe = async (factors: Int32Array, n: number): Promise<ObservedBatch> => {
    if (factors.length !== n * numFactors) throw new RangeError(`expected ${n} x ${numFactors} factor indices, got ${factors.length} values`);
    const observations = renderBatch(data, factors, n);
    const codes = new Float64Array(n * numCodes);
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      codes.set(await encode(observations.subarray(start * observationSize, (start + count) * observationSize), count), start * numCodes);
    }
    return { codes, observations };
  };

  return {
    factorSizes: data.factorSizes,
    numCodes,
    observationSize,
    observe,
    representations: async (factors, n) => (await observe(factors, n)).codes,
  };
}

/**
 * `count` traversals along factor `factorIndex` (disent's `sample_random_factor_traversal`,
 * interval mode), one after another: for each, one base vector with every factor uniform,
 * repeated `size` times with the traversed factor set to 0, 1, ..., size - 1. Row-major
 * (count * size) x K.
 */
export function sampleFactorTraversals(factorSizes: readonly number[], factorIndex: number, count: number, rng: Rng): Int32Array {
  const size = factorSizes[factorIndex];
  if (size === undefined) throw new RangeError(`factor ${factorIndex} does not exist (there are ${factorSizes.length})`);
  const numFactors = factorSizes.length;
  const bases = sampleFactors(factorSizes, count, rng);
  const traversals = new Int32Array(count * size * numFactors);
  for (let t = 0; t < count; t++) {
    const base = bases.subarray(t * numFactors, (t + 1) * numFactors);
    for (let position = 0; position < size; position++) {
      const row = (t * size + position) * numFactors;
      traversals.set(base, row);
      traversals[row + factorIndex] = position;
    }
  }
  return traversals;
}

/**
 * How many traversals of `size` points one request to the subject carries: as many as fit in
 * `batchSize` observations, at least one. Grouping only changes how the encoder is called, never
 * the values: the metrics draw traversal bases from one stream and everything else (triplets)
 * from another, so each stream yields the same draws in the same order for any grouping.
 */
export function traversalsPerRequest(size: number, batchSize: number): number {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  return Math.max(1, Math.floor(batchSize / size));
}

/**
 * disent's aggregation over factors (`_filtered_mean` with p = 'geometric'): exp(mean(log x)) in
 * float64 over the factors with more than one value, rounded to float32 as disent reports it. A
 * negative value gives NaN and a zero gives 0, as in the original; no eligible factor gives NaN.
 */
export function geometricMeanOverFactors(values: readonly number[], factorSizes: readonly number[]): number {
  let logSum = 0;
  let count = 0;
  values.forEach((value, f) => {
    if (factorSizes[f] <= 1) return;
    logSum += Math.log(value);
    count++;
  });
  return Math.fround(Math.exp(logSum / count));
}

/** Validates what every traversal metric relies on: a positive repeat count and positive integer factor sizes. */
export function checkTraversalInputs(subject: TraversalSubject, repeats: number): void {
  if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError(`repeats must be a positive integer, got ${repeats}`);
  if (subject.factorSizes.length === 0) throw new Error('the MSc metrics need at least one factor');
  for (const size of subject.factorSizes) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`factor sizes must be positive integers, got ${subject.factorSizes.join(', ')}`);
  }
}
