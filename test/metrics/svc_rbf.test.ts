import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitSvcRbf, scaleGamma } from '../../src/metrics/estimators/svc_rbf.js';

// X[i] = [sin(1.3 i), cos(0.7 i^2), 0.1 i - 1], i = 0..23, and three query points.
const n = 24;
const x = Float64Array.from({ length: n * 3 }, (_, k) => {
  const i = Math.floor(k / 3);
  return [Math.sin(1.3 * i), Math.cos(0.7 * i * i), 0.1 * i - 1][k % 3];
});
const queries = Float64Array.from([0.3, -0.2, 0.5, 1.5, 0.1, -0.4, -0.8, 0.9, 0.0]);
const labels2 = Int32Array.from({ length: n }, (_, i) => (Math.sin(1.3 * i) + 0.4 * Math.cos(0.7 * i * i) > 0 ? 1 : 0));
const labels3 = Int32Array.from({ length: n }, (_, i) => i % 3);

// Reference: /usr/bin/python3, scikit-learn 1.2.1:
//   m = SVC(decision_function_shape='ovo').fit(X, y)
//   m._gamma, sorted(m.support_), m.intercept_, m.decision_function(Q), m.predict(X), m.predict(Q)
// Both solvers stop at a KKT violation below 1e-3, and libsvm's shrinking changes its path, so the
// solutions agree to about that tolerance (here 2e-4 binary, 1e-7 for 3 classes).
const GAMMA = 0.6429789490821708;

function assertClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) < tolerance, `value ${i}: ${actual[i]} vs ${expected[i]}`);
}

test('gamma scale is 1 / (d * Var(X)) as sklearn computes it', () => {
  assert.ok(Math.abs(scaleGamma(x, 3) - GAMMA) < 1e-14);
});

test('binary SVC matches sklearn: support set, intercept, decision values, predictions', () => {
  const model = fitSvcRbf(x, n, 3, labels2);
  assert.equal(model.pairs.length, 1);
  assert.equal(model.pairs[0].dualCoef.length, 16);
  // sklearn's binary intercept_ is libsvm's -rho with the sign flipped (positive = classes[1]).
  assert.ok(Math.abs(model.pairs[0].rho - 0.3611593573954444) < 1e-3);
  const sklearnDecision = [0.888826180289765, 0.9948293000927635, -1.1082509045486233];
  assertClose(Array.from(model.decisionValues(queries, 3), (v) => -v), sklearnDecision, 1e-3);
  assert.deepEqual(Array.from(model.predict(queries, 3)), [1, 1, 0]);
  assert.deepEqual(
    Array.from(model.predict(x, n)),
    [1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0],
  );
});

test('3-class SVC matches sklearn: one-vs-one decision values and voted predictions', () => {
  const model = fitSvcRbf(x, n, 3, labels3);
  assert.deepEqual(model.pairs.map((p) => [p.first, p.second]), [[0, 1], [0, 2], [1, 2]]);
  assertClose(model.pairs.map((p) => -p.rho), [-0.08995221283060434, -0.061448319034815936, -0.08885237714275718], 1e-3);
  const sklearnDecision = [
    -0.8918396437483358, -1.0977248319368138, -0.288234015750412,
    -0.2259616288776294, -0.008865016100285554, 0.1173279063637867,
    0.5710026971031992, 0.37299521065418656, -0.32838556732670077,
  ];
  assertClose(model.decisionValues(queries, 3), sklearnDecision, 1e-3);
  assert.deepEqual(Array.from(model.predict(queries, 3)), [2, 1, 0]);
  assert.deepEqual(
    Array.from(model.predict(x, n)),
    [0, 0, 2, 0, 1, 2, 0, 2, 0, 0, 0, 2, 0, 2, 2, 0, 2, 2, 2, 2, 2, 0, 1, 2],
  );
});

test('labels keep their values and bad input is refused', () => {
  const shifted = fitSvcRbf(x, n, 3, labels3.map((l) => 10 * l + 5));
  assert.deepEqual(Array.from(shifted.classes), [5, 15, 25]);
  assert.throws(() => fitSvcRbf(x, n, 2, labels3), /expected 24 x 2/);
  assert.throws(() => fitSvcRbf(x, n, 3, labels3, { C: 0 }), /C must be positive/);
});
