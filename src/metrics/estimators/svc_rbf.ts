// C-support vector classifier with the RBF kernel K(a, b) = exp(-gamma ||a - b||^2), after
// scikit-learn's SVC (libsvm) with the settings of DecVAE spec §9.4: C = 1, gamma 'scale' =
// 1 / (d * Var(X)) over all entries of X, stopping tolerance 1e-3. Every pair of classes (i < j, in
// sorted label order) is one binary dual problem, solved by SMO with libsvm's second-order working
// set selection (WSS3; no shrinking, which only changes the speed); prediction is libsvm's one-vs-one
// vote, ties going to the class that comes first. Decision values follow libsvm's sign: positive
// favours the pair's first class (sklearn's binary decision_function is the negation).
import { UserError } from '../../util/errors.js';
import { checkFinite, encodeClasses } from './linear_model.js';

export interface SvcSettings {
  C?: number;
  /** 'scale' or a positive number. */
  gamma?: 'scale' | number;
  /** Stop once the maximal KKT violation m(alpha) - M(alpha) is below tol (libsvm's eps). */
  tol?: number;
  /** Memory for cached kernel rows, per binary problem. */
  cacheBytes?: number;
}

/** One binary problem of the one-vs-one scheme. */
export interface SvcPair {
  /** Indices into classes: samples of `first` were +1, of `second` -1. */
  readonly first: number;
  readonly second: number;
  /** Row-major support vectors (count x d). */
  readonly supportVectors: Float64Array;
  /** y_i * alpha_i per support vector. */
  readonly dualCoef: Float64Array;
  readonly rho: number;
}

export interface SvcModel {
  readonly classes: Int32Array;
  readonly gamma: number;
  /** Pairs in libsvm order: (0,1), (0,2), ..., (1,2), ... */
  readonly pairs: readonly SvcPair[];
  /** Row-major (count x pairs) values sum_i dualCoef_i K(sv_i, x) - rho. */
  decisionValues(x: Float64Array, count: number): Float64Array;
  predict(x: Float64Array, count: number): Int32Array;
}

// libsvm's floor for a non-positive curvature along the working-set direction.
const TAU = 1e-12;
const positiveOrTau = (curvature: number): number => (curvature > 0 ? curvature : TAU);

function rbf(a: Float64Array, aRow: number, b: Float64Array, bRow: number, d: number, gamma: number): number {
  let squared = 0;
  for (let j = 0; j < d; j++) {
    const diff = a[aRow * d + j] - b[bRow * d + j];
    squared += diff * diff;
  }
  return Math.exp(-gamma * squared);
}

/** Dual of the binary C-SVC: min 1/2 a'Qa - e'a, 0 <= a <= C, y'a = 0, with Q_ij = y_i y_j K_ij. */
function solveBinary(x: Float64Array, d: number, y: Int8Array, gamma: number, C: number, tol: number, cacheBytes: number): { alpha: Float64Array; rho: number } {
  const l = y.length;
  const cacheLimit = Math.max(2, Math.floor(cacheBytes / (8 * l)));
  const cache = new Map<number, Float64Array>();
  const row = (i: number): Float64Array => {
    let q = cache.get(i);
    if (q) {
      cache.delete(i);
    } else {
      q = new Float64Array(l);
      for (let j = 0; j < l; j++) q[j] = y[i] * y[j] * rbf(x, i, x, j, d, gamma);
      if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value as number);
    }
    cache.set(i, q);
    return q;
  };
  const alpha = new Float64Array(l);
  const gradient = new Float64Array(l).fill(-1);
  const QD = 1; // K(x, x) = 1 for the RBF kernel
  const atUpper = (t: number): boolean => alpha[t] >= C;
  const atLower = (t: number): boolean => alpha[t] <= 0;
  const maxIterations = Math.max(10_000_000, 100 * l);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let gMax = -Infinity;
    let i = -1;
    for (let t = 0; t < l; t++) {
      if (y[t] === 1 ? !atUpper(t) : !atLower(t)) {
        const violation = -y[t] * gradient[t];
        if (violation >= gMax) {
          gMax = violation;
          i = t;
        }
      }
    }
    if (i < 0) break;
    const Qi = row(i);
    let gMax2 = -Infinity;
    let j = -1;
    let bestObjectiveDrop = Infinity;
    for (let t = 0; t < l; t++) {
      if (y[t] === 1 ? atLower(t) : atUpper(t)) continue;
      const yG = y[t] * gradient[t];
      gMax2 = Math.max(gMax2, yG);
      const gradDiff = gMax + yG;
      if (gradDiff > 0) {
        const curvature = QD + QD - 2 * y[i] * y[t] * Qi[t];
        const drop = -(gradDiff * gradDiff) / positiveOrTau(curvature);
        if (drop <= bestObjectiveDrop) {
          bestObjectiveDrop = drop;
          j = t;
        }
      }
    }
    if (gMax + gMax2 < tol || j < 0) break;
    const Qj = row(j);
    const oldI = alpha[i];
    const oldJ = alpha[j];
    if (y[i] !== y[j]) {
      const curvature = positiveOrTau(QD + QD + 2 * Qi[j]);
      const delta = (-gradient[i] - gradient[j]) / curvature;
      const diff = alpha[i] - alpha[j];
      alpha[i] += delta;
      alpha[j] += delta;
      if (diff > 0 && alpha[j] < 0) [alpha[j], alpha[i]] = [0, diff];
      else if (diff <= 0 && alpha[i] < 0) [alpha[i], alpha[j]] = [0, -diff];
      if (diff > 0 && alpha[i] > C) [alpha[i], alpha[j]] = [C, C - diff];
      else if (diff <= 0 && alpha[j] > C) [alpha[j], alpha[i]] = [C, C + diff];
    } else {
      const curvature = positiveOrTau(QD + QD - 2 * Qi[j]);
      const delta = (gradient[i] - gradient[j]) / curvature;
      const sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > C && alpha[i] > C) [alpha[i], alpha[j]] = [C, sum - C];
      else if (sum <= C && alpha[j] < 0) [alpha[j], alpha[i]] = [0, sum];
      if (sum > C && alpha[j] > C) [alpha[j], alpha[i]] = [C, sum - C];
      else if (sum <= C && alpha[i] < 0) [alpha[i], alpha[j]] = [0, sum];
    }
    const deltaI = alpha[i] - oldI;
    const deltaJ = alpha[j] - oldJ;
    for (let t = 0; t < l; t++) gradient[t] += Qi[t] * deltaI + Qj[t] * deltaJ;
  }
  // rho: the mean of y_t G_t over free variables, else the middle of the feasible interval.
  let upper = Infinity;
  let lower = -Infinity;
  let freeCount = 0;
  let freeSum = 0;
  for (let t = 0; t < l; t++) {
    const yG = y[t] * gradient[t];
    if (atUpper(t)) {
      if (y[t] === -1) upper = Math.min(upper, yG);
      else lower = Math.max(lower, yG);
    } else if (atLower(t)) {
      if (y[t] === 1) upper = Math.min(upper, yG);
      else lower = Math.max(lower, yG);
    } else {
      freeCount++;
      freeSum += yG;
    }
  }
  return { alpha, rho: freeCount > 0 ? freeSum / freeCount : (upper + lower) / 2 };
}

