import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  averageRanks, computeDistanceCorrelation, pearsonCorrelation, sameOrderingRatio, type DistanceCorrelationKey,
} from '../../src/metrics/distance_correlation.js';
import type { ObservedSubject } from '../../src/metrics/factor_traversal.js';
import { Rng } from '../../src/util/random.js';

/**
 * A subject whose code for a factor vector is `encode(factors)` and whose observation is a
 * "thermometer" per factor (value v of a factor of size s lights the first v of s - 1 pixels), so
 * the mean squared difference of two observations is (L1 distance of the factor vectors) / pixels.
 */
function thermometerSubject(factorSizes: number[], numCodes: number, encode: (factors: number[]) => number[]): ObservedSubject {
  const observationSize = factorSizes.reduce((total, size) => total + size - 1, 0);
  const k = factorSizes.length;
  const observe = async (factors: Int32Array, n: number) => {
    const codes = new Float64Array(n * numCodes);
    const observations = new Float32Array(n * observationSize);
    for (let r = 0; r < n; r++) {
      const row = Array.from(factors.subarray(r * k, (r + 1) * k));
      codes.set(encode(row), r * numCodes);
      let pixel = r * observationSize;
      row.forEach((value, j) => {
        for (let p = 0; p < factorSizes[j] - 1; p++) observations[pixel++] = p < value ? 1 : 0;
      });
    }
    return { codes, observations };
  };
  return { factorSizes, numCodes, observationSize, observe, representations: async (factors, n) => (await observe(factors, n)).codes };
}

const PAIRS = ['ground_data', 'ground_latent.l1', 'ground_latent.l2', 'latent_data.l1', 'latent_data.l2'];

test('averageRanks gives ties their average rank', () => {
  assert.deepEqual(Array.from(averageRanks([10, 20, 20, 30, 20])), [1, 3, 3, 5, 3]);
  assert.ok(Number.isNaN(pearsonCorrelation(averageRanks([1, NaN, 3]), [1, 2, 3])), 'NaN propagates, as spearmanr');
});

test('Pearson and Spearman (Pearson of average ranks) match scipy', () => {
  // scipy.stats.pearsonr / spearmanr on the same inputs.
  assert.ok(Math.abs(pearsonCorrelation([1, 2, 3, 4, 5], [10, 9, 2.5, 6, 4]) - -0.7426106572325056) < 1e-15);
  assert.ok(Math.abs(pearsonCorrelation(averageRanks([1, 2, 3, 4, 5]), averageRanks([5, 6, 7, 8, 7])) - 0.8207826816681233) < 1e-15);
  const spearman = pearsonCorrelation(averageRanks([3, 1, 4, 1, 5, 9, 2, 6]), averageRanks([2, 7, 1, 8, 2, 8, 1, 8]));
  assert.ok(Math.abs(spearman - 0.19885368120992467) < 1e-15);
  assert.ok(Number.isNaN(pearsonCorrelation([1, 1, 1], [1, 2, 3])), 'constant input is NaN, as scipy');
});

test('sameOrderingRatio compares the a-p vs a-n ordering (<, = or >) of the two distances', () => {
  // Triplets: (1 vs 2, 5 vs 6) same; (3 vs 3, 0 vs 0) same; (4 vs 1, 1 vs 2) differ; (2 vs 2, 1 vs 3) differ.
  const x = Float64Array.from([1, 3, 4, 2, 2, 3, 1, 2]);
  const y = Float64Array.from([5, 0, 1, 1, 6, 0, 2, 3]);
  assert.equal(sameOrderingRatio(x, y), 0.5);
});

test('codes and observations that both measure factor distance exactly: every factor score is 1', async () => {
  const subject = thermometerSubject([6, 4, 5], 3, ([a, b, c]) => [2 * a + 1, -0.5 * b, 3 * c]);
  const result = await computeDistanceCorrelation(subject, Rng.fromSeed(1), { repeats: 8 });
  for (const statistic of ['rsame', 'rcorr', 'lcorr']) {
    for (const pair of PAIRS) {
      const key = `distances.${statistic}_${pair}.factor` as DistanceCorrelationKey;
      assert.ok(Math.abs(result[key] - 1) < 1e-6, `${key} = ${result[key]}`);
    }
  }
});

test('global scores: L1 codes of the factor indices agree with the ground truth and the data, L2 codes only by rank trend', async () => {
  const subject = thermometerSubject([6, 4, 5], 3, (factors) => factors);
  const result = await computeDistanceCorrelation(subject, Rng.fromSeed(2), { repeats: 16 });
  for (const key of ['rsame_ground_latent.l1', 'rcorr_ground_latent.l1', 'lcorr_ground_latent.l1', 'rcorr_ground_data', 'rcorr_latent_data.l1']) {
    const value = result[`distances.${key}.global` as DistanceCorrelationKey];
    assert.ok(Math.abs(value - 1) < 1e-9, `${key}.global = ${value}`);
  }
  const l2 = result['distances.rcorr_ground_latent.l2.global'];
  assert.ok(l2 > 0.8 && l2 < 1, `rcorr_ground_latent.l2.global = ${l2}`);
});

test('a non-monotone code (a cosine over a full period) correlates less than a monotone one', async () => {
  const monotone = await computeDistanceCorrelation(thermometerSubject([12], 1, ([a]) => [a]), Rng.fromSeed(3), { repeats: 32 });
  const folded = await computeDistanceCorrelation(thermometerSubject([12], 1, ([a]) => [Math.cos((2 * Math.PI * a) / 11)]), Rng.fromSeed(3), { repeats: 32 });
  const key = 'distances.rcorr_ground_latent.l1.factor';
  assert.equal(monotone[key], 1);
  assert.ok(folded[key] < 0.5, `folded code: ${folded[key]}`);
});

test('constant codes: the latent correlations are NaN (scipy), the ground-data ones are still 1', async () => {
  const result = await computeDistanceCorrelation(thermometerSubject([5, 3], 2, () => [0.5, 0.5]), Rng.fromSeed(4), { repeats: 4 });
  assert.ok(Number.isNaN(result['distances.rcorr_ground_latent.l2.factor']));
  assert.ok(Number.isNaN(result['distances.lcorr_latent_data.l1.global']));
  assert.equal(result['distances.rcorr_ground_data.factor'], 1);
});

test('single-value factors are skipped (NaN details) and left out of the geometric mean', async () => {
  const result = await computeDistanceCorrelation(thermometerSubject([1, 7], 1, ([, b]) => [b * b]), Rng.fromSeed(5), { repeats: 4 });
  assert.ok(Number.isNaN(result.details.per_factor['rcorr_ground_latent.l1'][0]));
  assert.equal(result['distances.rcorr_ground_latent.l1.factor'], Math.fround(result.details.per_factor['rcorr_ground_latent.l1'][1]));
});

test('30 keys sorted by name, and the same seed gives the same values whatever the request size', async () => {
  const encode = ([a, b]: number[]) => [Math.sin(a) + b, a * b];
  const one = await computeDistanceCorrelation(thermometerSubject([5, 4], 2, encode), Rng.fromSeed(6), { repeats: 6, numSamples: 10, batchSize: 1 });
  const many = await computeDistanceCorrelation(thermometerSubject([5, 4], 2, encode), Rng.fromSeed(6), { repeats: 6, numSamples: 10 });
  assert.deepEqual(many, one);
  const keys = Object.keys(one).filter((key) => key !== 'details');
  assert.equal(keys.length, 30);
  assert.deepEqual(keys, [...keys].sort());
});
