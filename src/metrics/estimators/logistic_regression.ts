// L2-regularised logistic regression with scikit-learn's model conventions, as disentanglement_lib
// uses it for the beta-VAE score and for explicitness (metrics spec §2.1, §2.6).
//
// scikit-learn 1.2's defaults (penalty l2, C = 1, fit_intercept, multi_class 'auto') minimise
//     f(W, b) = sum_n -log p(y_n | x_n) + ||W||^2 / (2C)        (intercepts not penalised)
// with a softmax over one weight vector per class when there are more than 2 classes, and with a
// single sigmoid (one weight vector, positive class = classes[1]) for 2 classes. Its lbfgs solver
// stops early (100 iterations or scipy's relative-decrease test), so its iterate depends on the
// optimiser's path; the reproducible target is the exact optimum of the same convex objective,
// which this module reaches with damped Newton steps to a tight tolerance. Before 0.22 the default
// was liblinear one-vs-rest with the intercept regularised as an extra constant feature
// (intercept_scaling = 1); `multiClass: 'ovr', penalizeIntercept: true` is that model.
//
// All three shapes are one problem: a softmax over `m` outputs in which some parameters are pinned
// at 0. The binary sigmoid is a 2-output softmax whose output 0 is pinned entirely
// (sigmoid(z) = softmax([0, z])[1]); the multinomial model pins the intercept of its last output,
// because adding a constant to every intercept leaves the probabilities unchanged and only pinning
// one makes the Hessian non-singular. The intercepts are re-centred to sum to 0 afterwards, which is
// where lbfgs started from zero stays (its steps never leave the sum-zero subspace).
import { checkFinite, encodeClasses, linearDecisionValues, predictFromDecisionValues } from './linear_model.js';

export interface LogisticRegressionSettings {
  /** Inverse regularisation strength (scikit-learn's C). */
  C?: number;
  /**
   * 'auto': softmax over all classes when there are more than 2, else binary (scikit-learn >= 0.22).
   * 'ovr': one binary problem per class, probabilities normalised to sum to 1 (2 classes: one problem).
   */
  multiClass?: 'auto' | 'ovr';
  /** Regularise the intercept like a weight of a constant feature 1, as liblinear does. */
  penalizeIntercept?: boolean;
  /**
   * Stop once the Newton decrement's predicted objective decrease is at most tol * max(1, |f|),
   * after taking that last (full) step.
   */
  tol?: number;
  /** Newton steps allowed per optimisation problem. */
  maxIter?: number;
  /**
   * Also stop once the largest gradient component of the sample-averaged objective (the scale of
   * scikit-learn >= 1.1's loss) is at most this: scikit-learn's lbfgs `tol`. 0 (the default) leaves
   * only the `tol` test. Needed where the optimum is at infinity (C very large on separable data).
   */
  gradientTol?: number;
}

export interface LogisticRegressionModel {
  /** Sorted distinct training labels; probability columns follow this order. */
  readonly classes: Int32Array;
  /** Number of input features d. */
  readonly numFeatures: number;
  /** 'binary' for 2 classes; otherwise the multi-class scheme used. */
  readonly scheme: 'binary' | 'multinomial' | 'ovr';
  /** Row-major (rows x d) weights: 1 row for 'binary' (positive = classes[1]), one per class otherwise. */
  readonly coef: Float64Array;
  /** One intercept per coef row. */
  readonly intercept: Float64Array;
  /** False if some optimisation problem used up maxIter Newton steps (or stalled) before the tolerance. */
  readonly converged: boolean;
  /** Newton steps taken, summed over the problems. */
  readonly iterations: number;
  /** Row-major (n x rows) values x . coef_row + intercept_row. */
  decisionFunction(x: Float64Array, n: number): Float64Array;
  /** Row-major (n x classes) class probabilities, computed as scikit-learn's predict_proba does. */
  predictProba(x: Float64Array, n: number): Float64Array;
  /** classes[1] where the decision value is > 0 (binary), else the class of the largest decision value (first on ties). */
  predict(x: Float64Array, n: number): Int32Array;
}

/**
 * The two scikit-learn default sets disentanglement_lib's results depend on: 'sklearn_1_2'
 * (multinomial softmax, unpenalised intercept; what the reference values use) and
 * 'sklearn_pre_0_22' (liblinear one-vs-rest with the intercept regularised; the reference's
 * informational variants).
 */
