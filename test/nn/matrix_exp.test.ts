import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { expm } from '../../src/nn/matrix_exp.js';
import { Rng } from '../../src/util/random.js';

before(() => initBackend('cpu'));
after(shutdownBackend);

// ---- a float64 reference in plain JS numbers ----

type Matrix = number[][];

const identity = (m: number): Matrix => Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? 1 : 0)));
const matmul = (a: Matrix, b: Matrix): Matrix =>
  a.map((row) => b[0].map((_, j) => row.reduce((sum, aik, k) => sum + aik * b[k][j], 0)));
const scale = (a: Matrix, c: number): Matrix => a.map((row) => row.map((v) => c * v));
const combine = (a: Matrix, b: Matrix, ca: number, cb: number): Matrix => a.map((row, i) => row.map((v, j) => ca * v + cb * b[i][j]));
const oneNorm = (a: Matrix): number => Math.max(...a[0].map((_, j) => a.reduce((sum, row) => sum + Math.abs(row[j]), 0)));
const maxAbs = (a: Matrix): number => Math.max(...a.flat().map(Math.abs));

/**
 * exp(A) in float64: scaled to ‖A‖₁ ≤ 1/16 (more than the module's 1/2), the Taylor series summed
 * until its terms stop changing the sum, then squared back.
 */
function expmReference(a: Matrix): Matrix {
  const squarings = Math.max(0, Math.ceil(Math.log2(oneNorm(a) * 16)));
  const x = scale(a, 2 ** -squarings);
  let sum = identity(a.length);
  let term = identity(a.length);
  for (let j = 1; maxAbs(term) > 0; j++) {
    term = scale(matmul(term, x), 1 / j);
    const next = combine(sum, term, 1, 1);
    if (next.every((row, r) => row.every((v, c) => v === sum[r][c]))) break;
    sum = next;
  }
  for (let i = 0; i < squarings; i++) sum = matmul(sum, sum);
  return sum;
}

/** The largest entrywise error relative to the largest entry of `expected`. */
function relativeError(got: Matrix, expected: Matrix): number {
  return maxAbs(combine(got, expected, 1, -1)) / maxAbs(expected);
}

function assertClose(got: Matrix, expected: Matrix, tolerance: number, what: string): void {
  const error = relativeError(got, expected);
  assert.ok(error <= tolerance, `${what}: relative error ${error.toExponential(2)} > ${tolerance}`);
}

function expmOf(matrices: Matrix[]): Matrix[] {
  return tf.tidy(() => expm(tf.tensor3d(matrices)).arraySync());
}

/** A matrix of standard normal entries rescaled to 1-norm `norm`. */
function randomMatrix(rng: Rng, m: number, norm: number): Matrix {
  const raw = Array.from({ length: m }, () => Array.from({ length: m }, () => rng.normal()));
  return scale(raw, norm / oneNorm(raw));
}

const rotation = (t: number): Matrix => [[Math.cos(t), -Math.sin(t)], [Math.sin(t), Math.cos(t)]];
const generator = (t: number): Matrix => [[0, -t], [t, 0]];

// ---- values ----

test('the reference itself: exp of a rotation generator and of a 1x1 matrix', () => {
  assertClose(expmReference(generator(40)), rotation(40), 1e-12, 'reference t = 40');
  assert.ok(Math.abs(expmReference([[3]])[0][0] - Math.exp(3)) < 1e-12 * Math.exp(3));
});

test('a rotation generator [[0, -t], [t, 0]] gives the rotation by t, for small and large t in one batch', () => {
  const angles = [0.3, 5, 40];
  const got = expmOf(angles.map(generator));
  // ‖tG‖₁ = t: t = 40 takes ceil(log2(80)) = 7 squarings, t = 5 four, t = 0.3 none.
  angles.forEach((t, i) => assertClose(got[i], rotation(t), 1e-5, `t = ${t}`));
});

test('a strictly upper-triangular (nilpotent) matrix gives the finite sum I + N + N²/2 + N³/6', () => {
  const n = [[0, 2, -3, 1], [0, 0, 4, -2], [0, 0, 0, 5], [0, 0, 0, 0]];
  const n2 = matmul(n, n);
  const n3 = matmul(n2, n);
  const expected = combine(combine(identity(4), n, 1, 1), combine(n2, n3, 1 / 2, 1 / 6), 1, 1);
  // ‖N‖₁ = 8: four squarings.
  const [got] = expmOf([n]);
  assertClose(got, expected, 1e-5, 'nilpotent');
  got.forEach((row, i) => row.forEach((v, j) => { if (i > j) assert.equal(v, 0, `entry (${i}, ${j}) below the diagonal`); }));
});

