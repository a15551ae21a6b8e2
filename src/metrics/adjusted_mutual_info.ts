// Adjusted mutual information as scikit-learn's `adjusted_mutual_info_score` (average_method
// 'arithmetic') computes it: AMI = (MI - EMI) / (mean(H(U), H(V)) - EMI), where EMI is the mutual
// information expected by chance under the hypergeometric model with both labelings' marginal
// counts fixed (Vinh, Epps & Bailey 2010; scikit-learn's `expected_mutual_information`). DecVAE's
// MI score and modularity use it (DecVAE spec §9.3.1, §9.3.4).
//
// MI comes from mutual_info.ts (bit-identical to scikit-learn's `mutual_info_score`); EMI keeps
// scikit-learn's per-term grouping, with one log-factorial table in place of its mix of scipy's
// gammaln and C's lgamma. Terms of the EMI sum whose log weight is below the double underflow
// threshold are exactly 0 in scikit-learn's loop as well; the hypergeometric weight is log-concave
// in n_ij, so each cell's sum walks outward from the mode and stops at the first such term.
import { encodeLabels, mutualInfoFromCodings, type LabelCoding } from './mutual_info.js';
import { pairwiseSum } from './numpy_reductions.js';

const FLOAT64_EPS = 2.220446049250313e-16;
/** exp(x) rounds to 0 below about -745.13. */
const EXP_UNDERFLOW = -746;
const HALF_LOG_TWO_PI = 0.9189385332046728;

export interface AdjustedMutualInfoOptions {
  /**
   * Clip MI - EMI away from 0 by the machine epsilon, keeping its sign, as scikit-learn >= 1.7
   * does (PR #31065); before that only the denominator was clipped. They differ only when
   * |MI - EMI| < 2.2e-16, e.g. two identical 2-point labelings: 1.0 with clipping, 0.0 without.
   */
  clipNumerator?: boolean;
}

/** log(k!) for k = 0..maxK (exact products for small k, Stirling's series beyond). */
export function logFactorialTable(maxK: number): Float64Array {
  const table = new Float64Array(maxK + 1);
  let factorial = 1;
  for (let k = 1; k <= maxK; k++) {
    if (k <= 20) {
      factorial *= k;
      table[k] = Math.log(factorial);
      continue;
    }
    const x = k + 1;
    const inverse = 1 / x;
    const inverseSquared = inverse * inverse;
    const series = inverse * (1 / 12 - inverseSquared * (1 / 360 - inverseSquared * (1 / 1260 - inverseSquared * (1 / 1680 - inverseSquared / 1188))));
    table[k] = (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series;
  }
  return table;
}

/** scikit-learn's `entropy(labels)` in nats from label counts in ascending label order (1 for no labels). */
export function labelEntropy(counts: Float64Array): number {
  if (counts.length === 0) return 1;
  if (counts.length === 1) return 0;
  const total = pairwiseSum(counts);
  const logTotal = Math.log(total);
  return -pairwiseSum(counts.map((count) => (count / total) * (Math.log(count) - logTotal)));
}

/**
 * scikit-learn's `expected_mutual_information` for row counts `a` and column counts `b` of a
 * contingency table over `n` points; `logFactorials` must cover 0..n.
 */
export function expectedMutualInformation(a: Float64Array, b: Float64Array, n: number, logFactorials: Float64Array = logFactorialTable(n)): number {
  if (a.length === 1 || b.length === 1) return 0;
  if (logFactorials.length < n + 1) throw new RangeError(`the log-factorial table covers 0..${logFactorials.length - 1}, but n = ${n}`);
  const logN = Math.log(n);
  const logFactorialN = logFactorials[n];
  let emi = 0;
  for (let i = 0; i < a.length; i++) {
    const ai = a[i];
    const logAi = Math.log(ai);
    for (let j = 0; j < b.length; j++) {
      const bj = b[j];
      const first = Math.max(1, ai - n + bj);
      const last = Math.min(ai, bj);
      if (first > last) continue;
      const marginalsPart = logFactorials[ai] + logFactorials[bj] + logFactorials[n - ai] + logFactorials[n - bj];
      const logWeight = (nij: number): number =>
        marginalsPart -
        (logFactorials[nij] + logFactorialN) -
        logFactorials[ai - nij] -
        logFactorials[bj - nij] -
        logFactorials[n - ai - bj + nij];
      const mode = Math.min(Math.max(Math.floor(((ai + 1) * (bj + 1)) / (n + 2)), first), last);
      let low = mode;
      while (low > first && logWeight(low - 1) >= EXP_UNDERFLOW) low--;
      let high = mode;
      while (high < last && logWeight(high + 1) >= EXP_UNDERFLOW) high++;
      const logBj = Math.log(bj);
      for (let nij = low; nij <= high; nij++) {
        const logRatio = logN + Math.log(nij) - logAi - logBj;
        emi += (nij / n) * logRatio * Math.exp(logWeight(nij));
      }
    }
  }
  return emi;
}

/** Keeps the sign of `value` but moves it at least `FLOAT64_EPS` away from 0 (0 counts as positive). */
function clipAwayFromZero(value: number): number {
  return value < 0 ? Math.min(value, -FLOAT64_EPS) : Math.max(value, FLOAT64_EPS);
}

/**
 * AMI from pre-encoded labelings (encode once when one labeling enters many pairs). Pass a
 * `logFactorials` table covering 0..n to share it between pairs.
 */
export function adjustedMutualInfoFromCodings(
  labelsTrue: LabelCoding,
  labelsPred: LabelCoding,
  options: AdjustedMutualInfoOptions = {},
  logFactorials?: Float64Array,
): number {
  const n = labelsTrue.ids.length;
  if (labelsPred.ids.length !== n) throw new RangeError(`label vectors differ in length (${n} vs ${labelsPred.ids.length})`);
  const classes = labelsTrue.numLabels;
  const clusters = labelsPred.numLabels;
  // Both labelings unsplit (or empty): a perfect match.
  if ((classes === 1 && clusters === 1) || (classes === 0 && clusters === 0)) return 1;
  if (classes === 1 || clusters === 1) return 0;
  const mi = mutualInfoFromCodings(labelsTrue, labelsPred);
  const emi = expectedMutualInformation(labelsTrue.counts, labelsPred.counts, n, logFactorials ?? logFactorialTable(n));
  const normaliser = (labelEntropy(labelsTrue.counts) + labelEntropy(labelsPred.counts)) / 2;
  const numerator = (options.clipNumerator ?? true) ? clipAwayFromZero(mi - emi) : mi - emi;
  return numerator / clipAwayFromZero(normaliser - emi);
}

/** scikit-learn's `adjusted_mutual_info_score(labelsTrue, labelsPred)` (arithmetic mean of the entropies). */
export function adjustedMutualInfo(labelsTrue: ArrayLike<number>, labelsPred: ArrayLike<number>, options: AdjustedMutualInfoOptions = {}): number {
  if (labelsTrue.length !== labelsPred.length) {
    throw new RangeError(`labelsTrue has ${labelsTrue.length} labels but labelsPred has ${labelsPred.length}; they must label the same points`);
  }
  return adjustedMutualInfoFromCodings(encodeLabels(labelsTrue), encodeLabels(labelsPred), options);
}
