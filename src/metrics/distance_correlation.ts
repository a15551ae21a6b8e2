// The MSc ground-truth distance correlation (nmichlo/msc-research, metric `distances`; metrics
// spec §7, msc_research spec §8.2): random triplets (anchor, a, b) of observations, and how well
// the ordering of the distances anchor-a vs anchor-b agrees between the ground truth (factor
// index differences), the data (mean squared difference of the observations) and the latent
// space (L1 and L2 norms of the code differences). Triplets come from traversals of one factor
// (`.factor`, aggregated over factors by a geometric mean) and from random subsets of the whole
// grid (`.global`).
import { sampleFactors } from '../datasets/ground_truth.js';
import type { Rng } from '../util/random.js';
import {
  checkTraversalInputs, geometricMeanOverFactors, sampleFactorTraversals, traversalsPerRequest, type ObservedBatch, type ObservedSubject,
} from './factor_traversal.js';

export interface DistanceCorrelationSettings {
  /** Traversals per factor, and random subsets for the global scores (MSc default 1024; fast variant 128). */
  repeats?: number;
  /** Triplets drawn from each traversal or subset (default 64). */
  numSamples?: number;
  /** Factor vectors per random global subset (default 32). */
  globalSubsetSize?: number;
  /** Most observations per request to the subject (default 64); chunking only. */
  batchSize?: number;
}

const PAIRS = ['ground_data', 'ground_latent.l1', 'ground_latent.l2', 'latent_data.l1', 'latent_data.l2'] as const;
const STATISTICS = ['rsame', 'rcorr', 'lcorr'] as const;
type PairStatistic = `${(typeof STATISTICS)[number]}_${(typeof PAIRS)[number]}`;
export type DistanceCorrelationKey = `distances.${PairStatistic}.${'factor' | 'global'}`;

export type DistanceCorrelationResult = Record<DistanceCorrelationKey, number> & {
  details: {
    /**
     * Every statistic per factor, before the geometric mean; NaN for factors with a single value
     * (never traversed). `rsame_*`: fraction of triplets ordered alike by both distances (float32
     * as disent reports it); `rcorr_*`: Spearman correlation; `lcorr_*`: Pearson correlation, both
     * over the pooled anchor-a and anchor-b distances.
     */
    per_factor: Record<PairStatistic, number[]>;
  };
};

/** Distances of every triplet drawn for one score, anchor-a in the first half, anchor-b in the second. */
interface PooledDistances {
  ground: Float64Array;
  data: Float64Array;
  latentL1: Float64Array;
  latentL2: Float64Array;
  /** Triplets written so far. */
  filled: number;
}

function pooled(numTriplets: number): PooledDistances {
  const size = 2 * numTriplets;
  return { ground: new Float64Array(size), data: new Float64Array(size), latentL1: new Float64Array(size), latentL2: new Float64Array(size), filled: 0 };
}

/** Mean over `length` values of the squared difference between two observations starting at `first` and `second`. */
function meanSquaredDifference(values: Float32Array, first: number, second: number, length: number): number {
  let sum = 0;
  for (let p = 0; p < length; p++) {
    const difference = values[first + p] - values[second + p];
    sum += difference * difference;
  }
  return sum / length;
}

/**
 * Draws `numSamples` triplets among the `n` points of `batch` starting at point `offset` (all
 * anchors, then all first partners, then all second partners, like disent's single
 * `randint(size=(3, num))`) and appends their distances. `groundDistance(i, j)` is the
 * ground-truth distance between points i and j.
 */