test('a diagonal matrix gives the exponentials of its diagonal, and exact zeros off it', () => {
  const diagonal = [-3, 0.5, 2, 7];
  const [got] = expmOf([diagonal.map((d, i) => diagonal.map((_, j) => (i === j ? d : 0)))]);
  diagonal.forEach((d, i) => {
    assert.ok(Math.abs(got[i][i] - Math.exp(d)) <= 1e-5 * Math.exp(d), `exp(${d}): ${got[i][i]}`);
    got[i].forEach((v, j) => { if (j !== i) assert.equal(v, 0); });
  });
});

test('the zero matrix gives the identity exactly', () => {
  const zero = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  assert.deepEqual(expmOf([zero, zero]), [identity(3), identity(3)]);
});

test('random matrices of several sizes and norms, batched, match the float64 reference', () => {
  const rng = Rng.fromSeed(7);
  const norms = [1e-3, 0.1, 0.5, 1, 3, 10];
  for (const m of [1, 2, 5, 10, 20]) {
    const matrices = norms.map((norm) => randomMatrix(rng, m, norm));
    const got = expmOf(matrices);
    matrices.forEach((a, i) => assertClose(got[i], expmReference(a), 1e-5, `m = ${m}, ‖A‖₁ = ${norms[i]}`));
  }
});

test('each matrix is scaled by its own norm: one near 0 keeps its accuracy beside a large one', () => {
  const rng = Rng.fromSeed(11);
  const small = randomMatrix(rng, 10, 1e-3);
  const large = randomMatrix(rng, 10, 100);
  const [alone] = expmOf([small]);
  const [, besideLarge] = expmOf([large, small]);
  assert.deepEqual(besideLarge, alone);
  // exp(A) − I carries the information, and float32 holds entries near 1 to ~6e-8; squared as
  // often as the large matrix (8 times), the small one's error was 1.1e-5.
  const error = maxAbs(combine(besideLarge, expmReference(small), 1, -1));
  assert.ok(error <= 2e-7, `absolute error ${error}`);
});

test('maxSquarings caps the scaling: with none, exp(3) is the degree-12 Taylor polynomial at 3', () => {
  let polynomial = 0;
  for (let j = 0, term = 1; j <= 12; j++, term *= 3 / j) polynomial += term;
  const capped = tf.tidy(() => expm(tf.tensor3d([[[3]]]), { maxSquarings: 0 }).dataSync()[0]);
  const scaled = tf.tidy(() => expm(tf.tensor3d([[[3]]])).dataSync()[0]);
  // The two differ by the tail 3^13/13! + ... ≈ 3.2e-4, 1.6e-5 of exp(3): 16 times the tolerance.
  assert.ok(Math.abs(capped - polynomial) <= 1e-6 * polynomial, `${capped} vs ${polynomial}`);
  assert.ok(Math.abs(scaled - Math.exp(3)) <= 1e-6 * Math.exp(3), `${scaled} vs ${Math.exp(3)}`);
});

test('non-square matrices and a bad maxSquarings are refused', () => {
  assert.throws(() => expm(tf.zeros([2, 2, 3]) as tf.Tensor3D), /square.*\[2, 2, 3\]/);
  assert.throws(() => expm(tf.zeros([1, 2, 2]) as tf.Tensor3D, { maxSquarings: -1 }), /maxSquarings/);
  assert.throws(() => expm(tf.zeros([1, 2, 2]) as tf.Tensor3D, { maxSquarings: 1.5 }), /maxSquarings/);
});

// ---- identities ----

test('exp(A) exp(-A) = I', () => {
  const rng = Rng.fromSeed(3);
  const matrices = [0.2, 1, 2, 4].map((norm) => randomMatrix(rng, 6, norm));
  const products = tf.tidy(() => {
    const a = tf.tensor3d(matrices);
    return tf.matMul<tf.Tensor3D>(expm(a), expm(tf.neg(a))).arraySync();
  });
  products.forEach((product, i) => assertClose(product, identity(6), 1e-5, `matrix ${i}`));
});

