// Welch's power spectral density estimate as scipy.signal.welch computes it with the settings DecVAE
// uses everywhere (spec §4.1 step 1 and §4.6 step 1): a periodic Hann window (scipy's
// `get_window('hann', nperseg)`), segments `nperseg` long every `nperseg - noverlap` samples (the
// tail that does not fill a segment is dropped), each segment's mean removed ('constant' detrend),
// zero-padded to `nfft`, one-sided density scaling |FFT|^2 / (fs * sum(w^2)) with the interior bins
// doubled, and the segments' mean.
import FFT from 'fft.js';
import { UserError } from '../util/errors.js';
import { hannWindow } from './stft.js';

export interface WelchOptions {
  /** Sampling frequency in Hz. */
  fs: number;
  /** Segment length; longer than the signal it is cut to the signal's length, as scipy does. */
  nperseg: number;
  /** Samples shared by neighbouring segments, less than nperseg. */
  noverlap: number;
  /** FFT length, a power of two of at least nperseg. */
  nfft: number;
}

export interface Psd {
  /** Bin frequencies k * fs / nfft, k = 0..nfft/2. */
  frequencies: Float64Array;
  /** Power spectral density per bin (units^2 / Hz). */
  density: Float64Array;
}

const plans = new Map<number, FFT>();

/** One fft.js plan per length, shared: building its tables costs more than a transform. */
function fftOf(size: number): FFT {
  let plan = plans.get(size);
  if (!plan) {
    plan = new FFT(size);
    plans.set(size, plan);
  }
  return plan;
}

export function welch(x: ArrayLike<number>, options: WelchOptions): Psd {
  const { fs, nfft } = options;
  if (x.length < 1) throw new UserError('welch: the signal is empty');
  if (!(fs > 0)) throw new UserError(`welch: the sampling frequency must be positive, got ${fs}`);
  if (!(Number.isInteger(options.nperseg) && options.nperseg >= 1)) throw new UserError(`welch: nperseg must be a positive integer, got ${options.nperseg}`);
  const nperseg = Math.min(options.nperseg, x.length);
  const noverlap = options.noverlap;
  if (!(Number.isInteger(noverlap) && noverlap >= 0 && noverlap < nperseg)) {
    throw new UserError(`welch: noverlap must be an integer in [0, ${nperseg}), got ${noverlap}`);
  }
  if (!(Number.isInteger(nfft) && nfft >= 2 && (nfft & (nfft - 1)) === 0 && nfft >= nperseg)) {
    throw new UserError(`welch: nfft must be a power of two of at least nperseg = ${nperseg}, got ${nfft}`);
  }
  const window = hannWindow(nperseg);
  let windowEnergy = 0;
  for (const w of window) windowEnergy += w * w;
  const scale = 1 / (fs * windowEnergy);
  const step = nperseg - noverlap;
  const segments = Math.floor((x.length - noverlap) / step);
  const bins = nfft / 2 + 1;
  const density = new Float64Array(bins);
  const fft = fftOf(nfft);
  const frame = new Float64Array(nfft);
  const spectrum = new Float64Array(2 * nfft);
  for (let s = 0; s < segments; s++) {
    const start = s * step;
    let mean = 0;
    for (let i = 0; i < nperseg; i++) mean += x[start + i];
    mean /= nperseg;
    for (let i = 0; i < nperseg; i++) frame[i] = (x[start + i] - mean) * window[i];
    fft.realTransform(spectrum, frame);
    for (let k = 0; k < bins; k++) {
      const re = spectrum[2 * k];
      const im = spectrum[2 * k + 1];
      density[k] += re * re + im * im;
    }
  }
  for (let k = 0; k < bins; k++) {
    // The one-sided spectrum folds the negative frequencies onto the positive ones; DC and Nyquist have no mirror.
    const fold = k === 0 || k === bins - 1 ? 1 : 2;
    density[k] *= (fold * scale) / segments;
  }
  const frequencies = Float64Array.from({ length: bins }, (_, k) => (k * fs) / nfft);
  return { frequencies, density };
}
