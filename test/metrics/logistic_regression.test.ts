import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLogisticRegression, type LogisticRegressionModel } from '../../src/metrics/estimators/logistic_regression.js';
import { MT19937 } from '../../src/util/mt19937.js';
import { Rng } from '../../src/util/random.js';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * Gradient of sum_n -log p(y_n | x_n) + (||W||^2 + [penalised] ||b||^2) / (2C) at the model's
 * parameters, recomputed from its coef and intercept: per coef row, d weight entries then the
 * intercept entry. 'binary' and 'ovr' rows are sigmoid problems (row k: is the label classes[k],
 * or classes[1] for binary); 'multinomial' rows are softmax outputs.
 */
function objectiveGradient(model: LogisticRegressionModel, x: Float64Array, n: number, y: Int32Array, C: number, interceptPenalised: boolean): number[][] {
  const d = model.numFeatures;
  const rows = model.intercept.length;
  const gradient = Array.from({ length: rows }, () => new Array<number>(d + 1).fill(0));
  const z = model.decisionFunction(x, n);
  for (let r = 0; r < n; r++) {
    let total = 0;
    if (model.scheme === 'multinomial') for (let k = 0; k < rows; k++) total += Math.exp(z[r * rows + k]);
    for (let k = 0; k < rows; k++) {
      const positive = model.scheme === 'binary' ? model.classes[1] : model.classes[k];
      const probability = model.scheme === 'multinomial' ? Math.exp(z[r * rows + k]) / total : sigmoid(z[r * rows + k]);
      const residual = probability - (y[r] === positive ? 1 : 0);
      for (let f = 0; f < d; f++) gradient[k][f] += residual * x[r * d + f];
      gradient[k][d] += residual;
    }
  }
  for (let k = 0; k < rows; k++) {
    for (let f = 0; f < d; f++) gradient[k][f] += model.coef[k * d + f] / C;
    if (interceptPenalised) gradient[k][d] += model.intercept[k] / C;
  }
  return gradient;
}

function largestAbs(matrix: number[][]): number {
  return Math.max(...matrix.flat().map(Math.abs));
}

/** A reproducible multi-class problem: labels from noisy linear scores of Gaussian-ish inputs. */
function randomProblem(n: number, d: number, numClasses: number, seed: number): { x: Float64Array; y: Int32Array } {
  const random = new MT19937(seed);
  const uniform = (): number => (random.nextUint32() + 0.5) / 2 ** 32;
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const directions = Array.from({ length: numClasses * d }, normal);
  const x = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < d; f++) x[r * d + f] = normal() * (f + 1);
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < numClasses; c++) {
      let score = 2 * normal();
      for (let f = 0; f < d; f++) score += directions[c * d + f] * x[r * d + f];
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    y[r] = [-3, 0, 4, 7, 20][best];
  }
  return { x, y };
}

test('symmetric 1-D binary problem: b = 0 and w solves w + sum_n (sigmoid(w x_n) - y_n) x_n = 0', () => {
  const x = Float64Array.from([-2, -1, 1, 2]);
  const y = Int32Array.from([0, 0, 1, 1]);
  const model = fitLogisticRegression(x, 4, 1, y);
  assert.equal(model.scheme, 'binary');
  assert.ok(model.converged);
  assert.deepEqual(Array.from(model.classes), [0, 1]);

  // The scalar equation is increasing in w, so bisection finds its root independently.
  const equation = (w: number): number => w + [-2, -1, 1, 2].reduce((sum, xn, i) => sum + (sigmoid(w * xn) - y[i]) * xn, 0);
  let low = 0;
  let high = 10;
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (equation(mid) < 0) low = mid;
    else high = mid;
  }
  assert.ok(Math.abs(model.coef[0] - low) <= 1e-10, `w = ${model.coef[0]}, bisection ${low}`);
  assert.ok(Math.abs(model.intercept[0]) <= 1e-12, `b = ${model.intercept[0]}`);
  assert.ok(Math.abs(equation(model.coef[0])) <= 1e-8);
});

test('asymmetric 1-D binary problem: both optimality equations hold to 1e-8', () => {
  const x = Float64Array.from([0, 1, 2, 3, 4, 5]);
  const y = Int32Array.from([0, 1, 0, 0, 1, 1]);
  const model = fitLogisticRegression(x, 6, 1, y);
  const [w, b] = [model.coef[0], model.intercept[0]];
  let weightEquation = w;
  let interceptEquation = 0;
  x.forEach((xn, i) => {
    const residual = sigmoid(w * xn + b) - y[i];
    weightEquation += residual * xn;
    interceptEquation += residual;
  });
  assert.ok(Math.abs(weightEquation) <= 1e-8, `d/dw = ${weightEquation}`);
  assert.ok(Math.abs(interceptEquation) <= 1e-8, `d/db = ${interceptEquation}`);
  // predict_proba is [1 - p, p] with p the sigmoid of the decision value.
  const proba = model.predictProba(x, 6);
  x.forEach((xn, i) => {
    assert.equal(proba[2 * i + 1], sigmoid(w * xn + b));
    assert.equal(proba[2 * i], 1 - proba[2 * i + 1]);
  });
});