test('exp(A + B) = exp(A) exp(B) for commuting A and B = A/2 - 0.3 A²', () => {
  const rng = Rng.fromSeed(5);
  const as = [0.4, 1.5, 3].map((norm) => randomMatrix(rng, 5, norm));
  const bs = as.map((a) => combine(a, matmul(a, a), 0.5, -0.3));
  const [sums, products] = tf.tidy(() => {
    const a = tf.tensor3d(as);
    const b = tf.tensor3d(bs);
    return [expm(tf.add(a, b)).arraySync(), tf.matMul<tf.Tensor3D>(expm(a), expm(b)).arraySync()];
  });
  sums.forEach((sum, i) => {
    assertClose(sum, expmReference(combine(as[i], bs[i], 1, 1)), 1e-5, `exp(A + B), matrix ${i}`);
    assertClose(products[i], sum, 1e-5, `exp(A) exp(B), matrix ${i}`);
  });
});

// ---- gradients ----

/** d/dA sum(W ∘ exp(A)) by central differences on the float64 reference. */
function finiteDifferenceGradient(a: Matrix, w: Matrix): Matrix {
  const h = 1e-6;
  const objective = (x: Matrix) => expmReference(x).reduce((sum, row, i) => sum + row.reduce((s, v, j) => s + w[i][j] * v, 0), 0);
  return a.map((row, i) => row.map((_, j) => {
    const shifted = (delta: number) => a.map((r, p) => r.map((v, q) => (p === i && q === j ? v + delta : v)));
    return (objective(shifted(h)) - objective(shifted(-h))) / (2 * h);
  }));
}

test('d/dA sum(W ∘ exp(A)) matches central finite differences, with different squaring counts in one batch', () => {
  const rng = Rng.fromSeed(9);
  for (const m of [3, 6]) {
    const matrices = [0.3, 1.7, 6].map((norm) => randomMatrix(rng, m, norm));
    const weights = matrices.map(() => randomMatrix(rng, m, m));
    const gradients = tf.tidy(() => {
      const w = tf.tensor3d(weights);
      return tf.grad((a) => tf.sum(tf.mul(w, expm(a as tf.Tensor3D))))(tf.tensor3d(matrices)).arraySync() as Matrix[];
    });
    matrices.forEach((a, i) => assertClose(gradients[i], finiteDifferenceGradient(a, weights[i]), 1e-5, `m = ${m}, matrix ${i}`));
  }
});

test('d/dt exp(tG) = G exp(tG) for the rotation generator G', () => {
  const g = tf.tensor3d([generator(1)]);
  for (const t of [0.3, 5, 40]) {
    // G exp(tG) = [[0, -1], [1, 0]] · rotation(t).
    const expected = matmul(generator(1), rotation(t));
    const got = expected.map((row, i) => row.map((_, j) => tf.tidy(() => {
      const pick = tf.tensor3d([[0, 1].map((p) => [0, 1].map((q) => (p === i && q === j ? 1 : 0)))]);
      const derivative = tf.grad((time) => tf.sum(tf.mul(pick, expm(tf.mul<tf.Tensor3D>(time, g)))));
      return derivative(tf.scalar(t)).dataSync()[0];
    })));
    assertClose(got, expected, 1e-5, `t = ${t}`);
  }
  g.dispose();
});

test('tf.variableGrads reaches a variable through expm without leaking tensors', () => {
  const basis = tf.variable(tf.tensor3d([[[0, -1], [1, 0]]]));
  const before = tf.memory().numTensors;
  const trace = () => tf.sum(tf.mul(tf.eye(2), expm(basis as unknown as tf.Tensor3D))) as tf.Scalar;
  const { value, grads } = tf.variableGrads(trace, [basis]);
  // tr exp(G) = 2 cos 1, and d/dA tr exp(A) = exp(A)ᵀ.
  assert.ok(Math.abs(value.dataSync()[0] - 2 * Math.cos(1)) < 1e-6);
  const expected = [[Math.cos(1), Math.sin(1)], [-Math.sin(1), Math.cos(1)]];
  assertClose((grads[basis.name].arraySync() as Matrix[])[0], expected, 1e-5, 'gradient');
  tf.dispose([value, grads[basis.name]]);
  assert.equal(tf.memory().numTensors, before);
  basis.dispose();
});
