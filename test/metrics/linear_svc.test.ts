import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLinearSvc, type LinearSvcModel, type LinearSvcSettings } from '../../src/metrics/estimators/linear_svc.js';
import { Rng } from '../../src/util/random.js';

function close(actual: number, expected: number, what: string, tol = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: got ${actual}, expected ${expected}`);
}

test('all samples inside the margin: the optimum solves the 2 x 2 normal equations of the quadratic', () => {
  // x = 1, 2, 4 with labels 0, 0, 1 (positive = 1). Balanced weights 3/(2*2) = 0.75 and
  // 3/(2*1) = 1.5, so C_n = 0.0075, 0.0075, 0.015 and t_n = -1, -1, +1. If every sample violates
  // the margin, f(w, b) = (w^2 + b^2)/2 + sum C_n (1 - t_n (w x_n + b))^2 is one quadratic and
  // (I + 2 sum C_n [x_n 1]^T [x_n 1]) (w, b) = 2 sum C_n t_n (x_n, 1):
  //   sum C x^2 = 0.2775, sum C x = 0.0825, sum C = 0.03, sum C t x = 0.0375, sum C t = 0.
  const a11 = 1 + 2 * 0.2775;
  const a12 = 2 * 0.0825;
  const a22 = 1 + 2 * 0.03;
  const r1 = 2 * 0.0375;
  const r2 = 0;
  const det = a11 * a22 - a12 * a12;
  const w = (r1 * a22 - a12 * r2) / det;
  const b = (a11 * r2 - a12 * r1) / det;
  const x = [1, 2, 4];
  const t = [-1, -1, 1];
  x.forEach((xn, n) => assert.ok(t[n] * (w * xn + b) < 1, 'every sample violates the margin, so the quadratic is the right piece'));

  const model = fitLinearSvc(Float64Array.from(x), 3, 1, Int32Array.from([0, 0, 1]));
  assert.deepEqual([...model.classes], [0, 1]);
  assert.equal(model.coef.length, 1, 'two classes are one binary problem');
  close(model.coef[0], w, 'coef');
  close(model.intercept[0], b, 'intercept');
  assert.ok(model.converged);
});

test('a sample beyond the margin drops out of the loss: closed-form optimum with a partial active set', () => {
  // x = -1, 1, 3 with labels 0, 1, 1, C = 1, no class weights. Guess that x = 3 ends up beyond the
  // margin; on the other two samples (w^2 + b^2)/2 + (1 - w + b)^2 + (1 - w - b)^2 has gradient
  // (5w - 4, 5b) = 0 at w = 0.8, b = 0, and indeed 3 * 0.8 = 2.4 >= 1 while the other margins are
  // 0.8 < 1, so the guess is consistent and this is the optimum. The first Newton candidate
  // (all three samples active) is not, which makes the solver line-search its way there.
  const model = fitLinearSvc(Float64Array.from([-1, 1, 3]), 3, 1, Int32Array.from([0, 1, 1]), { C: 1, classWeight: null });
  close(model.coef[0], 0.8, 'coef');
  close(model.intercept[0], 0, 'intercept');
  assert.deepEqual([...model.predict(Float64Array.from([-0.5, 0.5, -1e-9]), 3)], [0, 1, 0]);
});

function replicateRows(x: number[], y: number[], times: (label: number) => number): { x: number[]; y: number[] } {
  const out = { x: [] as number[], y: [] as number[] };
  x.forEach((value, n) => {
    for (let k = 0; k < times(y[n]); k++) {
      out.x.push(value);
      out.y.push(y[n]);
    }
  });
  return out;
}

test('balanced weights on an imbalanced binary set equal unweighted fits with the minority replicated', () => {
  // 12 negatives, 2 positives: weights 14/(2*12) = 7/12 and 14/(2*2) = 3.5, a ratio of 6. So the
  // balanced fit with C is the unweighted fit with C * 7/12 on the data with every positive
  // written six times.
  const x = [-2, -1.5, -1, -0.5, 0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.5, 2];
  const y = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
  const C = 0.03;
  const balanced = fitLinearSvc(Float64Array.from(x), x.length, 1, Int32Array.from(y), { C, classWeight: 'balanced' });
  const replicated = replicateRows(x, y, (label) => (label === 1 ? 6 : 1));
  const unweighted = fitLinearSvc(Float64Array.from(replicated.x), replicated.x.length, 1, Int32Array.from(replicated.y), {
    C: (C * 7) / 12,
    classWeight: null,
  });
  close(balanced.coef[0], unweighted.coef[0], 'coef');
  close(balanced.intercept[0], unweighted.intercept[0], 'intercept');

  // Without weights the heavily regularised classifier votes for the majority everywhere; the
  // weights move its boundary in between the classes.
  const plain = fitLinearSvc(Float64Array.from(x), x.length, 1, Int32Array.from(y), { C, classWeight: null });
  assert.deepEqual([...plain.predict(Float64Array.from(x), x.length)], new Array(14).fill(0));
  assert.deepEqual([...balanced.predict(Float64Array.from(x), x.length)], [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
});

test('one-vs-rest with balanced weights weights only the positive class of each problem (liblinear)', () => {
  // Class counts 2, 2, 8 of 12: weights 12/(3*2) = 2, 2 and 12/(3*8) = 0.5. Problem "class c vs
  // rest" gives class c the cost C * weight_c and every other sample plain C, which is the
  // unweighted binary fit with class c's samples written twice (for c = 0, 1).
  const x = [-3, -2.5, 0.2, 0.6, -1, -0.4, 0, 0.5, 1, 1.5, 2, 3];
  const y = [0, 0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2];
  const C = 0.05;
  const model = fitLinearSvc(Float64Array.from(x), x.length, 1, Int32Array.from(y), { C });
  assert.equal(model.coef.length, 3, 'one problem per class');
  for (const positive of [0, 1]) {
    const replicated = replicateRows(x, y, (label) => (label === positive ? 2 : 1));
    // Label the positive class 1 so that it is the binary problem's positive side.
    const asBinary = Int32Array.from(replicated.y, (label) => (label === positive ? 1 : 0));
    const binary = fitLinearSvc(Float64Array.from(replicated.x), replicated.x.length, 1, asBinary, { C, classWeight: null });
    close(model.coef[positive], binary.coef[0], `coef of class ${positive}`);
    close(model.intercept[positive], binary.intercept[0], `intercept of class ${positive}`);
  }
});

/**
 * The primal gradient of every binary problem of a fitted model, recomputed from the definition:
 * w - 2 sum_n C_n t_n max(0, 1 - t_n w.x_n) x_n over augmented inputs x_n = (x, interceptScaling).
 * Returns the largest ratio |gradient| / |gradient at w = 0|.
 */
function worstRelativeGradient(model: LinearSvcModel, x: Float64Array, n: number, d: number, y: Int32Array, settings: Required<LinearSvcSettings>): number {
  const classes = [...model.classes];
  const numProblems = classes.length === 2 ? 1 : classes.length;
  const counts = classes.map((label) => y.filter((value) => value === label).length);
  const classCost = counts.map((count) => settings.C * (settings.classWeight === 'balanced' ? n / (classes.length * count) : 1));
  const p = settings.fitIntercept ? d + 1 : d;
  let worst = 0;
  for (let k = 0; k < numProblems; k++) {
    const positive = numProblems === 1 ? 1 : k;
    const weights = [...model.coef.subarray(k * d, (k + 1) * d)];
    if (settings.fitIntercept) weights.push(model.intercept[k] / settings.interceptScaling);
    const gradient = [...weights];
    const gradientAtZero = new Array<number>(p).fill(0);
    for (let r = 0; r < n; r++) {
      const label = classes.indexOf(y[r]);
      const target = label === positive ? 1 : -1;
      const cost = numProblems === 1 || label === positive ? classCost[label] : settings.C;
      const features = [...x.subarray(r * d, (r + 1) * d)];
      if (settings.fitIntercept) features.push(settings.interceptScaling);
      const violation = 1 - target * features.reduce((sum, value, j) => sum + value * weights[j], 0);
      for (let j = 0; j < p; j++) {
        if (violation > 0) gradient[j] -= 2 * cost * target * violation * features[j];
        gradientAtZero[j] -= 2 * cost * target * features[j];
      }
    }
    worst = Math.max(worst, Math.hypot(...gradient) / Math.hypot(...gradientAtZero));
  }
  return worst;
}

test('the primal gradient vanishes at the returned solution on random data (binary and one-vs-rest)', () => {
  const rng = Rng.fromSeed(20240611);
  const n = 400;
  const d = 3;
  const x = new Float64Array(n * d);
  const y4 = new Int32Array(n);
  const y2 = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const label = rng.int(4);
    y4[r] = 10 * label - 5; // arbitrary label values: the classes are whatever labels occur
    y2[r] = label === 3 ? 1 : 0; // imbalanced 1:3
    for (let j = 0; j < d; j++) x[r * d + j] = (j + 1) * (label - 1.5) * 0.7 + (j === 2 ? 30 : 1) * rng.normal();
  }
  const variants: { labels: Int32Array; settings: Required<LinearSvcSettings> }[] = [
    { labels: y4, settings: { C: 0.01, classWeight: 'balanced', fitIntercept: true, interceptScaling: 1, tol: 1e-12, maxIter: 1000 } },
    { labels: y2, settings: { C: 0.01, classWeight: 'balanced', fitIntercept: true, interceptScaling: 1, tol: 1e-12, maxIter: 1000 } },
    { labels: y4, settings: { C: 5, classWeight: null, fitIntercept: true, interceptScaling: 2.5, tol: 1e-12, maxIter: 1000 } },
    { labels: y2, settings: { C: 0.2, classWeight: 'balanced', fitIntercept: false, interceptScaling: 1, tol: 1e-12, maxIter: 1000 } },
  ];
  for (const { labels, settings } of variants) {
    const model = fitLinearSvc(x, n, d, labels, settings);
    assert.ok(model.converged, JSON.stringify(settings));
    const worst = worstRelativeGradient(model, x, n, d, labels, settings);
    assert.ok(worst < 1e-10, `relative gradient norm ${worst} with ${JSON.stringify(settings)}`);
    if (!settings.fitIntercept) assert.deepEqual([...model.intercept], [0]);
  }
  assert.deepEqual([...fitLinearSvc(x, n, d, y4).classes], [-5, 5, 15, 25]);
});

test('predict: argmax of the decision values over one-vs-rest problems, first class on ties', () => {
  const model = fitLinearSvc(Float64Array.from([0, 0, 1, 1, 2, 2]), 6, 1, Int32Array.from([7, 7, 8, 8, 9, 9]));
  const points = Float64Array.from([-1, 0.1, 1, 2.2]);
  const values = model.decisionFunction(points, 4);
  const predictions = model.predict(points, 4);
  for (let r = 0; r < 4; r++) {
    const row = [...values.subarray(r * 3, r * 3 + 3)];
    assert.equal(predictions[r], [7, 8, 9][row.indexOf(Math.max(...row))]);
  }
  // A constant feature gives every point the same decision values: every prediction is the one class.
  const constant = fitLinearSvc(Float64Array.from([1, 1, 1, 1]), 4, 1, Int32Array.from([0, 1, 1, 2]));
  assert.equal(new Set(constant.predict(Float64Array.from([1, 1, 1]), 3)).size, 1);
});

test('a single class is an error with scikit-learn\'s message; malformed inputs are range errors', () => {
  assert.throws(
    () => fitLinearSvc(Float64Array.from([0, 1, 2]), 3, 1, Int32Array.from([2, 2, 2])),
    /at least 2 classes in the data, but the data contains only one class: 2/,
  );
  assert.throws(() => fitLinearSvc(Float64Array.from([0, 1, 2]), 3, 2, Int32Array.from([0, 1, 0])), RangeError);
  assert.throws(() => fitLinearSvc(Float64Array.from([0, 1]), 2, 1, Int32Array.from([0, 1, 0])), RangeError);
  assert.throws(() => fitLinearSvc(Float64Array.from([0, NaN]), 2, 1, Int32Array.from([0, 1])), /contains NaN/);
});
