import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatenateTables, decVaeModularityExplicitness } from '../../../src/decvae/metrics/modularity_explicitness.js';
import { tableRows, type FactorCodeTable } from '../../../src/metrics/table.js';
import { fixtureSplit } from './fixture.js';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

function keepRows(table: FactorCodeTable, keep: (factors: Int32Array) => boolean): FactorCodeTable {
  const rows = Array.from({ length: table.n }, (_, r) => r).filter((r) => keep(table.factors.subarray(r * 2, r * 2 + 2)));
  return rows.map((r) => tableRows(table, r, r + 1)).reduce(concatenateTables);
}

// Reference (numpy/scikit-learn 1.2.1), mu: 4 x 60 and ys: 2 x 60 as in fixture.ts:
//   dm = histogram-discretised mu (30 bins) on all 60 rows
//   MI[i, j] = adjusted_mutual_info_score(ys[j], dm[i]); modularity as DecVAE's `modularity(MI)`
//   explicitness: mu standardised with the train mean/std; LogisticRegression(tol=1e-12,
//   max_iter=100000) per factor (the default lbfgs gives the same AUCs here); probability columns
//   of the classes in np.unique(y_test); roc_auc_score(MultiLabelBinarizer(classes=...), ...);
//   (mean - 0.5) / 0.5
test('modularity (AMI, 30 bins, train ∪ test) and explicitness match the reference', () => {
  const { train, test: testRows } = fixtureSplit();
  const result = decVaeModularityExplicitness(train, testRows);
  close(result.modularity, 0.6469902794810198, 1e-12, 'modularity');
  const amiReference = [
    [0.4301895952839061, 0.20556200690507984],
    [-0.11543494907482087, 0.1894539008636948],
    [0.10068812752148035, -0.11187867527053223],
    [-0.05616016708641569, -0.002807760586251998],
  ];
  result.details.ami_matrix.forEach((row, i) => row.forEach((value, j) => close(value, amiReference[i][j], 1e-12, `AMI[${i}][${j}]`)));
  close(result.explicitness_train, 0.9530864197530864, 1e-12, 'explicitness_train');
  close(result.explicitness_test, 0.5522222222222222, 1e-12, 'explicitness_test');
  assert.deepEqual(result.details.auc_test_per_factor.map((auc) => Math.round(auc * 1e12) / 1e12), [0.646666666667, 0.905555555556]);
});

test('explicitness scores only the classes present in the test rows', () => {
  // Same, with the test rows restricted to f1 != 4 (12 rows): train AUC of factor 1 over classes 0..3 only.
  const { train, test: testRows } = fixtureSplit();
  const result = decVaeModularityExplicitness(train, keepRows(testRows, (factors) => factors[1] !== 4));
  close(result.explicitness_train, 0.9436728395061729, 1e-12, 'explicitness_train');
  close(result.explicitness_test, 0.5555555555555554, 1e-12, 'explicitness_test');
});

test('inputs DecVAE cannot score are refused with the reason', () => {
  const { train, test: testRows } = fixtureSplit();
  const oneFactor = (t: FactorCodeTable): FactorCodeTable => ({ ...t, numFactors: 1, factors: t.factors.filter((_, k) => k % 2 === 0) });
  assert.throws(() => decVaeModularityExplicitness(oneFactor(train), oneFactor(testRows)), />= 2 factors/);
  const constantCode = (t: FactorCodeTable): FactorCodeTable => ({ ...t, codes: t.codes.map((v, k) => (k % 4 === 2 ? 1 : v)) });
  assert.throws(() => decVaeModularityExplicitness(constantCode(train), constantCode(testRows)), /code 2 is constant/);
  const trainWithoutClass2 = keepRows(train, (factors) => factors[0] !== 2);
  assert.throws(() => decVaeModularityExplicitness(trainWithoutClass2, testRows), /factor 0 has test class\(es\) 2 absent/);
});
