// DecVAE's input features (spec decvae.md §5, `input_type: mel`): every 400-sample piece of a
// component (a frame for the Z branch, a chunk of the sequence for the S branch) becomes an
// 80-band mel power spectrogram of 5 columns, as librosa.feature.melspectrogram computes it with
// n_fft 1600 (4 x 400), hop floor(401 / 4) = 100, a symmetric Hann window of 1600 (scipy's
// hann(1600)), centred frames zero-padded by 800 on both sides, power 2 and the Slaney bank over
// 0-8 kHz. Then, per component over the whole batch: dB relative to the batch's maximum, floored 80
// dB below the top (librosa's power_to_db with ref=np.max, top_db 80); standardised over the batch
// (numpy's population std); then each utterance standardised over its own values (torch's unbiased
// std, + 1e-9). Each piece is
// flattened mel-major (index mel·5 + column) back to 400 values, so features keep the waveform's
// shape. The batch-wide reference makes features depend on the batch, as the original's collator.
import { RealPowerSpectrum } from '../signal/dft.js';
import { melFilterbank } from '../signal/mel.js';

export const PIECE_LENGTH = 400;
export const MEL_BANDS = 80;
export const MEL_COLUMNS = 5;
const SAMPLE_RATE = 16000;
const N_FFT = 4 * PIECE_LENGTH;
const HOP = Math.floor((PIECE_LENGTH + 1) / 4);
const AMIN = 1e-10;
const TOP_DB = 80;
const STD_EPS = 1e-9;

/** scipy.signal.windows.hann(n) (sym=True): 0.5 - 0.5 cos(2πi / (n - 1)). */
function symmetricHann(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
}

/** The mel power spectrogram of 400-sample pieces, reusing one DFT plan, window and bank. */
export class PieceMelSpectrogram {
  private readonly dft = new RealPowerSpectrum(N_FFT);
  private readonly window = symmetricHann(N_FFT);
  /** Each band's non-zero weights and the first bin they apply to (a band spans a few dozen of the 801 bins). */
  private readonly bands = melFilterbank({ sampleRate: SAMPLE_RATE, nFft: N_FFT, nMels: MEL_BANDS }).map((weights) => {
    let first = 0;
    while (first < weights.length && weights[first] === 0) first++;
    let end = weights.length;
    while (end > first && weights[end - 1] === 0) end--;
    return { first, weights: Float64Array.from(weights.slice(first, end)) };
  });
  private readonly frame = new Float64Array(N_FFT);
  private readonly power = new Float64Array(N_FFT / 2 + 1);

  /** Mel power of `signal[offset .. offset + 400)` into `out[outOffset + mel·5 + column]`. */
  compute(signal: ArrayLike<number>, offset: number, out: Float64Array, outOffset: number): void {
    for (let column = 0; column < MEL_COLUMNS; column++) {
      // Column t covers padded samples [t·hop, t·hop + n_fft), i.e. piece samples from t·hop − n_fft/2.
      const start = column * HOP - N_FFT / 2;
      this.frame.fill(0);
      for (let i = Math.max(0, -start); i < Math.min(N_FFT, PIECE_LENGTH - start); i++) {
        this.frame[i] = signal[offset + start + i] * this.window[i];
      }
      this.dft.compute(this.frame, this.power);
      this.bands.forEach(({ first, weights }, mel) => {
        let sum = 0;
        for (let k = 0; k < weights.length; k++) sum += weights[k] * this.power[first + k];
        out[outOffset + mel * MEL_COLUMNS + column] = sum;
      });
    }
  }
}

/**
 * 10·log10(max(mel power, 1e-10)) of every 400-sample piece of `signal` (a multiple of 400 samples),
 * pieces back to back: the per-utterance part of the features, which batches combine.
 */
export function pieceLogPower(signal: ArrayLike<number>, plan = new PieceMelSpectrogram()): Float32Array {
  if (signal.length % PIECE_LENGTH !== 0) throw new RangeError(`${signal.length} samples are not whole ${PIECE_LENGTH}-sample pieces`);
  const power = new Float64Array(signal.length);
  for (let piece = 0; piece < signal.length / PIECE_LENGTH; piece++) plan.compute(signal, piece * PIECE_LENGTH, power, piece * PIECE_LENGTH);
  return Float32Array.from(power, (p) => 10 * Math.log10(Math.max(AMIN, p)));
}

/**
 * One component's features for a batch from its utterances' log powers (any number of values
 * each): dB relative to the batch's loudest value, floored 80 dB below the top, standardised over
 * the batch, then per utterance. The β-VAE baseline's frame features are combined the same way.
 */
export function batchMelFeatures(logPowers: readonly Float32Array[]): Float32Array[] {
  // Indexed loops throughout: a batch is ~10^6 values per level, and typed-array iterators and
  // mapping callbacks made this the larger half of a DecVAE training step.
  let reference = -Infinity;
  for (const values of logPowers) for (let i = 0; i < values.length; i++) if (values[i] > reference) reference = values[i];
  const decibels = logPowers.map((values) => {
    const db = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) db[i] = values[i] - reference;
    return db;
  });
  let top = -Infinity;
  for (const db of decibels) for (let i = 0; i < db.length; i++) if (db[i] > top) top = db[i];
  for (const db of decibels) for (let i = 0; i < db.length; i++) db[i] = Math.max(db[i], top - TOP_DB);
  standardise(decibels, 0);
  return decibels.map((db) => {
    standardise([db], 1);
    return new Float32Array(db);
  });
}

/** Features of one component for a batch of signals (pieceLogPower, then batchMelFeatures). */
export function componentMelFeatures(signals: readonly ArrayLike<number>[], plan = new PieceMelSpectrogram()): Float32Array[] {
  return batchMelFeatures(signals.map((signal) => pieceLogPower(signal, plan)));
}

/** (v − mean)/(std + 1e-9) over every value of every array, in place; `ddof` 0 is numpy's std, 1 torch's. */
function standardise(arrays: Float64Array[], ddof: 0 | 1): void {
  const count = arrays.reduce((n, a) => n + a.length, 0);
  let sum = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) sum += a[i];
  const mean = sum / count;
  let squares = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) squares += (a[i] - mean) ** 2;
  const std = Math.sqrt(squares / Math.max(1, count - ddof));
  for (const a of arrays) for (let i = 0; i < a.length; i++) a[i] = (a[i] - mean) / (std + STD_EPS);
}
