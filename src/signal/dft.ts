// The power spectrum of a real signal of any length. DecVAE's mel features use n_fft = 1600, not a
// power of two, which fft.js (the FFT package we use) requires; other lengths go through Bluestein's
// chirp-z algorithm, which writes an n-point DFT as a convolution evaluated with power-of-two FFTs:
// X[k] = w[k] Σ_j (x[j] w[j]) conj(w[k - j]), with w[j] = exp(-i π j² / n).
import FFT from 'fft.js';

const isPowerOfTwo = (n: number) => (n & (n - 1)) === 0;

/** A reusable plan for |DFT|² of n real samples, bins 0..floor(n/2). */
export class RealPowerSpectrum {
  readonly bins: number;
  private readonly direct: FFT | null;
  private readonly chirp: { size: number; fft: FFT; w: Float64Array; kernelSpectrum: Float64Array } | null;
  private readonly scratch: Float64Array[];

  constructor(readonly n: number) {
    if (!(Number.isInteger(n) && n >= 2)) throw new RangeError(`a DFT needs an integer length >= 2, got ${n}`);
    this.bins = Math.floor(n / 2) + 1;
    if (isPowerOfTwo(n) && n >= 4) {
      this.direct = new FFT(n);
      this.chirp = null;
      this.scratch = [new Float64Array(n), new Float64Array(2 * n)];
      return;
    }
    this.direct = null;
    let size = 4;
    while (size < 2 * n - 1) size *= 2;
    const fft = new FFT(size);
    // w[j] = exp(-iπ j²/n) as interleaved (re, im); j² mod 2n keeps the angle exact for large j.
    const w = new Float64Array(2 * n);
    for (let j = 0; j < n; j++) {
      const angle = (-Math.PI * ((j * j) % (2 * n))) / n;
      w[2 * j] = Math.cos(angle);
      w[2 * j + 1] = Math.sin(angle);
    }
    // The kernel conj(w[m]) for m = -(n-1)..(n-1), wrapped circularly into `size`.
    const kernel = new Float64Array(2 * size);
    for (let j = 0; j < n; j++) {
      for (const at of j === 0 ? [0] : [j, size - j]) {
        kernel[2 * at] = w[2 * j];
        kernel[2 * at + 1] = -w[2 * j + 1];
      }
    }
    const kernelSpectrum = new Float64Array(2 * size);
    fft.transform(kernelSpectrum, kernel);
    this.chirp = { size, fft, w, kernelSpectrum };
    this.scratch = [new Float64Array(2 * size), new Float64Array(2 * size), new Float64Array(2 * size)];
  }

  /** |X[k]|² for k = 0..bins-1 of `input` (n samples) into `out`. */
  compute(input: ArrayLike<number>, out: Float64Array): void {
    if (input.length !== this.n) throw new RangeError(`expected ${this.n} samples, got ${input.length}`);
    if (this.direct) {
      const [frame, spectrum] = this.scratch;
      for (let i = 0; i < this.n; i++) frame[i] = input[i];
      this.direct.realTransform(spectrum, frame);
      for (let k = 0; k < this.bins; k++) out[k] = spectrum[2 * k] ** 2 + spectrum[2 * k + 1] ** 2;
      return;
    }
    const { size, fft, w, kernelSpectrum } = this.chirp as NonNullable<typeof this.chirp>;
    const [a, spectrum, product] = this.scratch;
    a.fill(0);
    for (let j = 0; j < this.n; j++) {
      a[2 * j] = input[j] * w[2 * j];
      a[2 * j + 1] = input[j] * w[2 * j + 1];
    }
    fft.transform(spectrum, a);
    for (let i = 0; i < size; i++) {
      const [re, im] = [spectrum[2 * i], spectrum[2 * i + 1]];
      const [kr, ki] = [kernelSpectrum[2 * i], kernelSpectrum[2 * i + 1]];
      spectrum[2 * i] = re * kr - im * ki;
      spectrum[2 * i + 1] = re * ki + im * kr;
    }
    fft.inverseTransform(product, spectrum);
    // |w[k] · conv[k]|² = |conv[k]|², since |w[k]| = 1.
    for (let k = 0; k < this.bins; k++) out[k] = product[2 * k] ** 2 + product[2 * k + 1] ** 2;
  }
}
