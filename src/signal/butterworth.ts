// Digital Butterworth band-pass filters and the filtering routines DecVAE applies them with (spec
// §2 steps 2-3: the SimVowels formant and excitation filters, scipy `butter(N, [lo, hi] / (fs/2),
// 'band')` then `lfilter`; spec §4.2: the filter decomposition's second-order-section band-passes,
// `butter(..., output='sos')` then `sosfiltfilt`).
//
// The design follows scipy.signal.iirfilter step by step, so that coefficients agree with scipy's
// to rounding: the analog prototype's poles -exp(i·pi·m/(2N)), m = -N+1, -N+3, ..., N-1 (buttap);
// pre-warping of the normalised edges w to 4·tan(pi·w/2) (scipy's fs = 2); the low-pass to
// band-pass map p -> p·bw/2 ± sqrt((p·bw/2)² - wo²) with N zeros at the origin and gain bw^N
// (lp2bp_zpk); the bilinear map z -> (4 + z)/(4 - z) with the N zeros at infinity sent to -1 and
// gain prod(4 - z)/prod(4 - p) (bilinear_zpk). Polynomials are expanded root by root in scipy's
// order (numpy.poly). Second-order sections pair poles and zeros as scipy's zpk2sos with its
// default 'nearest' pairing: the pole nearest the unit circle goes into the last section with the
// zero nearest to it, and so on inwards, the gain going into the first section.
//
// Filtering is direct form II transposed, as scipy's lfilter and sosfilt compute it. sosfiltfilt
// has scipy's defaults: odd extension by 3·ntaps samples at both ends (ntaps = 2·sections + 1,
// less the smaller of the counts of sections with b2 = 0 and with a2 = 0), each pass started from
// sosfilt_zi (the steady state of a unit step) scaled by the first sample it sees, the backward
// pass run on the reversed forward output, and the extension cut off again.
import { UserError } from '../util/errors.js';

/** Second-order sections, each [b0, b1, b2, a0, a1, a2] with a0 = 1, as scipy's sos arrays. */
export type Sos = Float64Array[];

/** A complex number as [re, im]. */
type Complex = readonly [number, number];

const add = (a: Complex, b: Complex): Complex => [a[0] + b[0], a[1] + b[1]];
const sub = (a: Complex, b: Complex): Complex => [a[0] - b[0], a[1] - b[1]];
const mul = (a: Complex, b: Complex): Complex => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const scale = (a: Complex, s: number): Complex => [a[0] * s, a[1] * s];
const conj = (a: Complex): Complex => [a[0], -a[1]];
const abs = (a: Complex): number => Math.hypot(a[0], a[1]);
const isReal = (a: Complex): boolean => a[1] === 0;

/** Complex division by Smith's method, the way numpy divides complex arrays. */
function div(a: Complex, b: Complex): Complex {
  if (Math.abs(b[0]) >= Math.abs(b[1])) {
    const ratio = b[1] / b[0];
    const s = 1 / (b[0] + b[1] * ratio);
    return [(a[0] + a[1] * ratio) * s, (a[1] - a[0] * ratio) * s];
  }
  const ratio = b[0] / b[1];
  const s = 1 / (b[1] + b[0] * ratio);
  return [(a[0] * ratio + a[1]) * s, (a[1] * ratio - a[0]) * s];
}

/** The principal square root (branch cut on the negative real axis, C99 csqrt). */
function sqrt(a: Complex): Complex {
  const [re, im] = a;
  if (re === 0 && im === 0) return [0, im];
  const t = Math.sqrt((Math.abs(re) + Math.hypot(re, im)) / 2);
  return re >= 0 ? [t, im / (2 * t)] : [Math.abs(im) / (2 * t), im < 0 ? -t : t];
}

/** Coefficients of prod_k (x - r_k), highest power first, multiplied out root by root as numpy.poly does. */
function polynomialFromRoots(roots: readonly Complex[]): Complex[] {
  let coefficients: Complex[] = [[1, 0]];
  for (const root of roots) {
    const negated: Complex = [-root[0], -root[1]];
    const next: Complex[] = [];
    for (let j = 0; j <= coefficients.length; j++) {
      const carried = j < coefficients.length ? coefficients[j] : ([0, 0] as Complex);
      next.push(j === 0 ? carried : add(carried, mul(negated, coefficients[j - 1])));
    }
    coefficients = next;
  }
  return coefficients;
}

/** Real coefficients of gain · prod (x - r): the roots come in conjugate pairs, so imaginary parts are rounding. */
function realPolynomial(roots: readonly Complex[], gain: number): Float64Array {
  return Float64Array.from(polynomialFromRoots(roots), (c) => gain * c[0]);
}

interface Zpk {
  zeros: Complex[];
  poles: Complex[];
  gain: number;
}

