// SimVowels, DecVAE's simulated speech (spec §2; the original's scripts/simulations/
// simulated_vowels.py and simulated_vowels_for_latent_traversal.py): 4-s utterances of forty
// 0.1-s vowels at 16 kHz, two generative factors: the vowel of each segment (5 classes, by their
// formants F1-F3) and the speaker of the utterance (a vocal-tract factor vt dividing every formant).
//
// A segment (spec §2 steps 1-5): white noise w ~ N(0, 1) through three 4th-order Butterworth
// band-passes [F_i/vt - 100, F_i/vt + 100] Hz (causal lfilter), weighted 1, 0.5, 0.3 and summed;
// an excitation of fresh white noise band-passed 65-7999 Hz (the original fills it pulse interval by
// pulse interval with new noise, so it is plain white noise and f0 = 120/vt has no effect);
// the product of their 2048-point FFTs, inverse-transformed, real part, first `samples` values (a
// circular convolution of the zero-padded signals); then peak normalisation and white noise at
// 15 dB SNR, redrawn with a corrected power until the measured SNR is within 0.01 dB (20 tries;
// an error if it still misses by more than 1.5 dB).
//
// Speakers are disjoint across splits: each utterance draws one of its split's vt ranges uniformly
// and uses the range's midpoint (the original's uniform draw inside the range is overwritten).
//
// Every utterance is a function of (seed, split, index) alone: its Rng is forked from the seed by
// split and index, the speaker and the vowels are drawn from it, then each segment draws from a
// stream forked per segment. Any utterance can therefore be made on demand, in any order, as
// src/sequences/phonenums.ts does for pages. Our random streams are not numpy's, so the audio is
// statistically, not sample for sample, the original's.
import FFT from 'fft.js';
import { butterBandpass, lfilter } from '../signal/butterworth.js';
import { UserError } from '../util/errors.js';
import { Rng } from '../util/random.js';

export const F_S = 16000;
/** One vowel segment: DURATION = 0.1 s. */
export const SEGMENT_SAMPLES = 1600;
export const SEGMENTS_PER_UTTERANCE = 40;
/** Four seconds. */
export const UTTERANCE_SAMPLES = SEGMENT_SAMPLES * SEGMENTS_PER_UTTERANCE;
/** NUM_FFT_BINS: the length of the spectra multiplied in step 4, so segments are at most this long. */
export const FFT_SIZE = 2048;
export const SNR_DB = 15;
/** The noise loop accepts a draw whose measured SNR is this close to the target. */
export const SNR_TOLERANCE_DB = 0.01;
/** Beyond this miss after the last try the original raises an error. */
export const SNR_MAX_ERROR_DB = 1.5;
export const SNR_TRIES = 20;
/** The traversal script allows more tries for its short segments. */
export const TRAVERSAL_SNR_TRIES = 100;
/** Formant band-passes are F ± 100 Hz (FORMANT_BANDWIDTHS = 200). */
export const FORMANT_HALF_BANDWIDTH_HZ = 100;
export const FORMANT_AMPLITUDES: readonly [number, number, number] = [1.0, 0.5, 0.3];
/** Order of the Butterworth band-passes of both the formants and the excitation. */
export const BAND_PASS_ORDER = 4;
/** The excitation's band-pass: 65 Hz to F_S/2 - 1. */
export const EXCITATION_BAND_HZ: readonly [number, number] = [65, F_S / 2 - 1];

export interface Vowel {
  name: string;
  /** Canonical F1, F2, F3 in Hz (vt = 1). */
  formants: readonly [number, number, number];
}

/** The five vowels, label = index (spec §2 table). */
export const VOWELS: readonly Vowel[] = [
  { name: 'a', formants: [710, 1100, 2540] },
  { name: 'e', formants: [550, 1770, 2490] },
  { name: 'I', formants: [400, 1920, 2560] },
  { name: 'aw', formants: [590, 880, 2540] },
  { name: 'u', formants: [310, 870, 2250] },
];

