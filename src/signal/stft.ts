// Short-time Fourier transform magnitudes as librosa computes them for V3's InsNotes features (and
// the DecVAE speech work): a periodic Hann window (scipy's `get_window('hann', n, fftbins=True)`),
// frames centred on multiples of the hop with zeros outside the signal (librosa's `center=True,
// pad_mode='constant'`), and |FFT| of each frame for bins 0..n_fft/2. A frame can be computed on
// its own from any stretch of audio that covers it, which is what lets InsNotes render only the
// audio its fragments need.
import FFT from 'fft.js';

export interface StftOptions {
  /** Frame length and FFT size, a power of two >= 4. */
  nFft: number;
  /** Samples between successive frame centres. */
  hop: number;
}

/** A frame-major magnitude spectrogram: `magnitudes[frame * bins + bin]`. */
export interface Spectrogram {
  frames: number;
  bins: number;
  magnitudes: Float32Array;
}

/** The periodic Hann window, w[i] = 0.5 - 0.5 cos(2 pi i / n): the DFT-even form spectral analysis uses. */
export function hannWindow(length: number): Float64Array {
  const window = new Float64Array(length);
  for (let i = 0; i < length; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / length);
  return window;
}

/** Frames of a centred STFT of `length` samples: the padded signal holds 1 + floor(length / hop) of them. */
export function stftFrameCount(length: number, hop: number): number {
  return 1 + Math.floor(length / hop);
}

/** A reusable FFT plan, window and scratch buffers for one (nFft, hop). */
export class StftPlan {
  readonly nFft: number;
  readonly hop: number;
  /** Bins of the one-sided spectrum, nFft/2 + 1. */
  readonly bins: number;
  private readonly window: Float64Array;
  private readonly fft: FFT;
  private readonly frame: Float64Array;
  private readonly spectrum: Float64Array;

  constructor(options: StftOptions) {
    const { nFft, hop } = options;
    if (!(Number.isInteger(nFft) && nFft >= 4 && (nFft & (nFft - 1)) === 0)) {
      throw new RangeError(`STFT nFft must be a power of two >= 4, got ${nFft}`);
    }
    if (!(Number.isInteger(hop) && hop >= 1)) throw new RangeError(`STFT hop must be a positive integer, got ${hop}`);
    this.nFft = nFft;
    this.hop = hop;
    this.bins = nFft / 2 + 1;
    this.window = hannWindow(nFft);
    this.fft = new FFT(nFft);
    this.frame = new Float64Array(nFft);
    this.spectrum = new Float64Array(2 * nFft);
  }

  /**
   * |FFT| of the windowed nFft samples centred on `signal[centre]` (samples outside the signal count
   * as zero), bins 0..binCount-1 written to `out[outOffset + bin * outStride]`; the stride lets a
   * caller write a frame straight into a column of a bin-major image.
   */
  frameMagnitudes(
    signal: ArrayLike<number>,
    centre: number,
    out: Float32Array,
    outOffset = 0,
    outStride = 1,
    binCount = this.bins,
  ): void {
    if (!(Number.isInteger(binCount) && binCount >= 0 && binCount <= this.bins)) {
      throw new RangeError(`STFT binCount must be in [0, ${this.bins}], got ${binCount}`);
    }
    const start = centre - this.nFft / 2;
    const first = Math.max(0, -start);
    const last = Math.min(this.nFft, signal.length - start);
    this.frame.fill(0);
    for (let i = first; i < last; i++) this.frame[i] = signal[start + i] * this.window[i];
    // realTransform fills bins 0..nFft/2 as interleaved (re, im); the mirrored half is never read.
    this.fft.realTransform(this.spectrum, this.frame);
    for (let k = 0; k < binCount; k++) {
      const re = this.spectrum[2 * k];
      const im = this.spectrum[2 * k + 1];
      out[outOffset + k * outStride] = Math.sqrt(re * re + im * im);
    }
  }
}

/** Magnitudes of the centred STFT of the whole signal: [1 + floor(length / hop)] x [nFft/2 + 1]. */
export function stftMagnitude(signal: ArrayLike<number>, options: StftOptions): Spectrogram {
  const plan = new StftPlan(options);
  const frames = stftFrameCount(signal.length, plan.hop);
  const magnitudes = new Float32Array(frames * plan.bins);
  for (let t = 0; t < frames; t++) plan.frameMagnitudes(signal, t * plan.hop, magnitudes, t * plan.bins);
  return { frames, bins: plan.bins, magnitudes };
}

/** log(x + eps) elementwise: V3's spectrogram feature, eps keeping silent bins finite. */
export function logMagnitude(magnitudes: Float32Array, eps = 1e-5): Float32Array {
  const out = new Float32Array(magnitudes.length);
  for (let i = 0; i < magnitudes.length; i++) out[i] = Math.log(magnitudes[i] + eps);
  return out;
}
