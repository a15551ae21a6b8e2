// disent `GroundTruthDistSampler(num_samples=3)`: the anchor plus two uniform random elements,
// ordered so the positive is never farther from the anchor than the negative.
import type { Rng } from '../../util/random.js';
import { numCombinations, resolveAnchor, type SampledElement } from './common.js';
import { indexToFactors } from '../ground_truth.js';
import { compareFactorDistances, type Comparison } from './factor_distance.js';

/**
 * `combined` orders by the number of differing factors and breaks ties by manhattan distance;
 * `combined_scaled` breaks them by manhattan_scaled; `random` keeps the draw order.
 */
export type DistSampleMode = 'random' | 'factors' | 'manhattan' | 'manhattan_scaled' | 'combined' | 'combined_scaled';

function compareUnderMode(
  sizes: readonly number[],
  mode: Exclude<DistSampleMode, 'random'>,
  anchor: Int32Array,
  x: Int32Array,
  y: Int32Array,
): Comparison {
  switch (mode) {
    case 'factors':
    case 'manhattan':
    case 'manhattan_scaled':
      return compareFactorDistances(sizes, mode, anchor, x, y);
    case 'combined':
    case 'combined_scaled': {
      const byFactors = compareFactorDistances(sizes, 'factors', anchor, x, y);
      if (byFactors !== 0) return byFactors;
      return compareFactorDistances(sizes, mode === 'combined' ? 'manhattan' : 'manhattan_scaled', anchor, x, y);
    }
  }
}

export function distTripleSampler(
  sizes: readonly number[],
  mode: DistSampleMode,
  swapChance: number,
  rng: Rng,
  anchorIndex?: number,
): [SampledElement, SampledElement, SampledElement] {
  if (!(swapChance >= 0 && swapChance <= 1)) throw new RangeError(`swapChance must be in [0, 1], got ${swapChance}`);
  const total = numCombinations(sizes);
  const anchor = resolveAnchor(sizes, rng, anchorIndex);
  let positive = rng.int(total);
  let negative = rng.int(total);
  let positiveFactors = indexToFactors(sizes, positive);
  let negativeFactors = indexToFactors(sizes, negative);

  // Only a strictly farther positive swaps: ties keep the draw order.
  if (mode !== 'random' && compareUnderMode(sizes, mode, anchor.factors, positiveFactors, negativeFactors) > 0) {
    [positive, negative] = [negative, positive];
    [positiveFactors, negativeFactors] = [negativeFactors, positiveFactors];
  }
  // No draw when the chance is zero, so the default config leaves the random stream alone.
  if (swapChance > 0 && rng.float() < swapChance) {
    [positive, negative] = [negative, positive];
    [positiveFactors, negativeFactors] = [negativeFactors, positiveFactors];
  }
  return [anchor, { index: positive, factors: positiveFactors }, { index: negative, factors: negativeFactors }];
}
