import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symmetricEigenvalues } from '../../src/metrics/symmetric_eigen.js';
import { Rng } from '../../src/util/random.js';

/** Q diag(values) Q^T with Q a product of Householder reflections from `rng`: known eigenvalues, dense matrix. */
function withEigenvalues(values: readonly number[], rng: Rng): Float64Array {
  const n = values.length;
  let matrix: Float64Array = new Float64Array(n * n);
  values.forEach((value, i) => { matrix[i * n + i] = value; });
  for (let reflection = 0; reflection < 3; reflection++) {
    const v = Array.from({ length: n }, () => rng.normal());
    const norm2 = v.reduce((s, x) => s + x * x, 0);
    // H A H with H = I - 2 v v^T / |v|^2, applied as two one-sided products.
    const reflect = (a: Float64Array, left: boolean): Float64Array => {
      const out = new Float64Array(n * n);
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < n; c++) {
          let sum = 0;
          for (let k = 0; k < n; k++) {
            const h = (left ? (r === k ? 1 : 0) - (2 * v[r] * v[k]) / norm2 : (k === c ? 1 : 0) - (2 * v[k] * v[c]) / norm2);
            sum += left ? h * a[k * n + c] : a[r * n + k] * h;
          }
          out[r * n + c] = sum;
        }
      }
      return out;
    };
    matrix = reflect(reflect(matrix, true), false);
  }
  // Symmetrise the round-off so the input is exactly symmetric.
  for (let r = 0; r < n; r++) for (let c = r + 1; c < n; c++) matrix[c * n + r] = matrix[r * n + c];
  return matrix;
}

test('2 x 2 closed form: [[2, 1], [1, 2]] has eigenvalues 3 and 1', () => {
  assert.deepEqual(Array.from(symmetricEigenvalues([2, 1, 1, 2], 2)), [3, 1]);
});

test('a diagonal matrix returns its diagonal, sorted descending, exactly', () => {
  assert.deepEqual(Array.from(symmetricEigenvalues([0.5, 0, 0, 0, -2, 0, 0, 0, 7], 3)), [7, 0.5, -2]);
});

test('the rank-one matrix v v^T has eigenvalues |v|^2, 0, 0', () => {
  const v = [1, 2, 2];
  const matrix = v.flatMap((a) => v.map((b) => a * b));
  const values = symmetricEigenvalues(matrix, 3);
  assert.ok(Math.abs(values[0] - 9) < 1e-14);
  assert.ok(Math.abs(values[1]) < 1e-14 && Math.abs(values[2]) < 1e-14, `got ${values}`);
});

test('dense matrices with known spectra (n = 5 and n = 64) are recovered to 1e-13 of the largest eigenvalue', () => {
  const rng = Rng.fromSeed(3);
  for (const spectrum of [[5, 3, -1, 0.5, 0], Array.from({ length: 64 }, (_, i) => (i % 7) - 2.5 + i / 10)]) {
    const values = symmetricEigenvalues(withEigenvalues(spectrum, rng), spectrum.length);
    const expected = [...spectrum].sort((a, b) => b - a);
    const scale = Math.max(...spectrum.map(Math.abs));
    values.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) <= 1e-13 * scale, `eigenvalue ${i}: ${value} vs ${expected[i]}`));
  }
});

test('a graded matrix diag(d) C diag(d) keeps its tiny eigenvalues to high relative accuracy', () => {
  // d spans 12 orders of magnitude; the product of the eigenvalues must equal det(C) * prod(d^2)
  // in closed form, which fails at ~1e-4 relative when the smallest eigenvalue is only found to
  // eps * largest.
  const d = [1e-3, 1, 1e3, 1e9];
  const c = [
    [1, 0.5, 0.2, 0.1],
    [0.5, 1, 0.3, -0.2],
    [0.2, 0.3, 1, 0.4],
    [0.1, -0.2, 0.4, 1],
  ];
  const matrix = c.flatMap((row, a) => row.map((value, b) => d[a] * value * d[b]));
  const values = symmetricEigenvalues(matrix, 4);
  // det(C) by cofactor expansion (exact enough for a 4 x 4 with these entries).
  const det3 = (m: number[][]) => m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const minor = (col: number) => c.slice(1).map((row) => row.filter((_, k) => k !== col));
  const detC = c[0].reduce((s, value, col) => s + (col % 2 === 0 ? 1 : -1) * value * det3(minor(col)), 0);
  const expectedLogDet = Math.log(detC) + 2 * d.reduce((s, x) => s + Math.log(x), 0);
  const logDet = values.reduce((s, x) => s + Math.log(x), 0);
  assert.ok(values.every((x) => x > 0), `a positive definite matrix gave ${values}`);
  assert.ok(Math.abs(logDet - expectedLogDet) < 1e-12, `log det ${logDet} vs ${expectedLogDet}`);
});

test('bad input is a clear error', () => {
  assert.throws(() => symmetricEigenvalues([1, 2, 3], 2), /do not form a 2 x 2 matrix/);
  assert.throws(() => symmetricEigenvalues([1, NaN, NaN, 1], 2), /entry \(0, 1\) is NaN/);
});
