import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigSchema, LIBRARY_METRICS } from '../../../src/config/schema.js';
import { LookupSource } from '../../../src/metrics/lookup_source.js';
import {
  computeLieGroupEval,
  LieGroupEvalSettingsSchema,
  roundLikeLog,
  type LieGroupEvalSettings,
} from '../../../src/metrics/presets/lie_group.js';
import type { FactorCodeSource } from '../../../src/metrics/source.js';
import { tableFromRows } from '../../../src/metrics/table.js';
import { UserError } from '../../../src/util/errors.js';
import { runCli, tempDir, writeConfig } from '../../cli/helpers.js';

/** Every factor vector of the grid, in C order (last factor fastest). */
function gridRows(sizes: readonly number[]): number[][] {
  let rows: number[][] = [[]];
  for (const size of sizes) rows = rows.flatMap((row) => Array.from({ length: size }, (_, value) => [...row, value]));
  return rows;
}

/**
 * A lookup table over the whole grid whose draws go through the grid rows in C order, over and
 * over, and whose `randomIndex` counts 0, 1, 2, ... modulo its bound. Any multiple of the grid
 * size is then an exactly balanced sample, on which different factors are exactly independent:
 * mutual information and correlations between a factor and another factor's code are exactly 0,
 * and every factor gets the same number of FactorVAE votes.
 */
function cyclingGridSource(sizes: number[], codesOf: (factors: number[]) => number[]): FactorCodeSource {
  const rows = gridRows(sizes);
  const numCodes = codesOf(rows[0]).length;
  let nextRow = 0;
  let nextIndex = 0;
  return {
    factorSizes: sizes,
    numCodes,
    sampleFactors(n) {
      const out = new Int32Array(n * sizes.length);
      for (let r = 0; r < n; r++) out.set(rows[nextRow++ % rows.length], r * sizes.length);
      return out;
    },
    randomIndex: (n) => nextIndex++ % n,
    async representations(factors, n) {
      const out = new Float64Array(n * numCodes);
      for (let r = 0; r < n; r++) out.set(codesOf(Array.from(factors.subarray(r * sizes.length, (r + 1) * sizes.length))), r * numCodes);
      return out;
    },
  };
}

/** Small sample sizes: 48 points is two passes over a 24-row grid, 30 votes are 10 per factor. */
const SMALL: LieGroupEvalSettings = LieGroupEvalSettingsSchema.parse({
  num_points: 48,
  factor_vae: { num_variance_estimate: 48, num_train: 30, num_eval: 15 },
  beta_vae: { num_train: 30, num_eval: 30 },
});

test('roundLikeLog rounds to 4 decimals as numpy does in float32: half to even, after the float32 cast', () => {
  assert.equal(roundLikeLog(2 / 3), 0.6667);
  // 0.03125 * 10^4 = 312.5 and 0.09375 * 10^4 = 937.5 exactly: ties go to the even neighbour.
  assert.equal(roundLikeLog(0.03125), 0.0312);
  assert.equal(roundLikeLog(0.09375), 0.0938);
  // 0.86125001 is 0.86124998 in float32, so it logs as 0.8612 where float64 rounding gives 0.8613.
  assert.equal(roundLikeLog(0.86125001), 0.8612);
  assert.equal(roundLikeLog(7), 7);
  assert.ok(Number.isNaN(roundLikeLog(NaN)));
});

test('a representation that copies the factors scores 1 everywhere and leaks nothing', async () => {
  const result = await computeLieGroupEval(cyclingGridSource([2, 3, 4], (f) => f), SMALL);
  assert.equal(result.fac_train, 1);
  assert.equal(result.fac_eval, 1);
  assert.equal(result.fac_num_act, 3);
  assert.equal(result.discrete_mig, 1);
  assert.equal(result.dci_informativeness_test, 1);
  assert.equal(result.dci_disentanglement, 1);
  assert.equal(result.dci_completeness, 1);
  assert.equal(result.SAP_score, 1);
  assert.equal(result.modularity_score, 1);
  assert.equal(result.explicitness_score_test, 1);
  assert.equal(result.factor_leakage_mean, 0);
  assert.deepEqual(result.details.first_factor_dropped, { dci: false, sap: false, modularity_explicitness: false });
});

