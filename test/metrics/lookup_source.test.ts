import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LookupSource } from '../../src/metrics/lookup_source.js';
import { tableFromRows } from '../../src/metrics/table.js';
import { MT19937 } from '../../src/util/mt19937.js';
import { CASE_NAMES, loadCase } from './reference.js';

function rowsOf(matrix: Int32Array, width: number): number[][] {
  const out: number[][] = [];
  for (let start = 0; start < matrix.length; start += width) out.push(Array.from(matrix.subarray(start, start + width)));
  return out;
}

for (const name of CASE_NAMES) {
  test(`${name}: sorted factor value lists match the reference lookup`, () => {
    const { table, expected } = loadCase(name);
    const source = new LookupSource(table, 0);
    assert.deepEqual(source.factorValues, expected.debug.lookup.factor_values);
    assert.deepEqual(source.factorSizes, expected.debug.lookup.factor_values.map((values) => values.length));
  });

  test(`${name}: the first FactorVAE draws replay RandomState(seed) exactly`, () => {
    const { table, input, expected } = loadCase(name);
    const replay = expected.debug.factor_vae_first_samples;
    const source = new LookupSource(table, input.seed);
    const numFactors = source.factorSizes.length;

    const varianceFactors = source.sampleFactors(10000);
    const varianceRows = source.sampleRows(varianceFactors, 10000);
    assert.deepEqual(Array.from(varianceRows.subarray(0, 20)), replay.variance_rows_first_20);

    for (const [v, sample] of replay.samples.entries()) {
      const fixed = source.randomIndex(numFactors);
      assert.equal(fixed, sample.fixed_factor, `vote ${v} fixed factor`);
      const factors = source.sampleFactors(64);
      for (let r = 1; r < 64; r++) factors[r * numFactors + fixed] = factors[fixed];
      assert.deepEqual(rowsOf(factors, numFactors), sample.factor_indices, `vote ${v} factor indices`);
      assert.deepEqual(Array.from(source.sampleRows(factors, 64)), sample.rows, `vote ${v} rows`);
    }
  });

  test(`${name}: the first beta-VAE draws replay RandomState(seed) exactly`, async () => {
    const { table, input, expected } = loadCase(name);
    const source = new LookupSource(table, input.seed);
    const numFactors = source.factorSizes.length;
    const d = table.numCodes;
    for (const [s, sample] of expected.debug.beta_vae_first_samples.entries()) {
      const fixed = source.randomIndex(numFactors);
      assert.equal(fixed, sample.fixed_factor, `sample ${s} fixed factor`);
      const first = source.sampleFactors(64);
      const second = source.sampleFactors(64);
      for (let r = 0; r < 64; r++) second[r * numFactors + fixed] = first[r * numFactors + fixed];
      assert.deepEqual(rowsOf(first, numFactors), sample.factor_indices_1, `sample ${s} factors 1`);
      assert.deepEqual(rowsOf(second, numFactors), sample.factor_indices_2, `sample ${s} factors 2`);
      const rows1 = source.sampleRows(first, 64);
      const rows2 = source.sampleRows(second, 64);
      assert.deepEqual(Array.from(rows1), sample.rows_1, `sample ${s} rows 1`);
      assert.deepEqual(Array.from(rows2), sample.rows_2, `sample ${s} rows 2`);
      // numpy's mean over axis 0 of |z1 - z2| adds the rows one after another.
      const feature = new Array<number>(d).fill(0);
      for (let r = 0; r < 64; r++) {
        for (let i = 0; i < d; i++) feature[i] += Math.abs(table.codes[rows1[r] * d + i] - table.codes[rows2[r] * d + i]);
      }
      assert.deepEqual(
        feature.map((total) => total / 64),
        sample.feature_vector,
        `sample ${s} feature vector`,
      );
    }
  });
}

test('representations are the code rows of the sampled observations', async () => {
  const table = tableFromRows(
    [
      [0, 10],
      [0, 20],
      [1, 10],
      [1, 20],
      [0, 10],
    ],
    [[0], [1], [2], [3], [4]],
  );
  const factors = Int32Array.from([0, 1, 1, 0, 1, 1]);
  const rows = new LookupSource(table, 5).sampleRows(factors, 3);
  const codes = await new LookupSource(table, 5).representations(factors, 3);
  assert.deepEqual(Array.from(codes), Array.from(rows));
  // The requested combinations (0, 20), (1, 10), (1, 20) each have a single row.
  assert.deepEqual(Array.from(rows), [1, 2, 3]);
});

test('a combination with a single row consumes no draw, one with c rows consumes randint(c)', () => {
  const table = tableFromRows(
    [[0], [1], [1], [1]],
    [[0], [1], [2], [3]],
  );
  const source = new LookupSource(table, new MT19937(9));
  const reference = new MT19937(9);
  const rows = source.sampleRows(Int32Array.from([0, 1, 0, 1]), 4);
  const expected = [0, 1 + reference.randint(3), 0, 1 + reference.randint(3)];
  assert.deepEqual(Array.from(rows), expected);
  assert.equal(source.randomIndex(1000), reference.randint(1000));
});

test('an incomplete factor grid is an error', () => {
  const missingOne = tableFromRows(
    [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 0],
    ],
    [[0], [1], [2], [3]],
  );
  assert.throws(() => new LookupSource(missingOne, 0), /incomplete: 1 of 4 combinations .*\[1, 1\]/);
  const tooFewRows = tableFromRows([[0, 0], [1, 1]], [[0], [1]]);
  assert.throws(() => new LookupSource(tooFewRows, 0), /incomplete: 4 combinations .* only 2 rows/);
});