function addTriplets(
  into: PooledDistances, batch: ObservedBatch, offset: number, n: number, numCodes: number, observationSize: number,
  numSamples: number, groundDistance: (i: number, j: number) => number, rng: Rng,
): void {
  const anchors = Array.from({ length: numSamples }, () => rng.int(n));
  const firsts = Array.from({ length: numSamples }, () => rng.int(n));
  const seconds = Array.from({ length: numSamples }, () => rng.int(n));
  const { codes, observations } = batch;
  const half = into.ground.length / 2;
  // Comparing two whole observations dominates the metric's own cost, and the same pair recurs
  // among the triplets, so each pair's data distance is computed once.
  const dataDistances = new Map<number, number>();
  const dataDistance = (i: number, j: number): number => {
    if (i === j) return 0;
    const key = Math.min(i, j) * n + Math.max(i, j);
    let value = dataDistances.get(key);
    if (value === undefined) {
      value = meanSquaredDifference(observations, (offset + i) * observationSize, (offset + j) * observationSize, observationSize);
      dataDistances.set(key, value);
    }
    return value;
  };
  const record = (slot: number, i: number, j: number) => {
    into.ground[slot] = groundDistance(i, j);
    const codeI = (offset + i) * numCodes;
    const codeJ = (offset + j) * numCodes;
    let l1 = 0;
    let squared = 0;
    for (let k = 0; k < numCodes; k++) {
      const difference = codes[codeI + k] - codes[codeJ + k];
      l1 += Math.abs(difference);
      squared += difference * difference;
    }
    into.latentL1[slot] = l1;
    into.latentL2[slot] = Math.sqrt(squared);
    into.data[slot] = dataDistance(i, j);
  };
  for (let s = 0; s < numSamples; s++) {
    record(into.filled, anchors[s], firsts[s]);
    record(half + into.filled, anchors[s], seconds[s]);
    into.filled++;
  }
}

/**
 * Ranks 1..n with ties given their average rank (scipy's `rankdata`, method 'average'); scipy's
 * Spearman correlation is the Pearson correlation of these ranks. Any NaN makes every rank NaN,
 * so the correlation is NaN, as scipy's `spearmanr` propagates NaN.
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(values[i])) return ranks.fill(NaN);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i] - values[j]);
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    // Positions start .. end-1 of the sorted order hold one tied value: ranks start+1 .. end.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

/** scipy's `pearsonr(x, y)[0]`: NaN when either input is constant, clipped to [-1, 1]. */
export function pearsonCorrelation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`pearsonCorrelation: lengths differ (${n} vs ${y.length})`);
  let constantX = true;
  let constantY = true;
  let sumX = 0;
  let sumY = 0;
  for (let i = 0; i < n; i++) {
    constantX &&= x[i] === x[0];
    constantY &&= y[i] === y[0];
    sumX += x[i];
    sumY += y[i];
  }
  if (n < 2 || constantX || constantY) return NaN;
  const meanX = sumX / n;
  const meanY = sumY / n;
  let squaresX = 0;
  let squaresY = 0;
  let products = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - meanX;
    const dy = y[i] - meanY;
    squaresX += dx * dx;
    squaresY += dy * dy;
    products += dx * dy;
  }
  return Math.max(-1, Math.min(1, products / (Math.sqrt(squaresX) * Math.sqrt(squaresY))));
}

/**
 * Fraction of triplets whose anchor-a vs anchor-b ordering (<, = or >) is the same under both
 * distances, in float32 as disent's `np.mean(..., dtype='float32')` reports it.
 */
export function sameOrderingRatio(x: Float64Array, y: Float64Array): number {
  const half = x.length / 2;
  let same = 0;
  for (let s = 0; s < half; s++) if (Math.sign(x[s] - x[half + s]) === Math.sign(y[s] - y[half + s])) same++;
  return Math.fround(same / half);
}

function scoresOf(distances: PooledDistances): Record<PairStatistic, number> {
  type Kind = 'ground' | 'data' | 'latentL1' | 'latentL2';
  const pairs: Record<(typeof PAIRS)[number], [Kind, Kind]> = {
    ground_data: ['ground', 'data'],
    'ground_latent.l1': ['ground', 'latentL1'],
    'ground_latent.l2': ['ground', 'latentL2'],
    'latent_data.l1': ['latentL1', 'data'],
    'latent_data.l2': ['latentL2', 'data'],
  };
  // Each distance array takes part in several Spearman correlations; rank it once.
  const ranks = {
    ground: averageRanks(distances.ground),
    data: averageRanks(distances.data),
    latentL1: averageRanks(distances.latentL1),
    latentL2: averageRanks(distances.latentL2),
  };
  const scores = {} as Record<PairStatistic, number>;
  for (const pair of PAIRS) {
    const [x, y] = pairs[pair];
    scores[`rsame_${pair}`] = sameOrderingRatio(distances[x], distances[y]);
    scores[`rcorr_${pair}`] = pearsonCorrelation(ranks[x], ranks[y]);
    scores[`lcorr_${pair}`] = pearsonCorrelation(distances[x], distances[y]);
  }
  return scores;
}

