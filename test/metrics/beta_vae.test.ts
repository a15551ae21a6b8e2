import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeBetaVae, drawBetaVaeSample } from '../../src/metrics/beta_vae.js';
import { LookupSource } from '../../src/metrics/lookup_source.js';
import type { FactorCodeSource } from '../../src/metrics/source.js';
import type { FactorCodeTable } from '../../src/metrics/table.js';
import { CASE_NAMES, loadCase } from './reference.js';

interface BetaVaeScores {
  train_accuracy: number;
  eval_accuracy: number;
}

/** The parts of `<case>.expected.json` about beta-VAE that reference.ts does not type. */
interface BetaVaeReference {
  metrics: { beta_vae?: BetaVaeScores | null };
  variants: { beta_vae_sklearn_pre_0_22_defaults?: BetaVaeScores };
}

// README tolerance for the accuracies with the same samples (the library's lbfgs stops early;
// large_uneven's train accuracy moves by 0.0006 at the exact optimum).
const ACCURACY_TOLERANCE = 0.002;

/** The replayed lookup source, also recording which table rows its observations came from. */
function recordingSource(table: FactorCodeTable, seed: number): { source: FactorCodeSource; rows: number[][] } {
  const lookup = new LookupSource(table, seed);
  const rows: number[][] = [];
  const d = table.numCodes;
  const source: FactorCodeSource = {
    factorSizes: lookup.factorSizes,
    numCodes: d,
    sampleFactors: (n) => lookup.sampleFactors(n),
    randomIndex: (n) => lookup.randomIndex(n),
    representations: async (factors, n) => {
      const chosen = lookup.sampleRows(factors, n);
      rows.push(Array.from(chosen));
      const codes = new Float64Array(n * d);
      chosen.forEach((row, r) => codes.set(table.codes.subarray(row * d, (row + 1) * d), r * d));
      return codes;
    },
  };
  return { source, rows };
}

function toMatrix(values: Int32Array, cols: number): number[][] {
  return Array.from({ length: values.length / cols }, (_, r) => Array.from(values.subarray(r * cols, (r + 1) * cols)));
}

for (const name of CASE_NAMES) {
  test(`${name}: the first two beta-VAE points replay the library's draws exactly`, async () => {
    const { table, input, expected } = loadCase(name);
    const { source, rows } = recordingSource(table, input.seed);
    for (const [i, replay] of expected.debug.beta_vae_first_samples.entries()) {
      const sample = await drawBetaVaeSample(source, 64);
      assert.equal(sample.fixedFactor, replay.fixed_factor, `point ${i} fixed factor`);
      assert.deepEqual(toMatrix(sample.factors1, table.numFactors), replay.factor_indices_1, `point ${i} factors 1`);
      assert.deepEqual(toMatrix(sample.factors2, table.numFactors), replay.factor_indices_2, `point ${i} factors 2`);
      assert.deepEqual(rows[2 * i], replay.rows_1, `point ${i} rows 1`);
      assert.deepEqual(rows[2 * i + 1], replay.rows_2, `point ${i} rows 2`);
      assert.deepEqual(Array.from(sample.features), replay.feature_vector, `point ${i} feature vector`);
    }
  });

  test(`${name}: beta-VAE accuracies on the replayed lookup source are within ${ACCURACY_TOLERANCE} of the reference`, async () => {
    const { table, input, expected } = loadCase(name);
    const reference = (expected as unknown as BetaVaeReference).metrics.beta_vae;
    assert.ok(reference, `${name} has beta-VAE reference values`);
    const result = await computeBetaVae(new LookupSource(table, input.seed));
    for (const key of ['train_accuracy', 'eval_accuracy'] as const) {
      const deviation = Math.abs(result[key] - reference[key]);
      assert.ok(deviation <= ACCURACY_TOLERANCE, `${key}: got ${result[key]}, reference ${reference[key]}`);
    }
  });

  test(`${name}: the pre-0.22 (liblinear) variant is close to the reference's informational values`, async () => {
    const { table, input, expected } = loadCase(name);
    const reference = (expected as unknown as BetaVaeReference).variants.beta_vae_sklearn_pre_0_22_defaults;
    assert.ok(reference, `${name} has the pre-0.22 beta-VAE variant`);
    const result = await computeBetaVae(new LookupSource(table, input.seed), { classifierDefaults: 'sklearn_pre_0_22' });
    // liblinear stops at its own tolerance; the exact optimum measured 0.0002 away on large_uneven.
    for (const key of ['train_accuracy', 'eval_accuracy'] as const) {
      assert.ok(Math.abs(result[key] - reference[key]) <= ACCURACY_TOLERANCE, `${key}: got ${result[key]}, reference ${reference[key]}`);
    }
  });
}

/** A scripted source logging its calls: deterministic factor indices, codes equal to them, fixed factors 1, 0, 1, ... */
function scriptedSource(factorSizes: number[], draws: string[]): FactorCodeSource {
  const k = factorSizes.length;
  let next = 0;
  let indexCalls = 0;
  return {
    factorSizes,
    numCodes: k,
    sampleFactors: (n) => {
      draws.push(`factors(${n})`);
      return Int32Array.from({ length: n * k }, (_, index) => (Math.floor(index / k) + next++) % factorSizes[index % k]);
    },
    randomIndex: (n) => {
      draws.push(`index(${n})`);
      return (1 + indexCalls++) % n;
    },
    representations: async (factors, n) => {
      draws.push(`codes(${n})`);
      return Float64Array.from(factors);
    },
  };
}

test('each point draws the factor, both factor batches, then the observations of the first batch and the second', async () => {
  const draws: string[] = [];
  const sample = await drawBetaVaeSample(scriptedSource([3, 4], draws), 5);
  assert.deepEqual(draws, ['index(2)', 'factors(5)', 'factors(5)', 'codes(5)', 'codes(5)']);
  assert.equal(sample.fixedFactor, 1);
  // The fixed factor is copied from the first batch into the second, row by row.
  for (let r = 0; r < 5; r++) assert.equal(sample.factors2[r * 2 + 1], sample.factors1[r * 2 + 1]);
  // Codes equal factor indices here, so the fixed factor's feature is exactly 0.
  assert.equal(sample.features[1], 0);
});

test('the liblinear variant draws its seed between the training and the evaluation points', async () => {
  const draws: string[] = [];
  await computeBetaVae(scriptedSource([3, 4], draws), { batchSize: 2, numTrain: 3, numEval: 1, classifierDefaults: 'sklearn_pre_0_22' });
  const seedDraw = draws.indexOf('index(2147483647)');
  assert.equal(seedDraw, 3 * 5);
  assert.equal(draws.length, 4 * 5 + 1);
});

test('beta-VAE needs at least 2 factors', async () => {
  await assert.rejects(computeBetaVae(scriptedSource([5], []), { numTrain: 4, numEval: 2 }), /at least 2 factors/);
});