export type SklearnDefaults = 'sklearn_1_2' | 'sklearn_pre_0_22';

export const SKLEARN_DEFAULT_SETTINGS: Record<SklearnDefaults, LogisticRegressionSettings> = {
  sklearn_1_2: {},
  sklearn_pre_0_22: { multiClass: 'ovr', penalizeIntercept: true },
};

const DEFAULTS = {
  C: 1,
  multiClass: 'auto',
  penalizeIntercept: false,
  tol: 1e-12,
  maxIter: 100,
  gradientTol: 0,
} as const satisfies Required<LogisticRegressionSettings>;

// Armijo sufficient-decrease constant and the smallest step tried before the line search gives up.
const ARMIJO = 1e-4;
const MIN_STEP = 2 ** -40;

/**
 * A softmax problem over `numOutputs` outputs with augmented inputs (`p` = d + 1 columns, the last
 * one the constant 1). Parameters are output-major: theta[c * p + f].
 */
interface SoftmaxProblem {
  readonly features: Float64Array;
  readonly n: number;
  readonly p: number;
  readonly numOutputs: number;
  /** Output index of every sample's label. */
  readonly targets: Int32Array;
  /** 1 where a parameter is optimised, 0 where it stays pinned at 0. */
  readonly free: Uint8Array;
  /** Coefficient of theta_k^2 / 2 in the objective (1 / C for penalised parameters, else 0). */
  readonly penalty: Float64Array;
}

interface Solution {
  readonly theta: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
}