/** The eight-vowel set that exists for the traversal data only, label = index in this order. */
export const TRAVERSAL_VOWELS_EIGHT: readonly Vowel[] = [
  { name: 'i', formants: [280, 2250, 2890] },
  { name: 'I', formants: [400, 1920, 2560] },
  { name: 'e', formants: [550, 1770, 2490] },
  { name: 'ae', formants: [690, 1660, 2490] },
  { name: 'a', formants: [710, 1100, 2540] },
  { name: 'aw', formants: [590, 880, 2540] },
  { name: 'y', formants: [450, 1030, 2380] },
  { name: 'u', formants: [310, 870, 2250] },
];

export type SimVowelsSplit = 'train' | 'dev' | 'test';
export const SIMVOWELS_SPLITS: readonly SimVowelsSplit[] = ['train', 'dev', 'test'];

export type VocalTractRange = readonly [low: number, high: number];

/** Each split's speakers as vocal-tract ranges; the three sets are disjoint. */
export const SPEAKER_RANGES: Readonly<Record<SimVowelsSplit, readonly VocalTractRange[]>> = {
  train: [[0.7, 0.73], [0.78, 0.81], [0.82, 0.85], [0.86, 0.89], [0.94, 0.97], [1.02, 1.05], [1.1, 1.13], [1.14, 1.17], [1.18, 1.21], [1.26, 1.29]],
  dev: [[0.74, 0.75], [0.9, 0.91], [0.98, 0.99], [1.06, 1.07], [1.22, 1.23]],
  test: [[0.76, 0.77], [0.92, 0.93], [1.0, 1.01], [1.08, 1.09], [1.24, 1.25]],
};

/** The vt an utterance of this speaker uses: the range midpoint (numpy.mean of the pair). */
export function rangeMidpoint(range: VocalTractRange): number {
  return (range[0] + range[1]) / 2;
}

/** The vt values a split's utterances use, one per speaker, in SPEAKER_RANGES order. */
export function splitVocalTracts(split: SimVowelsSplit): number[] {
  return SPEAKER_RANGES[split].map(rangeMidpoint);
}

export type SimVowelsSize = 'full' | 'small';

/** Utterances per split: the original's 4000/500/300, and a tenth of that for tests and small configs. */
export const SPLIT_SIZES: Readonly<Record<SimVowelsSize, Readonly<Record<SimVowelsSplit, number>>>> = {
  full: { train: 4000, dev: 500, test: 300 },
  small: { train: 400, dev: 50, test: 30 },
};

let fftPlan: FFT | undefined;

function normals(count: number, rng: Rng): Float64Array {
  const values = new Float64Array(count);
  for (let n = 0; n < count; n++) values[n] = rng.normal();
  return values;
}

/** sum_i A_i · BP_i(w) for one white-noise draw w: spec §2 steps 1-2. */
function formantSignal(formants: readonly number[], vocalTract: number, samples: number, rng: Rng): Float64Array {
  const noise = normals(samples, rng);
  const signal = new Float64Array(samples);
  formants.forEach((canonical, i) => {
    const centre = canonical / vocalTract;
    const { b, a } = butterBandpass(BAND_PASS_ORDER, centre - FORMANT_HALF_BANDWIDTH_HZ, centre + FORMANT_HALF_BANDWIDTH_HZ, F_S);
    const band = lfilter(b, a, noise);
    for (let n = 0; n < samples; n++) signal[n] += FORMANT_AMPLITUDES[i] * band[n];
  });
  return signal;
}

/** The wide-band excitation: white noise band-passed 65-7999 Hz, spec §2 step 3. */
function excitationSignal(samples: number, rng: Rng): Float64Array {
  const noise = normals(samples, rng);
  const { b, a } = butterBandpass(BAND_PASS_ORDER, EXCITATION_BAND_HZ[0], EXCITATION_BAND_HZ[1], F_S);
  return lfilter(b, a, noise);
}