test('a larger C weakens the penalty: the weight grows towards the unregularised fit', () => {
  const x = Float64Array.from([0, 1, 2, 3, 4, 5]);
  const y = Int32Array.from([0, 1, 0, 0, 1, 1]);
  const weights = [0.1, 1, 10].map((C) => fitLogisticRegression(x, 6, 1, y, { C }).coef[0]);
  assert.ok(weights[0] < weights[1] && weights[1] < weights[2], `weights ${weights}`);
});

test('intercepts are not penalised: with uninformative inputs they are the log-odds of the class frequencies', () => {
  const x = new Float64Array(4);
  const binary = fitLogisticRegression(x, 4, 1, Int32Array.from([1, 1, 0, 1]));
  assert.ok(Math.abs(binary.intercept[0] - Math.log(3)) <= 1e-12, `b = ${binary.intercept[0]}`);
  assert.equal(binary.coef[0], 0);

  // Multinomial: softmax(b) = frequencies, with the intercepts centred to sum to 0 (where lbfgs
  // started from zero stays).
  const counts = [1, 2, 5];
  const labels = Int32Array.from(counts.flatMap((count, c) => new Array<number>(count).fill(c)));
  const multinomial = fitLogisticRegression(new Float64Array(8), 8, 1, labels);
  assert.equal(multinomial.scheme, 'multinomial');
  const logCounts = counts.map(Math.log);
  const centre = logCounts.reduce((a, b) => a + b) / 3;
  logCounts.forEach((logCount, c) => assert.ok(Math.abs(multinomial.intercept[c] - (logCount - centre)) <= 1e-12));
  const proba = multinomial.predictProba(new Float64Array(1), 1);
  counts.forEach((count, c) => assert.ok(Math.abs(proba[c] - count / 8) <= 1e-12));
});

test('liblinear variant: the intercept is penalised like a weight of a constant feature', () => {
  // With x = 0 the optimum solves b + 4 sigmoid(b) - 3 = 0 instead of b = log 3.
  const model = fitLogisticRegression(new Float64Array(4), 4, 1, Int32Array.from([1, 1, 0, 1]), { multiClass: 'ovr', penalizeIntercept: true });
  const b = model.intercept[0];
  assert.ok(Math.abs(b + 4 * sigmoid(b) - 3) <= 1e-12, `b = ${b}`);
  assert.ok(b > 0 && b < Math.log(3));
});

test('multinomial on random data: the gradient vanishes at the solution, for C = 1 and C = 0.3', () => {
  const n = 400;
  const d = 4;
  const { x, y } = randomProblem(n, d, 5, 7);
  for (const C of [1, 0.3]) {
    const model = fitLogisticRegression(x, n, d, y, { C });
    assert.equal(model.scheme, 'multinomial');
    assert.ok(model.converged);
    assert.deepEqual(Array.from(model.classes), [-3, 0, 4, 7, 20]);
    const gradient = objectiveGradient(model, x, n, y, C, false);
    assert.ok(largestAbs(gradient) <= 1e-8, `largest gradient entry ${largestAbs(gradient)}`);
    // Stationarity makes the class weight vectors sum to 0; the intercepts are centred to 0.
    for (let f = 0; f < d; f++) {
      let total = 0;
      for (let c = 0; c < 5; c++) total += model.coef[c * d + f];
      assert.ok(Math.abs(total) <= 1e-8);
    }
    assert.ok(Math.abs(model.intercept.reduce((a, b) => a + b)) <= 1e-12);
  }
});

test('one-vs-rest on random data: every binary problem is at its optimum, probabilities are normalised sigmoids', () => {
  const n = 300;
  const d = 3;
  const { x, y } = randomProblem(n, d, 4, 11);
  for (const penalizeIntercept of [false, true]) {
    const model = fitLogisticRegression(x, n, d, y, { multiClass: 'ovr', penalizeIntercept });
    assert.equal(model.scheme, 'ovr');
    assert.ok(model.converged);
    const gradient = objectiveGradient(model, x, n, y, 1, penalizeIntercept);
    assert.ok(largestAbs(gradient) <= 1e-8, `largest gradient entry ${largestAbs(gradient)}`);
    const z = model.decisionFunction(x, n);
    const proba = model.predictProba(x, n);
    for (let r = 0; r < n; r++) {
      let total = 0;
      for (let c = 0; c < 4; c++) total += sigmoid(z[r * 4 + c]);
      for (let c = 0; c < 4; c++) assert.ok(Math.abs(proba[r * 4 + c] - sigmoid(z[r * 4 + c]) / total) <= 1e-15);
    }
  }
});