export function fitLogisticRegression(
  x: Float64Array,
  n: number,
  d: number,
  y: Int32Array,
  settings: LogisticRegressionSettings = {},
): LogisticRegressionModel {
  const C = settings.C ?? DEFAULTS.C;
  const multiClass = settings.multiClass ?? DEFAULTS.multiClass;
  const penalizeIntercept = settings.penalizeIntercept ?? DEFAULTS.penalizeIntercept;
  const tol = settings.tol ?? DEFAULTS.tol;
  const maxIter = settings.maxIter ?? DEFAULTS.maxIter;
  const gradientTol = settings.gradientTol ?? DEFAULTS.gradientTol;
  if (!(Number.isInteger(n) && n > 0 && Number.isInteger(d) && d > 0)) {
    throw new RangeError(`LogisticRegression needs n >= 1 samples and d >= 1 features, got n=${n}, d=${d}`);
  }
  if (x.length !== n * d) throw new RangeError(`LogisticRegression: x has ${x.length} values, expected n * d = ${n * d}`);
  if (y.length !== n) throw new RangeError(`LogisticRegression: y has ${y.length} labels, expected ${n}`);
  if (!(C > 0)) throw new RangeError(`LogisticRegression: C must be positive, got ${C}`);
  if (!(tol >= 0)) throw new RangeError(`LogisticRegression: tol must be non-negative, got ${tol}`);
  if (!(Number.isInteger(maxIter) && maxIter > 0)) throw new RangeError(`LogisticRegression: maxIter must be a positive integer, got ${maxIter}`);
  if (!(gradientTol >= 0)) throw new RangeError(`LogisticRegression: gradientTol must be non-negative, got ${gradientTol}`);
  checkFinite(x, 'LogisticRegression');

  const { classes, labelIndices } = encodeClasses(y);

  const p = d + 1;
  const features = new Float64Array(n * p);
  for (let r = 0; r < n; r++) {
    features.set(x.subarray(r * d, (r + 1) * d), r * p);
    features[r * p + d] = 1;
  }
  const interceptPenalty = penalizeIntercept ? 1 / C : 0;
  const solve = (problem: SoftmaxProblem): Solution => newtonMinimise(problem, { tol, maxIter, gradientTol });

  /** One sigmoid problem: is the label `positive`? Parameters are those of output 1. */
  const fitBinary = (positive: number): Solution => {
    const free = new Uint8Array(2 * p);
    const penalty = new Float64Array(2 * p);
    for (let f = 0; f < p; f++) {
      free[p + f] = 1;
      penalty[p + f] = f === d ? interceptPenalty : 1 / C;
    }
    const targets = Int32Array.from(labelIndices, (index) => (index === positive ? 1 : 0));
    return solve({ features, n, p, numOutputs: 2, targets, free, penalty });
  };

  const numClasses = classes.length;
  let scheme: LogisticRegressionModel['scheme'];
  let rows: number;
  const solutions: Solution[] = [];
  const coef = new Float64Array(numClasses === 2 ? d : numClasses * d);
  const intercept = new Float64Array(numClasses === 2 ? 1 : numClasses);
  if (numClasses === 2 || multiClass === 'ovr') {
    scheme = numClasses === 2 ? 'binary' : 'ovr';
    rows = numClasses === 2 ? 1 : numClasses;
    for (let row = 0; row < rows; row++) {
      const solution = fitBinary(numClasses === 2 ? 1 : row);
      solutions.push(solution);
      coef.set(solution.theta.subarray(p, p + d), row * d);
      intercept[row] = solution.theta[p + d];
    }
  } else {
    scheme = 'multinomial';
    rows = numClasses;
    const free = new Uint8Array(numClasses * p).fill(1);
    const penalty = new Float64Array(numClasses * p);
    for (let c = 0; c < numClasses; c++) for (let f = 0; f < p; f++) penalty[c * p + f] = f === d ? interceptPenalty : 1 / C;
    // Pinning one intercept fixes the shift symmetry only when intercepts are free; a penalised
    // intercept already removes it.
    if (!penalizeIntercept) free[(numClasses - 1) * p + d] = 0;
    const solution = solve({ features, n, p, numOutputs: numClasses, targets: labelIndices, free, penalty });
    solutions.push(solution);
    for (let c = 0; c < numClasses; c++) {
      coef.set(solution.theta.subarray(c * p, c * p + d), c * d);
      intercept[c] = solution.theta[c * p + d];
    }
    if (!penalizeIntercept) {
      let mean = 0;
      for (let c = 0; c < numClasses; c++) mean += intercept[c];
      mean /= numClasses;
      for (let c = 0; c < numClasses; c++) intercept[c] -= mean;
    }
  }

  const decisionFunction = (input: Float64Array, count: number): Float64Array => {
    if (input.length !== count * d) throw new RangeError(`LogisticRegression: x has ${input.length} values, expected ${count} x ${d}`);
    checkFinite(input, 'LogisticRegression');
    return linearDecisionValues(input, count, d, coef, intercept);
  };

  const predictProba = (input: Float64Array, count: number): Float64Array => {
    const z = decisionFunction(input, count);
    const out = new Float64Array(count * numClasses);
    for (let r = 0; r < count; r++) {
      const base = r * numClasses;
      if (scheme === 'binary') {
        const positive = expit(z[r]);
        out[base] = 1 - positive;
        out[base + 1] = positive;
      } else if (scheme === 'ovr') {
        let total = 0;
        for (let c = 0; c < numClasses; c++) total += (out[base + c] = expit(z[base + c]));
        for (let c = 0; c < numClasses; c++) out[base + c] /= total;
      } else {
        let largest = -Infinity;
        for (let c = 0; c < numClasses; c++) largest = Math.max(largest, z[base + c]);
        let total = 0;
        for (let c = 0; c < numClasses; c++) total += (out[base + c] = Math.exp(z[base + c] - largest));
        for (let c = 0; c < numClasses; c++) out[base + c] /= total;
      }
    }
    return out;
  };

  const predict = (input: Float64Array, count: number): Int32Array =>
    predictFromDecisionValues(decisionFunction(input, count), count, rows, classes);

  return {
    classes,
    numFeatures: d,
    scheme,
    coef,
    intercept,
    converged: solutions.every((solution) => solution.converged),
    iterations: solutions.reduce((total, solution) => total + solution.iterations, 0),
    decisionFunction,
    predictProba,
    predict,
  };
}

