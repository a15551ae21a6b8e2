// Complex DFTs of lengths whose prime factors are all small (DecVAE's 400-sample frames, the
// 1600-point mel analysis, 64000-sample utterances: 2^a 5^b), by mixed-radix Cooley-Tukey. fft.js
// does powers of two only and Bluestein's algorithm costs three power-of-two FFTs of over twice the
// length; this is about 5x faster on those sizes, which DecVAE's feature extraction computes
// thousands of times per utterance.

/** The largest prime factor handled; above it a length goes to Bluestein (dft.ts). */
export const MAX_RADIX = 7;

/** Radices of n, fours first (a radix-4 butterfly is cheaper than two radix-2), or null if a prime factor exceeds MAX_RADIX. */
export function smallRadices(n: number): number[] | null {
  const radices: number[] = [];
  let rest = n;
  while (rest % 4 === 0) {
    radices.push(4);
    rest /= 4;
  }
  for (const p of [2, 3, 5, 7]) {
    while (rest % p === 0) {
      radices.push(p);
      rest /= p;
    }
  }
  return rest === 1 ? radices : null;
}

export class MixedRadixFft {
  private readonly radices: number[];
  /** e^{-2 pi i j / n}, interleaved. */
  private readonly twiddles: Float64Array;
  private readonly scratch: Float64Array;

  constructor(readonly size: number) {
    const radices = smallRadices(size);
    if (!radices || size < 2) throw new RangeError(`mixed-radix FFT needs a length >= 2 with prime factors <= ${MAX_RADIX}, got ${size}`);
    this.radices = radices;
    this.twiddles = new Float64Array(2 * size);
    for (let j = 0; j < size; j++) {
      const angle = (-2 * Math.PI * j) / size;
      this.twiddles[2 * j] = Math.cos(angle);
      this.twiddles[2 * j + 1] = Math.sin(angle);
    }
    this.scratch = new Float64Array(2 * Math.max(...radices));
  }

  /** X[k] = sum_j x[j] e^{-2 pi i jk/n} of interleaved `input` into `out` (distinct arrays). */
  transform(input: Float64Array, out: Float64Array): void {
    this.step(input, 0, 1, out, 0, this.size, 0);
  }

  /**
   * The DFT of the m = n / stride-spaced samples input[offset + j·stride] into out[outOffset ..]:
   * p sub-DFTs of every p-th sample (p the level's radix), then butterflies combining them.
   */
  private step(input: Float64Array, offset: number, stride: number, out: Float64Array, outOffset: number, n: number, level: number): void {
    if (n === 1) {
      out[2 * outOffset] = input[2 * offset];
      out[2 * outOffset + 1] = input[2 * offset + 1];
      return;
    }
    const p = this.radices[level];
    const m = n / p;
    for (let q = 0; q < p; q++) this.step(input, offset + q * stride, stride * p, out, outOffset + q * m, m, level + 1);
    const { twiddles, scratch } = this;
    // W_n^x = W_size^(x·unit); q·k < n, so indices stay inside the table.
    const unit = this.size / n;
    for (let k = 0; k < m; k++) {
      // scratch[q] = W_n^{qk} · Y_q[k]
      for (let q = 0; q < p; q++) {
        const at = 2 * (outOffset + q * m + k);
        const w = 2 * q * k * unit;
        const re = out[at];
        const im = out[at + 1];
        scratch[2 * q] = re * twiddles[w] - im * twiddles[w + 1];
        scratch[2 * q + 1] = re * twiddles[w + 1] + im * twiddles[w];
      }
      const first = 2 * (outOffset + k);
      if (p === 4) this.butterfly4(out, first, 2 * m);
      else if (p === 2) this.butterfly2(out, first, 2 * m);
      else this.butterfly(out, first, 2 * m, p);
    }
  }

  /** X[k + r·m] = sum_q scratch[q] · W_p^{qr} for p = 2. */
  private butterfly2(out: Float64Array, first: number, step: number): void {
    const s = this.scratch;
    out[first] = s[0] + s[2];
    out[first + 1] = s[1] + s[3];
    out[first + step] = s[0] - s[2];
    out[first + step + 1] = s[1] - s[3];
  }

  /** The same for p = 4, where W_4 = -i makes every product a swap and a sign. */
  private butterfly4(out: Float64Array, first: number, step: number): void {
    const s = this.scratch;
    const [aRe, aIm] = [s[0] + s[4], s[1] + s[5]];
    const [bRe, bIm] = [s[0] - s[4], s[1] - s[5]];
    const [cRe, cIm] = [s[2] + s[6], s[3] + s[7]];
    // (s1 - s3)·(-i)
    const [dRe, dIm] = [s[3] - s[7], s[6] - s[2]];
    out[first] = aRe + cRe;
    out[first + 1] = aIm + cIm;
    out[first + step] = bRe + dRe;
    out[first + step + 1] = bIm + dIm;
    out[first + 2 * step] = aRe - cRe;
    out[first + 2 * step + 1] = aIm - cIm;
    out[first + 3 * step] = bRe - dRe;
    out[first + 3 * step + 1] = bIm - dIm;
  }

  /** The general radix, with W_p^{qr} = W_size^{(qr mod p)·size/p}. */
  private butterfly(out: Float64Array, first: number, step: number, p: number): void {
    const { twiddles, scratch } = this;
    const unit = this.size / p;
    for (let r = 0; r < p; r++) {
      let sumRe = 0;
      let sumIm = 0;
      for (let q = 0; q < p; q++) {
        const w = 2 * ((q * r) % p) * unit;
        sumRe += scratch[2 * q] * twiddles[w] - scratch[2 * q + 1] * twiddles[w + 1];
        sumIm += scratch[2 * q] * twiddles[w + 1] + scratch[2 * q + 1] * twiddles[w];
      }
      out[first + r * step] = sumRe;
      out[first + r * step + 1] = sumIm;
    }
  }
}
