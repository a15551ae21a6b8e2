// disent's ground-truth samplers: single and random tuples, factor traversals, and the
// GroundTruthPairSampler / GroundTruthTripleSampler that keep a random set of factors equal to
// the anchor and move the others by a bounded radius.
import { sampleFactors } from '../ground_truth.js';
import type { Rng } from '../../util/random.js';
import {
  elementFromFactors,
  normaliseRange,
  numCombinations,
  randomFactorSubset,
  resolveAnchor,
  uniformInclusive,
  type ClosedRange,
  type SampledElement,
} from './common.js';
import { compareFactorDistances, type FactorMetric } from './factor_distance.js';
import { sampleRadius } from './radius.js';

/** disent `SingleSampler` / `GroundTruthSingleSampler`: just the anchor. */
export function singleSampler(sizes: readonly number[], rng: Rng, anchorIndex?: number): [number] {
  return [resolveAnchor(sizes, rng, anchorIndex).index];
}

/** disent `RandomSampler(n)`: the anchor and n - 1 independent uniform dataset indices. */
export function randomSampler(sizes: readonly number[], numSamples: number, rng: Rng, anchorIndex?: number): number[] {
  if (!Number.isInteger(numSamples) || numSamples < 1) throw new RangeError(`numSamples must be >= 1, got ${numSamples}`);
  const total = numCombinations(sizes);
  const out = [resolveAnchor(sizes, rng, anchorIndex).index];
  for (let i = 1; i < numSamples; i++) out.push(rng.int(total));
  return out;
}

/** One random base vector repeated size_f times with factor `factor` stepping through 0..size_f-1. */
export function sampleRandomFactorTraversal(sizes: readonly number[], factor: number, rng: Rng): Int32Array[] {
  if (!Number.isInteger(factor) || factor < 0 || factor >= sizes.length) {
    throw new RangeError(`factor ${factor} is not in 0..${sizes.length - 1}`);
  }
  const base = sampleFactors(sizes, 1, rng);
  return Array.from({ length: sizes[factor] }, (_, value) => {
    const step = base.slice();
    step[factor] = value;
    return step;
  });
}

/**
 * Returns `anchor` with every factor outside `shared` moved by sampleRadius(r_low, r_high) for
 * that factor. Only the moved factors are drawn, so a one-valued factor that stays shared cannot
 * make an unsatisfiable radius band throw.
 */
function moveUnsharedFactors(
  sizes: readonly number[],
  anchor: Int32Array,
  shared: ReadonlySet<number>,
  radiusBand: (factor: number) => [number, number],
  rng: Rng,
): Int32Array {
  const out = anchor.slice();
  for (let i = 0; i < sizes.length; i++) {
    if (shared.has(i)) continue;
    const [rLow, rHigh] = radiusBand(i);
    out[i] = sampleRadius(anchor[i], 0, sizes[i], rLow, rHigh, rng);
  }
  return out;
}

function normaliseRadiusRanges(sizes: readonly number[], range: ClosedRange, what: string): [number, number][] {
  return sizes.map((size, i) => normaliseRange(range, size, `${what} (factor ${i})`));
}

export interface PairSamplerOptions {
  /** How many factors may differ from the anchor; default [1, -1] = 1..F. */
  readonly pKRange?: ClosedRange;
  /** Distance of each differing factor from the anchor; default [1, -1] = 1..size_i. */
  readonly pRadiusRange?: ClosedRange;
}

/** disent `GroundTruthPairSampler`: the anchor and a positive sharing F - p_k of its factors. */
export function pairSampler(
  sizes: readonly number[],
  rng: Rng,
  options: PairSamplerOptions = {},
  anchorIndex?: number,
): [SampledElement, SampledElement] {
  const numFactors = sizes.length;
  const [kMin, kMax] = normaliseRange(options.pKRange ?? [1, -1], numFactors, 'pKRange');
  const radii = normaliseRadiusRanges(sizes, options.pRadiusRange ?? [1, -1], 'pRadiusRange');
  const anchor = resolveAnchor(sizes, rng, anchorIndex);

  const pK = uniformInclusive(kMin, kMax, rng, 'pKRange');
  const shared = new Set(randomFactorSubset(numFactors, numFactors - pK, rng));
  const positive = moveUnsharedFactors(sizes, anchor.factors, shared, (i) => [radii[i][0], radii[i][1] + 1], rng);
  return [anchor, elementFromFactors(sizes, positive)];
}

/**
 * How the negative's k or radius relates to the positive's: `offset` adds to it, `bounded_below`
 * never goes below it, `random` ignores it.
 */
export type NegativeSampleMode = 'offset' | 'bounded_below' | 'random';

/** disent's swap metrics; `k` counts differing factors (fewer differing = more equal = closer). */
export type TripleSwapMetric = 'k' | 'manhattan' | 'manhattan_norm' | 'euclidean' | 'euclidean_norm';

const SWAP_METRIC_TO_FACTOR_METRIC: Record<TripleSwapMetric, FactorMetric> = {
  k: 'factors',
  manhattan: 'manhattan',
  manhattan_norm: 'manhattan_scaled',
  euclidean: 'euclidean',
  euclidean_norm: 'euclidean_scaled',
};