function expit(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Logits of sample r into `out` (length numOutputs). */
function logitsOf(problem: SoftmaxProblem, theta: Float64Array, r: number, out: Float64Array): void {
  const { features, p, numOutputs } = problem;
  const base = r * p;
  for (let c = 0; c < numOutputs; c++) {
    let z = 0;
    for (let f = 0; f < p; f++) z += features[base + f] * theta[c * p + f];
    out[c] = z;
  }
}

/** Turns logits into softmax probabilities in place and returns log(sum(exp(logits))). */
function softmaxInPlace(values: Float64Array): number {
  let largest = -Infinity;
  for (let c = 0; c < values.length; c++) largest = Math.max(largest, values[c]);
  let total = 0;
  for (let c = 0; c < values.length; c++) total += (values[c] = Math.exp(values[c] - largest));
  for (let c = 0; c < values.length; c++) values[c] /= total;
  return largest + Math.log(total);
}

function objective(problem: SoftmaxProblem, theta: Float64Array): number {
  const logits = new Float64Array(problem.numOutputs);
  let total = 0;
  for (let r = 0; r < problem.n; r++) {
    logitsOf(problem, theta, r, logits);
    const target = logits[problem.targets[r]];
    total += softmaxInPlace(logits) - target;
  }
  for (let k = 0; k < theta.length; k++) total += 0.5 * problem.penalty[k] * theta[k] * theta[k];
  return total;
}

/**
 * Gradient and Hessian of the objective. Pinned parameters get a zero gradient and an identity
 * row/column, so the Newton step leaves them at 0.
 */
function gradientAndHessian(problem: SoftmaxProblem, theta: Float64Array): { gradient: Float64Array; hessian: Float64Array } {
  const { features, n, p, numOutputs: m, targets, free, penalty } = problem;
  const size = m * p;
  const gradient = new Float64Array(size);
  const hessian = new Float64Array(size * size);
  const probabilities = new Float64Array(m);
  const outer = new Float64Array(p * p);
  for (let r = 0; r < n; r++) {
    logitsOf(problem, theta, r, probabilities);
    softmaxInPlace(probabilities);
    const base = r * p;
    for (let f = 0; f < p; f++) for (let g = f; g < p; g++) outer[f * p + g] = features[base + f] * features[base + g];
    for (let c = 0; c < m; c++) {
      const residual = probabilities[c] - (targets[r] === c ? 1 : 0);
      for (let f = 0; f < p; f++) gradient[c * p + f] += residual * features[base + f];
      // Only the upper triangle (block c <= c2, and f <= g within diagonal blocks) is accumulated.
      for (let c2 = c; c2 < m; c2++) {
        const weight = probabilities[c] * ((c === c2 ? 1 : 0) - probabilities[c2]);
        if (weight === 0) continue;
        for (let f = 0; f < p; f++) {
          const rowOffset = (c * p + f) * size + c2 * p;
          const start = c === c2 ? f : 0;
          for (let g = start; g < p; g++) {
            hessian[rowOffset + g] += weight * (g >= f ? outer[f * p + g] : outer[g * p + f]);
          }
        }
      }
    }
  }
  for (let k = 0; k < size; k++) {
    gradient[k] += penalty[k] * theta[k];
    hessian[k * size + k] += penalty[k];
  }
  for (let a = 0; a < size; a++) for (let b = a + 1; b < size; b++) hessian[b * size + a] = hessian[a * size + b];
  for (let k = 0; k < size; k++) {
    if (free[k]) continue;
    gradient[k] = 0;
    for (let j = 0; j < size; j++) {
      hessian[k * size + j] = 0;
      hessian[j * size + k] = 0;
    }
    hessian[k * size + k] = 1;
  }
  return { gradient, hessian };
}

/**
 * Solves H s = rhs for a symmetric positive definite H by Cholesky. Probabilities that round to 0
 * or 1 can leave H numerically singular; a diagonal shift that grows until the factorisation
 * succeeds then still gives a descent direction.
 */
function solveSymmetric(hessian: Float64Array, rhs: Float64Array): Float64Array {
  const size = rhs.length;
  let largestDiagonal = 0;
  for (let k = 0; k < size; k++) largestDiagonal = Math.max(largestDiagonal, Math.abs(hessian[k * size + k]));
  const factor = new Float64Array(size * size);
  for (let shift = 0; ; shift = shift === 0 ? 1e-14 * largestDiagonal : shift * 10) {
    if (choleskyInto(hessian, size, shift, factor)) break;
    if (shift > largestDiagonal) throw new Error('LogisticRegression: the Hessian could not be factorised (non-finite values?)');
  }
  const solution = Float64Array.from(rhs);
  for (let i = 0; i < size; i++) {
    let value = solution[i];
    for (let k = 0; k < i; k++) value -= factor[i * size + k] * solution[k];
    solution[i] = value / factor[i * size + i];
  }
  for (let i = size - 1; i >= 0; i--) {
    let value = solution[i];
    for (let k = i + 1; k < size; k++) value -= factor[k * size + i] * solution[k];
    solution[i] = value / factor[i * size + i];
  }
  return solution;
}

/** Lower Cholesky factor of (H + shift I) into `factor`; false if it is not positive definite. */
function choleskyInto(hessian: Float64Array, size: number, shift: number, factor: Float64Array): boolean {
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let value = hessian[i * size + j] + (i === j ? shift : 0);
      for (let k = 0; k < j; k++) value -= factor[i * size + k] * factor[j * size + k];
      if (i === j) {
        if (!(value > 0)) return false;
        factor[i * size + i] = Math.sqrt(value);
      } else {
        factor[i * size + j] = value / factor[j * size + j];
      }
    }
  }
  return true;
}

