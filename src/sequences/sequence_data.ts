// The interface every sequence dataset implements (V3's data: PhoneNums, InsNotes, Sprites, and
// the readers of SVHN and LibriSpeech). A sample is a sequence of pre-segmented fragments, each with
// one content label (a digit, a pitch class, a pose) while the whole sample has one style label (a
// colour, an instrument, a character). Samples are made on demand, deterministic from the dataset's
// seed and the sample's index, so no dataset needs all its samples in memory; what is random per
// draw (InsNotes' start note and frequency mask, Sprites' colour jitter) comes from the caller's Rng.
import type { Rng } from '../util/random.js';

/**
 * The original's file splits: 80% train, 10% validation, 10% test; an out-of-distribution set
 * instead has its few-shot training sets (the first n samples of each style, the original's
 * `{n}_shot` folders) and as test every sample in none of them. Splits a dataset lacks are empty.
 */
export type SequenceSplit = 'train' | 'val' | 'test' | ShotSplit;

export type ShotSplit = '1_shot' | '5_shot' | '10_shot';

export const SEQUENCE_SPLITS: readonly SequenceSplit[] = ['train', 'val', 'test'];

/** The shot counts of the few-shot evaluation and their splits. */
export const SHOT_SPLITS: Readonly<Record<1 | 5 | 10, ShotSplit>> = { 1: '1_shot', 5: '5_shot', 10: '10_shot' };

const NO_SAMPLES = new Int32Array(0);

/** Every split empty: what an in-distribution dataset has for the shot splits. */
export function noShotSplits(): Record<ShotSplit, Int32Array> {
  return { '1_shot': NO_SAMPLES, '5_shot': NO_SAMPLES, '10_shot': NO_SAMPLES };
}

export interface SequenceLabels {
  /** The content label of each fragment, in order. */
  content: Int32Array;
  /** The sample's style label. */
  style: number;
}

export interface SequenceDataset {
  readonly name: string;
  /** [height, width, channels] of one fragment, NHWC: height is V3's n_feature, width its fragment_len. */
  readonly fragmentShape: readonly [number, number, number];
  /** Fragments per sample (V3's n_fragments). */
  readonly fragmentsPerSample: number;
  /** Names of the content classes, indexed by content label. */
  readonly contentNames: readonly string[];
  /** Names of the style classes, indexed by style label. */
  readonly styleNames: readonly string[];
  /** Samples in a split. */
  count(split: SequenceSplit): number;
  /**
   * Writes sample `index` of `split` (fragmentsPerSample x H x W x C floats, fragment-major, each
   * fragment HWC) into `out` at `offset`, normalised as the original's loader does, and returns its
   * labels. `rng` draws the per-draw randomness the original's loader has (none for PhoneNums).
   */
  sample(split: SequenceSplit, index: number, rng: Rng, out: Float32Array, offset: number): SequenceLabels;
  /** Releases what a file-backed dataset holds open. */
  close?(): void;
}

export function fragmentSize(data: SequenceDataset): number {
  const [h, w, c] = data.fragmentShape;
  return h * w * c;
}

/** Floats in one sample: every fragment of it. */
export function sampleSize(data: SequenceDataset): number {
  return data.fragmentsPerSample * fragmentSize(data);
}

/** Range check shared by the datasets: a RangeError naming the split and its size. */
export function checkSampleIndex(data: SequenceDataset, split: SequenceSplit, index: number): void {
  const count = data.count(split);
  if (!(Number.isInteger(index) && index >= 0 && index < count)) {
    throw new RangeError(`${data.name}: sample ${index} is outside the ${split} split's [0, ${count})`);
  }
}