export interface TripleSamplerOptions {
  /** Default [0, -1] = 0..F. */
  readonly pKRange?: ClosedRange;
  /** Default [0, -1] = 0..F. */
  readonly nKRange?: ClosedRange;
  /** Default 'bounded_below'. */
  readonly nKSampleMode?: NegativeSampleMode;
  /** The negative's shared factors are a prefix of the positive's; default true. */
  readonly nKIsShared?: boolean;
  /** Default [0, -1] = 0..size_i. */
  readonly pRadiusRange?: ClosedRange;
  /** Default [0, -1] = 0..size_i. */
  readonly nRadiusRange?: ClosedRange;
  /** Default 'bounded_below'. */
  readonly nRadiusSampleMode?: NegativeSampleMode;
  /** Swap positive and negative when the negative is strictly closer; default none. */
  readonly swapMetric?: TripleSwapMetric | null;
  /** Then swap them with this probability; default none. */
  readonly swapChance?: number | null;
}

function drawNegativeK(mode: NegativeSampleMode, pK: number, nMin: number, nMax: number, numFactors: number, rng: Rng): number {
  switch (mode) {
    case 'offset':
      return uniformInclusive(pK + nMin, Math.min(pK + nMax, numFactors), rng, 'nKRange (offset)');
    case 'bounded_below':
      return uniformInclusive(Math.max(pK, nMin), nMax, rng, 'nKRange (bounded_below)');
    case 'random':
      return uniformInclusive(nMin, nMax, rng, 'nKRange (random)');
  }
}

/** The half-open [r_low, r_high) band of the negative's distance for one factor. */
function negativeRadiusBand(mode: NegativeSampleMode, positiveDistance: number, nMin: number, nMax: number): [number, number] {
  switch (mode) {
    case 'offset':
      return [positiveDistance + nMin, positiveDistance + nMax + 1];
    case 'bounded_below':
      return [Math.max(positiveDistance, nMin), nMax + 1];
    case 'random':
      return [nMin, nMax + 1];
  }
}

/** disent `GroundTruthTripleSampler`: (anchor, positive, negative) with the defaults of its signature. */
export function tripleSampler(
  sizes: readonly number[],
  rng: Rng,
  options: TripleSamplerOptions = {},
  anchorIndex?: number,
): [SampledElement, SampledElement, SampledElement] {
  const numFactors = sizes.length;
  const [pKMin, pKMax] = normaliseRange(options.pKRange ?? [0, -1], numFactors, 'pKRange');
  const [nKMin, nKMax] = normaliseRange(options.nKRange ?? [0, -1], numFactors, 'nKRange');
  const pRadii = normaliseRadiusRanges(sizes, options.pRadiusRange ?? [0, -1], 'pRadiusRange');
  const nRadii = normaliseRadiusRanges(sizes, options.nRadiusRange ?? [0, -1], 'nRadiusRange');
  const nKMode = options.nKSampleMode ?? 'bounded_below';
  const nRadiusMode = options.nRadiusSampleMode ?? 'bounded_below';
  const swapChance = options.swapChance ?? 0;
  if (!(swapChance >= 0 && swapChance <= 1)) throw new RangeError(`swapChance must be in [0, 1], got ${swapChance}`);
  const anchor = resolveAnchor(sizes, rng, anchorIndex);

  const pK = uniformInclusive(pKMin, pKMax, rng, 'pKRange');
  const nK = drawNegativeK(nKMode, pK, nKMin, nKMax, numFactors, rng);
  const positiveShared = randomFactorSubset(numFactors, numFactors - pK, rng);
  // numpy's slice p_shared[:F - n_k] silently stops at the end of the list when n_k < p_k
  // (possible in 'random' mode), so the negative then shares the positive's whole set.
  const negativeShared = (options.nKIsShared ?? true)
    ? positiveShared.slice(0, numFactors - nK)
    : randomFactorSubset(numFactors, numFactors - nK, rng);

  const positive = moveUnsharedFactors(sizes, anchor.factors, new Set(positiveShared), (i) => [pRadii[i][0], pRadii[i][1] + 1], rng);
  const negative = moveUnsharedFactors(
    sizes,
    anchor.factors,
    new Set(negativeShared),
    (i) => negativeRadiusBand(nRadiusMode, Math.abs(anchor.factors[i] - positive[i]), nRadii[i][0], nRadii[i][1]),
    rng,
  );

  let [near, far] = [positive, negative];
  const swapMetric = options.swapMetric ?? null;
  if (swapMetric !== null) {
    const metric = SWAP_METRIC_TO_FACTOR_METRIC[swapMetric];
    if (compareFactorDistances(sizes, metric, anchor.factors, near, far) > 0) [near, far] = [far, near];
  }
  // No draw when the chance is zero, so adding a zero chance does not shift the random stream.
  if (swapChance > 0 && rng.float() < swapChance) [near, far] = [far, near];
  return [anchor, elementFromFactors(sizes, near), elementFromFactors(sizes, far)];
}