test('MIG and factor leakage drop the first factor; DCI, SAP and modularity keep it when it varies', async () => {
  // Codes: f0 once, f1 twice, f2 twice. Without f0, both remaining factors have two equally
  // informative codes: every MIG gap is 0 (with f0 it would be (1 + 0 + 0) / 3), and factor
  // leakage is the mean of [ln 3, 0, 0, 0] and [ln 4, 0, 0, 0] = ln 12 / 8 (with f0: ln 12 / 12).
  // SAP keeps f0, whose single code gives gap 1: (1 + 0 + 0) / 3; modularity keeps it too, so the
  // code copying f0 is perfectly modular and every code scores 1 (without f0 it would score 0).
  const result = await computeLieGroupEval(cyclingGridSource([2, 3, 4], ([f0, f1, f2]) => [f0, f1, f1, f2, f2]), SMALL);
  assert.equal(result.discrete_mig, 0);
  assert.equal(result.factor_leakage_mean, 0.3106);
  assert.equal(result.details.mig_mi_matrix[0].length, 2);
  assert.equal(result.details.factor_leakage_mi_matrix[0].length, 2);
  assert.equal(result.SAP_score, 0.3333);
  assert.equal(result.modularity_score, 1);
  assert.deepEqual(result.details.first_factor_dropped, { dci: false, sap: false, modularity_explicitness: false });
  assert.equal(result.details.dci?.importance_matrix[0].length, 3);
  assert.equal(result.dci_informativeness_test, 1);
});

test('a constant first factor is dropped everywhere; its constant code fails explicitness, which scores 0', async () => {
  // Factors [1, 3, 4]: f0 is always 0 and so is its code. DCI drops f0 (its classifier could not
  // be fitted on one class) and is perfect on f1 and f2. SAP drops it (kept, its 0 variance
  // would make SAP NaN). Explicitness standardises the constant code to 0/0 = NaN, which makes
  // every factor's classifier fail: both scores 0. Modularity: the constant code carries no
  // information (0), the other two are perfectly modular: 2/3.
  // FactorVAE: the constant code is inactive. A vote holding f1 or f2 fixed names its code; a
  // vote holding the constant f0 fixed names either code, but either way each of the two vote
  // columns has 10 votes of its own factor as its maximum: train accuracy 20 / 30.
  const result = await computeLieGroupEval(cyclingGridSource([1, 3, 4], (f) => f), LieGroupEvalSettingsSchema.parse({
    num_points: 24,
    factor_vae: { num_variance_estimate: 24, num_train: 30, num_eval: 15 },
    beta_vae: { num_train: 30, num_eval: 30 },
  }));
  assert.deepEqual(result.details.first_factor_dropped, { dci: true, sap: true, modularity_explicitness: true });
  assert.equal(result.details.dci?.importance_matrix[0].length, 2);
  assert.equal(result.dci_disentanglement, 1);
  assert.equal(result.dci_completeness, 1);
  assert.equal(result.dci_informativeness_test, 1);
  assert.equal(result.SAP_score, 1);
  assert.equal(result.explicitness_score_train, 0);
  assert.equal(result.explicitness_score_test, 0);
  assert.deepEqual(result.details.explicitness_test_per_factor, [0, 0]);
  assert.equal(result.modularity_score, 0.6667);
  assert.equal(result.discrete_mig, 1);
  assert.equal(result.factor_leakage_mean, 0);
  assert.equal(result.fac_num_act, 2);
  assert.equal(result.fac_train, 0.6667);
});

test('FactorVAE keeps codes whose standard deviation reaches 0.1, not disentanglement_lib\'s 0.05', async () => {
  // On 48 balanced points a code 0.14 * f0 (f0 in {0, 1}) has std 0.07 * sqrt(48/47) = 0.0707 and
  // is pruned; 0.2 * f0 has std 0.1 * sqrt(48/47) = 0.101 and is kept.
  const pruned = await computeLieGroupEval(cyclingGridSource([2, 3, 4], ([f0, f1, f2]) => [0.14 * f0, f1, f2]), SMALL);
  assert.equal(pruned.fac_num_act, 2);
  const kept = await computeLieGroupEval(cyclingGridSource([2, 3, 4], ([f0, f1, f2]) => [0.2 * f0, f1, f2]), SMALL);
  assert.equal(kept.fac_num_act, 3);
});

