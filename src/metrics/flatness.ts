// disent's flatness metric as the MSc research uses it (nmichlo/msc-research v0.4.0
// `metric_flatness`; msc_research spec §8.3): along traversals of one factor, the diameter of the
// traversal's codes ("width") against the length of the path through consecutive codes
// ("length"), so a factor laid out on a straight, evenly spaced line scores 1 and a folded or
// curled one less; plus a quirky "angle" between the vectors of forward and backward step sizes.
import { checkTraversalInputs, sampleFactorTraversals, traversalsPerRequest, type TraversalSubject } from './factor_traversal.js';
import type { Rng } from '../util/random.js';

export interface FlatnessSettings {
  /** Traversals per factor (default 1024; disent's fast variant uses 128). */
  repeats?: number;
  /** Most observations per request to the subject (default 64); chunking only. */
  batchSize?: number;
}

export interface TraversalShape {
  /** Largest distance between any two codes of the traversal. */
  width: number;
  /** The size - 1 smallest distances between cyclically consecutive codes (the largest, usually the wrap-around, dropped). */
  deltas: Float64Array;
  /**
   * arccos of the cosine between the vector of forward step sizes ||z[i+1] - z[i]|| and the vector
   * of backward ones ||z[i-1] - z[i]|| (indices cyclic), 0 when it is undefined. disent's quirk:
   * not an angle between steps in latent space, the two vectors are rotations of each other.
   */
  angle: number;
}

export interface FlatnessResult {
  /** Mean over factors of width (L2) / length (L1): disent's main flatness score. */
  'flatness.ave_flatness': number;
  /** Mean over factors of width / length, both L1. */
  'flatness.ave_flatness_l1': number;
  /** Mean over factors of width / length, both L2. */
  'flatness.ave_flatness_l2': number;
  'flatness.ave_width_l1': number;
  'flatness.ave_width_l2': number;
  'flatness.ave_length_l1': number;
  'flatness.ave_length_l2': number;
  /** Mean over factors of the mean step-size angle (L1 steps), divided by pi. */
  'flatness.cosine_angles': number;
  details: {
    /** Per factor, before aggregation; 0 for factors with a single value, as disent, which leaves them out of every mean. */
    ave_width_l1: number[];
    ave_width_l2: number[];
    /** (size - 1) x the mean of the kept deltas. */
    ave_length_l1: number[];
    ave_length_l2: number[];
    ave_angle_l1: number[];
    ave_angle_l2: number[];
  };
}

function distance(codes: ArrayLike<number>, i: number, j: number, d: number, p: 1 | 2): number {
  let sum = 0;
  for (let k = 0; k < d; k++) {
    const difference = codes[i * d + k] - codes[j * d + k];
    sum += p === 1 ? Math.abs(difference) : difference * difference;
  }
  return p === 1 ? sum : Math.sqrt(sum);
}

/** Width, kept deltas and step-size angle of one traversal's codes (row-major `n x d`, n >= 2) under the L`p` norm. */
export function traversalShape(codes: ArrayLike<number>, n: number, d: number, p: 1 | 2): TraversalShape {
  if (codes.length !== n * d) throw new RangeError(`${codes.length} values do not form ${n} x ${d} codes`);
  if (n < 2) throw new RangeError(`a traversal needs at least 2 points, got ${n}`);
  let width = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) width = Math.max(width, distance(codes, i, j, d, p));

  const forward = new Float64Array(n);
  for (let i = 0; i < n; i++) forward[i] = distance(codes, (i + 1) % n, i, d, p);
  // The backward step of point i is the forward step of point i - 1.
  let dot = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    dot += forward[i] * forward[(i + n - 1) % n];
    squares += forward[i] * forward[i];
  }
  // Both vectors hold the same values, so they share one norm; 0/0 (all steps 0) counts as angle 0.
  const cosine = dot / squares;
  const angle = Number.isNaN(cosine) ? 0 : Math.acos(Math.max(-1, Math.min(1, cosine)));

  const deltas = forward.slice().sort().subarray(0, n - 1);
  return { width, deltas, angle };
}

