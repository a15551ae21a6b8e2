// The β-VAE baseline's input (spec decvae.md §11; the original's scripts/pre-training/vaes_pretraining.py
// calling feature_extraction/mel_features.py::extract_mel_spectrogram on the [B, T, 400] frames of
// the original signal X, with n_fft = 400, hop = 401, mel_norm_vae 'global'): one 80-band mel
// power vector per 400-sample frame, as librosa.feature.melspectrogram computes it. Centring pads
// 200 zeros on both sides and a hop of 401 leaves exactly one column, the one starting at padded
// sample 0: it sees the frame's first 200 samples under the falling half of a symmetric Hann(400)
// (scipy's hann(400)), then |DFT|² and the Slaney bank over 0-8 kHz. So the vector describes the
// first half of each frame only, as in the original.
//
// Then, over the whole batch array [B, T, 80, 1] at once, as the original computes it per
// training (and evaluation) batch, and as mel_features.ts's batchMelFeatures does for DecVAE:
//  - dB re max: 10·log10(max(S, 1e-10)) minus the same of the batch's largest power, floored 80 dB
//    below the top (librosa's power_to_db with ref=np.max and its default top_db 80). The reference
//    is the maximum over the batch, not over a frame, an utterance or the data set;
//  - global standardisation over the batch, (v − mean)/(std + 1e-9) with numpy's population std;
//  - then each utterance over its own T·80 values, (v − mean)/(std + 1e-9) with torch's unbiased
//    std (the 4-D branch of extract_mel_spectrogram, which §11 does not mention but the code runs).
// The last step undoes any global affine map, so the batch matters only through the −80 dB floor.
// The input frames are frameSignal(zScore(utterance)) (spec §3); the DecVAE features with n_fft
// 1600 and 5 columns are mel_features.ts.
import { RealPowerSpectrum } from '../signal/dft.js';
import { melFilterbank } from '../signal/mel.js';
import { FRAME_LENGTH } from '../speech/frames.js';
import { UserError } from '../util/errors.js';

export const FRAME_MEL_BANDS = 80;
const SAMPLE_RATE = 16000;
const N_FFT = FRAME_LENGTH;
/** The centred column starts n_fft/2 before the frame. */
const CENTRE_PADDING = N_FFT / 2;
const AMIN = 1e-10;

/** scipy.signal.windows.hann(n) (sym=True). */
function symmetricHann(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
}

/** The single centred mel power column of 400-sample frames, reusing one DFT plan, window and bank. */
export class FrameMelSpectrum {
  private readonly dft = new RealPowerSpectrum(N_FFT);
  private readonly window = symmetricHann(N_FFT);
  private readonly bank = melFilterbank({ sampleRate: SAMPLE_RATE, nFft: N_FFT, nMels: FRAME_MEL_BANDS });
  private readonly padded = new Float64Array(N_FFT);
  private readonly power = new Float64Array(N_FFT / 2 + 1);

  /** Mel power of the frame `frames[offset .. offset + 400)` into `out[outOffset .. outOffset + 80)`. */
  compute(frames: ArrayLike<number>, offset: number, out: Float64Array, outOffset: number): void {
    this.padded.fill(0);
    for (let i = CENTRE_PADDING; i < N_FFT; i++) this.padded[i] = frames[offset + i - CENTRE_PADDING] * this.window[i];
    this.dft.compute(this.padded, this.power);
    this.bank.forEach((weights, mel) => {
      let sum = 0;
      for (let k = 0; k < weights.length; k++) if (weights[k] !== 0) sum += weights[k] * this.power[k];
      out[outOffset + mel] = sum;
    });
  }
}

/**
 * 10·log10(max(mel power, 1e-10)) of each 400-sample frame of `frames` (frame-major, as frameSignal
 * returns them): [T · 80], frame-major. The per-utterance part of the features, which batches combine.
 */
export function frameLogPower(frames: ArrayLike<number>, plan = new FrameMelSpectrum()): Float32Array {
  if (frames.length === 0 || frames.length % FRAME_LENGTH !== 0) {
    throw new UserError(`frame mel features need whole ${FRAME_LENGTH}-sample frames, got ${frames.length} samples`);
  }
  const count = frames.length / FRAME_LENGTH;
  const power = new Float64Array(count * FRAME_MEL_BANDS);
  for (let t = 0; t < count; t++) plan.compute(frames, t * FRAME_LENGTH, power, t * FRAME_MEL_BANDS);
  return Float32Array.from(power, (p) => 10 * Math.log10(Math.max(AMIN, p)));
}