function checkBandpassArguments(order: number, lowHz: number, highHz: number, fs: number): void {
  if (!(Number.isInteger(order) && order >= 1)) throw new UserError(`Butterworth order must be a positive integer, got ${order}`);
  if (!(Number.isFinite(fs) && fs > 0)) throw new UserError(`sampling rate must be positive, got ${fs}`);
  if (!(lowHz > 0 && highHz > lowHz && highHz < fs / 2)) {
    throw new UserError(`band-pass edges must satisfy 0 < low < high < fs/2 = ${fs / 2} Hz, got [${lowHz}, ${highHz}]`);
  }
}

/** Zeros, poles and gain of the digital band-pass, as scipy's butter(order, [low, high] / (fs/2), 'band', output='zpk'). */
function bandpassZpk(order: number, lowHz: number, highHz: number, fs: number): Zpk {
  checkBandpassArguments(order, lowHz, highHz, fs);
  const nyquist = 0.5 * fs;
  const [warpedLow, warpedHigh] = [lowHz / nyquist, highHz / nyquist].map((w) => 4 * Math.tan((Math.PI * w) / 2));
  const bandwidth = warpedHigh - warpedLow;
  const centre = Math.sqrt(warpedLow * warpedHigh);

  const prototypePoles: Complex[] = [];
  for (let m = -order + 1; m < order; m += 2) {
    const angle = (Math.PI * m) / (2 * order);
    prototypePoles.push([-Math.cos(angle), -Math.sin(angle)]);
  }
  const lowpassPoles = prototypePoles.map((p) => scale(p, bandwidth / 2));
  const shifts = lowpassPoles.map((p) => sqrt(sub(mul(p, p), [centre * centre, 0])));
  const analogPoles = [...lowpassPoles.map((p, i) => add(p, shifts[i])), ...lowpassPoles.map((p, i) => sub(p, shifts[i]))];
  const analogZeros: Complex[] = Array.from({ length: order }, () => [0, 0]);
  const analogGain = bandwidth ** order;

  const twiceFs: Complex = [4, 0];
  const bilinear = (s: Complex): Complex => div(add(twiceFs, s), sub(twiceFs, s));
  let zeroProduct: Complex = [1, 0];
  for (const z of analogZeros) zeroProduct = mul(zeroProduct, sub(twiceFs, z));
  let poleProduct: Complex = [1, 0];
  for (const p of analogPoles) poleProduct = mul(poleProduct, sub(twiceFs, p));
  return {
    zeros: [...analogZeros.map(bilinear), ...Array.from({ length: order }, (): Complex => [-1, 0])],
    poles: analogPoles.map(bilinear),
    gain: analogGain * div(zeroProduct, poleProduct)[0],
  };
}

/**
 * Numerator and denominator (2·order + 1 coefficients each, a[0] = 1) of the order-N digital
 * Butterworth band-pass between lowHz and highHz: scipy.signal.butter(order, [lowHz, highHz] /
 * (fs/2), 'band').
 */
export function butterBandpass(order: number, lowHz: number, highHz: number, fs: number): { b: Float64Array; a: Float64Array } {
  const { zeros, poles, gain } = bandpassZpk(order, lowHz, highHz, fs);
  return { b: realPolynomial(zeros, gain), a: realPolynomial(poles, 1) };
}

/** The same filter as second-order sections: scipy.signal.butter(order, [lowHz, highHz] / (fs/2), 'band', output='sos'). */
export function butterBandpassSos(order: number, lowHz: number, highHz: number, fs: number): Sos {
  const { zeros, poles, gain } = bandpassZpk(order, lowHz, highHz, fs);
  return zpkToSos(zeros, poles, gain);
}

/** Tolerance under which scipy's _cplxreal counts a root as real: 100 machine epsilons relative to |z|. */
const REAL_TOLERANCE = 100 * Number.EPSILON;

/**
 * scipy's _cplxreal: the real roots (sorted ascending) and one representative of each conjugate
 * pair (positive imaginary part, the pair averaged), sorted by real part then |imaginary part|.
 */