/**
 * The `distances` metric. Per factor with more than one value: `repeats` traversals, each with
 * `numSamples` triplets of traversal positions (ground distance = position difference), distances
 * pooled over the repeats and scored; the factor scores are combined by a float32 geometric mean.
 * Global: `repeats` subsets of `globalSubsetSize` random factor vectors, each with `numSamples`
 * triplets (ground distance = L1 norm of the factor-index difference), pooled and scored.
 * Traversal bases and subsets come from one stream forked from `rng`, triplets from another.
 */
export async function computeDistanceCorrelation(
  subject: ObservedSubject, rng: Rng, settings: DistanceCorrelationSettings = {},
): Promise<DistanceCorrelationResult> {
  const repeats = settings.repeats ?? 1024;
  const numSamples = settings.numSamples ?? 64;
  const globalSubsetSize = settings.globalSubsetSize ?? 32;
  const batchSize = settings.batchSize ?? 64;
  checkTraversalInputs(subject, repeats);
  if (!Number.isInteger(numSamples) || numSamples < 1) throw new RangeError(`numSamples must be a positive integer, got ${numSamples}`);
  if (!Number.isInteger(globalSubsetSize) || globalSubsetSize < 1) {
    throw new RangeError(`globalSubsetSize must be a positive integer, got ${globalSubsetSize}`);
  }
  const { factorSizes, numCodes, observationSize } = subject;
  const numFactors = factorSizes.length;
  const pointRng = rng.fork('points');
  const tripletRng = rng.fork('triplets');

  const perFactor = {} as Record<PairStatistic, number[]>;
  for (const statistic of STATISTICS) for (const pair of PAIRS) perFactor[`${statistic}_${pair}`] = [];
  for (let f = 0; f < numFactors; f++) {
    const size = factorSizes[f];
    if (size < 2) {
      for (const values of Object.values(perFactor)) values.push(NaN);
      continue;
    }
    const distances = pooled(repeats * numSamples);
    const perRequest = traversalsPerRequest(size, batchSize);
    for (let done = 0; done < repeats; done += perRequest) {
      const count = Math.min(perRequest, repeats - done);
      const batch = await subject.observe(sampleFactorTraversals(factorSizes, f, count, pointRng), count * size);
      for (let t = 0; t < count; t++) {
        addTriplets(distances, batch, t * size, size, numCodes, observationSize, numSamples, (i, j) => Math.abs(i - j), tripletRng);
      }
    }
    const scores = scoresOf(distances);
    for (const key of Object.keys(scores) as PairStatistic[]) perFactor[key].push(scores[key]);
  }

  const global = pooled(repeats * numSamples);
  const subsetsPerRequest = traversalsPerRequest(globalSubsetSize, batchSize);
  for (let done = 0; done < repeats; done += subsetsPerRequest) {
    const count = Math.min(subsetsPerRequest, repeats - done);
    const factors = sampleFactors(factorSizes, count * globalSubsetSize, pointRng);
    const batch = await subject.observe(factors, count * globalSubsetSize);
    for (let t = 0; t < count; t++) {
      const first = t * globalSubsetSize;
      const factorDistance = (i: number, j: number) => {
        let l1 = 0;
        for (let k = 0; k < numFactors; k++) l1 += Math.abs(factors[(first + i) * numFactors + k] - factors[(first + j) * numFactors + k]);
        return l1;
      };
      addTriplets(global, batch, first, globalSubsetSize, numCodes, observationSize, numSamples, factorDistance, tripletRng);
    }
  }
  const globalScores = scoresOf(global);

  const values: Partial<Record<DistanceCorrelationKey, number>> = {};
  for (const key of Object.keys(globalScores) as PairStatistic[]) {
    values[`distances.${key}.factor`] = geometricMeanOverFactors(perFactor[key], factorSizes);
    values[`distances.${key}.global`] = globalScores[key];
  }
  // Keys sorted by name, as disent returns them.
  const sorted = Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1))) as Record<DistanceCorrelationKey, number>;
  return { ...sorted, details: { per_factor: perFactor } };
}
