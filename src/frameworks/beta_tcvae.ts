// beta-TCVAE (Chen et al. 2018, "Isolating Sources of Disentanglement in VAEs", eq. 4 with
// alpha = gamma = 1): the ELBO plus (beta - 1) times the total correlation of the aggregate
// posterior, loss = recon + KL + (beta - 1) * TC, as disentanglement_lib's `BetaTCVAE`
// (methods/unsupervised/vae.py; its study sweeps beta over 1..10, 6 is our default).
// TC = E_j[log q(z_j) - sum_l log q(z_jl)] is estimated on the batch by minibatch-weighted
// sampling: q(z_j) ~ sum_i q(z_j | x_i) and q(z_jl) ~ sum_i q(z_jl | x_i). Both drop their
// log(batch * dataset size) normalisers, so the estimate is the TC less the constant
// (zDim - 1) * log(batch * dataset size), which has no gradient.
// disent's BetaTcVae weights its KL by beta as well; we follow disentanglement_lib.
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { EncoderDecoder, Posterior } from '../nn/model.js';
import { Framework, meanOverViews, type Forward, type FrameworkSettings, type Terms } from './base.js';
import { defineFramework } from './definition.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** The minibatch-weighted-sampling TC estimate of samples `z` ([batch, zDim]) drawn from `q`. */
export function totalCorrelation(z: tf.Tensor2D, { mu, logvar }: Posterior): tf.Scalar {
  return tf.tidy(() => {
    // log q(z_jl | x_i), indexed [j, i, l].
    const diff = tf.sub(tf.expandDims(z, 1), tf.expandDims(mu, 0));
    const logDensity = tf.mul(-0.5, tf.add(tf.add(tf.mul(tf.square(diff), tf.exp(tf.neg(tf.expandDims(logvar, 0)))), tf.expandDims(logvar, 0)), LOG_2PI));
    const logJoint = tf.logSumExp(tf.sum(logDensity, 2), 1);
    const logMarginals = tf.sum(tf.logSumExp(logDensity, 1), 1);
    return tf.mean(tf.sub(logJoint, logMarginals));
  });
}

export class BetaTcVae extends Framework {
  constructor(model: EncoderDecoder, settings: FrameworkSettings, readonly beta: number) {
    super(model, settings);
  }

  protected regularizer({ qz, z, step }: Forward): Terms {
    const kl = meanOverViews(qz, this.kl);
    const tc = meanOverViews(qz, (q, v) => totalCorrelation(z[v], q));
    const loss = tf.add(kl, tf.mul(this.hyper('beta', this.beta, step) - 1, tc)) as tf.Scalar;
    return { loss, logged: { kl, tc } };
  }
}

export const betaTcVae = defineFramework({
  description: 'beta-TCVAE (Chen et al. 2018): reconstruction + KL + (beta - 1) * total correlation',
  settings: z.strictObject({ beta: z.number().nonnegative().default(6).describe('weight of the total correlation, plus one') }),
  create: (model, common, { beta }) => new BetaTcVae(model, common, beta),
});