function splitConjugatePairs(roots: readonly Complex[]): { pairs: Complex[]; reals: Complex[] } {
  const sorted = [...roots].sort((x, y) => x[0] - y[0] || Math.abs(x[1]) - Math.abs(y[1]));
  const realMask = sorted.map((z) => Math.abs(z[1]) <= REAL_TOLERANCE * abs(z));
  const reals = sorted.filter((_, i) => realMask[i]).map((z): Complex => [z[0], 0]);
  const complex = sorted.filter((_, i) => !realMask[i]);
  const upper = complex.filter((z) => z[1] > 0);
  const lower = complex.filter((z) => z[1] < 0);
  if (upper.length !== lower.length) throw new RangeError('roots contain a complex value with no matching conjugate');
  // Runs of (nearly) equal real part are ordered by |imaginary part| so that conjugates line up.
  let start = 0;
  while (start < upper.length) {
    let stop = start + 1;
    while (stop < upper.length && upper[stop][0] - upper[stop - 1][0] <= REAL_TOLERANCE * abs(upper[stop - 1])) stop++;
    for (const run of [upper, lower]) {
      const ordered = run.slice(start, stop).sort((x, y) => Math.abs(x[1]) - Math.abs(y[1]));
      run.splice(start, stop - start, ...ordered);
    }
    start = stop;
  }
  const pairs = upper.map((z, i) => {
    if (abs(sub(z, conj(lower[i]))) > REAL_TOLERANCE * abs(lower[i])) throw new RangeError('roots contain a complex value with no matching conjugate');
    return scale(add(z, conj(lower[i])), 0.5);
  });
  return { pairs, reals };
}

/** Index of the first minimum of `values`, as numpy.argmin. */
function argmin(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[best]) best = i;
  return best;
}

/** Index of the pole nearest the unit circle. */
function worstPoleIndex(poles: readonly Complex[]): number {
  return argmin(poles.map((p) => Math.abs(1 - abs(p))));
}

/** scipy's _nearest_real_complex_idx: index in `from` of the root nearest `to`, among all, the real or the complex ones. */
function nearestIndex(from: readonly Complex[], to: Complex, which: 'any' | 'real' | 'complex'): number {
  const order = from.map((_, i) => i).sort((i, j) => abs(sub(from[i], to)) - abs(sub(from[j], to)));
  const found = order.find((i) => which === 'any' || isReal(from[i]) === (which === 'real'));
  if (found === undefined) throw new RangeError(`no ${which} root left to pair`);
  return found;
}

/** One section [b0, b1, b2, 1, a1, a2] from up to two zeros and two poles, coefficients right-aligned as scipy's _single_zpksos. */
function section(zeros: readonly Complex[], poles: readonly Complex[]): Float64Array {
  const sos = new Float64Array(6);
  const b = realPolynomial(zeros, 1);
  const a = realPolynomial(poles, 1);
  sos.set(b, 3 - b.length);
  sos.set(a, 6 - a.length);
  return sos;
}

/** scipy's zpk2sos with pairing 'nearest' for a digital filter with as many zeros as poles. */
function zpkToSos(zeroList: readonly Complex[], poleList: readonly Complex[], gain: number): Sos {
  let zeros = [...zeroList];
  let poles = [...poleList];
  const sectionCount = (poles.length + 1) >> 1;
  if (poles.length % 2 === 1) {
    zeros.push([0, 0]);
    poles.push([0, 0]);
  }
  const splitZeros = splitConjugatePairs(zeros);
  const splitPoles = splitConjugatePairs(poles);
  zeros = [...splitZeros.pairs, ...splitZeros.reals];
  poles = [...splitPoles.pairs, ...splitPoles.reals];
  const take = (list: Complex[], index: number): Complex => list.splice(index, 1)[0];
  const realCount = (list: readonly Complex[]) => list.filter(isReal).length;

  const sos: Sos = new Array(sectionCount);
  for (let s = sectionCount - 1; s >= 0; s--) {
    const p1 = take(poles, worstPoleIndex(poles));
    if (isReal(p1) && realCount(poles) === 0) {
      // The last real pole: a first-order section with the nearest real zero.
      const z1 = take(zeros, nearestIndex(zeros, p1, 'real'));
      sos[s] = section([z1, [0, 0]], [p1, [0, 0]]);
    } else if (poles.length + 1 === zeros.length && !isReal(p1) && realCount(poles) === 1 && realCount(zeros) === 1) {
      // One real pole and one real zero remain for a later section: this complex pole takes complex zeros.
      const z1 = take(zeros, nearestIndex(zeros, p1, 'complex'));
      sos[s] = section([z1, conj(z1)], [p1, conj(p1)]);
    } else {
      let p2: Complex;
      if (isReal(p1)) {
        const realIndices = poles.flatMap((p, i) => (isReal(p) ? [i] : []));
        p2 = take(poles, realIndices[worstPoleIndex(realIndices.map((i) => poles[i]))]);
      } else {
        p2 = conj(p1);
      }
      if (zeros.length === 0) {
        sos[s] = section([], [p1, p2]);
        continue;
      }
      const z1 = take(zeros, nearestIndex(zeros, p1, 'any'));
      if (!isReal(z1)) {
        sos[s] = section([z1, conj(z1)], [p1, p2]);
      } else if (zeros.length > 0) {
        const z2 = take(zeros, nearestIndex(zeros, p1, 'real'));
        sos[s] = section([z1, z2], [p1, p2]);
      } else {
        sos[s] = section([z1], [p1, p2]);
      }
    }
  }
  for (let k = 0; k < 3; k++) sos[0][k] *= gain;
  return sos;
}

