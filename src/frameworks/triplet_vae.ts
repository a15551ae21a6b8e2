// Triplet VAE (disent/frameworks/vae/_supervised__tvae.py): a beta-VAE on (anchor, positive,
// negative) triplets whose posterior means are also trained by a triplet loss (src/nn/triplet.ts):
//   loss = mean over the 3 views of (recon + beta * KL) + triplet(mu_a, mu_p, mu_n).
// Defaults: disent's `tvae` config (margin_min 0.001, margin_max 1, scale 0.1, p 1), not the class's
// (0.1, 10, 100, 2). disent reduces recon and KL by their mean; here both are summed per example,
// so beta defaults to 4, the value disent's BetaVae notes its class default 0.003 stands for.
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { EncoderDecoder, Posterior } from '../nn/model.js';
import { TRIPLET_LOSSES, tripletLoss, type TripletSettings } from '../nn/triplet.js';
import { Framework, meanOverViews, type Forward, type FrameworkSettings, type Terms } from './base.js';
import { defineFramework } from './definition.js';

export interface TripletVaeSettings extends TripletSettings {
  beta: number;
}

/** Anchors', positives' and negatives' posteriors and samples, each [triplets, zDim]. */
export interface Triplets {
  q: [Posterior, Posterior, Posterior];
  z: [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
}

/** The Triplet VAE's hyperparameters with disent's `tvae` config defaults, shared by the Ada-TVAEs. */
export const tripletVaeShape = {
  beta: z.number().nonnegative().default(4).describe('weight of the KL term'),
  triplet_loss: z.enum(TRIPLET_LOSSES).default('triplet').describe('which triplet loss (disent/nn/loss/triplet.py)'),
  triplet_margin_min: z.number().nonnegative().default(0.001).describe('lower clamp of the positive distance (the clamped losses)'),
  triplet_margin_max: z.number().positive().default(1).describe('margin of the triplet loss'),
  triplet_scale: z.number().nonnegative().default(0.1).describe('weight of the triplet loss'),
  triplet_p: z.number().min(1).default(1).describe('p of the p-norm distance between means'),
};

export class TripletVae<S extends TripletVaeSettings = TripletVaeSettings> extends Framework {
  override readonly views: number = 3;

  constructor(model: EncoderDecoder, settings: FrameworkSettings, readonly hyperparameters: S) {
    super(model, settings);
  }

  /** The hyperparameters at `step`: every number through its schedule, as disent schedules any cfg value. */
  protected at(step: number): S {
    return Object.fromEntries(Object.entries(this.hyperparameters).map(([name, value]) =>
      [name, typeof value === 'number' ? this.hyper(name, value, step) : value])) as S;
  }

  /** The triplets the triplet loss compares: here the three views of each sample. */
  protected triplets(f: Forward, _s: S): Triplets {
    return { q: f.qz as Triplets['q'], z: f.z as Triplets['z'] };
  }

  protected tripletTerms({ q: [a, p, n] }: Triplets, s: S): Terms {
    const triplet = tripletLoss(a.mu, p.mu, n.mu, s);
    return { loss: triplet, logged: { triplet } };
  }

  protected regularizer(f: Forward): Terms {
    const s = this.at(f.step);
    const kl = meanOverViews(f.qz, this.kl);
    const triplet = this.tripletTerms(this.triplets(f, s), s);
    return { loss: tf.add(tf.mul(s.beta, kl), triplet.loss) as tf.Scalar, logged: { kl, ...triplet.logged } };
  }
}

export const tripletVae = defineFramework({
  description: 'Triplet VAE (disent): beta-VAE on triplets + a triplet loss on the posterior means',
  settings: z.strictObject(tripletVaeShape),
  create: (model, common, settings) => new TripletVae(model, common, settings),
});
