// A linear support vector classifier with the model scikit-learn's `LinearSVC` hands to liblinear
// (L2 penalty, squared hinge loss, one-vs-rest, intercept as an extra regularised feature, class
// weights applied the way liblinear applies them), solved to the exact optimum of the primal.
// liblinear instead runs dual coordinate descent in a random order and stops at tol = 1e-4 or
// 1000 passes; disentanglement_lib leaves that order unseeded, so the library's own fits scatter
// around this optimum, which is the reproducible centre (metrics spec §2.5).
//
// The primal of one binary problem, with targets t_n = ±1, per-sample costs C_n and augmented
// inputs x_n (the intercept feature appended),
//     f(w) = ||w||^2 / 2 + sum_n C_n max(0, 1 - t_n w.x_n)^2,
// is a strictly convex, piecewise quadratic function. It is minimised by the finite Newton method
// of Keerthi & DeCoste (JMLR 2005): on the samples that violate the margin at the current point
// the objective is an ordinary quadratic whose minimiser solves a small linear system; if that
// minimiser violates the margin on exactly a consistent set of samples it is the optimum,
// otherwise an exact line search towards it (the 1-D restriction is piecewise quadratic too)
// gives the next point. This terminates after finitely many steps, with no step size or
// tolerance to tune, which is what makes the result deterministic and exact up to round-off.
import { checkFinite, encodeClasses, linearDecisionValues, predictFromDecisionValues } from './linear_model.js';

export interface LinearSvcSettings {
  /** Weight of the loss against the penalty (disentanglement_lib's SAP uses 0.01; scikit-learn's default is 1). */
  C?: number;
  /** 'balanced': class c gets weight n / (numClasses * count_c), as scikit-learn computes it. */
  classWeight?: 'balanced' | null;
  fitIntercept?: boolean;
  /** Value of the constant feature liblinear appends for the intercept; its weight is regularised. */
  interceptScaling?: number;
  /**
   * Also accept a Newton candidate once the gradient norm is at most tol times its norm at w = 0.
   * The exact optimality test normally ends the iteration first; this only guards against
   * round-off keeping a sample on the wrong side of the margin forever.
   */
  tol?: number;
  /** Newton steps per binary problem. */
  maxIter?: number;
}

export interface LinearSvcModel {
  /** Sorted distinct training labels. */
  readonly classes: Int32Array;
  /** Number of input features d. */
  readonly numFeatures: number;
  /** Row-major (problems x d) weights: one problem for 2 classes (positive = classes[1]), else one per class. */
  readonly coef: Float64Array;
  /** One intercept per problem (interceptScaling times the weight of the constant feature). */
  readonly intercept: Float64Array;
  /** False if some binary problem ran out of Newton steps before reaching its optimum. */
  readonly converged: boolean;
  /** Row-major (n x problems) values of x.coef + intercept. */
  decisionFunction(x: Float64Array, n: number): Float64Array;
  /** classes[1] where the decision value is > 0 (2 classes), else the class with the largest value (first on ties). */
  predict(x: Float64Array, n: number): Int32Array;
}

const DEFAULTS = {
  C: 0.01,
  classWeight: 'balanced',
  fitIntercept: true,
  interceptScaling: 1,
  tol: 1e-12,
  maxIter: 1000,
} as const satisfies Required<LinearSvcSettings>;

/** One binary problem: augmented inputs (n x p, row-major), targets ±1 and per-sample costs. */
interface BinaryProblem {
  readonly features: Float64Array;
  readonly n: number;
  readonly p: number;
  readonly targets: Float64Array;
  readonly costs: Float64Array;
}

