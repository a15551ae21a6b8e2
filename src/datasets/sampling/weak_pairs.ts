// Weakly supervised pairs that differ in 1 or k factors: disentanglement_lib's
// `train_weak_lib.py` sampling and disent's `GroundTruthPairOrigSampler`, which is the same rule
// started from a dataset index.
import { sampleFactors } from '../ground_truth.js';
import type { Rng } from '../../util/random.js';
import { elementFromFactors, randomFactorSubset, resolveAnchor, type SampledElement } from './common.js';

export interface WeakPair {
  readonly first: Int32Array;
  readonly second: Int32Array;
  /** The factors that were resampled, in the order they were drawn. */
  readonly changed: readonly number[];
  /** The last changed factor: the label that dlib's label-based aggregators use. */
  readonly label: number;
}

/**
 * The number of factors to change: 1 or k with probability ½ each, k drawn from 1..F-1 when it is
 * "random". Both libraries draw k first and then the ½ choice, so a random k costs a draw even
 * when 1 wins.
 */
function drawChangedCount(numFactors: number, k: number, kIsRandom: boolean, rng: Rng): number {
  let kObserved = k;
  if (kIsRandom) {
    if (numFactors < 2) throw new RangeError(`a random k needs at least 2 factors, got ${numFactors}`);
    kObserved = 1 + rng.int(numFactors - 1);
  } else if (!Number.isInteger(k) || k < 1 || k > numFactors) {
    throw new RangeError(`k = ${k} is not a factor count in 1..${numFactors}`);
  }
  return rng.int(2) === 0 ? 1 : kObserved;
}

/** Resamples the chosen factors uniformly; a factor may draw its old value again, as in both libraries. */
function resampleFactors(sizes: readonly number[], base: Int32Array, changed: readonly number[], rng: Rng): Int32Array {
  const out = base.slice();
  for (const i of changed) out[i] = rng.int(sizes[i]);
  return out;
}

/** disentanglement_lib weak pair; k = -1 draws k uniformly from 1..F-1 for every pair. */
export function sampleWeakPairDlib(sizes: readonly number[], k: number, rng: Rng): WeakPair {
  const numFactors = sizes.length;
  const first = sampleFactors(sizes, 1, rng);
  const changedCount = drawChangedCount(numFactors, k, k === -1, rng);
  const changed = randomFactorSubset(numFactors, changedCount, rng);
  const second = resampleFactors(sizes, first, changed, rng);
  return { first, second, changed, label: changed[changed.length - 1] };
}

/** disent `GroundTruthPairOrigSampler(p_k)`: any pK <= 0 means a random k in 1..F-1. */
export function pairOrigSampler(
  sizes: readonly number[],
  pK: number,
  rng: Rng,
  anchorIndex?: number,
): [SampledElement, SampledElement] {
  const numFactors = sizes.length;
  const anchor = resolveAnchor(sizes, rng, anchorIndex);
  const changedCount = drawChangedCount(numFactors, pK, pK <= 0, rng);
  const changed = randomFactorSubset(numFactors, changedCount, rng);
  return [anchor, elementFromFactors(sizes, resampleFactors(sizes, anchor.factors, changed, rng))];
}
