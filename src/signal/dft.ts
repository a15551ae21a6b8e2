// Discrete Fourier transforms of any length. fft.js, the FFT package we use, does powers of two
// only; DecVAE needs others (EWT on 400-sample frames and their 799-sample mirrored extension, mel
// features with n_fft 1600). Lengths with small prime factors go to our mixed-radix FFT; the rest
// (799 = 17·47) through Bluestein's chirp-z algorithm: an n-point DFT written as a convolution with
// the chirp e^{iπ j²/n}, evaluated by power-of-two FFTs.
import FFT from 'fft.js';
import { MixedRadixFft, smallRadices } from './mixed_radix_fft.js';

/** Complex DFTs of one length, interleaved [re0, im0, re1, im1, ...], forward e^{-2 pi i jk/n}. */
export class ComplexFft {
  private readonly direct: FFT | null;
  private readonly mixed: MixedRadixFft | null;
  private readonly padded: FFT | null;
  private readonly paddedSize: number;
  /** e^{i pi j^2 / n}, the chirp whose products turn the DFT into a convolution. */
  private readonly chirp: Float64Array;
  /** FFT of the chirp laid out for circular convolution: j and paddedSize - j both hold chirp(j). */
  private readonly chirpSpectrum: Float64Array;

  constructor(readonly size: number) {
    if (!(Number.isSafeInteger(size) && size >= 1)) throw new RangeError(`FFT size must be a positive integer, got ${size}`);
    const powerOfTwo = (size & (size - 1)) === 0;
    this.direct = powerOfTwo && size >= 2 ? new FFT(size) : null;
    this.mixed = !this.direct && size >= 2 && smallRadices(size) ? new MixedRadixFft(size) : null;
    if (this.direct || this.mixed || size === 1) {
      this.padded = null;
      this.paddedSize = 0;
      this.chirp = new Float64Array(0);
      this.chirpSpectrum = new Float64Array(0);
      return;
    }
    let paddedSize = 2;
    while (paddedSize < 2 * size - 1) paddedSize *= 2;
    this.paddedSize = paddedSize;
    this.padded = new FFT(paddedSize);
    this.chirp = new Float64Array(2 * size);
    for (let j = 0; j < size; j++) {
      // j^2 mod 2n keeps the angle exact for long signals (j^2 would lose the phase's low digits).
      const angle = (Math.PI * ((j * j) % (2 * size))) / size;
      this.chirp[2 * j] = Math.cos(angle);
      this.chirp[2 * j + 1] = Math.sin(angle);
    }
    const laidOut = new Float64Array(2 * paddedSize);
    for (let j = 0; j < size; j++) {
      laidOut[2 * j] = this.chirp[2 * j];
      laidOut[2 * j + 1] = this.chirp[2 * j + 1];
      if (j > 0) {
        laidOut[2 * (paddedSize - j)] = this.chirp[2 * j];
        laidOut[2 * (paddedSize - j) + 1] = this.chirp[2 * j + 1];
      }
    }
    this.chirpSpectrum = new Float64Array(2 * paddedSize);
    this.padded.transform(this.chirpSpectrum, laidOut);
  }

  /** X[k] = sum_j x[j] e^{-2 pi i jk/n}. */
  forward(input: Float64Array): Float64Array {
    this.checkLength(input);
    if (this.size === 1) return Float64Array.from(input);
    if (this.direct) {
      const out = new Float64Array(2 * this.size);
      this.direct.transform(out, input);
      return out;
    }
    if (this.mixed) {
      const out = new Float64Array(2 * this.size);
      this.mixed.transform(input, out);
      return out;
    }
    return this.bluestein(input);
  }

  /** x[j] = (1/n) sum_k X[k] e^{2 pi i jk/n}, through conj(DFT(conj(X))) / n. */
  inverse(input: Float64Array): Float64Array {
    this.checkLength(input);
    const conjugate = Float64Array.from(input);
    for (let i = 1; i < conjugate.length; i += 2) conjugate[i] = -conjugate[i];
    const out = this.forward(conjugate);
    for (let i = 0; i < out.length; i += 2) {
      out[i] /= this.size;
      out[i + 1] = -out[i + 1] / this.size;
    }
    return out;
  }

  private checkLength(input: Float64Array): void {
    if (input.length !== 2 * this.size) throw new RangeError(`FFT of size ${this.size} needs ${2 * this.size} interleaved values, got ${input.length}`);
  }

