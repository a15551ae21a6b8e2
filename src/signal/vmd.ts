// Variational Mode Decomposition (Dragomiretskiy & Zosso 2014) as vmdpy / sktime's `VMD` computes
// it (spec §4.4). The signal (an odd-length one loses its last sample) is mirrored by half its length
// at both ends (length T), and K analytic mode spectra u_k are found by ADMM on the positive
// frequencies f = 0, 1/T, ..., 1/2 - 1/T:
//   u_k <- (f_hat - sum_{j != k} u_j - lambda/2) / (1 + alpha (f - omega_k)^2)   (Wiener filter),
//   omega_k <- sum f |u_k|^2 / sum |u_k|^2                                        (centre of gravity),
//   lambda <- lambda + tau (sum_k u_k - f_hat)                                     (dual ascent),
// the modes updated in turn (Gauss-Seidel), until sum_k ||u_k^{n+1} - u_k^n||^2 / T + eps <= tol or
// 499 sweeps. Like vmdpy, the modes and centre frequencies reported are those of the sweep before
// the last one; each mode's time signal is the real part of the inverse FFT of its spectrum made
// Hermitian (vmdpy's layout, which puts conj(u(1/2 - 1/T)) at the Nyquist bin), cropped to the
// original span.
import { UserError } from '../util/errors.js';
import type { Rng } from '../util/random.js';
import { complexFftOf, toComplex } from './dft.js';

/**
 * Initial centre frequencies: 0 = all at DC, 1 = uniform 0.5k/K, 2 = sorted log-uniform draws
 * between 1/L and 1/2 (cycles per sample).
 */
export type VmdInit = 0 | 1 | 2;

export interface VmdOptions {
  /** K, the number of modes. */
  modes: number;
  /** Bandwidth penalty of the data-fidelity term. */
  alpha: number;
  /** Dual-ascent step; 0 lets the modes leave a residual (noise slack). */
  tau: number;
  /** Hold the first mode at 0 Hz. */
  dc: boolean;
  init: VmdInit;
  /** Convergence tolerance on the squared change of the mode spectra. */
  tol: number;
}

/** DecVAE's pre-training VMD settings (spec §4 config list, §4.4) for NoC = 3. */
export const DECVAE_VMD: VmdOptions = { modes: 3, alpha: 1500, tau: 0, dc: false, init: 2, tol: 1e-8 };

/** vmdpy's Niter: at most Niter - 1 ADMM sweeps. */
const MAX_ITERATIONS = 500;

export interface VmdResult {
  /** K modes in vmdpy's order (not sorted by frequency), each of the (even-truncated) input's length. */
  modes: Float64Array[];
  /** Final centre frequency of each mode in cycles per sample (multiply by fs for Hz). */
  centreFrequencies: Float64Array;
  /** ADMM sweeps run. */
  iterations: number;
}

