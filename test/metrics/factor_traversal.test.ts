import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroundTruthData } from '../../src/datasets/ground_truth.js';
import { datasetSubject, geometricMeanOverFactors, sampleFactorTraversals, traversalsPerRequest } from '../../src/metrics/factor_traversal.js';
import { computeLinearity } from '../../src/metrics/linearity.js';
import { computeDistanceCorrelation } from '../../src/metrics/distance_correlation.js';
import { Rng } from '../../src/util/random.js';

/** A 1 x 2 x 1 "image" whose two pixels are the two factor indices divided by 4 (exact in float32). */
const tinyData: GroundTruthData = {
  name: 'tiny',
  factorNames: ['a', 'b'],
  factorSizes: [4, 3],
  observationShape: [1, 2, 1],
  render(factors, out, offset) {
    out[offset] = factors[0] / 4;
    out[offset + 1] = factors[1] / 4;
  },
};

test('sampleFactorTraversals: each traversal holds one random base and sweeps the factor 0..size-1', () => {
  const traversals = sampleFactorTraversals([4, 3, 5], 1, 2, Rng.fromSeed(1));
  assert.equal(traversals.length, 2 * 3 * 3);
  for (let t = 0; t < 2; t++) {
    const rows = Array.from({ length: 3 }, (_, position) => Array.from(traversals.subarray((t * 3 + position) * 3, (t * 3 + position + 1) * 3)));
    assert.deepEqual(rows.map((row) => row[1]), [0, 1, 2]);
    for (const row of rows) {
      assert.equal(row[0], rows[0][0]);
      assert.equal(row[2], rows[0][2]);
      assert.ok(row[0] >= 0 && row[0] < 4 && row[2] >= 0 && row[2] < 5);
    }
  }
  assert.throws(() => sampleFactorTraversals([4], 2, 1, Rng.fromSeed(1)), /factor 2 does not exist/);
});

test('traversalsPerRequest fills a batch, at least one traversal', () => {
  assert.equal(traversalsPerRequest(8, 64), 8);
  assert.equal(traversalsPerRequest(100, 64), 1);
  assert.throws(() => traversalsPerRequest(8, 0), /batchSize/);
});

test('geometricMeanOverFactors: float32 geometric mean over factors of size > 1; 0 gives 0, a negative NaN', () => {
  assert.equal(geometricMeanOverFactors([4, 123, 9], [2, 1, 5]), 6);
  assert.equal(geometricMeanOverFactors([0.1, 0.3], [2, 2]), Math.fround(Math.sqrt(0.03)));
  assert.equal(geometricMeanOverFactors([0, 0.5], [3, 3]), 0);
  assert.ok(Number.isNaN(geometricMeanOverFactors([-0.1, 0.5], [3, 3])));
  assert.ok(Number.isNaN(geometricMeanOverFactors([0.5], [1])), 'no factor to average');
});

test('datasetSubject renders the observations, encodes them in batches and returns both', async () => {
  const batches: number[] = [];
  const subject = datasetSubject({
    data: tinyData,
    numCodes: 1,
    batchSize: 2,
    encode: async (images, n) => {
      batches.push(n);
      return Float64Array.from({ length: n }, (_, r) => images[2 * r] + 2 * images[2 * r + 1]);
    },
  });
  assert.equal(subject.observationSize, 2);
  const factors = Int32Array.from([0, 0, 3, 2, 1, 1, 2, 0, 0, 2]);
  const { codes, observations } = await subject.observe(factors, 5);
  assert.deepEqual(batches, [2, 2, 1]);
  assert.deepEqual(Array.from(observations), Array.from(factors, (f) => f / 4));
  assert.deepEqual(Array.from(codes), Array.from({ length: 5 }, (_, r) => observations[2 * r] + 2 * observations[2 * r + 1]));
  assert.deepEqual(Array.from(await subject.representations(factors, 5)), Array.from(codes));
  await assert.rejects(subject.observe(factors, 4), /expected 4 x 2 factor indices/);
});

test('the MSc metrics run end to end on a dataset + encoder', async () => {
  const subject = datasetSubject({ data: tinyData, numCodes: 2, encode: async (images) => Float64Array.from(images) });
  // The code is the observation: a perfectly axis-aligned, linear, distance-preserving representation.
  const linearity = await computeLinearity(subject, Rng.fromSeed(2), { repeats: 4 });
  assert.equal(linearity['linearity.axis_ratio.var'], 1);
  const distances = await computeDistanceCorrelation(subject, Rng.fromSeed(3), { repeats: 4 });
  for (const key of ['distances.rcorr_ground_latent.l1.factor', 'distances.rcorr_latent_data.l2.global'] as const) {
    assert.ok(Math.abs(distances[key] - 1) < 1e-12, `${key} = ${distances[key]}`);
  }
});
