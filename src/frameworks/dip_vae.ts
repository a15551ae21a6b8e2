// DIP-VAE (Kumar et al. 2018, "Variational Inference of Disentangled Latent Concepts from
// Unlabeled Observations", eqs. 6 and 7): the ELBO plus a penalty pushing a covariance of the
// aggregate posterior towards the identity,
//   loss = recon + KL + lambda_od * sum_{i != j} C_ij^2 + lambda_d * sum_i (C_ii - 1)^2,
// with C = Cov_x[mu(x)] (DIP-VAE-I) or E_x[diag exp(logvar(x))] + Cov_x[mu(x)] (DIP-VAE-II), the
// covariance taken over the batch with divisor batch size, and lambda_d = lambda_d_factor *
// lambda_od, as disentanglement_lib's `DIPVAE` (methods/unsupervised/vae.py). Its study
// (config/unsupervised_study_v1/sweep.py) fixes lambda_d_factor = 10 for I and 1 for II and sweeps
// lambda_od over 1..50; 10 is our default. (disent's DipVae adds E[var] as one scalar to every
// entry of C in mode ii; we take disentanglement_lib's diagonal.)
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { EncoderDecoder, Posterior } from '../nn/model.js';
import { Framework, meanOverViews, type Forward, type FrameworkSettings, type Terms } from './base.js';
import { defineFramework } from './definition.js';

export type DipType = 'i' | 'ii';

export interface DipSettings {
  lambda_od: number;
  lambda_d_factor: number;
}

/** The covariance DIP-VAE regularizes, [zDim, zDim]. */
export function dipCovariance({ mu, logvar }: Posterior, type: DipType): tf.Tensor2D {
  return tf.tidy(() => {
    const centred = tf.sub(mu, tf.mean(mu, 0, true));
    const covMean = tf.div(tf.matMul(centred, centred, true, false), mu.shape[0]) as tf.Tensor2D;
    if (type === 'i') return covMean;
    // eye * row places E[var] on the diagonal; tf.diag has no gradient.
    return tf.add(covMean, tf.mul(tf.eye(mu.shape[1]), tf.mean(tf.exp(logvar), 0))) as tf.Tensor2D;
  });
}

/** lambda_od * (sum of squared off-diagonal entries) + lambda_d * (sum of squared diagonal deviations from 1). */
export function dipPenalty(cov: tf.Tensor2D, lambdaOd: number, lambdaD: number): tf.Scalar {
  return tf.tidy(() => {
    const eye = tf.eye(cov.shape[0]);
    const offDiagonal = tf.sum(tf.square(tf.mul(cov, tf.sub(1, eye))));
    const diagonal = tf.sum(tf.square(tf.mul(tf.sub(cov, 1), eye)));
    return tf.add(tf.mul(lambdaOd, offDiagonal), tf.mul(lambdaD, diagonal));
  });
}

export class DipVae extends Framework {
  constructor(model: EncoderDecoder, settings: FrameworkSettings, readonly type: DipType, readonly dip: DipSettings) {
    super(model, settings);
  }

  protected regularizer({ qz, step }: Forward): Terms {
    const lambdaOd = this.hyper('lambda_od', this.dip.lambda_od, step);
    const kl = meanOverViews(qz, this.kl);
    const dip = meanOverViews(qz, (q) => dipPenalty(dipCovariance(q, this.type), lambdaOd, this.dip.lambda_d_factor * lambdaOd));
    return { loss: tf.add(kl, dip) as tf.Scalar, logged: { kl, dip } };
  }
}

function dipSettings(lambdaDFactor: number) {
  return z.strictObject({
    lambda_od: z.number().nonnegative().default(10).describe('weight of the off-diagonal covariance penalty'),
    lambda_d_factor: z.number().nonnegative().default(lambdaDFactor).describe('weight of the diagonal penalty, as a multiple of lambda_od'),
  });
}

export const dipVaeI = defineFramework({
  description: 'DIP-VAE-I (Kumar et al. 2018): reconstruction + KL + penalty on Cov[mu] away from the identity',
  settings: dipSettings(10),
  create: (model, common, settings) => new DipVae(model, common, 'i', settings),
});

export const dipVaeIi = defineFramework({
  description: 'DIP-VAE-II (Kumar et al. 2018): reconstruction + KL + penalty on E[Cov] + Cov[mu] away from the identity',
  settings: dipSettings(1),
  create: (model, common, settings) => new DipVae(model, common, 'ii', settings),
});