test('codes shrunk 1000-fold: no active code gives FactorVAE 0, the unregularised beta-VAE classifier stays perfect', async () => {
  // Every code's std is at most 1.2e-3, so no code is active and all three FactorVAE values are
  // 0. The beta-VAE point of fixed factor k has feature k exactly 0 and the others positive, so
  // the classes are separable by -z; an unpenalised logistic regression is invariant to scaling
  // its inputs and separates them at any scale (an L2-penalised one would be pulled to the
  // intercepts by features of size 1e-3). 64 pairs per point make an accidental 0 feature
  // (probability 2^-64) impossible in practice.
  const rows = gridRows([2, 3, 4]);
  const table = tableFromRows(rows, rows.map((f) => f.map((value) => value * 1e-3)));
  const result = await computeLieGroupEval(new LookupSource(table, 7), LieGroupEvalSettingsSchema.parse({
    num_points: 48,
    factor_vae: { num_variance_estimate: 200, num_train: 30, num_eval: 15 },
    beta_vae: { batch_size: 64, num_train: 60, num_eval: 60 },
  }));
  assert.deepEqual([result.fac_train, result.fac_eval, result.fac_num_act], [0, 0, 0]);
  assert.equal(result.hig_acc, 1);
  assert.equal(result.val_hig_acc, 1);
});

test('a dataset with a single factor is a user error: MIG and factor leakage drop it', async () => {
  const table = tableFromRows([[0], [1]], [[0, 1], [1, 0]]);
  await assert.rejects(computeLieGroupEval(new LookupSource(table, 0), SMALL), (e: unknown) =>
    e instanceof UserError && /at least 2 ground-truth factors/.test(e.message));
});

test('lie_group is an opt-in eval metric whose sample sizes default to the repository\'s and can be lowered', () => {
  const defaults = ConfigSchema.parse({});
  assert.ok(!defaults.eval.metrics.includes('lie_group'));
  assert.deepEqual(defaults.eval.metrics, [...LIBRARY_METRICS]);
  assert.deepEqual(defaults.eval.lie_group, {
    num_points: 1000,
    factor_vae: { batch_size: 64, num_train: 10000, num_eval: 5000, num_variance_estimate: 10000 },
    beta_vae: { batch_size: 5, num_train: 1000, num_eval: 1000 },
  });
  const config = ConfigSchema.parse({
    eval: { metrics: ['lie_group'], representations: ['mean'], lie_group: { num_points: 200, factor_vae: { num_train: 500 } } },
  });
  assert.deepEqual(config.eval.metrics, ['lie_group']);
  assert.equal(config.eval.lie_group.num_points, 200);
  assert.equal(config.eval.lie_group.factor_vae.num_train, 500);
  assert.equal(config.eval.lie_group.factor_vae.num_eval, 5000);
  assert.equal(ConfigSchema.safeParse({ eval: { lie_group: { num_points: 0 } } }).success, false);
  assert.equal(ConfigSchema.safeParse({ eval: { lie_group: { prune_threshold: 0.05 } } }).success, false);
});

test('a run configured with eval.metrics [lie_group] writes the suite\'s keys, rounded, into metrics.json', () => {
  const dir = tempDir('lie-group');
  const out = path.join(dir, 'run');
  const config = `seed: 3
train: {steps: 2, batch_size: 8, checkpoint_every: 2}
eval:
  metrics: [lie_group]
  representations: [mean]
  batch_size: 64
  lie_group:
    num_points: 100
    factor_vae: {batch_size: 16, num_train: 30, num_eval: 20, num_variance_estimate: 200}
    beta_vae: {num_train: 40, num_eval: 40}
viz: {num_reconstructions: 4, traversal_steps: 3}
`;
  const r = runCli(['run', writeConfig(dir, config), '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
  assert.deepEqual(metrics.errors, { mean: {} });
  const values: Record<string, number> = metrics.metrics.mean.lie_group;
  assert.deepEqual(Object.keys(values).sort(), [
    'SAP_score', 'dci_completeness', 'dci_disentanglement', 'dci_informativeness_test', 'dci_informativeness_train',
    'explicitness_score_test', 'explicitness_score_train', 'fac_eval', 'fac_num_act', 'fac_train', 'factor_leakage_mean',
    'discrete_mig', 'hig_acc', 'modularity_score', 'val_hig_acc',
  ].sort());
  for (const [key, value] of Object.entries(values)) assert.equal(Number(value.toFixed(4)), value, `${key} = ${value} has more than 4 decimals`);
  assert.ok(Number.isInteger(values.fac_num_act) && values.fac_num_act >= 0 && values.fac_num_act <= 10);
});
