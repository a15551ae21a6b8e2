// DecVAE's data: SimVowels utterances turned into the model's inputs (spec decvae.md §3-§5) and
// batched as the original's collator does. Each utterance's decomposition and mel log powers are
// computed once and cached on disk (utterance_features.ts); a batch then applies the batch-wide dB
// reference and standardisation, draws the frames the Z losses read, and puts them first.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { FRAMES_PER_UTTERANCE, frameVowelLabels, speakerNumber } from '../speech/frames.js';
import { SimVowels, UTTERANCE_SAMPLES, type SimVowelsSplit } from '../speech/simvowels.js';
import { Rng } from '../util/random.js';
import type { DecVaeConfig } from './config.js';
import type { UtteranceDecompositionOptions } from './decomposition.js';
import { selectFrames } from './loss.js';
import { batchMelFeatures, PIECE_LENGTH } from './mel_features.js';
import { assembleFrames, type DecVaeBatch } from './system.js';
import { UtteranceFeatureCache, type UtteranceFeatures } from './utterance_features.js';

/** The labels evaluation reads for one utterance. */
export interface UtteranceLabels {
  /** Per frame: vowel index and whether it straddles two different vowels. */
  vowels: Int32Array;
  overlap: Uint8Array;
  /** SP1..SP20 as 1..20 (the vocal-tract range the utterance's speaker lies in). */
  speaker: number;
}

/** Utterance `index` of `split`'s frame vowels, overlap flags and speaker, without synthesising its audio. */
export function utteranceLabels(data: SimVowels, split: SimVowelsSplit, index: number): UtteranceLabels {
  const { vowels, vocalTract } = data.labels(split, index);
  const frames = frameVowelLabels(vowels);
  return { vowels: frames.vowels, overlap: frames.overlap, speaker: speakerNumber(vocalTract) };
}

export class DecVaeData {
  readonly vowels: SimVowels;
  readonly levels: number;
  private readonly cache: UtteranceFeatureCache;
  private readonly decomposition: UtteranceDecompositionOptions;

  constructor(readonly config: DecVaeConfig, cacheRoot = path.join('.cache', 'decvae')) {
    const { dataset, decomposition } = config;
    this.vowels = new SimVowels({ seed: dataset.seed, size: dataset.size });
    this.levels = decomposition.noc + 1;
    this.decomposition = { method: decomposition.method, noc: decomposition.noc, grouping: decomposition.grouping };
    // Utterance i of a split does not depend on the size, so both sizes share one cache.
    const setting = `simvowels-seed${dataset.seed}-${decomposition.method}-noc${decomposition.noc}-${decomposition.grouping}`;
    this.cache = new UtteranceFeatureCache(path.join(dataset.cache ?? cacheRoot, setting), this.levels, UTTERANCE_SAMPLES);
  }

  count(split: SimVowelsSplit): number {
    return Math.min(this.vowels.count(split), this.config.dataset.limit ?? Infinity);
  }

  /** One utterance's per-level mel log powers, from the cache or computed (VMD's draws seeded per utterance). */
  features(split: SimVowelsSplit, index: number): UtteranceFeatures {
    const key = `${split}-${index}`;
    const rng = Rng.fromSeed(this.config.dataset.seed).fork(`decomposition ${key}`);
    return this.cache.get(key, () => this.vowels.utterance(split, index).audio, this.decomposition, rng);
  }

  labels(split: SimVowelsSplit, index: number): UtteranceLabels {
    return utteranceLabels(this.vowels, split, index);
  }

  /**
   * The model's inputs for the utterances `indices` of `split`: per level the batch's features,
   * frames [U·T, 400] with the `maxFrames` frames drawn per utterance first, sequences [U, 64000].
   */
  batch(split: SimVowelsSplit, indices: readonly number[], maxFrames: number | 'all', rng: Rng): DecVaeBatch {
    const utterances = indices.map((i) => this.features(split, i));
    const all = Array.from({ length: FRAMES_PER_UTTERANCE }, (_, t) => t);
    const selected = selectFrames(indices.map(() => all), maxFrames, rng);
    return tf.tidy(() => {
      const frames = Array.from({ length: this.levels }, (_, level) => {
        const features = batchMelFeatures(utterances.map((u) => u.frameLevels[level]));
        const rows = assembleFrames(features, selected);
        return tf.tensor2d(rows, [rows.length / PIECE_LENGTH, PIECE_LENGTH]);
      });
      const sequences = Array.from({ length: this.levels }, (_, level) => {
        const features = batchMelFeatures(utterances.map((u) => u.sequenceLevels[level]));
        const joined = new Float32Array(features.length * UTTERANCE_SAMPLES);
        features.forEach((f, u) => joined.set(f, u * UTTERANCE_SAMPLES));
        return tf.tensor2d(joined, [features.length, UTTERANCE_SAMPLES]);
      });
      return { frames, sequences, utterances: indices.length, selected: selected[0].length };
    });
  }
}

/** Disposes a batch's tensors. */
export function disposeBatch(batch: DecVaeBatch): void {
  tf.dispose([...batch.frames, ...batch.sequences]);
}
