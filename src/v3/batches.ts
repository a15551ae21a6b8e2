// Batches of sequence samples for V3 (an epoch's order is train/epochs.ts's): each sample's
// fragments are stacked fragment-major into one [B * n, H, W, C] tensor.
import * as tf from '@tensorflow/tfjs-core';
import { sampleSize, type SequenceDataset, type SequenceSplit } from '../sequences/sequence_data.js';
import type { Rng } from '../util/random.js';
import type { FragmentBatch } from './system.js';

export interface LabelledBatch extends FragmentBatch {
  /** The content label of every fragment, [B * n]. */
  content: Int32Array;
  /** The style label of every sample, [B]. */
  style: Int32Array;
}

/** Renders samples `indices` of `split`; `rng` draws what the loader draws per sample (starts, masks, jitter). */
export function renderSamples(data: SequenceDataset, split: SequenceSplit, indices: ArrayLike<number>, rng: Rng): LabelledBatch {
  const samples = indices.length;
  const n = data.fragmentsPerSample;
  const values = new Float32Array(samples * sampleSize(data));
  const content = new Int32Array(samples * n);
  const style = new Int32Array(samples);
  for (let b = 0; b < samples; b++) {
    const labels = data.sample(split, indices[b], rng, values, b * sampleSize(data));
    content.set(labels.content, b * n);
    style[b] = labels.style;
  }
  const x = tf.tensor4d(values, [samples * n, ...data.fragmentShape]);
  return { x, samples, fragments: n, content, style };
}
