// disentanglement_lib's five animated latent traversals (visualize_model.visualize): for one base
// code, each latent in turn goes once around a closed cycle of `frames` values that starts at the
// base code's own value, walks up to the top of a range, down to the bottom and back. The range is
// the standard Gaussian's quantiles, a Gaussian fitted to the encoded means, the fixed [-2, 2], the
// fitted Gaussian's loc ± 2 scale, or the means' [min, max]. Pure, so it runs in a browser too.
import { standardNormalCdf, standardNormalQuantile } from './normal_distribution.js';

export const TRAVERSAL_MODES = ['std_gaussian_cycle', 'fitted_gaussian_cycle', 'fixed_interval_cycle', 'conf_interval_cycle', 'minmax_interval_cycle'] as const;
export type TraversalMode = (typeof TRAVERSAL_MODES)[number];

/** disentanglement_lib's animation length and speed. */
export const CYCLE_FRAMES = 20;
export const CYCLE_FPS = 10;

/** Quantiles are kept inside [0.001, 0.999], so the Gaussian cycles stay finite. */
const QUANTILE_FLOOR = 0.001;
const QUANTILE_CEILING = 0.999;
const FIXED_INTERVAL = [-2, 2] as const;
const CONFIDENCE_SCALES = 2;

/**
 * `frames` positions t0, t0 + 2/frames, ... (the last excluded from t0 + 2) folded onto [0, 1] as a
 * triangle wave: first anything above 1 is reflected to 2 - t, then anything below 0 to -t, in
 * that order, as the library does.
 */
export function foldedCycle(start: number, frames: number): Float64Array {
  if (!(Number.isSafeInteger(frames) && frames > 0)) throw new RangeError(`a cycle needs a positive whole number of frames, got ${frames}`);
  return Float64Array.from({ length: frames }, (_, k) => {
    let t = start + (2 * k) / frames;
    t -= Math.max(0, 2 * t - 2);
    t += Math.max(0, -2 * t);
    return t;
  });
}

/** The cycle through the quantiles of N(loc, scale^2) starting at `value` (visualize_util.cycle_gaussian). */
export function gaussianCycle(value: number, frames: number, loc = 0, scale = 1): Float64Array {
  const start = standardNormalCdf((value - loc) / scale);
  return foldedCycle(start, frames).map((p) => loc + scale * standardNormalQuantile(Math.min(QUANTILE_CEILING, Math.max(QUANTILE_FLOOR, p))));
}

/** The linear cycle through [low, high] starting at `value` (visualize_util.cycle_interval). */
export function intervalCycle(value: number, frames: number, low: number, high: number): Float64Array {
  const span = high - low;
  return foldedCycle((value - low) / span, frames).map((t) => t * span + low);
}

/** What the fitted modes know about one latent across the encoded sample. */
export interface LatentStatistics {
  /** Mean of the encoded means. */
  loc: number;
  /** sqrt(mean posterior variance + variance of the means), the law of total variance. */
  scale: number;
  min: number;
  max: number;
}

/**
 * Statistics of latent `dim` over `n` encoded examples (row-major n x zDim means and log-variances);
 * variances are population ones (numpy's default, ddof 0).
 */
export function latentStatistics(means: ArrayLike<number>, logvars: ArrayLike<number>, n: number, zDim: number, dim: number): LatentStatistics {
  if (means.length !== n * zDim || logvars.length !== n * zDim) throw new RangeError(`means and log-variances must hold ${n} x ${zDim} values`);
  let sum = 0;
  let posteriorVariance = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const mu = means[i * zDim + dim];
    sum += mu;
    posteriorVariance += Math.exp(logvars[i * zDim + dim]);
    min = Math.min(min, mu);
    max = Math.max(max, mu);
  }
  const loc = sum / n;
  let spread = 0;
  for (let i = 0; i < n; i++) spread += (means[i * zDim + dim] - loc) ** 2;
  return { loc, scale: Math.sqrt(posteriorVariance / n + spread / n), min, max };
}

/** The values latent `value` takes in the frames of `mode`, given the latent's statistics. */
export function traversalCycle(mode: TraversalMode, value: number, statistics: LatentStatistics, frames = CYCLE_FRAMES): Float64Array {
  const { loc, scale, min, max } = statistics;
  switch (mode) {
    case 'std_gaussian_cycle':
      return gaussianCycle(value, frames);
    case 'fitted_gaussian_cycle':
      return gaussianCycle(value, frames, loc, scale);
    case 'fixed_interval_cycle':
      return intervalCycle(value, frames, ...FIXED_INTERVAL);
    case 'conf_interval_cycle':
      return intervalCycle(value, frames, loc - CONFIDENCE_SCALES * scale, loc + CONFIDENCE_SCALES * scale);
    case 'minmax_interval_cycle':
      return intervalCycle(value, frames, min, max);
  }
}
