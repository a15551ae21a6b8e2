// The MSc linearity ratio and axis-alignment ratio (nmichlo/msc-research, metric `linearity`;
// metrics spec §7, msc_research spec §8.2): along traversals of one factor, how much of the
// codes' variance lies along a single direction (the largest covariance eigenvalue over the sum:
// linearity) and along a single code axis (the largest per-dimension variance over the sum: axis
// alignment), both normalised so that 1 means one direction and 0 means spread evenly.
import { checkTraversalInputs, geometricMeanOverFactors, sampleFactorTraversals, traversalsPerRequest, type TraversalSubject } from './factor_traversal.js';
import { symmetricEigenvalues } from './symmetric_eigen.js';
import type { Rng } from '../util/random.js';

export interface LinearitySettings {
  /** Traversals per factor (MSc default 1024; its fast, during-training variant uses 128). */
  repeats?: number;
  /** Most observations per request to the subject (default 64); chunking only. */
  batchSize?: number;
}

export interface TraversalLinearity {
  /** Per-dimension variance of the codes along the traversal (ddof 1). */
  axisValues: Float64Array;
  /** |eigenvalues| of the codes' covariance (ddof 1), descending. */
  linearValues: Float64Array;
  /** ratioScore(axisValues). */
  axisRatio: number;
  /** ratioScore(linearValues). */
  linearRatio: number;
  /** axisRatio / (linearRatio + 1e-20): the axis ratio is bounded by the linear ratio. */
  axisAlignment: number;
}

export interface LinearityResult {
  /** Geometric mean over factors of the mean axis ratio (the README's "axis-alignment ratio"). */
  'linearity.axis_ratio.var': number;
  /** Geometric mean over factors of the mean linear ratio (the README's "linearity ratio"). */
  'linearity.linear_ratio.var': number;
  /** Geometric mean over factors of the mean axis_ratio / linear_ratio. */
  'linearity.axis_alignment.var': number;
  /** Geometric mean over factors of the ratio of the mean per-dimension variances. */
  'linearity.axis_ratio_ave.var': number;
  details: {
    /** Per factor, before aggregation; NaN for factors with a single value (never traversed). */
    axis_ratio: number[];
    linear_ratio: number[];
    axis_alignment: number[];
    axis_ratio_ave: number[];
  };
}

/**
 * disent's normalised ratio of non-negative values: r = largest / sum, mapped by
 * (r - 1/n) / (1 - 1/n) so that all mass on one value gives 1 and equal values give 0. NaN when
 * every value is 0 or there is a single value.
 */
export function ratioScore(values: ArrayLike<number>): number {
  const n = values.length;
  let largest = -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    largest = Math.max(largest, values[i]);
    sum += values[i];
  }
  return (largest / sum - 1 / n) / (1 - 1 / n);
}

/** The linearity quantities of one traversal's codes (row-major `n x d`, n >= 2). */
export function traversalLinearity(codes: ArrayLike<number>, n: number, d: number): TraversalLinearity {
  if (codes.length !== n * d) throw new RangeError(`${codes.length} values do not form ${n} x ${d} codes`);
  const means = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) means[i] += codes[r * d + i];
  for (let i = 0; i < d; i++) means[i] /= n;
  const centred = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) centred[r * d + i] = codes[r * d + i] - means[i];
  const covariance = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      let sum = 0;
      for (let r = 0; r < n; r++) sum += centred[r * d + a] * centred[r * d + b];
      covariance[a * d + b] = sum / (n - 1);
      covariance[b * d + a] = sum / (n - 1);
    }
  }
  const axisValues = new Float64Array(d);
  for (let i = 0; i < d; i++) axisValues[i] = covariance[i * d + i];
  // Eigenvalues of a PSD matrix are >= 0; disent flips the sign of round-off negatives.
  const linearValues = symmetricEigenvalues(covariance, d).map(Math.abs).sort().reverse();
  const axisRatio = ratioScore(axisValues);
  const linearRatio = ratioScore(linearValues);
  return { axisValues, linearValues, axisRatio, linearRatio, axisAlignment: axisRatio / (linearRatio + 1e-20) };
}

/**
 * The `linearity` metric: for every factor with more than one value, `repeats` random traversals
 * (bases drawn from `rng`), each scored by `traversalLinearity`; per factor the mean of each score
 * over the traversals, plus the ratio of the mean variance vector; then the geometric mean over
 * factors (float32, as disent reports it).
 */
export async function computeLinearity(subject: TraversalSubject, rng: Rng, settings: LinearitySettings = {}): Promise<LinearityResult> {
  const repeats = settings.repeats ?? 1024;
  const batchSize = settings.batchSize ?? 64;
  checkTraversalInputs(subject, repeats);
  const { factorSizes, numCodes: d } = subject;
  const details: LinearityResult['details'] = { axis_ratio: [], linear_ratio: [], axis_alignment: [], axis_ratio_ave: [] };

  for (let f = 0; f < factorSizes.length; f++) {
    const size = factorSizes[f];
    if (size < 2) {
      for (const values of Object.values(details)) values.push(NaN);
      continue;
    }
    let axisRatioSum = 0;
    let linearRatioSum = 0;
    let alignmentSum = 0;
    const axisValueSums = new Float64Array(d);
    const perRequest = traversalsPerRequest(size, batchSize);
    for (let done = 0; done < repeats; done += perRequest) {
      const count = Math.min(perRequest, repeats - done);
      const codes = await subject.representations(sampleFactorTraversals(factorSizes, f, count, rng), count * size);
      for (let t = 0; t < count; t++) {
        const scores = traversalLinearity(codes.subarray(t * size * d, (t + 1) * size * d), size, d);
        axisRatioSum += scores.axisRatio;
        linearRatioSum += scores.linearRatio;
        alignmentSum += scores.axisAlignment;
        for (let i = 0; i < d; i++) axisValueSums[i] += scores.axisValues[i];
      }
    }
    details.axis_ratio.push(axisRatioSum / repeats);
    details.linear_ratio.push(linearRatioSum / repeats);
    details.axis_alignment.push(alignmentSum / repeats);
    details.axis_ratio_ave.push(ratioScore(axisValueSums.map((sum) => sum / repeats)));
  }

  return {
    'linearity.axis_ratio.var': geometricMeanOverFactors(details.axis_ratio, factorSizes),
    'linearity.linear_ratio.var': geometricMeanOverFactors(details.linear_ratio, factorSizes),
    'linearity.axis_alignment.var': geometricMeanOverFactors(details.axis_alignment, factorSizes),
    'linearity.axis_ratio_ave.var': geometricMeanOverFactors(details.axis_ratio_ave, factorSizes),
    details,
  };
}
