// The Empirical Wavelet Transform as ewtpy's EWT1D computes it (Gilles 2013; spec §4.3), DecVAE's
// default decomposition. The one-sided magnitude spectrum |FFT(x)| (ceil(L/2) bins) is smoothed,
// its N-1 largest local maxima m_1 < ... < m_{N-1} split [0, pi] at b_k = (m_{k-1} + m_k)/2 (m_0 = 0),
// shifted by one bin and scaled to radians by pi / #bins; a Meyer filter bank on those boundaries
// (a scaling function on [0, b_1], wavelets on [b_k, b_{k+1}] and [b_{N-1}, pi], transitions of
// half-width gamma·b) filters the signal mirrored at both ends, and each mode is cropped back to the
// signal's span. All N modes are returned, lowest band first; DecVAE drops the first.
// Frames of 400 samples and mirrored signals of 799 take src/signal/dft.ts's any-length FFT.
import { UserError } from '../util/errors.js';
import { complexFftOf, toComplex } from './dft.js';

export type EwtRegularisation = 'gaussian' | 'average' | 'none';

export interface EwtOptions {
  /** N, the number of modes (DecVAE: NoC + 1). */
  modes: number;
  /** How the spectrum is smoothed before its maxima are found (ewtpy's `reg`). */
  regularisation: EwtRegularisation;
  /** Taps of the smoothing kernel (ewtpy's `lengthFilter`). */
  filterLength: number;
  /** Standard deviation of the Gaussian kernel in taps (ewtpy's `sigmaFilter`). */
  sigma: number;
  /** Find the maxima on log |FFT| instead (ewtpy's `log`). */
  logSpectrum: boolean;
}

/** DecVAE's EWT settings (spec §4 config list); `modes` = NoC + 1 with NoC = 3. */
export const DECVAE_EWT: EwtOptions = { modes: 4, regularisation: 'gaussian', filterLength: 10, sigma: 2, logSpectrum: false };

export interface EwtResult {
  /** N time-domain modes of the input's length, lowest band (the scaling function's) first. */
  modes: Float64Array[];
  /** The N-1 band boundaries in radians (0..pi), increasing. */
  boundaries: Float64Array;
  /** The Meyer filters on the mirrored signal's FFT bins (ewtpy's `mfb`), in the modes' order. */
  filters: Float64Array[];
}

export function ewt1d(x: ArrayLike<number>, options: Partial<EwtOptions> = {}): EwtResult {
  const settings = { ...DECVAE_EWT, ...options };
  const { modes } = settings;
  const length = x.length;
  if (!(Number.isInteger(modes) && modes >= 2)) throw new UserError(`EWT: the number of modes must be an integer >= 2, got ${modes}`);
  if (length < 8) throw new UserError(`EWT: the signal needs at least 8 samples, got ${length}`);
  const bins = Math.ceil(length / 2);
  if (modes - 1 > bins) throw new UserError(`EWT: ${modes} modes need more than ${bins} spectrum bins (a longer signal)`);
  if (!(Number.isInteger(settings.filterLength) && settings.filterLength >= 1)) throw new UserError(`EWT: the filter length must be a positive integer, got ${settings.filterLength}`);
  if (settings.regularisation === 'gaussian' && !(settings.sigma > 0)) throw new UserError(`EWT: the Gaussian sigma must be positive, got ${settings.sigma}`);

  const spectrum = complexFftOf(length).forward(toComplex(x));
  const magnitude = new Float64Array(bins);
  for (let k = 0; k < bins; k++) {
    const value = Math.hypot(spectrum[2 * k], spectrum[2 * k + 1]);
    magnitude[k] = settings.logSpectrum ? Math.log(value) : value;
  }
  const smoothed = regularise(magnitude, settings);
  const boundaries = localMaxBoundaries(smoothed, modes - 1).map((b) => ((b + 1) * Math.PI) / bins);

  const half = Math.ceil(length / 2);
  const mirrored = mirror(x, half);
  const extended = mirrored.length;
  const fft = complexFftOf(extended);
  const mirroredSpectrum = fft.forward(toComplex(mirrored));
  const filters = meyerFilterBank(boundaries, extended);
  const result = filters.map((filter) => {
    const product = new Float64Array(2 * extended);
    for (let k = 0; k < extended; k++) {
      product[2 * k] = filter[k] * mirroredSpectrum[2 * k];
      product[2 * k + 1] = filter[k] * mirroredSpectrum[2 * k + 1];
    }
    const filtered = fft.inverse(product);
    const mode = new Float64Array(length);
    for (let i = 0; i < length; i++) mode[i] = filtered[2 * (half - 1 + i)];
    return mode;
  });
  return { modes: result, boundaries: Float64Array.from(boundaries), filters };
}

/**
 * The signal with its first half-1 samples prepended in reverse and samples L-half-1 .. L-2 appended
 * in reverse: ewtpy mirrors around the first sample but around the second-to-last one.
 */
function mirror(x: ArrayLike<number>, half: number): Float64Array {
  const length = x.length;
  const out = new Float64Array(half - 1 + length + half);
  for (let i = 0; i < half - 1; i++) out[i] = x[half - 2 - i];
  for (let i = 0; i < length; i++) out[half - 1 + i] = x[i];
  for (let i = 0; i < half; i++) out[half - 1 + length + i] = x[length - 2 - i];
  return out;
}

/** numpy.convolve(spectrum, kernel, 'same') with ewtpy's kernels. */
function regularise(spectrum: Float64Array, settings: EwtOptions): Float64Array {
  if (settings.regularisation === 'none') return spectrum;
  const kernel = settings.regularisation === 'average' ? new Float64Array(settings.filterLength).fill(1 / settings.filterLength) : gaussianKernel(settings.filterLength, settings.sigma);
  return convolveSame(spectrum, kernel);
}