/** width / length over the factors with more than one value, a zero length counting as 0 (disent's `compute_flatness`). */
function meanRatio(widths: number[], lengths: number[], factorSizes: readonly number[]): number {
  const ratios: number[] = [];
  factorSizes.forEach((size, f) => {
    if (size > 1) ratios.push(lengths[f] === 0 ? 0 : widths[f] / lengths[f]);
  });
  return mean(ratios);
}

function meanOverActive(values: number[], factorSizes: readonly number[]): number {
  return mean(values.filter((_, f) => factorSizes[f] > 1));
}

function mean(values: number[]): number {
  return values.reduce((total, value) => total + value, 0) / values.length;
}

/**
 * The `flatness` metric: for every factor with more than one value, `repeats` random traversals
 * (bases drawn from `rng`); per factor and norm the mean width, the length (size - 1) x the mean
 * kept delta, and the mean angle; then arithmetic means over those factors.
 */
export async function computeFlatness(subject: TraversalSubject, rng: Rng, settings: FlatnessSettings = {}): Promise<FlatnessResult> {
  const repeats = settings.repeats ?? 1024;
  const batchSize = settings.batchSize ?? 64;
  checkTraversalInputs(subject, repeats);
  const { factorSizes, numCodes: d } = subject;
  const details: FlatnessResult['details'] = {
    ave_width_l1: [], ave_width_l2: [], ave_length_l1: [], ave_length_l2: [], ave_angle_l1: [], ave_angle_l2: [],
  };

  for (let f = 0; f < factorSizes.length; f++) {
    const size = factorSizes[f];
    if (size < 2) {
      for (const values of Object.values(details)) values.push(0);
      continue;
    }
    const sums = { 1: { width: 0, delta: 0, angle: 0 }, 2: { width: 0, delta: 0, angle: 0 } };
    const perRequest = traversalsPerRequest(size, batchSize);
    for (let done = 0; done < repeats; done += perRequest) {
      const count = Math.min(perRequest, repeats - done);
      const codes = await subject.representations(sampleFactorTraversals(factorSizes, f, count, rng), count * size);
      for (let t = 0; t < count; t++) {
        const traversal = codes.subarray(t * size * d, (t + 1) * size * d);
        for (const p of [1, 2] as const) {
          const shape = traversalShape(traversal, size, d, p);
          sums[p].width += shape.width;
          sums[p].delta += shape.deltas.reduce((total, delta) => total + delta, 0);
          sums[p].angle += shape.angle;
        }
      }
    }
    details.ave_width_l1.push(sums[1].width / repeats);
    details.ave_width_l2.push(sums[2].width / repeats);
    details.ave_length_l1.push((size - 1) * (sums[1].delta / (repeats * (size - 1))));
    details.ave_length_l2.push((size - 1) * (sums[2].delta / (repeats * (size - 1))));
    details.ave_angle_l1.push(sums[1].angle / repeats);
    details.ave_angle_l2.push(sums[2].angle / repeats);
  }

  return {
    'flatness.ave_flatness': meanRatio(details.ave_width_l2, details.ave_length_l1, factorSizes),
    'flatness.ave_flatness_l1': meanRatio(details.ave_width_l1, details.ave_length_l1, factorSizes),
    'flatness.ave_flatness_l2': meanRatio(details.ave_width_l2, details.ave_length_l2, factorSizes),
    'flatness.ave_width_l1': meanOverActive(details.ave_width_l1, factorSizes),
    'flatness.ave_width_l2': meanOverActive(details.ave_width_l2, factorSizes),
    'flatness.ave_length_l1': meanOverActive(details.ave_length_l1, factorSizes),
    'flatness.ave_length_l2': meanOverActive(details.ave_length_l2, factorSizes),
    'flatness.cosine_angles': meanOverActive(details.ave_angle_l1, factorSizes) / Math.PI,
    details,
  };
}
