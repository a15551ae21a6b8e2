// Ada-TVAE, unsupervised (Michlo 2022, "Data Overlap": class DataOverlapTripletVae in msc-research
// research/code/frameworks/vae/_unsupervised__dotvae.py, also in disent): a VAE on single
// observations whose triplets are drawn inside each batch and ordered by how much the
// observations themselves overlap, with no labels:
//   a, p, n = overlap_num uniform indices into the batch each (at most batch³),
//   d(u, v) = mean over pixels of the reconstruction loss of x_u against x_v (overlap_loss),
//   swap p and n where d(a, p) > d(a, n); keep the mined ones (overlap_mine_triplet_mode),
//   loss = recon + beta * KL + AdaNeg triplet loss (src/frameworks/ada_tvae.ts) on q[a], q[p], q[n].
// The selection reads the input pixels only, so no gradient flows through it. Its random draws
// come from a stream of `overlap_seed` and the step, so a resumed run draws the same triplets.
// Defaults: msc-research's `X--dotvae` config (overlap_num 512; the class has 1024). The
// overlap augmentation is not implemented (NULL in every experiment).
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { ReconLoss } from '../nn/losses.js';
import { MINING_MODES, mineTriplets, type MiningMode } from '../nn/triplet.js';
import { Rng } from '../util/random.js';
import { AdaTripletVae, adaTripletVaeShape, type AdaTripletVaeSettings } from './ada_tvae.js';
import type { Forward } from './base.js';
import { defineFramework } from './definition.js';
import type { Triplets } from './triplet_vae.js';

export interface OverlapTripletVaeSettings extends AdaTripletVaeSettings {
  /** The distance between observations; null: the reconstruction loss. */
  overlap_loss: ReconLoss | null;
  overlap_num: number;
  overlap_mine_ratio: number;
  /** A mining mode, or 'ran:mode1+mode2+…' to pick one of those uniformly every step. */
  overlap_mine_triplet_mode: string;
  overlap_seed: number;
}

/** torch's binary_cross_entropy clamps its logs at -100, so identical 0/1 pixels cost 0, not NaN. */
const clampedLog = (x: number) => Math.max(Math.log(x), -100);

/** d(u, v) between observations of a batch: the per-pixel mean of `kind` with x_u as the prediction. */
export function overlapDistance(kind: ReconLoss, x: Float32Array, batch: number): (u: number, v: number) => number {
  const pixels = x.length / batch;
  const loss = kind === 'mse'
    ? (pred: number, target: number) => (pred - target) ** 2
    : (pred: number, target: number) => -(target * clampedLog(pred) + (1 - target) * clampedLog(1 - pred));
  const cache = new Float64Array(batch * batch).fill(NaN);
  return (u, v) => {
    const key = u * batch + v;
    if (Number.isNaN(cache[key])) {
      let sum = 0;
      for (let i = 0; i < pixels; i++) sum += loss(x[u * pixels + i], x[v * pixels + i]);
      cache[key] = sum / pixels;
    }
    return cache[key];
  };
}

/** The stream of a step's triplet draws: a function of the seed and step alone, so resuming redraws them. */
export function overlapRng(seed: number, step: number): Rng {
  return Rng.fromSeed(seed).fork(`overlap triplets at step ${step}`);
}

/** The anchor, positive and negative batch indices of the step's triplets. */
export function selectTriplets(distance: (u: number, v: number) => number, batch: number, s: OverlapTripletVaeSettings, rng: Rng): Int32Array[] {
  const count = Math.min(s.overlap_num, batch ** 3);
  const draw = () => Int32Array.from({ length: count }, () => rng.int(batch));
  const [a, p, n] = [draw(), draw(), draw()];
  const [dPos, dNeg] = [new Float64Array(count), new Float64Array(count)];
  for (let i = 0; i < count; i++) {
    dPos[i] = distance(a[i], p[i]);
    dNeg[i] = distance(a[i], n[i]);
    if (dPos[i] > dNeg[i]) {
      [p[i], n[i]] = [n[i], p[i]];
      [dPos[i], dNeg[i]] = [dNeg[i], dPos[i]];
    }
  }
  const spec = s.overlap_mine_triplet_mode;
  const choices = spec.startsWith('ran:') ? spec.slice(4).split('+') : [spec];
  const mode = choices[choices.length > 1 ? rng.int(choices.length) : 0] as MiningMode;
  const kept = mineTriplets(mode, dPos, dNeg, Math.trunc(s.overlap_num * s.overlap_mine_ratio), s.triplet_margin_max);
  return [a, p, n].map((ids) => Int32Array.from(kept, (k) => ids[k]));
}

export class OverlapTripletVae extends AdaTripletVae<OverlapTripletVaeSettings> {
  override readonly views: number = 1;

  protected override triplets({ x: [x], qz: [q], z: [z], step }: Forward, s: OverlapTripletVaeSettings): Triplets {
    const batch = x.shape[0];
    const inputs = tf.tidy(() => this.networkScale(x).dataSync() as Float32Array);
    const distance = overlapDistance(s.overlap_loss ?? this.settings.recon_loss, inputs, batch);
    // Rows are picked by one-hot matrices: gather's gradient needs a kernel the wasm backend lacks.
    const pickers = selectTriplets(distance, batch, s, overlapRng(s.overlap_seed, step)).map((ids) => {
      const oneHot = new Float32Array(ids.length * batch);
      ids.forEach((id, row) => { oneHot[row * batch + id] = 1; });
      return tf.tensor2d(oneHot, [ids.length, batch]);
    });
    return {
      q: pickers.map((pick) => ({ mu: tf.matMul(pick, q.mu), logvar: tf.matMul(pick, q.logvar) })) as Triplets['q'],
      z: pickers.map((pick) => tf.matMul(pick, z)) as Triplets['z'],
    };
  }
}

const modes = MINING_MODES.join('|');
const MINING_SPEC = new RegExp(`^(${modes}|ran:(${modes})(\\+(${modes}))*)$`);

export const overlapTripletVae = defineFramework({
  description: 'unsupervised Ada-TVAE (Michlo 2022, DataOverlapTripletVae): AdaNeg triplets mined in the batch by data overlap',
  settings: z.strictObject({
    ...adaTripletVaeShape,
    overlap_loss: z.enum(['bernoulli', 'mse']).nullable().default(null).describe('distance ordering the triplets; null: framework.recon_loss'),
    overlap_num: z.int().positive().default(512).describe('triplets drawn per batch (at most batch³)'),
    overlap_mine_ratio: z.number().min(0).max(1).default(0.1).describe('fraction of overlap_num the top-k mining modes keep'),
    overlap_mine_triplet_mode: z.string().regex(MINING_SPEC).default('none')
      .describe(`${MINING_MODES.join(', ')}, or ran:mode1+mode2 to pick one per step`),
    overlap_seed: z.int().nonnegative().default(0).describe('seed of the triplet draws'),
  }),
  create: (model, common, settings) => new OverlapTripletVae(model, common, settings),
});