  /** X[k] = conj(c_k) sum_j (x[j] conj(c_j)) c_{k-j} with c_m = e^{i pi m^2/n}, the sum by FFT convolution. */
  private bluestein(input: Float64Array): Float64Array {
    const { size, chirp, paddedSize } = this;
    const padded = this.padded as FFT;
    const a = new Float64Array(2 * paddedSize);
    for (let j = 0; j < size; j++) {
      const [re, im] = [input[2 * j], input[2 * j + 1]];
      const [cr, ci] = [chirp[2 * j], chirp[2 * j + 1]];
      a[2 * j] = re * cr + im * ci;
      a[2 * j + 1] = im * cr - re * ci;
    }
    const aSpectrum = new Float64Array(2 * paddedSize);
    padded.transform(aSpectrum, a);
    const b = this.chirpSpectrum;
    for (let k = 0; k < paddedSize; k++) {
      const [re, im] = [aSpectrum[2 * k], aSpectrum[2 * k + 1]];
      a[2 * k] = re * b[2 * k] - im * b[2 * k + 1];
      a[2 * k + 1] = re * b[2 * k + 1] + im * b[2 * k];
    }
    const convolution = new Float64Array(2 * paddedSize);
    padded.inverseTransform(convolution, a);
    const out = new Float64Array(2 * size);
    for (let k = 0; k < size; k++) {
      const [re, im] = [convolution[2 * k], convolution[2 * k + 1]];
      const [cr, ci] = [chirp[2 * k], chirp[2 * k + 1]];
      out[2 * k] = re * cr + im * ci;
      out[2 * k + 1] = im * cr - re * ci;
    }
    return out;
  }
}

const plans = new Map<number, ComplexFft>();

/**
 * The shared plan for one length. Building one costs more than a transform (Bluestein's chirp
 * spectrum, fft.js's tables), and EWT and VMD transform every frame at the same few lengths.
 * Plans are read-only once built, so sharing them is safe.
 */
export function complexFftOf(size: number): ComplexFft {
  let plan = plans.get(size);
  if (!plan) {
    plan = new ComplexFft(size);
    plans.set(size, plan);
  }
  return plan;
}

/** A real signal as interleaved complex values. */
export function toComplex(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(2 * x.length);
  for (let i = 0; i < x.length; i++) out[2 * i] = x[i];
  return out;
}

/**
 * A reusable plan for |DFT|² of n real samples, bins 0..floor(n/2). An even n packs the samples
 * as n/2 complex values (even samples real, odd imaginary), one half-length complex DFT, and
 * separates the two halves' spectra: X[k] = E[k] + e^{-2πik/n} O[k].
 */
export class RealPowerSpectrum {
  readonly bins: number;
  private readonly fft: ComplexFft;
  private readonly buffer: Float64Array;
  private readonly packed: boolean;
  /** e^{-2πik/n} for k = 0..n/2, interleaved (packed plans only). */
  private readonly twiddles: Float64Array;

  constructor(readonly n: number) {
    if (!(Number.isInteger(n) && n >= 2)) throw new RangeError(`a DFT needs an integer length >= 2, got ${n}`);
    this.bins = Math.floor(n / 2) + 1;
    this.packed = n % 2 === 0;
    const complexLength = this.packed ? n / 2 : n;
    this.fft = complexFftOf(complexLength);
    this.buffer = new Float64Array(2 * complexLength);
    this.twiddles = new Float64Array(this.packed ? 2 * this.bins : 0);
    for (let k = 0; this.packed && k < this.bins; k++) {
      this.twiddles[2 * k] = Math.cos((-2 * Math.PI * k) / n);
      this.twiddles[2 * k + 1] = Math.sin((-2 * Math.PI * k) / n);
    }
  }

  /** |X[k]|² for k = 0..bins-1 of `input` (n samples) into `out`. */
  compute(input: ArrayLike<number>, out: Float64Array): void {
    if (input.length !== this.n) throw new RangeError(`expected ${this.n} samples, got ${input.length}`);
    if (!this.packed) {
      for (let j = 0; j < this.n; j++) this.buffer[2 * j] = input[j];
      const spectrum = this.fft.forward(this.buffer);
      for (let k = 0; k < this.bins; k++) out[k] = spectrum[2 * k] ** 2 + spectrum[2 * k + 1] ** 2;
      return;
    }
    for (let j = 0; j < this.n; j++) this.buffer[j] = input[j];
    const z = this.fft.forward(this.buffer);
    const half = this.n / 2;
    for (let k = 0; k < this.bins; k++) {
      const a = 2 * (k % half);
      const b = 2 * ((half - k) % half);
      // E[k] = (Z[k] + conj Z[h-k]) / 2, O[k] = (Z[k] - conj Z[h-k]) / 2i.
      const eRe = 0.5 * (z[a] + z[b]);
      const eIm = 0.5 * (z[a + 1] - z[b + 1]);
      const oRe = 0.5 * (z[a + 1] + z[b + 1]);
      const oIm = -0.5 * (z[a] - z[b]);
      const [wRe, wIm] = [this.twiddles[2 * k], this.twiddles[2 * k + 1]];
      const re = eRe + wRe * oRe - wIm * oIm;
      const im = eIm + wRe * oIm + wIm * oRe;
      out[k] = re * re + im * im;
    }
  }
}
