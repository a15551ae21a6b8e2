import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeDimensions, computeFactorVae, leastVaryingActivePosition } from '../../src/metrics/factor_vae.js';
import { LookupSource } from '../../src/metrics/lookup_source.js';
import { columnVariances } from '../../src/metrics/numpy_reductions.js';
import type { FactorCodeSource } from '../../src/metrics/source.js';
import { CASE_NAMES, assertAllClose, loadCase } from './reference.js';

for (const name of CASE_NAMES) {
  test(`${name}: FactorVAE on the replayed lookup source matches the reference exactly`, async () => {
    const { table, input, expected } = loadCase(name);
    const reference = expected.metrics.factor_vae;
    const details = expected.details.factor_vae;
    assert.ok(reference && details, `${name} has FactorVAE reference values`);

    const result = await computeFactorVae(new LookupSource(table, input.seed));
    assertAllClose(result.details.global_variances, details.global_variances, 'global_variances');
    assert.deepEqual(result.details.active_mask, details.active_mask);
    assert.deepEqual(result.details.training_votes, details.training_votes_factors_x_activecodeindex);
    assert.deepEqual(result.details.eval_votes, details.eval_votes_factors_x_activecodeindex);
    assert.deepEqual(result.details.classifier, details.classifier);
    assert.equal(result.train_accuracy, reference.train_accuracy);
    assert.equal(result.eval_accuracy, reference.eval_accuracy);
    assert.equal(result.num_active_dims, reference.num_active_dims);
    assert.equal(result.num_active_dims_library_literal, reference.num_active_dims_library_literal);
  });

  test(`${name}: local variances, ratios and argmin of the first two votes match the replay`, () => {
    const { table, expected } = loadCase(name);
    const replay = expected.debug.factor_vae_first_samples;
    const globalVariances = Float64Array.from(replay.global_variances);
    const active = activeDimensions(globalVariances, 0.05);
    assert.deepEqual(
      Array.from(globalVariances, (_, i) => active.includes(i)),
      replay.active_mask,
    );
    const d = table.numCodes;
    for (const [v, sample] of replay.samples.entries()) {
      const codes = new Float64Array(64 * d);
      sample.rows.forEach((row, r) => codes.set(table.codes.subarray(row * d, (row + 1) * d), r * d));
      const local = columnVariances(codes, 64, d, 1);
      assertAllClose(local, sample.local_variances, `vote ${v} local variances`);
      assertAllClose(
        Array.from(active, (i) => local[i] / globalVariances[i]),
        sample.ratio_active,
        `vote ${v} ratios`,
      );
      assert.equal(leastVaryingActivePosition(local, globalVariances, active), sample.argmin_active, `vote ${v} argmin`);
    }
  });
}

test('the argmin is a position among the active dims, first on ties, first NaN if any', () => {
  const global = [1, 1e-6, 1, 1];
  const active = activeDimensions(global, 0.05);
  assert.deepEqual(Array.from(active), [0, 2, 3]);
  // Dim 3 has the smallest ratio; it is the third active dim, so position 2.
  assert.equal(leastVaryingActivePosition([0.5, 0, 0.9, 0.1], global, active), 2);
  assert.equal(leastVaryingActivePosition([0.2, 0, 0.2, 0.2], global, active), 0);
  assert.equal(leastVaryingActivePosition([0.2, 0, NaN, 0.1], global, active), 1);
});

test('pruning thresholds the standard deviation, not the variance', () => {
  // std 0.05 exactly is kept; variance 0.0025 would fail a variance threshold of 0.05.
  assert.deepEqual(Array.from(activeDimensions([0.0025, 0.0024, 0.04], 0.05)), [0, 2]);
});

/** A source whose codes are constant: every dimension is pruned. */
function constantSource(): FactorCodeSource {
  return {
    factorSizes: [2, 3],
    numCodes: 2,
    sampleFactors: (n) => new Int32Array(n * 2),
    randomIndex: () => 0,
    representations: async (_factors, n) => new Float64Array(n * 2).fill(0.5),
  };
}

test('with no active dimension the scores are 0, as in the library', async () => {
  const result = await computeFactorVae(constantSource(), { numTrain: 10, numEval: 10, numVarianceEstimate: 100 });
  assert.equal(result.train_accuracy, 0);
  assert.equal(result.eval_accuracy, 0);
  assert.equal(result.num_active_dims, 0);
  assert.equal(result.num_active_dims_library_literal, 0);
  assert.deepEqual(result.details.active_mask, [false, false]);
});

test('invalid settings are rejected', async () => {
  await assert.rejects(computeFactorVae(constantSource(), { batchSize: 0 }), /batchSize/);
  await assert.rejects(computeFactorVae(constantSource(), { numTrain: 2.5 }), /numTrain/);
});
