// The standard normal CDF and its inverse, which the Gaussian traversal cycles walk through. Written
// here rather than taken from a statistics package: two short functions that run unchanged in a
// browser, where the packages that have them pull in dozens of modules.
const SQRT_PI = Math.sqrt(Math.PI);
/** Below this |x| the Maclaurin series of erf converges in few terms without losing many digits. */
const SERIES_LIMIT = 2.5;

/** erf(x) for |x| < SERIES_LIMIT by its Maclaurin series. */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const next = term / (2 * n + 1);
    sum += next;
    if (Math.abs(next) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / SQRT_PI) * sum;
}

/** erfc(x) for x >= SERIES_LIMIT by its continued fraction, evaluated with Lentz's method. */
function erfcContinuedFraction(x: number): number {
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (SQRT_PI * f);
}

/** P(Z <= z) for Z ~ N(0, 1). */
export function standardNormalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const x = z / Math.SQRT2;
  if (Math.abs(x) < SERIES_LIMIT) return 0.5 * (1 + erfSeries(x));
  return x > 0 ? 1 - 0.5 * erfcContinuedFraction(x) : 0.5 * erfcContinuedFraction(-x);
}

// Acklam's rational approximation (relative error 1.15e-9), then polished by Halley steps on the CDF.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const LOW_TAIL = 0.02425;

function polynomial(coefficients: readonly number[], x: number): number {
  return coefficients.reduce((sum, c) => sum * x + c, 0);
}

function acklam(p: number): number {
  if (p < LOW_TAIL) {
    const q = Math.sqrt(-2 * Math.log(p));
    return polynomial(C, q) / (polynomial(D, q) * q + 1);
  }
  if (p > 1 - LOW_TAIL) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -polynomial(C, q) / (polynomial(D, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (polynomial(A, r) * q) / (polynomial(B, r) * r + 1);
}

/** The z with P(Z <= z) = p for Z ~ N(0, 1) (scipy's norm.ppf); -Infinity at 0, +Infinity at 1. */
export function standardNormalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`a probability must lie in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  let z = acklam(p);
  for (let i = 0; i < 2; i++) {
    const u = (standardNormalCdf(z) - p) * Math.sqrt(2 * Math.PI) * Math.exp((z * z) / 2);
    z -= u / (1 + (z * u) / 2);
  }
  return z;
}