/** Re(IFFT(FFT(x, 2048) · FFT(h, 2048)))[0:length of x]: spec §2 step 4. */
function spectralProduct(x: Float64Array, h: Float64Array): Float64Array {
  fftPlan ??= new FFT(FFT_SIZE);
  const plan = fftPlan;
  const padded = new Float64Array(FFT_SIZE);
  const spectrumOf = (signal: Float64Array) => {
    padded.fill(0);
    padded.set(signal);
    const spectrum = new Float64Array(2 * FFT_SIZE);
    plan.realTransform(spectrum, padded);
    plan.completeSpectrum(spectrum);
    return spectrum;
  };
  const [sx, sh] = [spectrumOf(x), spectrumOf(h)];
  const product = new Float64Array(2 * FFT_SIZE);
  for (let k = 0; k < FFT_SIZE; k++) {
    const xr = sx[2 * k];
    const xi = sx[2 * k + 1];
    const hr = sh[2 * k];
    const hi = sh[2 * k + 1];
    product[2 * k] = xr * hr - xi * hi;
    product[2 * k + 1] = xr * hi + xi * hr;
  }
  const time = new Float64Array(2 * FFT_SIZE);
  plan.inverseTransform(time, product);
  const out = new Float64Array(x.length);
  for (let n = 0; n < x.length; n++) out[n] = time[2 * n];
  return out;
}

function checkSegmentArguments(formants: readonly number[], vocalTract: number, samples: number): void {
  if (!(Number.isInteger(samples) && samples >= 1 && samples <= FFT_SIZE)) {
    throw new UserError(`a SimVowels segment has 1..${FFT_SIZE} samples (the FFT size), got ${samples}`);
  }
  if (!(vocalTract > 0)) throw new UserError(`the vocal-tract factor must be positive, got ${vocalTract}`);
  for (const f of formants) {
    const centre = f / vocalTract;
    if (!(centre - FORMANT_HALF_BANDWIDTH_HZ > 0 && centre + FORMANT_HALF_BANDWIDTH_HZ < F_S / 2)) {
      throw new UserError(`formant ${f} Hz / vt ${vocalTract} = ${centre} Hz puts its ±${FORMANT_HALF_BANDWIDTH_HZ} Hz band outside (0, ${F_S / 2}) Hz`);
    }
  }
}

/**
 * The noiseless segment of spec §2 steps 1-4 for canonical `formants` (Hz) and vocal-tract factor
 * `vocalTract`: `samples` normals for the formant noise, then `samples` for the excitation, from `rng`.
 */
export function cleanFormantSegment(formants: readonly number[], vocalTract: number, samples: number, rng: Rng): Float64Array {
  checkSegmentArguments(formants, vocalTract, samples);
  const formantPart = formantSignal(formants, vocalTract, samples, rng);
  return spectralProduct(formantPart, excitationSignal(samples, rng));
}

/**
 * Spec §2 step 5: `signal` divided by its peak magnitude, plus white noise whose power is matched
 * to `snrDb` below the normalised signal's mean power. A draw is accepted when its measured SNR
 * (power of the normalised signal over the mean square of noisy minus signal) is within
 * SNR_TOLERANCE_DB; otherwise the noise power is multiplied by 10^(±|error|/10) toward the target
 * and redrawn, `tries` times at most. Throws if the last draw misses by more than SNR_MAX_ERROR_DB.
 */
export function addNoiseAtSnr(signal: ArrayLike<number>, rng: Rng, snrDb = SNR_DB, tries = SNR_TRIES): Float64Array {
  if (!(Number.isInteger(tries) && tries >= 1)) throw new UserError(`the SNR loop needs a positive whole number of tries, got ${tries}`);
  let peak = 0;
  for (let n = 0; n < signal.length; n++) peak = Math.max(peak, Math.abs(signal[n]));
  if (!(peak > 0 && Number.isFinite(peak))) throw new UserError('cannot add noise at an SNR to a silent or non-finite signal');
  const length = signal.length;
  const normalised = new Float64Array(length);
  let signalEnergy = 0;
  for (let n = 0; n < length; n++) {
    normalised[n] = signal[n] / peak;
    signalEnergy += normalised[n] * normalised[n];
  }
  const signalPower = signalEnergy / length;
  let noisePower = signalPower / 10 ** (snrDb / 10);
  const noisy = new Float64Array(length);
  let measuredSnr = NaN;
  for (let attempt = 0; attempt < tries; attempt++) {
    const deviation = Math.sqrt(noisePower);
    let noiseEnergy = 0;
    for (let n = 0; n < length; n++) {
      noisy[n] = normalised[n] + deviation * rng.normal();
      const difference = noisy[n] - normalised[n];
      noiseEnergy += difference * difference;
    }
    measuredSnr = 10 * Math.log10(signalPower / (noiseEnergy / length));
    if (Math.abs(measuredSnr - snrDb) <= SNR_TOLERANCE_DB) break;
    noisePower *= 10 ** ((snrDb > measuredSnr ? -1 : 1) * (Math.abs(snrDb - measuredSnr) / 10));
  }
  if (!(Math.abs(measuredSnr - snrDb) <= SNR_MAX_ERROR_DB)) throw new Error(`SimVowels: SNR mismatch, ${measuredSnr} dB instead of ${snrDb} dB`);
  return noisy;
}

