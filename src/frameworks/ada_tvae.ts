// Ada-TVAE, supervised (Michlo 2022, class AdaNegTripletVae in msc-research
// research/code/frameworks/vae/_supervised__adaneg_tvae.py, also disent's
// disent/frameworks/vae/_supervised__adaneg_tvae.py): the Triplet VAE whose triplet loss sees
// the anchor-negative difference shrunk on the latents the model already treats as shared:
//   delta_i = difference of q_a and q_n in latent i (ada_thresh_mode, as Ada-GVAE's),
//   shared_i  <=>  delta_i < lerp(min delta, max delta, ada_thresh_ratio)   (per triplet),
//   loss_ada = dist_triplet(mu_a - mu_p, where(shared, share_scale * (mu_a - mu_n), mu_a - mu_n)).
// Scaling the shared part of a-n down makes the loss push the differing factors apart along few
// axes (axis alignment). ada_thresh_ratio and adat_triplet_share_scale are meant to be scheduled
// (the adanegtvae_* presets in src/schedules/presets.ts). Defaults: disent's `adanegtvae` config.
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { gaussianKlPerDimension } from '../nn/losses.js';
import type { Posterior } from '../nn/model.js';
import { distTripletLoss, tripletLoss } from '../nn/triplet.js';
import type { Terms } from './base.js';
import { defineFramework } from './definition.js';
import { TripletVae, tripletVaeShape, type Triplets, type TripletVaeSettings } from './triplet_vae.js';

export const ADA_THRESH_MODES = ['kl', 'symmetric_kl', 'dist', 'sampled_dist'] as const;
export type AdaThreshMode = (typeof ADA_THRESH_MODES)[number];

export interface AdaTripletVaeSettings extends TripletVaeSettings {
  ada_thresh_mode: AdaThreshMode;
  ada_thresh_ratio: number;
  adat_triplet_share_scale: number;
}

/**
 * How much two posteriors differ in each latent (disent's AdaVae deltas, q0 first): 'sampled_dist'
 * compares the step's reparameterised samples rather than fresh ones.
 */
export function latentDeltas(mode: AdaThreshMode, q0: Posterior, q1: Posterior, z0: tf.Tensor2D, z1: tf.Tensor2D): tf.Tensor2D {
  switch (mode) {
    case 'kl': return gaussianKlPerDimension(q1, q0);
    case 'symmetric_kl': return tf.mul(0.5, tf.add(gaussianKlPerDimension(q1, q0), gaussianKlPerDimension(q0, q1))) as tf.Tensor2D;
    case 'dist': return tf.abs(tf.sub(q1.mu, q0.mu)) as tf.Tensor2D;
    case 'sampled_dist': return tf.abs(tf.sub(z1, z0)) as tf.Tensor2D;
  }
}

/**
 * 1 for the latents whose delta lies below lerp(min, max, ratio) of their row (shared by the
 * pair), else 0: a float mask from tf.step, as tfjs cannot differentiate through a comparison.
 */
export function sharedMask(deltas: tf.Tensor2D, ratio: number): tf.Tensor2D {
  const low = tf.min(deltas, 1, true);
  const threshold = tf.add(low, tf.mul(ratio, tf.sub(tf.max(deltas, 1, true), low)));
  return tf.step(tf.sub(threshold, deltas)) as tf.Tensor2D;
}

export class AdaTripletVae<S extends AdaTripletVaeSettings = AdaTripletVaeSettings> extends TripletVae<S> {
  protected override tripletTerms({ q: [a, p, n], z: [za, zp, zn] }: Triplets, s: S): Terms {
    const shared = (q0: Posterior, q1: Posterior, z0: tf.Tensor2D, z1: tf.Tensor2D) =>
      sharedMask(latentDeltas(s.ada_thresh_mode, q0, q1, z0, z1), s.ada_thresh_ratio);
    const anShared = shared(a, n, za, zn);
    // share_scale on the shared latents, 1 on the others.
    const negScale = tf.add(1, tf.mul(s.adat_triplet_share_scale - 1, anShared));
    const ada = distTripletLoss(tf.sub(a.mu, p.mu), tf.mul(negScale, tf.sub(a.mu, n.mu)) as tf.Tensor2D, s);
    const sharedCount = (mask: tf.Tensor2D) => tf.mean(tf.sum(mask, 1)) as tf.Scalar;
    return {
      loss: ada,
      logged: {
        ada_triplet: ada,
        triplet: tripletLoss(a.mu, p.mu, n.mu, s),
        an_shared: sharedCount(anShared),
        ap_shared: sharedCount(shared(a, p, za, zp)),
        pn_shared: sharedCount(shared(p, n, zp, zn)),
      },
    };
  }
}

/** The AdaNeg hyperparameters with disent's `adanegtvae` config defaults, shared with the unsupervised Ada-TVAE. */
export const adaTripletVaeShape = {
  ...tripletVaeShape,
  ada_thresh_mode: z.enum(ADA_THRESH_MODES).default('dist').describe('how latents of anchor and negative are compared'),
  ada_thresh_ratio: z.number().min(0).max(1).default(0.5).describe('shared below lerp(min, max, ratio) of the deltas'),
  adat_triplet_share_scale: z.number().nonnegative().default(0.95).describe('factor on the shared part of anchor - negative'),
};

export const adaTripletVae = defineFramework({
  description: 'Ada-TVAE (Michlo 2022, AdaNegTripletVae): Triplet VAE with the shared part of anchor-negative scaled down',
  settings: z.strictObject(adaTripletVaeShape),
  create: (model, common, settings) => new AdaTripletVae(model, common, settings),
});