/**
 * Above this many parameters the Newton step is solved by conjugate gradients on Hessian-vector
 * products (O(n·p·m) each) instead of forming and factorising the Hessian (O(n·p²·m²) and
 * O((p·m)³)): a 10-class problem on 192-d codes has 1930 parameters, whose Hessian took minutes.
 */
const DIRECT_SOLVE_MAX_PARAMETERS = 256;
// Inexact (truncated) Newton: CG stops at a residual of min(0.5, sqrt|g|)·|g|, the forcing sequence
// that keeps Newton's superlinear convergence near the optimum (Nocedal & Wright, Algorithm 7.1)
// while far from it a few CG iterations do. Solving every step to 1e-10 cost up to `size` Hessian
// products a step on ill-conditioned (nearly unpenalised) problems. |g| is of the summed loss: with
// scikit-learn's 1/n scaling the tighter forcing cost more CG than it saved Newton steps on DecVAE's
// latents (22 s against 15 s for the 5-candidate grid on 640 x 192).
const CG_FORCING_CAP = 0.5;
// At most this many CG iterations a Newton step, scikit-learn newton-cg's `maxinner`: an
// ill-conditioned step stops early along the directions CG has found, still a descent direction.
const CG_MAX_ITERATIONS = 200;
const CG_RELATIVE_RESIDUAL_FLOOR = 1e-10;

/** The gradient at theta, and the softmax probabilities of every sample (n x m) for Hessian products. */
function gradientAndProbabilities(problem: SoftmaxProblem, theta: Float64Array): { gradient: Float64Array; probabilities: Float64Array } {
  const { features, n, p, numOutputs: m, targets, free, penalty } = problem;
  const gradient = new Float64Array(m * p);
  const probabilities = new Float64Array(n * m);
  const row = new Float64Array(m);
  for (let r = 0; r < n; r++) {
    logitsOf(problem, theta, r, row);
    softmaxInPlace(row);
    probabilities.set(row, r * m);
    for (let c = 0; c < m; c++) {
      const residual = row[c] - (targets[r] === c ? 1 : 0);
      for (let f = 0; f < p; f++) gradient[c * p + f] += residual * features[r * p + f];
    }
  }
  for (let k = 0; k < gradient.length; k++) gradient[k] = free[k] ? gradient[k] + penalty[k] * theta[k] : 0;
  return { gradient, probabilities };
}

/** H v for the Hessian at the probabilities' theta, pinned parameters held at identity rows. */
function hessianTimes(problem: SoftmaxProblem, probabilities: Float64Array, v: Float64Array): Float64Array {
  const { features, n, p, numOutputs: m, free, penalty } = problem;
  const out = new Float64Array(m * p);
  const u = new Float64Array(m);
  for (let r = 0; r < n; r++) {
    const base = r * p;
    let mean = 0;
    for (let c = 0; c < m; c++) {
      let z = 0;
      for (let f = 0; f < p; f++) z += features[base + f] * v[c * p + f];
      u[c] = z;
      mean += probabilities[r * m + c] * z;
    }
    for (let c = 0; c < m; c++) {
      const weight = probabilities[r * m + c] * (u[c] - mean);
      if (weight === 0) continue;
      for (let f = 0; f < p; f++) out[c * p + f] += weight * features[base + f];
    }
  }
  for (let k = 0; k < out.length; k++) out[k] = free[k] ? out[k] + penalty[k] * v[k] : v[k];
  return out;
}