export function fitLinearSvc(x: Float64Array, n: number, d: number, y: Int32Array, settings: LinearSvcSettings = {}): LinearSvcModel {
  const C = settings.C ?? DEFAULTS.C;
  const classWeight = settings.classWeight === undefined ? DEFAULTS.classWeight : settings.classWeight;
  const fitIntercept = settings.fitIntercept ?? DEFAULTS.fitIntercept;
  const interceptScaling = settings.interceptScaling ?? DEFAULTS.interceptScaling;
  const tol = settings.tol ?? DEFAULTS.tol;
  const maxIter = settings.maxIter ?? DEFAULTS.maxIter;
  if (!(Number.isInteger(n) && n > 0 && Number.isInteger(d) && d > 0)) throw new RangeError(`LinearSVC needs n >= 1 samples and d >= 1 features, got n=${n}, d=${d}`);
  if (x.length !== n * d) throw new RangeError(`LinearSVC: x has ${x.length} values, expected n * d = ${n * d}`);
  if (y.length !== n) throw new RangeError(`LinearSVC: y has ${y.length} labels, expected ${n}`);
  if (!(C > 0)) throw new RangeError(`LinearSVC: C must be positive, got ${C}`);
  if (!(maxIter >= 1)) throw new RangeError(`LinearSVC: maxIter must be at least 1, got ${maxIter}`);
  checkFinite(x, 'LinearSVC');

  const { classes, labelIndices } = encodeClasses(y);
  const costPerClass = classCosts(labelIndices, classes.length, C, classWeight);

  const p = fitIntercept ? d + 1 : d;
  const features = new Float64Array(n * p);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) features[r * p + j] = x[r * d + j];
    if (fitIntercept) features[r * p + d] = interceptScaling;
  }

  const numProblems = classes.length === 2 ? 1 : classes.length;
  const coef = new Float64Array(numProblems * d);
  const intercept = new Float64Array(numProblems);
  let converged = true;
  for (let problemIndex = 0; problemIndex < numProblems; problemIndex++) {
    const positiveClass = numProblems === 1 ? 1 : problemIndex;
    const targets = new Float64Array(n);
    const costs = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const label = labelIndices[r];
      targets[r] = label === positiveClass ? 1 : -1;
      // liblinear weights both sides of a two-class problem, but in one-vs-rest only the
      // positive class: the rest keep the plain C whatever their own weight.
      costs[r] = numProblems === 1 || label === positiveClass ? costPerClass[label] : C;
    }
    const solution = solveSquaredHingePrimal({ features, n, p, targets, costs }, tol, maxIter);
    converged &&= solution.converged;
    coef.set(solution.weights.subarray(0, d), problemIndex * d);
    intercept[problemIndex] = fitIntercept ? interceptScaling * solution.weights[d] : 0;
  }

  const decisionFunction = (points: Float64Array, count: number): Float64Array => {
    if (points.length !== count * d) throw new RangeError(`LinearSVC: ${points.length} values do not form ${count} points of ${d} features`);
    return linearDecisionValues(points, count, d, coef, intercept);
  };
  const predict = (points: Float64Array, count: number): Int32Array =>
    predictFromDecisionValues(decisionFunction(points, count), count, numProblems, classes);

  return { classes, numFeatures: d, coef, intercept, converged, decisionFunction, predict };
}

/** C times the class weight of every class (scikit-learn's `compute_class_weight`, then liblinear's product). */
function classCosts(labelIndices: Int32Array, numClasses: number, C: number, classWeight: 'balanced' | null): Float64Array {
  const costs = new Float64Array(numClasses).fill(C);
  if (classWeight === 'balanced') {
    const counts = new Float64Array(numClasses);
    for (const label of labelIndices) counts[label] += 1;
    for (let c = 0; c < numClasses; c++) costs[c] = C * (labelIndices.length / (numClasses * counts[c]));
  }
  return costs;
}

/** features . weights for every sample. */
function outputsOf(problem: BinaryProblem, weights: Float64Array): Float64Array {
  const { features, n, p } = problem;
  const outputs = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let dot = 0;
    for (let j = 0; j < p; j++) dot += features[r * p + j] * weights[j];
    outputs[r] = dot;
  }
  return outputs;
}

/** Euclidean norm of the primal gradient w - 2 sum_n C_n t_n max(0, 1 - t_n o_n) x_n. */
function gradientNorm(problem: BinaryProblem, weights: Float64Array, outputs: Float64Array): number {
  const { features, n, p, targets, costs } = problem;
  const gradient = Float64Array.from(weights);
  for (let r = 0; r < n; r++) {
    const violation = 1 - targets[r] * outputs[r];
    if (violation <= 0) continue;
    const scale = 2 * costs[r] * targets[r] * violation;
    for (let j = 0; j < p; j++) gradient[j] -= scale * features[r * p + j];
  }
  let squares = 0;
  for (const g of gradient) squares += g * g;
  return Math.sqrt(squares);
}

function solveSquaredHingePrimal(problem: BinaryProblem, tol: number, maxIter: number): { weights: Float64Array; converged: boolean } {
  const { n, targets } = problem;
  let weights: Float64Array = new Float64Array(problem.p);
  let outputs: Float64Array = new Float64Array(n);
  const gradientBound = tol * gradientNorm(problem, weights, outputs);
  const active = new Uint8Array(n);
  for (let iteration = 0; iteration < maxIter; iteration++) {
    for (let r = 0; r < n; r++) active[r] = 1 - targets[r] * outputs[r] > 0 ? 1 : 0;
    const candidate = minimiseOnActiveSet(problem, active);
    const candidateOutputs = outputsOf(problem, candidate);
    if (isOptimalForActiveSet(targets, candidateOutputs, active) || gradientNorm(problem, candidate, candidateOutputs) <= gradientBound) {
      return { weights: candidate, converged: true };
    }
    const step = exactLineSearch(problem, weights, outputs, candidate, candidateOutputs);
    // The direction is a descent direction unless the current point is already optimal, so a
    // zero step only happens when round-off hides the last sliver of decrease.
    if (step === 0) return { weights, converged: true };
    weights = weights.map((w, j) => w + step * (candidate[j] - w));
    outputs = outputsOf(problem, weights);
  }
  return { weights, converged: false };
}

