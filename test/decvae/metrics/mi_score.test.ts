import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discretiseCodes, pairwiseMutualInfoScore } from '../../../src/decvae/metrics/mi_score.js';
import { fixtureTable } from './fixture.js';

test('the pairwise AMI score of the fixture matches DecVAE`s formula in numpy/scikit-learn', () => {
  // dm = np.stack([np.digitize(r, np.histogram(r, 30)[1][:-1]) for r in mu])
  // M = np.array([[ami(dm[j], dm[i]) for j in range(4)] for i in range(4)]); np.fill_diagonal(M, 0)
  // M.sum() / (4*4 - 4)
  const table = fixtureTable();
  const { mi_score, ami_matrix } = pairwiseMutualInfoScore(table.codes, table.n, table.numCodes);
  assert.ok(Math.abs(mi_score - 0.026721855949455028) < 1e-12, `mi_score ${mi_score}`);
  ami_matrix.forEach((row, i) => {
    assert.equal(row[i], 0);
    row.forEach((value, j) => assert.equal(value, ami_matrix[j][i]));
  });
});

test('two copies of one dimension score 1; the diagonal never counts', () => {
  const n = 50;
  const mu = new Float64Array(n * 2);
  for (let r = 0; r < n; r++) mu[r * 2] = mu[r * 2 + 1] = ((r * 13) % 47) / 47;
  assert.ok(Math.abs(pairwiseMutualInfoScore(mu, n, 2).mi_score - 1) < 1e-12);
});

test('a single dimension has no pairs: 0 / 0 = NaN, as numpy gives', () => {
  assert.ok(Number.isNaN(pairwiseMutualInfoScore(Float64Array.from([0, 1, 2]), 3, 1).mi_score));
});

test('discretisation uses 30 equal-width bins with the maximum in bin 30', () => {
  // np.digitize(x, np.histogram(x, 30)[1][:-1]) for x = 0, 1, ..., 60
  const values = Float64Array.from({ length: 61 }, (_, i) => i);
  const [bins] = discretiseCodes(values, 61, 1);
  assert.equal(bins[0], 1);
  assert.equal(bins[1], 1);
  assert.equal(bins[2], 2);
  assert.equal(bins[59], 30);
  assert.equal(bins[60], 30);
});