test('predict is the class of the largest decision value; probabilities sum to 1', () => {
  const n = 200;
  const d = 2;
  const { x, y } = randomProblem(n, d, 3, 3);
  const model = fitLogisticRegression(x, n, d, y);
  const z = model.decisionFunction(x, n);
  const proba = model.predictProba(x, n);
  const predicted = model.predict(x, n);
  for (let r = 0; r < n; r++) {
    const row = Array.from(z.subarray(r * 3, r * 3 + 3));
    assert.equal(predicted[r], model.classes[row.indexOf(Math.max(...row))]);
    assert.ok(Math.abs(proba[r * 3] + proba[r * 3 + 1] + proba[r * 3 + 2] - 1) <= 1e-15);
  }
  // The inputs carry information, so the fit beats always naming the most frequent class.
  let correct = 0;
  predicted.forEach((label, r) => (correct += label === y[r] ? 1 : 0));
  const mostFrequent = Math.max(...Array.from(model.classes, (label) => y.filter((value) => value === label).length));
  assert.ok(correct > mostFrequent, `${correct} correct, most frequent class ${mostFrequent}`);
});

test('a single class and NaN inputs are rejected with the library-style messages', () => {
  assert.throws(() => fitLogisticRegression(Float64Array.from([1, 2, 3]), 3, 1, Int32Array.from([5, 5, 5])), /at least 2 classes.*only one class: 5/);
  assert.throws(() => fitLogisticRegression(Float64Array.from([1, NaN, 3]), 3, 1, Int32Array.from([0, 1, 0])), /contains NaN/);
  assert.throws(() => fitLogisticRegression(Float64Array.from([1, 2]), 3, 1, Int32Array.from([0, 1, 0])), RangeError);
});

test('large multinomial problems (solved by conjugate gradients) reach the optimum: the gradient vanishes', () => {
  // 8 classes on 40 features: 328 parameters, above the direct solver's limit.
  const rng = Rng.fromSeed(31);
  const [n, d, k] = [600, 40, 8];
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.normal()));
  const y = Int32Array.from({ length: n }, (_, r) => r % k);
  const x = Float64Array.from({ length: n * d }, (_, i) => centres[y[Math.floor(i / d)]][i % d] * 0.6 + rng.normal());
  const model = fitLogisticRegression(x, n, d, y, { C: 0.5 });
  assert.equal(model.scheme, 'multinomial');
  assert.ok(model.converged);
  const probabilities = model.predictProba(x, n);
  let largest = 0;
  for (let c = 0; c < k; c++) {
    for (let f = 0; f <= d; f++) {
      let g = 0;
      for (let r = 0; r < n; r++) g += (probabilities[r * k + c] - (y[r] === c ? 1 : 0)) * (f === d ? 1 : x[r * d + f]);
      if (f < d) g += model.coef[c * d + f] / 0.5;
      largest = Math.max(largest, Math.abs(g));
    }
  }
  assert.ok(largest < 1e-5, `largest gradient entry ${largest}`);
});

test('gradientTol stops a nearly unpenalised fit on separable data where the averaged gradient is small, as lbfgs does', () => {
  // 60 samples in 80 dimensions are linearly separable whatever their labels: with C = 1e12 the optimum
  // lies far out, and only the gradient test ends the fit early.
  const rng = Rng.fromSeed(5);
  const [n, d, k, C] = [60, 80, 4, 1e12];
  const y = Int32Array.from({ length: n }, (_, r) => r % k);
  const x = Float64Array.from({ length: n * d }, () => rng.normal());
  const tight = fitLogisticRegression(x, n, d, y, { C });
  const loose = fitLogisticRegression(x, n, d, y, { C, gradientTol: 1e-4 });
  assert.equal(loose.predict(x, n).filter((label, r) => label !== y[r]).length, 0, 'separable data are fitted exactly');
  const averaged = largestAbs(objectiveGradient(loose, x, n, y, C, false)) / n;
  assert.ok(loose.converged && averaged <= 1e-4, `largest averaged gradient entry ${averaged}`);
  assert.ok(loose.iterations < tight.iterations, `${loose.iterations} Newton steps with the gradient test, ${tight.iterations} without`);
  assert.throws(() => fitLogisticRegression(x, n, d, y, { gradientTol: -1 }), /gradientTol must be non-negative/);
});
