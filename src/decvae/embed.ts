// The latent representations DecVAE is evaluated on (spec decvae.md §9.1): the model's Gaussian
// means for every frame not flagged as straddling two vowels (Z) and for every utterance (S), each
// as the aggregations the original reports: "all" (the original's head and each component's,
// concatenated) and "OCs_joint" (the components' only).
import * as tf from '@tensorflow/tfjs-core';
import type { SimVowelsSplit } from '../speech/simvowels.js';
import { Rng } from '../util/random.js';
import { disposeBatch } from './data.js';
import type { DecVaeSession } from './session.js';

/** Row-major means of `rows` points, `dims` each. */
export interface LatentMatrix {
  values: Float64Array;
  rows: number;
  dims: number;
}

export interface BranchEmbedding {
  all: LatentMatrix;
  ocsJoint: LatentMatrix;
}

export interface SplitEmbedding {
  /** Frame latents and, per frame, its vowel and speaker (SP number). */
  z: BranchEmbedding;
  vowels: Int32Array;
  frameSpeakers: Int32Array;
  /** Utterance latents and each utterance's speaker. */
  s: BranchEmbedding;
  speakers: Int32Array;
}

/** Utterances per encoding batch (the original's evaluation batch). */
export const EMBED_BATCH = 4;

/** The rows `keep` accepts of the column-wise concatenation of `parts` ([rows, width_p] each). */
function concatenated(parts: Float32Array[], keep: (row: number) => boolean, rows: number): LatentMatrix {
  const widths = parts.map((p) => p.length / rows);
  const dims = widths.reduce((a, b) => a + b, 0);
  const kept: number[] = [];
  for (let r = 0; r < rows; r++) if (keep(r)) kept.push(r);
  const values = new Float64Array(kept.length * dims);
  kept.forEach((r, i) => {
    let at = i * dims;
    parts.forEach((part, p) => {
      for (let d = 0; d < widths[p]; d++) values[at++] = part[r * widths[p] + d];
    });
  });
  return { values, rows: kept.length, dims };
}

/** The chunks' rows one after another. */
function stacked(chunks: readonly LatentMatrix[]): LatentMatrix {
  const rows = chunks.reduce((n, c) => n + c.rows, 0);
  const values = new Float64Array(rows * chunks[0].dims);
  let at = 0;
  for (const chunk of chunks) {
    values.set(chunk.values, at);
    at += chunk.values.length;
  }
  return { values, rows, dims: chunks[0].dims };
}

/** Encodes every utterance of `split` in eval batches and keeps the means evaluation reads. */
export function embedSplit(session: DecVaeSession, split: SimVowelsSplit): SplitEmbedding {
  const { data, system } = session;
  const count = data.count(split);
  const rng = Rng.fromSeed(session.evalSeed).fork(`embed ${split}`);
  const chunks: Record<'zAll' | 'zJoint' | 'sAll' | 'sJoint', LatentMatrix[]> = { zAll: [], zJoint: [], sAll: [], sJoint: [] };
  const vowels: number[] = [];
  const frameSpeakers: number[] = [];
  const speakers: number[] = [];
  for (let start = 0; start < count; start += EMBED_BATCH) {
    const indices = Array.from({ length: Math.min(EMBED_BATCH, count - start) }, (_, i) => start + i);
    const labels = indices.map((i) => data.labels(split, i));
    const batch = data.batch(split, indices, 'all', rng);
    try {
      const [zMeans, sMeans] = tf.tidy(() => {
        const z = system.encoder.zBranch(batch.frames);
        const s = system.encoder.sBranch(batch.sequences);
        const means = (heads: typeof z.heads) => [heads.original, ...heads.components].map((g) => g.mu.dataSync() as Float32Array);
        return [means(z.heads), means(s.heads)];
      });
      const frames = labels[0].vowels.length;
      const keep = (row: number) => labels[Math.floor(row / frames)].overlap[row % frames] === 0;
      chunks.zAll.push(concatenated(zMeans, keep, indices.length * frames));
      chunks.zJoint.push(concatenated(zMeans.slice(1), keep, indices.length * frames));
      chunks.sAll.push(concatenated(sMeans, () => true, indices.length));
      chunks.sJoint.push(concatenated(sMeans.slice(1), () => true, indices.length));
      for (const l of labels) {
        l.vowels.forEach((v, t) => {
          if (l.overlap[t] === 0) {
            vowels.push(v);
            frameSpeakers.push(l.speaker);
          }
        });
        speakers.push(l.speaker);
      }
    } finally {
      disposeBatch(batch);
    }
  }
  return {
    z: { all: stacked(chunks.zAll), ocsJoint: stacked(chunks.zJoint) },
    vowels: Int32Array.from(vowels),
    frameSpeakers: Int32Array.from(frameSpeakers),
    s: { all: stacked(chunks.sAll), ocsJoint: stacked(chunks.sJoint) },
    speakers: Int32Array.from(speakers),
  };
}
