// DecVAE's preprocessing of one utterance (spec decvae.md §3-§5): z-scored, decomposed frame by
// frame and as a whole into the original and its NoC components, and each component turned into
// mel log powers: the 199 frames of 400 samples for the Z branch, the sequence in 160 pieces of 400
// for the S branch. What depends on the batch (the dB reference, the standardisation) is left to
// batchMelFeatures. Decomposition and mel analysis cost about a second an utterance, so results are
// cached on disk, one file per utterance, written atomically and recomputed when its size is wrong
// (a truncated file from an interrupted write by another tool).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FRAMES_PER_UTTERANCE, zScore } from '../speech/frames.js';
import { writeFileAtomic } from '../util/files.js';
import type { Rng } from '../util/random.js';
import { decomposeUtterance, type UtteranceDecompositionOptions } from './decomposition.js';
import { PieceMelSpectrogram, pieceLogPower, PIECE_LENGTH } from './mel_features.js';

export interface UtteranceFeatures {
  /** Per level (X, OC_1..OC_NoC): T·400 mel log powers, frame by frame. */
  frameLevels: Float32Array[];
  /** Per level: the sequence's mel log powers, piece by piece (as many values as samples). */
  sequenceLevels: Float32Array[];
}

/** Decomposes and analyses one utterance's audio; `rng` feeds the methods that draw (VMD's init 2). */
export function computeUtteranceFeatures(audio: ArrayLike<number>, options: UtteranceDecompositionOptions, rng: Rng,
  plan = new PieceMelSpectrogram()): UtteranceFeatures {
  const decomposition = decomposeUtterance(zScore(audio), options, rng);
  const levels = decomposition.sequence.components.length;
  const frameLevels = Array.from({ length: levels }, (_, level) => {
    const frames = new Float64Array(decomposition.frames.length * PIECE_LENGTH);
    decomposition.frames.forEach((frame, t) => frames.set(frame.components[level], t * PIECE_LENGTH));
    return pieceLogPower(frames, plan);
  });
  const sequenceLevels = decomposition.sequence.components.map((component) => pieceLogPower(component, plan));
  return { frameLevels, sequenceLevels };
}

/** Utterance features cached under one directory per dataset and decomposition setting. */
export class UtteranceFeatureCache {
  private readonly plan = new PieceMelSpectrogram();

  constructor(readonly dir: string, readonly levels: number, readonly sequenceLength: number, readonly frames = FRAMES_PER_UTTERANCE) {}

  /** The features of `key` (e.g. 'train-17'), read from the cache or computed and stored. */
  get(key: string, audio: () => ArrayLike<number>, options: UtteranceDecompositionOptions, rng: Rng): UtteranceFeatures {
    const file = path.join(this.dir, `${key}.f32`);
    const frameValues = this.frames * PIECE_LENGTH;
    const size = 4 * this.levels * (frameValues + this.sequenceLength);
    if (fs.existsSync(file) && fs.statSync(file).size === size) {
      const bytes = fs.readFileSync(file);
      const values = new Float32Array(bytes.buffer, bytes.byteOffset, size / 4);
      const at = (level: number, length: number, offset: number) => values.slice(offset + level * length, offset + (level + 1) * length);
      return {
        frameLevels: Array.from({ length: this.levels }, (_, l) => at(l, frameValues, 0)),
        sequenceLevels: Array.from({ length: this.levels }, (_, l) => at(l, this.sequenceLength, this.levels * frameValues)),
      };
    }
    const features = computeUtteranceFeatures(audio(), options, rng, this.plan);
    const all = new Float32Array(size / 4);
    let offset = 0;
    for (const values of [...features.frameLevels, ...features.sequenceLevels]) {
      all.set(values, offset);
      offset += values.length;
    }
    if (offset !== all.length) throw new RangeError(`${key}: features of ${offset} values, expected ${all.length}`);
    fs.mkdirSync(this.dir, { recursive: true });
    writeFileAtomic(file, new Uint8Array(all.buffer));
    return features;
  }
}