/**
 * The minimiser of ||w||^2/2 + sum over active samples of C_n (1 - t_n w.x_n)^2, i.e. the solution
 * of (I + 2 sum C_n x_n x_n^T) w = 2 sum C_n t_n x_n (a symmetric positive definite system).
 */
function minimiseOnActiveSet(problem: BinaryProblem, active: Uint8Array): Float64Array {
  const { features, n, p, targets, costs } = problem;
  const matrix = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  for (let j = 0; j < p; j++) matrix[j * p + j] = 1;
  for (let r = 0; r < n; r++) {
    if (!active[r]) continue;
    const twiceCost = 2 * costs[r];
    const row = r * p;
    for (let j = 0; j < p; j++) {
      const weighted = twiceCost * features[row + j];
      rhs[j] += weighted * targets[r];
      for (let k = 0; k <= j; k++) matrix[j * p + k] += weighted * features[row + k];
    }
  }
  return solveCholesky(matrix, p, rhs);
}

/** Solves A w = b for a symmetric positive definite A given by its lower triangle (row-major p x p). */
function solveCholesky(matrix: Float64Array, p: number, rhs: Float64Array): Float64Array {
  const lower = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    for (let k = 0; k <= j; k++) {
      let sum = matrix[j * p + k];
      for (let m = 0; m < k; m++) sum -= lower[j * p + m] * lower[k * p + m];
      lower[j * p + k] = j === k ? Math.sqrt(sum) : sum / lower[k * p + k];
    }
  }
  const forward = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let sum = rhs[j];
    for (let m = 0; m < j; m++) sum -= lower[j * p + m] * forward[m];
    forward[j] = sum / lower[j * p + j];
  }
  const solution = new Float64Array(p);
  for (let j = p - 1; j >= 0; j--) {
    let sum = forward[j];
    for (let m = j + 1; m < p; m++) sum -= lower[m * p + j] * solution[m];
    solution[j] = sum / lower[j * p + j];
  }
  return solution;
}

/**
 * The quadratic restricted to `active` has the same gradient as the objective at a point where
 * exactly the active samples violate the margin (samples sitting on it contribute nothing either
 * way), so its minimiser is the optimum iff no active sample is strictly beyond the margin and no
 * inactive one strictly violates it.
 */
function isOptimalForActiveSet(targets: Float64Array, outputs: Float64Array, active: Uint8Array): boolean {
  for (let r = 0; r < outputs.length; r++) {
    const violation = 1 - targets[r] * outputs[r];
    if (active[r] ? violation < 0 : violation > 0) return false;
  }
  return true;
}

/**
 * The step s >= 0 minimising f(w + s (candidate - w)). Along the line each loss term is
 * C_n max(0, a_n - s b_n)^2 with a_n = 1 - t_n o_n and b_n = t_n (candidate o_n - o_n), so f' is
 * continuous and piecewise linear, with a kink where a term starts or stops violating the margin;
 * walking the kinks in order finds the interval holding its root.
 */
function exactLineSearch(
  problem: BinaryProblem,
  weights: Float64Array,
  outputs: Float64Array,
  candidate: Float64Array,
  candidateOutputs: Float64Array,
): number {
  const { n, targets, costs } = problem;
  // f'(s) = slope0 + s * curvature on the current interval.
  let slope0 = 0;
  let curvature = 0;
  for (let j = 0; j < weights.length; j++) {
    const direction = candidate[j] - weights[j];
    slope0 += weights[j] * direction;
    curvature += direction * direction;
  }
  const kinks: { at: number; sample: number; entering: boolean }[] = [];
  for (let r = 0; r < n; r++) {
    const a = 1 - targets[r] * outputs[r];
    const b = targets[r] * (candidateOutputs[r] - outputs[r]);
    const violatesJustAfterZero = a > 0 || (a === 0 && b < 0);
    if (violatesJustAfterZero) {
      slope0 -= 2 * costs[r] * a * b;
      curvature += 2 * costs[r] * b * b;
    }
    if (a > 0 && b > 0) kinks.push({ at: a / b, sample: r, entering: false });
    else if (a < 0 && b < 0) kinks.push({ at: a / b, sample: r, entering: true });
  }
  if (slope0 >= 0) return 0;
  kinks.sort((left, right) => left.at - right.at);
  for (const kink of kinks) {
    const root = -slope0 / curvature;
    if (root <= kink.at) return root;
    const a = 1 - targets[kink.sample] * outputs[kink.sample];
    const b = targets[kink.sample] * (candidateOutputs[kink.sample] - outputs[kink.sample]);
    const sign = kink.entering ? 1 : -1;
    slope0 -= sign * 2 * costs[kink.sample] * a * b;
    curvature += sign * 2 * costs[kink.sample] * b * b;
  }
  return -slope0 / curvature;
}