/** A noisy segment of `samples` samples of VOWELS[vowel] spoken with vocal-tract factor `vocalTract` (spec §2 steps 1-5). */
export function synthesizeVowelSegment(vowel: number, vocalTract: number, samples: number, rng: Rng): Float64Array {
  return addNoiseAtSnr(cleanFormantSegment(vowelFormants(VOWELS, vowel), vocalTract, samples, rng), rng);
}

function vowelFormants(set: readonly Vowel[], vowel: number): readonly number[] {
  if (!(Number.isInteger(vowel) && vowel >= 0 && vowel < set.length)) throw new UserError(`vowel label must be an integer in [0, ${set.length}), got ${vowel}`);
  return set[vowel].formants;
}

export interface SimVowelsUtterance {
  /** UTTERANCE_SAMPLES samples, the segments one after another. */
  audio: Float32Array;
  /** The vowel label of each of the SEGMENTS_PER_UTTERANCE segments. */
  vowels: Int32Array;
  /** The speaker's vocal-tract factor (a range midpoint of the split). */
  vocalTract: number;
}

export interface SimVowelsOptions {
  seed: number;
  size?: SimVowelsSize;
}

/** The SimVowels splits, every utterance synthesised on demand from the seed. */
export class SimVowels {
  readonly seed: number;
  readonly size: SimVowelsSize;

  constructor(options: SimVowelsOptions) {
    const { seed, size = 'full' } = options;
    if (!(Number.isSafeInteger(seed) && seed >= 0)) throw new UserError(`SimVowels seed must be a non-negative integer, got ${seed}`);
    if (!Object.hasOwn(SPLIT_SIZES, size)) throw new UserError(`SimVowels size must be 'full' or 'small', got '${size}'`);
    this.seed = seed;
    this.size = size;
  }

  count(split: SimVowelsSplit): number {
    if (!SIMVOWELS_SPLITS.includes(split)) throw new UserError(`unknown SimVowels split '${split}' (known: ${SIMVOWELS_SPLITS.join(', ')})`);
    return SPLIT_SIZES[this.size][split];
  }

  private utteranceRng(split: SimVowelsSplit, index: number): Rng {
    const count = this.count(split);
    if (!(Number.isInteger(index) && index >= 0 && index < count)) {
      throw new UserError(`SimVowels: utterance ${index} is outside the ${split} split's [0, ${count})`);
    }
    return Rng.fromSeed(this.seed).fork(`simvowels ${split} ${index}`);
  }

  /** The labels of utterance `index` without synthesising its audio. */
  labels(split: SimVowelsSplit, index: number): Omit<SimVowelsUtterance, 'audio'> {
    return this.drawLabels(this.utteranceRng(split, index), split);
  }

  private drawLabels(rng: Rng, split: SimVowelsSplit): Omit<SimVowelsUtterance, 'audio'> {
    const ranges = SPEAKER_RANGES[split];
    const vocalTract = rangeMidpoint(ranges[rng.int(ranges.length)]);
    const vowels = Int32Array.from({ length: SEGMENTS_PER_UTTERANCE }, () => rng.int(VOWELS.length));
    return { vowels, vocalTract };
  }

