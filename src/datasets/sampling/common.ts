// Shared pieces of the pair/triplet samplers: anchors from dataset indices, random factor subsets
// in numpy's `choice(F, n, replace=False)` sense, and disent's range normalisation.
import { factorsToIndex, indexToFactors } from '../ground_truth.js';
import type { Rng } from '../../util/random.js';

/** One sampled element: its C-order dataset index and its factor vector. */
export interface SampledElement {
  readonly index: number;
  readonly factors: Int32Array;
}

export function numCombinations(sizes: readonly number[]): number {
  return sizes.reduce((a, b) => a * b, 1);
}

export function elementFromFactors(sizes: readonly number[], factors: Int32Array): SampledElement {
  return { index: factorsToIndex(sizes, factors), factors };
}

/**
 * The anchor of a disent sampler is the index the data loader asked for; callers that have no
 * loader can leave it out and get a uniformly random one.
 */
export function resolveAnchor(sizes: readonly number[], rng: Rng, anchorIndex?: number): SampledElement {
  const index = anchorIndex ?? rng.int(numCombinations(sizes));
  return { index, factors: indexToFactors(sizes, index) };
}

/**
 * `count` distinct factor indices in random order (the order matters: dlib labels a pair with the
 * last one, and disent's shared negative set is a prefix of the positive one).
 */
export function randomFactorSubset(numFactors: number, count: number, rng: Rng): number[] {
  if (!Number.isInteger(count) || count < 0 || count > numFactors) {
    throw new RangeError(`cannot choose ${count} distinct factors out of ${numFactors}`);
  }
  const order = Array.from({ length: numFactors }, (_, i) => i);
  return rng.shuffle(order).slice(0, count);
}

/** Uniform integer in the closed range [min, max]. */
export function uniformInclusive(min: number, max: number, rng: Rng, what: string): number {
  if (min > max) throw new RangeError(`${what}: empty range [${min}, ${max}]`);
  return min + rng.int(max - min + 1);
}

/** disent's closed range with negative bounds counted from the end: b < 0 means b + max + 1. */
export type ClosedRange = readonly [number, number];

export function normaliseRange(range: ClosedRange, max: number, what: string): [number, number] {
  const [low, high] = range.map((bound) => {
    if (!Number.isInteger(bound)) throw new RangeError(`${what}: bound ${bound} is not an integer`);
    return bound < 0 ? bound + max + 1 : bound;
  });
  if (!(0 <= low && low <= high && high <= max)) {
    throw new RangeError(`${what}: range [${range[0]}, ${range[1]}] is not inside [0, ${max}] (normalised to [${low}, ${high}])`);
  }
  return [low, high];
}
