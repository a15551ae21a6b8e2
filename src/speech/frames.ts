// DecVAE's waveform pre-processing and frame labels (spec §3; the original's
// data_preprocessing/pretraining_preprocessing.py and the Wav2Vec2 feature extractor it calls):
// - per-utterance z-scoring x <- (x - mean) / sqrt(var + 1e-7), population variance, which is
//   Wav2Vec2FeatureExtractor's do_normalize; SimVowels utterances need no padding or truncation;
// - framing into T = 199 frames of 400 samples (25 ms) every 320 samples (20 ms), the length of the
//   wav2vec2 convolutional encoder's output for 64000 samples;
// - frame vowel labels by a walk over the segments with a pointer c (segment ends stop_c =
//   1600 (c + 1)): a frame whose centre (end - 200) is at or before stop_c takes vowel[c], otherwise
//   c advances by one and the frame takes the new vowel[c]; the frame's overlap flag is set when, with
//   c as updated, its end reaches stop_c and vowel[c] differs from vowel[c + 1]. As in the original,
//   a frame whose centre has just crossed into the next segment is labelled with that segment and is
//   not flagged, even though its start lies in the previous one;
// - speaker IDs for evaluation: vt mapped to SP1..SP20 by the first of the 20 speaker ranges
//   (train, dev, test, in the order of spec §2's table) with lo <= vt < hi.
import { UserError } from '../util/errors.js';
import { SEGMENT_SAMPLES, SIMVOWELS_SPLITS, SPEAKER_RANGES, type VocalTractRange } from './simvowels.js';

/** RFS = 0.025 s. */
export const FRAME_LENGTH = 400;
/** Stride 0.02 s. */
export const FRAME_HOP = 320;
/** Frames of a 4-s (64000-sample) utterance. */
export const FRAMES_PER_UTTERANCE = 199;
/** Added to the variance before the square root, as Wav2Vec2FeatureExtractor does. */
export const ZSCORE_EPSILON = 1e-7;

/** (x - mean(x)) / sqrt(var(x) + 1e-7) with the population variance, accumulated in float64. */
export function zScore(x: ArrayLike<number>): Float32Array {
  const n = x.length;
  if (n === 0) throw new UserError('cannot z-score an empty signal');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i];
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (x[i] - mean) ** 2;
  const scale = 1 / Math.sqrt(squares / n + ZSCORE_EPSILON);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (x[i] - mean) * scale;
  return out;
}

/** Whole frames of FRAME_LENGTH starting every FRAME_HOP samples in a signal of `length` samples. */
export function frameCount(length: number): number {
  return length < FRAME_LENGTH ? 0 : Math.floor((length - FRAME_LENGTH) / FRAME_HOP) + 1;
}

/** The frames of `signal`, frame-major: frame t is samples [320 t, 320 t + 400). */
export function frameSignal(signal: ArrayLike<number>): Float32Array {
  const frames = frameCount(signal.length);
  if (frames === 0) throw new UserError(`a signal of ${signal.length} samples is shorter than one ${FRAME_LENGTH}-sample frame`);
  const out = new Float32Array(frames * FRAME_LENGTH);
  for (let t = 0; t < frames; t++) {
    for (let i = 0; i < FRAME_LENGTH; i++) out[t * FRAME_LENGTH + i] = signal[t * FRAME_HOP + i];
  }
  return out;
}

export interface FrameLabels {
  /** The vowel label of each frame. */
  vowels: Int32Array;
  /** 1 where the frame straddles a boundary between two different vowels (by the walk's rule), else 0. */
  overlap: Uint8Array;
}

/**
 * Frame vowel labels and overlap flags of an utterance whose consecutive segments of
 * `segmentSamples` samples carry `segmentVowels`, for `frames` frames (default: the 199 of a 4-s
 * utterance). The segments must reach past the centre of the last frame.
 */
export function frameVowelLabels(segmentVowels: ArrayLike<number>, frames = FRAMES_PER_UTTERANCE, segmentSamples = SEGMENT_SAMPLES): FrameLabels {
  if (!(Number.isInteger(frames) && frames >= 1)) throw new UserError(`frame count must be a positive integer, got ${frames}`);
  if (!(Number.isInteger(segmentSamples) && segmentSamples >= FRAME_HOP)) {
    throw new UserError(`segments must have at least ${FRAME_HOP} samples (one hop), got ${segmentSamples}`);
  }
  const lastCentre = (frames - 1) * FRAME_HOP + FRAME_LENGTH / 2;
  if (segmentVowels.length * segmentSamples < lastCentre) {
    throw new UserError(`${segmentVowels.length} segments of ${segmentSamples} samples end before the centre of frame ${frames - 1} (sample ${lastCentre})`);
  }
  const vowels = new Int32Array(frames);
  const overlap = new Uint8Array(frames);
  const segmentEnd = (c: number) => (c + 1) * segmentSamples;
  let c = 0;
  for (let t = 0; t < frames; t++) {
    const frameEnd = t * FRAME_HOP + FRAME_LENGTH;
    if (frameEnd - FRAME_LENGTH / 2 > segmentEnd(c)) c++;
    vowels[t] = segmentVowels[c];
    const followed = c + 1 < segmentVowels.length;
    overlap[t] = frameEnd >= segmentEnd(c) && followed && segmentVowels[c] !== segmentVowels[c + 1] ? 1 : 0;
  }
  return { vowels, overlap };
}

/** The 20 SimVowels speakers as vt ranges: SP1..SP10 train, SP11..SP15 dev, SP16..SP20 test. */
export const SPEAKER_ID_RANGES: readonly VocalTractRange[] = SIMVOWELS_SPLITS.flatMap((split) => SPEAKER_RANGES[split]);

/**
 * 1..20 for the first speaker range with lo <= vt < hi, or 0 when vt is in none (the original
 * leaves such entries as its placeholder 0, e.g. the traversal speakers between ranges).
 */
export function speakerNumber(vocalTract: number): number {
  const index = SPEAKER_ID_RANGES.findIndex(([low, high]) => low <= vocalTract && vocalTract < high);
  return index + 1;
}

/** 'SP1'..'SP20' for vt inside a speaker range, or null outside all of them. */
export function speakerId(vocalTract: number): string | null {
  const speaker = speakerNumber(vocalTract);
  return speaker === 0 ? null : `SP${speaker}`;
}