/** H s = -g by conjugate gradients, to the forcing sequence's residual (or CG_MAX_ITERATIONS). */
function conjugateGradientStep(problem: SoftmaxProblem, probabilities: Float64Array, gradient: Float64Array): Float64Array {
  const size = gradient.length;
  const step = new Float64Array(size);
  const residual = gradient.map((g) => -g);
  const direction = Float64Array.from(residual);
  let squared = residual.reduce((a, r) => a + r * r, 0);
  const gradientNorm = Math.sqrt(squared);
  const forcing = Math.max(CG_RELATIVE_RESIDUAL_FLOOR, Math.min(CG_FORCING_CAP, Math.sqrt(gradientNorm)));
  const target = forcing ** 2 * squared;
  for (let iteration = 0; iteration < Math.min(size, CG_MAX_ITERATIONS) && squared > target; iteration++) {
    const product = hessianTimes(problem, probabilities, direction);
    let curvature = 0;
    for (let k = 0; k < size; k++) curvature += direction[k] * product[k];
    if (!(curvature > 0)) break;
    const alpha = squared / curvature;
    for (let k = 0; k < size; k++) {
      step[k] += alpha * direction[k];
      residual[k] -= alpha * product[k];
    }
    const next = residual.reduce((a, r) => a + r * r, 0);
    const beta = next / squared;
    squared = next;
    for (let k = 0; k < size; k++) direction[k] = residual[k] + beta * direction[k];
  }
  return step;
}

/**
 * The gradient at theta and the Newton step there, by a direct solve or by conjugate gradients;
 * no step (null) once `small(gradient)`, so the last iteration of a converged fit solves nothing.
 */
function newtonStep(problem: SoftmaxProblem, theta: Float64Array, small: (gradient: Float64Array) => boolean): { gradient: Float64Array; step: Float64Array | null } {
  if (theta.length <= DIRECT_SOLVE_MAX_PARAMETERS) {
    const { gradient, hessian } = gradientAndHessian(problem, theta);
    return { gradient, step: small(gradient) ? null : solveSymmetric(hessian, gradient.map((g) => -g)) };
  }
  const { gradient, probabilities } = gradientAndProbabilities(problem, theta);
  return { gradient, step: small(gradient) ? null : conjugateGradientStep(problem, probabilities, gradient) };
}

/** Damped Newton from theta = 0 with a backtracking (Armijo) line search. */
function newtonMinimise(problem: SoftmaxProblem, { tol, maxIter, gradientTol }: { tol: number; maxIter: number; gradientTol: number }): Solution {
  const size = problem.numOutputs * problem.p;
  let theta = new Float64Array(size);
  let value = objective(problem, theta);
  const small = (gradient: Float64Array): boolean => gradientTol > 0 && gradient.every((g) => Math.abs(g) <= gradientTol * problem.n);
  for (let iteration = 1; iteration <= maxIter; iteration++) {
    const { gradient, step } = newtonStep(problem, theta, small);
    if (step === null) return { theta, iterations: iteration - 1, converged: true };
    let slope = 0;
    for (let k = 0; k < size; k++) slope += gradient[k] * step[k];
    // -slope is the squared Newton decrement; half of it predicts the decrease of a full step.
    if (-slope / 2 <= tol * Math.max(1, Math.abs(value))) {
      for (let k = 0; k < size; k++) theta[k] += step[k];
      return { theta, iterations: iteration, converged: true };
    }
    let accepted = false;
    for (let t = 1; t >= MIN_STEP; t /= 2) {
      const candidate = theta.map((v, k) => v + t * step[k]);
      const candidateValue = objective(problem, candidate);
      if (candidateValue <= value + ARMIJO * t * slope) {
        theta = candidate;
        value = candidateValue;
        accepted = true;
        break;
      }
    }
    if (!accepted) return { theta, iterations: iteration, converged: false };
  }
  return { theta, iterations: maxIter, converged: false };
}
