import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decVaeDisentanglement, resplitBySpeaker } from '../../../src/decvae/metrics/suite.js';
import { computeDci } from '../../../src/metrics/dci.js';
import { factorColumn, tableRows, type FactorCodeTable } from '../../../src/metrics/table.js';
import { fixtureSplit, fixtureTable } from './fixture.js';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
const GBT = { randomState: 0 };

test('the suite on the fixture matches the numpy/scikit-learn reference', () => {
  // mi_score, TC, modularity, explicitness: see gaussian_tc/mi_score/modularity_explicitness tests.
  // IRS as DecVAE's compute_irs (integer factors grouped by value, diff_quantile 0.99):
  //   lat = mu.T; maxdev = np.max(np.abs(lat - lat.mean(0)), 0); for each factor j and value v:
  //   cum[:, j] += np.percentile(np.abs(sel - sel.mean(0)), 99, axis=0) / #values
  //   np.average((1 - cum / maxdev[:, None]).max(1), weights=maxdev)
  const { train, test: testRows } = fixtureSplit();
  const result = decVaeDisentanglement(train, testRows, { gradientBoosting: GBT });
  close(result.mi_score, 0.026721855949455028, 1e-12, 'mi_score');
  close(result.gaussian_tc, 0.47136221564798664, 1e-13, 'gaussian_tc');
  close(result.gaussian_tc_normalised, 0.1733396708671518, 1e-13, 'gaussian_tc_normalised');
  close(result.irs, 0.6283828025932986, 1e-12, 'irs');
  close(result.modularity ?? NaN, 0.6469902794810198, 1e-12, 'modularity');
  close(result.explicitness_train ?? NaN, 0.9530864197530864, 1e-12, 'explicitness_train');
  close(result.explicitness_test ?? NaN, 0.5522222222222222, 1e-12, 'explicitness_test');
});

test('DCI is computeDci on the given split; close to scikit-learn`s GradientBoostingClassifier(random_state=0)', () => {
  // scikit-learn: D 0.6922998086412171, C 0.49472454470610844, informativeness_train 1.0. The
  // classifiers fit the train rows exactly and late trees pick among near-tied splits, so the
  // importances agree to ~1e-4 and test accuracies can differ; only the wiring is checked exactly.
  const { train, test: testRows } = fixtureSplit();
  const { dci } = decVaeDisentanglement(train, testRows, { gradientBoosting: GBT });
  const direct = computeDci(train, testRows, { gradientBoosting: GBT });
  assert.deepEqual(dci, {
    disentanglement: direct.disentanglement,
    completeness: direct.completeness,
    informativeness_train: direct.informativeness_train,
    informativeness_test: direct.informativeness_test,
  });
  close(dci.disentanglement, 0.6922998086412171, 1e-3, 'disentanglement');
  close(dci.completeness, 0.49472454470610844, 1e-3, 'completeness');
  assert.equal(dci.informativeness_train, 1);
});

test('IRS groups integer factors by value: spreading the values apart changes nothing', () => {
  const { train, test: testRows } = fixtureSplit();
  const spread = (t: FactorCodeTable): FactorCodeTable => ({ ...t, factors: t.factors.map((v) => v * 1000 - 7) });
  close(decVaeDisentanglement(spread(train), spread(testRows), { gradientBoosting: GBT }).irs, 0.6283828025932986, 1e-12, 'irs');
});

test('with one factor, modularity and explicitness are absent (DecVAE computes them only for >= 2)', () => {
  const { train, test: testRows } = fixtureSplit();
  const firstFactor = (t: FactorCodeTable): FactorCodeTable => ({ ...t, numFactors: 1, factors: factorColumn(t, 0) });
  const result = decVaeDisentanglement(firstFactor(train), firstFactor(testRows), { gradientBoosting: GBT });
  assert.equal('modularity' in result, false);
  assert.equal('explicitness_test' in result, false);
  close(result.mi_score, 0.026721855949455028, 1e-12, 'mi_score does not depend on factors');
});

test('resplitBySpeaker concatenates, keeps rows intact and splits 80/20 per speaker', () => {
  const table = fixtureTable();
  const { train, test: testRows } = resplitBySpeaker(tableRows(table, 0, 30), tableRows(table, 30), 1, 42);
  assert.equal(train.n, 48);
  assert.equal(testRows.n, 12);
  const key = (t: FactorCodeTable, r: number) => `${t.factors.subarray(r * 2, r * 2 + 2)}|${t.codes.subarray(r * 4, r * 4 + 4)}`;
  const original = new Set(Array.from({ length: table.n }, (_, r) => key(table, r)));
  const seen = new Set<string>();
  for (const t of [train, testRows]) for (let r = 0; r < t.n; r++) seen.add(key(t, r));
  assert.deepEqual(seen, original);
  // 5 speakers x 12 rows, 48 train rows: shares of 9.6 floor to 9, and 3 speakers (ties, drawn at
  // random) get a 10th; the 12 test rows are then everything left, 2 or 3 per speaker.
  const testCounts = [0, 1, 2, 3, 4].map((s) => factorColumn(testRows, 1).filter((v) => v === s).length);
  assert.deepEqual([...testCounts].sort(), [2, 2, 2, 3, 3]);
  assert.throws(() => resplitBySpeaker(table, table, 2), /speaker factor 2/);
});