/** `rng` draws init 2's random centre frequencies and is required then. */
export function vmd(x: ArrayLike<number>, options: Partial<VmdOptions> = {}, rng?: Rng): VmdResult {
  const settings = { ...DECVAE_VMD, ...options };
  const { modes: K, alpha, tau, dc, init, tol } = settings;
  if (!(Number.isInteger(K) && K >= 1)) throw new UserError(`VMD: the number of modes must be a positive integer, got ${K}`);
  if (!(alpha > 0)) throw new UserError(`VMD: alpha must be positive, got ${alpha}`);
  if (!(tau >= 0)) throw new UserError(`VMD: tau must be non-negative, got ${tau}`);
  if (!(tol > 0)) throw new UserError(`VMD: tol must be positive, got ${tol}`);
  if (init !== 0 && init !== 1 && init !== 2) throw new UserError(`VMD: init must be 0, 1 or 2, got ${String(init)}`);
  if (init === 2 && !rng) throw new UserError('VMD: init 2 draws random centre frequencies and needs an Rng');
  const length = x.length - (x.length % 2);
  if (length < 2) throw new UserError(`VMD: the signal needs at least 2 samples, got ${x.length}`);

  const half = length / 2;
  const T = 2 * length;
  const mirrored = new Float64Array(T);
  for (let i = 0; i < half; i++) mirrored[i] = x[half - 1 - i];
  for (let i = 0; i < length; i++) mirrored[half + i] = x[i];
  for (let i = 0; i < half; i++) mirrored[half + length + i] = x[length - 1 - i];
  const fft = complexFftOf(T);
  const spectrum = fft.forward(toComplex(mirrored));
  // Only the positive half carries anything: the negative frequencies of f_hat_plus are zero, and
  // so, through every update, are those of the modes and of lambda.
  const bins = T / 2;
  const signalRe = new Float64Array(bins);
  const signalIm = new Float64Array(bins);
  for (let m = 0; m < bins; m++) [signalRe[m], signalIm[m]] = [spectrum[2 * m], spectrum[2 * m + 1]];
  const frequency = (m: number) => m / T;

  let omega = new Float64Array(K);
  if (init === 1) for (let k = 0; k < K; k++) omega[k] = (0.5 / K) * k;
  if (init === 2 && rng) {
    const lowest = Math.log(1 / length);
    const draws = Array.from({ length: K }, () => Math.exp(lowest + (Math.log(0.5) - lowest) * rng.float()));
    omega = Float64Array.from(draws.sort((a, b) => a - b));
  }
  if (dc) omega[0] = 0;

  const zeros = () => Array.from({ length: K }, () => ({ re: new Float64Array(bins), im: new Float64Array(bins) }));
  let previous = zeros();
  let current = zeros();
  let next = zeros();
  let previousOmega = omega;
  const lambdaRe = new Float64Array(bins);
  const lambdaIm = new Float64Array(bins);
  const othersRe = new Float64Array(bins);
  const othersIm = new Float64Array(bins);
  let iterations = 0;
  let change = tol + Number.EPSILON;
  while (change > tol && iterations < MAX_ITERATIONS - 1) {
    const nextOmega = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      // The accumulator holds every other mode: the newer iterate for those already updated this sweep.
      const added = k === 0 ? current[K - 1] : next[k - 1];
      const removed = current[k];
      for (let m = 0; m < bins; m++) {
        othersRe[m] += added.re[m] - removed.re[m];
        othersIm[m] += added.im[m] - removed.im[m];
      }
      const { re, im } = next[k];
      let weight = 0;
      let weighted = 0;
      for (let m = 0; m < bins; m++) {
        const offset = frequency(m) - omega[k];
        const gain = 1 / (1 + alpha * offset * offset);
        re[m] = (signalRe[m] - othersRe[m] - lambdaRe[m] / 2) * gain;
        im[m] = (signalIm[m] - othersIm[m] - lambdaIm[m] / 2) * gain;
        const power = re[m] * re[m] + im[m] * im[m];
        weight += power;
        weighted += frequency(m) * power;
      }
      if (k === 0 && dc) continue;
      nextOmega[k] = weight === 0 ? (bins - 1) / (2 * T) : weighted / weight;
    }
    if (tau !== 0) {
      for (let m = 0; m < bins; m++) {
        let sumRe = -signalRe[m];
        let sumIm = -signalIm[m];
        for (let k = 0; k < K; k++) [sumRe, sumIm] = [sumRe + next[k].re[m], sumIm + next[k].im[m]];
        lambdaRe[m] += tau * sumRe;
        lambdaIm[m] += tau * sumIm;
      }
    }
    iterations++;
    change = Number.EPSILON;
    for (let k = 0; k < K; k++) {
      let squared = 0;
      for (let m = 0; m < bins; m++) {
        const [dr, di] = [next[k].re[m] - current[k].re[m], next[k].im[m] - current[k].im[m]];
        squared += dr * dr + di * di;
      }
      change += squared / T;
    }
    // The oldest iterate's buffers are no longer needed: every bin of them is rewritten next sweep.
    [previous, current, next] = [current, next, previous];
    [previousOmega, omega] = [omega, nextOmega];
  }

  const modes = previous.map(({ re, im }) => {
    const full = new Float64Array(2 * T);
    full[0] = re[0];
    full[1] = -im[0];
    for (let m = 1; m < bins; m++) {
      [full[2 * m], full[2 * m + 1]] = [re[m], im[m]];
      [full[2 * (T - m)], full[2 * (T - m) + 1]] = [re[m], -im[m]];
    }
    [full[2 * bins], full[2 * bins + 1]] = [re[bins - 1], -im[bins - 1]];
    const signal = fft.inverse(full);
    const mode = new Float64Array(length);
    for (let i = 0; i < length; i++) mode[i] = signal[2 * (T / 4 + i)];
    return mode;
  });
  return { modes, centreFrequencies: Float64Array.from(previousOmega), iterations };
}
