import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMig } from '../../src/metrics/mig.js';
import { tableFromRows } from '../../src/metrics/table.js';
import { Rng } from '../../src/util/random.js';
import { CASE_NAMES, assertAllClose, assertClose, assertMatrixClose, loadCase } from './reference.js';

for (const name of CASE_NAMES) {
  test(`${name}: MI matrix, factor entropies, gaps and MIG match the reference`, () => {
    const { table, expected } = loadCase(name);
    const result = computeMig(table);
    const reference = expected.details.mig;
    assertMatrixClose(result.details.mi_matrix, reference.mi_matrix, 'mi_matrix');
    assertAllClose(result.details.factor_entropy, reference.factor_entropy, 'factor_entropy');
    assertAllClose(result.details.per_factor_gap, reference.per_factor_gap, 'per_factor_gap');
    const referenceMig = expected.metrics.mig?.discrete_mig ?? NaN;
    assertClose(result.discrete_mig, referenceMig, 'discrete_mig');
  });
}

test('const_factor: the constant factor has entropy 0 and makes MIG NaN, as in the library', () => {
  const result = computeMig(loadCase('const_factor').table);
  assert.equal(result.details.factor_entropy[1], 0);
  assert.ok(Number.isNaN(result.details.per_factor_gap[1]));
  assert.ok(Number.isNaN(result.discrete_mig));
});

test('codes that copy the factors one to one give MIG 1', () => {
  const factors: number[][] = [];
  const codes: number[][] = [];
  for (let a = 0; a < 4; a++) for (let b = 0; b < 3; b++) for (let rep = 0; rep < 2; rep++) {
    factors.push([a, b]);
    codes.push([a / 3, b / 2]);
  }
  const result = computeMig(tableFromRows(factors, codes));
  assertClose(result.details.per_factor_gap[0], 1, 'gap 0', 1e-12);
  assertClose(result.details.per_factor_gap[1], 1, 'gap 1', 1e-12);
  assertClose(result.discrete_mig, 1, 'MIG', 1e-12);
});

test('a single code dimension is a clear error (the library raises IndexError)', () => {
  const table = tableFromRows([[0], [1]], [[0.1], [0.2]]);
  assert.throws(() => computeMig(table), /at least 2 code dimensions/);
});

test('MIG on 10000 points x 10 codes takes well under a second', () => {
  const rng = Rng.fromSeed(1);
  const factors: number[][] = [];
  const codes: number[][] = [];
  for (let r = 0; r < 10000; r++) {
    const f = [rng.int(5), rng.int(6), rng.int(4), rng.int(8), rng.int(3)];
    factors.push(f);
    codes.push(Array.from({ length: 10 }, (_, i) => f[i % 5] + rng.normal()));
  }
  const table = tableFromRows(factors, codes);
  const started = performance.now();
  const result = computeMig(table);
  const elapsedMs = performance.now() - started;
  assert.ok(result.discrete_mig > 0 && result.discrete_mig < 1);
  assert.ok(elapsedMs < 500, `MIG took ${elapsedMs.toFixed(0)} ms`);
});
