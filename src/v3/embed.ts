// Every fragment of a split through a V3 model in eval mode, batch by batch: its content and style
// embeddings, its atom and its labels, for the retrieval, codebook and t-SNE evaluations.
import * as tf from '@tensorflow/tfjs-core';
import type { SequenceDataset, SequenceSplit } from '../sequences/sequence_data.js';
import type { Rng } from '../util/random.js';
import { renderSamples } from './batches.js';
import type { V3System } from './system.js';

/** Every fragment of a split through the model in eval mode: its embeddings, atom and labels. */
export interface SplitEmbeddings {
  rows: number;
  dim: number;
  content: Float32Array;
  style: Float32Array;
  atoms: Int32Array;
  contentLabels: Int32Array;
  /** The sample's style label, repeated for each of its fragments. */
  styleLabels: Int32Array;
}

/** Encodes `repeats` passes over `split` (the original repeats when n < #content classes) in batches. */
export function embedSplit(system: V3System, data: SequenceDataset, split: SequenceSplit, repeats: number, batchSize: number, rng: Rng): SplitEmbeddings {
  const count = data.count(split);
  const n = data.fragmentsPerSample;
  const dim = system.model.embeddingSize;
  const rows = repeats * count * n;
  const out: SplitEmbeddings = {
    rows, dim, content: new Float32Array(rows * dim), style: new Float32Array(rows * dim), atoms: new Int32Array(rows),
    contentLabels: new Int32Array(rows), styleLabels: new Int32Array(rows),
  };
  let row = 0;
  for (let pass = 0; pass < repeats; pass++) {
    for (let start = 0; start < count; start += batchSize) {
      const indices = Int32Array.from({ length: Math.min(batchSize, count - start) }, (_, i) => start + i);
      const batch = renderSamples(data, split, indices, rng);
      const { content, style, indices: atoms } = tf.tidy(() => {
        const f = system.forward(batch, false);
        return { content: f.content.dataSync() as Float32Array, style: f.style.dataSync() as Float32Array, indices: f.indices };
      });
      batch.x.dispose();
      out.content.set(content, row * dim);
      out.style.set(style, row * dim);
      out.atoms.set(atoms, row);
      out.contentLabels.set(batch.content, row);
      batch.style.forEach((s, b) => out.styleLabels.fill(s, row + b * n, row + (b + 1) * n));
      row += atoms.length;
    }
  }
  return out;
}

