import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroundTruthData } from '../../src/datasets/ground_truth.js';
import { datasetSource } from '../../src/metrics/dataset_source.js';
import { computeFactorVae } from '../../src/metrics/factor_vae.js';
import { Rng } from '../../src/util/random.js';

/** Two factors (3 and 4 values) rendered as a 1 x 1 image with one channel per factor. */
const twoFactorData: GroundTruthData = {
  name: 'two-factor-pixels',
  factorNames: ['a', 'b'],
  factorSizes: [3, 4],
  observationShape: [1, 1, 2],
  render(factors, out, offset) {
    out[offset] = factors[0] / 10;
    out[offset + 1] = factors[1] / 10;
  },
};

/** Reads the factor values back from the pixels, recording the largest batch it was given. */
function pixelEncoder(codeOfFactors: (a: number, b: number) => number[]) {
  const calls = { largestBatch: 0 };
  const encode = async (images: Float32Array, n: number): Promise<Float64Array> => {
    calls.largestBatch = Math.max(calls.largestBatch, n);
    const codes: number[] = [];
    for (let r = 0; r < n; r++) codes.push(...codeOfFactors(Math.round(images[2 * r] * 10), Math.round(images[2 * r + 1] * 10)));
    return Float64Array.from(codes);
  };
  return { encode, calls };
}

const smallRun = { numTrain: 400, numEval: 300, numVarianceEstimate: 1000 };

test('representations render, encode in batches of at most batchSize and keep the order', async () => {
  const { encode, calls } = pixelEncoder((a, b) => [a, b]);
  const source = datasetSource({ data: twoFactorData, encode, numCodes: 2, rng: Rng.fromSeed(3), batchSize: 3 });
  const factors = source.sampleFactors(10);
  const codes = await source.representations(factors, 10);
  assert.deepEqual(Array.from(codes), Array.from(factors));
  assert.equal(calls.largestBatch, 3);
});

test('codes that copy the factors give a FactorVAE score of 1', async () => {
  const { encode, calls } = pixelEncoder((a, b) => [a, b]);
  const source = datasetSource({ data: twoFactorData, encode, numCodes: 2, rng: Rng.fromSeed(11), batchSize: 32 });
  const result = await computeFactorVae(source, smallRun);
  assert.equal(result.train_accuracy, 1);
  assert.equal(result.eval_accuracy, 1);
  assert.equal(result.num_active_dims, 2);
  assert.deepEqual(result.details.classifier, [0, 1]);
  assert.ok(calls.largestBatch <= 32);
});

test('codes that ignore factor b cannot identify it: one active dim, about half the votes right', async () => {
  const { encode } = pixelEncoder((a) => [a, 0.5]);
  const source = datasetSource({ data: twoFactorData, encode, numCodes: 2, rng: Rng.fromSeed(12) });
  const result = await computeFactorVae(source, smallRun);
  assert.deepEqual(result.details.active_mask, [true, false]);
  assert.equal(result.num_active_dims, 1);
  assert.equal(result.num_active_dims_library_literal, 2);
  // Every vote lands on the only active position, so the classifier is right only for the
  // factor that wins that column (each factor is fixed about half the time).
  const column0 = result.details.training_votes.map((row) => row[0]);
  assert.equal(column0[0] + column0[1], smallRun.numTrain);
  assert.ok(result.train_accuracy < 0.6 && result.train_accuracy > 0.4, `train accuracy ${result.train_accuracy}`);
  assert.ok(result.eval_accuracy < 0.65 && result.eval_accuracy > 0.35, `eval accuracy ${result.eval_accuracy}`);
});

test('an encoder returning the wrong number of values is a clear error', async () => {
  const source = datasetSource({
    data: twoFactorData,
    encode: async (_images, n) => new Float64Array(n),
    numCodes: 2,
    rng: Rng.fromSeed(1),
  });
  await assert.rejects(source.representations(source.sampleFactors(4), 4), /returned 4 values for 4 images; expected 4 x 2/);
});