/**
 * Filters x causally from a zero state with the rational transfer function b(z)/a(z): scipy's
 * lfilter(b, a, x), both polynomials divided by a[0].
 */
export function lfilter(b: ArrayLike<number>, a: ArrayLike<number>, x: ArrayLike<number>): Float64Array {
  if (b.length === 0 || a.length === 0) throw new UserError('lfilter needs at least one coefficient in b and in a');
  if (a[0] === 0) throw new UserError('lfilter: the leading denominator coefficient a[0] must be nonzero');
  const taps = Math.max(a.length, b.length);
  const bn = new Float64Array(taps);
  const an = new Float64Array(taps);
  for (let i = 0; i < b.length; i++) bn[i] = b[i] / a[0];
  for (let i = 0; i < a.length; i++) an[i] = a[i] / a[0];
  const state = new Float64Array(taps);
  const y = new Float64Array(x.length);
  for (let n = 0; n < x.length; n++) {
    const input = x[n];
    const output = state[0] + bn[0] * input;
    for (let k = 1; k < taps; k++) state[k - 1] = state[k] + input * bn[k] - output * an[k];
    y[n] = output;
  }
  return y;
}

function checkSos(sos: Sos): void {
  if (sos.length === 0) throw new UserError('a second-order-section filter needs at least one section');
  sos.forEach((s, i) => {
    if (s.length !== 6) throw new UserError(`section ${i} has ${s.length} coefficients, expected 6 ([b0, b1, b2, a0, a1, a2])`);
    if (s[3] !== 1) throw new UserError(`section ${i} has a0 = ${s[3]}; second-order sections must have a0 = 1`);
  });
}

/** Runs the cascade over `signal` in place, from per-section states [z0, z1] (updated in place). */
function sosfiltInPlace(sos: Sos, signal: Float64Array, state: Float64Array[]): void {
  for (let n = 0; n < signal.length; n++) {
    let current = signal[n];
    for (let s = 0; s < sos.length; s++) {
      const c = sos[s];
      const z = state[s];
      const output = c[0] * current + z[0];
      z[0] = c[1] * current - c[4] * output + z[1];
      z[1] = c[2] * current - c[5] * output;
      current = output;
    }
    signal[n] = current;
  }
}

/**
 * scipy's sosfilt_zi: each section's state after a unit step has run forever, section s seeing the
 * step scaled by the DC gains of the sections before it.
 */
function sosSteadyState(sos: Sos): Float64Array[] {
  let stepLevel = 1;
  return sos.map(([b0, b1, b2, , a1, a2]) => {
    // lfilter_zi for a biquad: zi = (I - A^T)^-1 (b[1:] - a[1:] b0), a 2x2 system solved directly.
    const first = (b1 - a1 * b0 + (b2 - a2 * b0)) / (1 + a1 + a2);
    const second = b2 - a2 * b0 - a2 * first;
    const state = Float64Array.of(stepLevel * first, stepLevel * second);
    stepLevel *= (b0 + b1 + b2) / (1 + a1 + a2);
    return state;
  });
}

/** Samples of odd extension at each end that scipy's sosfiltfilt uses by default. */
export function sosfiltfiltPadLength(sos: Sos): number {
  const zeroB2 = sos.filter((s) => s[2] === 0).length;
  const zeroA2 = sos.filter((s) => s[5] === 0).length;
  return 3 * (2 * sos.length + 1 - Math.min(zeroB2, zeroA2));
}

/**
 * Zero-phase filtering, forward then backward, with scipy's sosfiltfilt(sos, x) defaults (odd
 * padding of sosfiltfiltPadLength(sos) samples, steady-state initial conditions). x must be
 * longer than the padding.
 */
export function sosfiltfilt(sos: Sos, x: ArrayLike<number>): Float64Array {
  checkSos(sos);
  const pad = sosfiltfiltPadLength(sos);
  const n = x.length;
  if (n <= pad) throw new UserError(`sosfiltfilt: the signal has ${n} samples but must be longer than its padding of ${pad}`);
  const extended = new Float64Array(n + 2 * pad);
  for (let i = 0; i < pad; i++) {
    extended[i] = 2 * x[0] - x[pad - i];
    extended[pad + n + i] = 2 * x[n - 1] - x[n - 2 - i];
  }
  for (let i = 0; i < n; i++) extended[pad + i] = x[i];

  const steady = sosSteadyState(sos);
  const scaledStates = (level: number) => steady.map((z) => z.map((v) => v * level));
  sosfiltInPlace(sos, extended, scaledStates(extended[0]));
  extended.reverse();
  sosfiltInPlace(sos, extended, scaledStates(extended[0]));
  extended.reverse();
  return extended.slice(pad, pad + n);
}