  utterance(split: SimVowelsSplit, index: number): SimVowelsUtterance {
    const rng = this.utteranceRng(split, index);
    const { vowels, vocalTract } = this.drawLabels(rng, split);
    const audio = new Float32Array(UTTERANCE_SAMPLES);
    vowels.forEach((vowel, c) => {
      audio.set(synthesizeVowelSegment(vowel, vocalTract, SEGMENT_SAMPLES, rng.fork(`segment ${c}`)), c * SEGMENT_SAMPLES);
    });
    return { audio, vowels, vocalTract };
  }
}

/** Traversal stimuli are one frame long: DURATION = 0.025 s. */
export const TRAVERSAL_SEGMENT_SAMPLES = 400;

/**
 * The traversal script's 60 speakers: round(arange(0.70, 1.29, 0.01) + 0.005, 3), which includes
 * 1.29 by floating-point accident, so 0.705, 0.715, ..., 1.295.
 */
export const TRAVERSAL_VOCAL_TRACTS: readonly number[] = Array.from({ length: 60 }, (_, i) => (705 + 10 * i) / 1000);

/** 'fixed_vowels': ordered by vowel, then speaker; 'fixed_speakers': by speaker, then vowel (the "fixed_speakers_free_vowels" file). */
export type TraversalOrdering = 'fixed_vowels' | 'fixed_speakers';
export type TraversalVowelSet = 'five' | 'eight';

export interface TraversalStimulus {
  audio: Float32Array;
  /** Label in the chosen vowel set (VOWELS or TRAVERSAL_VOWELS_EIGHT). */
  vowel: number;
  vocalTract: number;
}

export interface TraversalOptions {
  seed: number;
  ordering: TraversalOrdering;
  /** 'five' (VOWELS, 300 stimuli, the default) or 'eight' (TRAVERSAL_VOWELS_EIGHT, 480). */
  vowelSet?: TraversalVowelSet;
}

/**
 * The latent-traversal stimuli of spec §2: one 400-sample segment per (vt, vowel), synthesised as
 * the utterances' segments but with 100 SNR tries. The original writes the two orderings from
 * separate random draws (and copies each to train/dev/test); here each ordering likewise has its
 * own streams, each stimulus forked from the seed by ordering, vowel set, speaker and vowel.
 */
export function traversalStimuli(options: TraversalOptions): TraversalStimulus[] {
  const { seed, ordering, vowelSet = 'five' } = options;
  if (!(Number.isSafeInteger(seed) && seed >= 0)) throw new UserError(`traversal seed must be a non-negative integer, got ${seed}`);
  if (ordering !== 'fixed_vowels' && ordering !== 'fixed_speakers') throw new UserError(`traversal ordering must be 'fixed_vowels' or 'fixed_speakers', got '${ordering}'`);
  if (vowelSet !== 'five' && vowelSet !== 'eight') throw new UserError(`traversal vowel set must be 'five' or 'eight', got '${vowelSet}'`);
  const vowels = vowelSet === 'five' ? VOWELS : TRAVERSAL_VOWELS_EIGHT;
  const stimulus = (speaker: number, vowel: number): TraversalStimulus => {
    const vocalTract = TRAVERSAL_VOCAL_TRACTS[speaker];
    const rng = Rng.fromSeed(seed).fork(`simvowels traversal ${ordering} ${vowelSet} ${speaker} ${vowel}`);
    const clean = cleanFormantSegment(vowels[vowel].formants, vocalTract, TRAVERSAL_SEGMENT_SAMPLES, rng);
    return { audio: Float32Array.from(addNoiseAtSnr(clean, rng, SNR_DB, TRAVERSAL_SNR_TRIES)), vowel, vocalTract };
  };
  const stimuli: TraversalStimulus[] = [];
  if (ordering === 'fixed_vowels') {
    for (let v = 0; v < vowels.length; v++) for (let s = 0; s < TRAVERSAL_VOCAL_TRACTS.length; s++) stimuli.push(stimulus(s, v));
  } else {
    for (let s = 0; s < TRAVERSAL_VOCAL_TRACTS.length; s++) for (let v = 0; v < vowels.length; v++) stimuli.push(stimulus(s, v));
  }
  return stimuli;
}