/**
 * ewtpy's Gaussian kernel: a unit impulse at index floor(length/2) of `length` zeros smoothed by
 * scipy.ndimage.gaussian_filter (weights exp(-x^2 / 2 sigma^2) for |x| <= int(4 sigma + 0.5),
 * normalised, the array continued by reflection at both ends).
 */
function gaussianKernel(length: number, sigma: number): Float64Array {
  const radius = Math.floor(4 * sigma + 0.5);
  const weights = new Float64Array(2 * radius + 1);
  let total = 0;
  for (let j = -radius; j <= radius; j++) {
    weights[j + radius] = Math.exp((-0.5 / (sigma * sigma)) * j * j);
    total += weights[j + radius];
  }
  for (let j = 0; j < weights.length; j++) weights[j] /= total;
  const impulse = Math.floor(length / 2);
  const kernel = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    for (let j = -radius; j <= radius; j++) {
      if (reflectIndex(i + j, length) === impulse) kernel[i] += weights[j + radius];
    }
  }
  return kernel;
}

/** scipy.ndimage's 'reflect' boundary: ... c b a | a b c | c b a ... (period 2n). */
function reflectIndex(i: number, n: number): number {
  const period = 2 * n;
  const folded = ((i % period) + period) % period;
  return folded < n ? folded : period - 1 - folded;
}

/** The middle max(n, m) samples of the full convolution, starting (min(n, m) - 1) / 2 in, as numpy's 'same'. */
function convolveSame(signal: Float64Array, kernel: Float64Array): Float64Array {
  const n = signal.length;
  const m = kernel.length;
  const outLength = Math.max(n, m);
  const offset = Math.floor((Math.min(n, m) - 1) / 2);
  const out = new Float64Array(outLength);
  for (let i = 0; i < outLength; i++) {
    const k = i + offset;
    let sum = 0;
    for (let j = Math.max(0, k - m + 1); j <= Math.min(n - 1, k); j++) sum += signal[j] * kernel[k - j];
    out[i] = sum;
  }
  return out;
}

/**
 * ewtpy's LocalMax: the `count` largest strict local maxima (interior samples above both
 * neighbours), in index order, and the midpoints between consecutive ones (the first from 0). When
 * there are fewer maxima, the rest are taken from the other samples by a stable descending order,
 * i.e. the highest indices, as numpy's argsort does on its insertion-sorted short arrays.
 */
function localMaxBoundaries(spectrum: Float64Array, count: number): number[] {
  const heights = new Float64Array(spectrum.length);
  for (let i = 1; i < spectrum.length - 1; i++) {
    if (spectrum[i - 1] < spectrum[i] && spectrum[i] > spectrum[i + 1]) heights[i] = spectrum[i];
  }
  const ascending = Array.from(heights.keys()).sort((a, b) => heights[a] - heights[b] || a - b);
  const chosen = ascending.reverse().slice(0, count).sort((a, b) => a - b);
  return chosen.map((index, i) => ((i === 0 ? 0 : chosen[i - 1]) + index) / 2);
}

/** Meyer's transition, x^4 (35 - 84x + 70x^2 - 20x^3) on [0, 1], 0 below and 1 above. */
function meyerBeta(x: number): number {
  if (x < 0) return 0;
  if (x > 1) return 1;
  return x ** 4 * (35 - 84 * x + 70 * x * x - 20 * x ** 3);
}

/**
 * The scaling function and wavelets on FFT bins 0..n-1, bin k at |omega| = 2 pi min(k, n-k)/n:
 * gamma = (1 - 1/n) * min over bands of (b_{k+1} - b_k)/(b_{k+1} + b_k) and (pi - b_last)/(pi + b_last),
 * which keeps neighbouring transitions from overlapping.
 */
function meyerFilterBank(boundaries: readonly number[], n: number): Float64Array[] {
  let gamma = 1;
  for (let k = 0; k + 1 < boundaries.length; k++) gamma = Math.min(gamma, (boundaries[k + 1] - boundaries[k]) / (boundaries[k + 1] + boundaries[k]));
  const last = boundaries[boundaries.length - 1];
  gamma = Math.min(gamma, (Math.PI - last) / (Math.PI + last));
  gamma *= 1 - 1 / n;
  const frequency = (k: number) => (2 * Math.PI * Math.min(k, n - k)) / n;

  const scaling = new Float64Array(n);
  const b1 = boundaries[0];
  for (let k = 0; k < n; k++) {
    const w = frequency(k);
    if (w <= (1 - gamma) * b1) scaling[k] = 1;
    else if (w <= (1 + gamma) * b1) scaling[k] = Math.cos((Math.PI / 2) * meyerBeta((w - (1 - gamma) * b1) / (2 * gamma * b1)));
  }
  const bands: [number, number][] = boundaries.map((low, k) => [low, k + 1 < boundaries.length ? boundaries[k + 1] : Math.PI]);
  const wavelets = bands.map(([low, high]) => {
    const wavelet = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const w = frequency(k);
      if (w >= (1 + gamma) * low && w <= (1 - gamma) * high) wavelet[k] = 1;
      else if (w >= (1 - gamma) * high && w <= (1 + gamma) * high) wavelet[k] = Math.cos((Math.PI / 2) * meyerBeta((w - (1 - gamma) * high) / (2 * gamma * high)));
      else if (w >= (1 - gamma) * low && w <= (1 + gamma) * low) wavelet[k] = Math.sin((Math.PI / 2) * meyerBeta((w - (1 - gamma) * low) / (2 * gamma * low)));
    }
    return wavelet;
  });
  return [scaling, ...wavelets];
}
