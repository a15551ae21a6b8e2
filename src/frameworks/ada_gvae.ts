// Ada-GVAE as disent's `AdaVae` (disent/frameworks/vae/_weaklysupervised__adavae.py, config
// `adavae_os`; Locatello et al. 2020 with disent's options): for each pair and latent dimension a
// difference delta between the two posteriors q_0, q_1 (`ada_thresh_mode`):
//   kl            KL(q_1 || q_0)
//   symmetric_kl  ½ KL(q_1 || q_0) + ½ KL(q_0 || q_1)   (disent's default)
//   dist          |mu_1 - mu_0|
//   sampled_dist  |z_1 - z_0| with fresh samples of both posteriors
// a threshold per pair tau = min delta + ratio (max delta - min delta), and the dimensions with
// delta < tau are shared: replaced in both posteriors by the pair's average (`ada_average_mode`
// gvae or ml-vae, the same averages as disentanglement_lib's GroupVAE / ML-VAE). The loss is
// beta-VAE's averaged over the two observations.
// Unlike disentanglement_lib's binning (group_vae.ts), a pair whose deltas are all equal shares
// nothing here (delta < tau never holds).
// disent v0.4.0, which the MSc thesis used, computed the gvae average mean as ½(mu_1 + mu_1) = mu_1
// (fixed in disent by "fix Ada-GVAE averaging #32"); `reproduce_v040_mean_bug` keeps that bug.
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { gaussianKlPerDimension } from '../nn/losses.js';
import type { EncoderDecoder, Posterior } from '../nn/model.js';
import type { Rng } from '../util/random.js';
import { Framework, meanOverViews, type Forward, type FrameworkSettings, type Terms } from './base.js';
import { defineFramework } from './definition.js';
import { averagePosterior, shareDimensions, withoutGradient, type Averaging } from './group_vae.js';

export type ThresholdMode = 'kl' | 'symmetric_kl' | 'dist' | 'sampled_dist';

export interface AdaSettings {
  beta: number;
  ada_average_mode: Averaging;
  ada_thresh_mode: ThresholdMode;
  ada_thresh_ratio: number;
  reproduce_v040_mean_bug: boolean;
}

function sample({ mu, logvar }: Posterior, rng: Rng): tf.Tensor2D {
  const eps = tf.tensor2d(Float32Array.from({ length: mu.size }, () => rng.normal()), mu.shape);
  return tf.add(mu, tf.mul(eps, tf.exp(tf.mul(0.5, logvar))));
}

/** The per-dimension difference between a pair's posteriors; `rng` only for `sampled_dist`. */
export function posteriorDeltas(mode: ThresholdMode, q0: Posterior, q1: Posterior, rng?: Rng): tf.Tensor2D {
  return tf.tidy(() => {
    switch (mode) {
      case 'kl': return gaussianKlPerDimension(q1, q0);
      case 'symmetric_kl': return tf.mul(0.5, tf.add(gaussianKlPerDimension(q1, q0), gaussianKlPerDimension(q0, q1)));
      case 'dist': return tf.abs(tf.sub(q1.mu, q0.mu));
      case 'sampled_dist': {
        if (!rng) throw new Error('ada_thresh_mode sampled_dist draws from the step\'s Rng: pass one to lossTerms');
        return tf.abs(tf.sub(sample(q1, rng), sample(q0, rng)));
      }
    }
  }) as tf.Tensor2D;
}

/** Dimensions whose delta lies below min + ratio (max - min) of its pair's deltas. */
export function adaptiveSharedMask(deltas: tf.Tensor2D, ratio: number): tf.Tensor2D {
  return tf.tidy(() => {
    const low = tf.min(deltas, 1, true);
    const threshold = tf.add(low, tf.mul(ratio, tf.sub(tf.max(deltas, 1, true), low)));
    return tf.less(deltas, threshold);
  }) as tf.Tensor2D;
}

/** The pair's average posterior, with disent v0.4.0's gvae mean (the second view's) when `v040MeanBug`. */
export function adaAverage(mode: Averaging, q0: Posterior, q1: Posterior, v040MeanBug: boolean): Posterior {
  const average = averagePosterior(mode, q0, q1);
  if (mode !== 'gvae' || !v040MeanBug) return average;
  average.mu.dispose();
  return { mu: q1.mu, logvar: average.logvar };
}

export class AdaGvae extends Framework {
  override readonly views = 2;
  /** Shared dimensions per pair of the current forward pass, for the log (as disent logs it). */
  private sharedDims?: tf.Scalar;

  constructor(model: EncoderDecoder, settings: FrameworkSettings, readonly ada: AdaSettings) {
    super(model, settings);
  }

  protected override aggregate(q: Posterior[], step: number, _labels?: Int32Array, rng?: Rng): Posterior[] {
    const [q0, q1] = q;
    const { ada_thresh_mode, ada_thresh_ratio, ada_average_mode, reproduce_v040_mean_bug } = this.ada;
    const ratio = this.hyper('ada_thresh_ratio', ada_thresh_ratio, step);
    const shared = withoutGradient((mu0, logvar0, mu1, logvar1) => adaptiveSharedMask(
      posteriorDeltas(ada_thresh_mode, { mu: mu0, logvar: logvar0 } as Posterior, { mu: mu1, logvar: logvar1 } as Posterior, rng), ratio),
    q0.mu, q0.logvar, q1.mu, q1.logvar);
    this.sharedDims = tf.mean(tf.sum(tf.cast(shared, 'float32'), 1));
    return shareDimensions(q, adaAverage(ada_average_mode, q0, q1, reproduce_v040_mean_bug), shared);
  }

  protected regularizer({ qz, step }: Forward): Terms {
    const kl = meanOverViews(qz, this.kl);
    const logged: Record<string, tf.Scalar> = this.sharedDims ? { kl, shared: this.sharedDims } : { kl };
    this.sharedDims = undefined;
    return { loss: tf.mul(this.hyper('beta', this.ada.beta, step), kl) as tf.Scalar, logged };
  }
}

export const adaGvae = defineFramework({
  description: 'Ada-GVAE (Locatello et al. 2020, disent\'s AdaVae): weak pairs, latents with small posterior differences averaged',
  settings: z.strictObject({
    // disent's class default is 0.003 under its mean reductions, about 1 in our summed ones.
    beta: z.number().nonnegative().default(1).describe('weight of the KL term'),
    ada_average_mode: z.enum(['gvae', 'ml-vae']).default('gvae').describe('average of shared latents: arithmetic (gvae) or product of Gaussians (ml-vae)'),
    ada_thresh_mode: z.enum(['kl', 'symmetric_kl', 'dist', 'sampled_dist']).default('symmetric_kl').describe('difference between the pair\'s posteriors per latent'),
    ada_thresh_ratio: z.number().min(0).max(1).default(0.5).describe('threshold = min + ratio * (max - min) of a pair\'s differences'),
    reproduce_v040_mean_bug: z.boolean().default(true).describe('disent v0.4.0\'s gvae average mean = the second view\'s mean, as in the MSc thesis'),
  }),
  create: (model, common, settings) => new AdaGvae(model, common, settings),
});