/** sklearn's gamma='scale': 1 / (d * variance of all entries of X), or 1 for constant X. */
export function scaleGamma(x: Float64Array, d: number): number {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let variance = 0;
  for (const v of x) variance += (v - mean) ** 2;
  variance /= x.length;
  return variance !== 0 ? 1 / (d * variance) : 1;
}

export function fitSvcRbf(x: Float64Array, n: number, d: number, labels: Int32Array, settings: SvcSettings = {}): SvcModel {
  const C = settings.C ?? 1;
  const tol = settings.tol ?? 1e-3;
  const cacheBytes = settings.cacheBytes ?? 256 * 2 ** 20;
  if (!(Number.isInteger(n) && n > 0 && Number.isInteger(d) && d > 0)) throw new UserError(`SVC: needs n >= 1 and d >= 1, got n=${n}, d=${d}`);
  if (x.length !== n * d || labels.length !== n) throw new UserError(`SVC: x has ${x.length} values and y ${labels.length} labels, expected ${n} x ${d} and ${n}`);
  if (!(C > 0)) throw new UserError(`SVC: C must be positive, got ${C}`);
  checkFinite(x, 'SVC');
  const gamma = settings.gamma === undefined || settings.gamma === 'scale' ? scaleGamma(x, d) : settings.gamma;
  if (!(gamma > 0)) throw new UserError(`SVC: gamma must be 'scale' or positive, got ${settings.gamma}`);
  const { classes, labelIndices } = encodeClasses(labels);
  const members = Array.from(classes, (_, c) => Int32Array.from(labelIndices.keys()).filter((i) => labelIndices[i] === c));

  const pairs: SvcPair[] = [];
  for (let first = 0; first < classes.length; first++) {
    for (let second = first + 1; second < classes.length; second++) {
      const rows = Int32Array.from([...members[first], ...members[second]]);
      const sub = new Float64Array(rows.length * d);
      rows.forEach((r, k) => sub.set(x.subarray(r * d, (r + 1) * d), k * d));
      const y = Int8Array.from(rows, (_, k) => (k < members[first].length ? 1 : -1));
      const { alpha, rho } = solveBinary(sub, d, y, gamma, C, tol, cacheBytes);
      const support = Int32Array.from(alpha.keys()).filter((k) => alpha[k] > 0);
      const supportVectors = new Float64Array(support.length * d);
      support.forEach((k, s) => supportVectors.set(sub.subarray(k * d, (k + 1) * d), s * d));
      pairs.push({ first, second, supportVectors, dualCoef: Float64Array.from(support, (k) => y[k] * alpha[k]), rho });
    }
  }

  const decisionValues = (input: Float64Array, count: number): Float64Array => {
    if (input.length !== count * d) throw new UserError(`SVC: x has ${input.length} values, expected ${count} x ${d}`);
    checkFinite(input, 'SVC');
    const out = new Float64Array(count * pairs.length);
    pairs.forEach((pair, p) => {
      for (let r = 0; r < count; r++) {
        let value = -pair.rho;
        for (let s = 0; s < pair.dualCoef.length; s++) value += pair.dualCoef[s] * rbf(pair.supportVectors, s, input, r, d, gamma);
        out[r * pairs.length + p] = value;
      }
    });
    return out;
  };

  const predict = (input: Float64Array, count: number): Int32Array => {
    const values = decisionValues(input, count);
    return Int32Array.from({ length: count }, (_, r) => {
      const votes = new Int32Array(classes.length);
      pairs.forEach((pair, p) => votes[values[r * pairs.length + p] > 0 ? pair.first : pair.second]++);
      let best = 0;
      for (let c = 1; c < classes.length; c++) if (votes[c] > votes[best]) best = c;
      return classes[best];
    });
  };

  return { classes, gamma, pairs, decisionValues, predict };
}
