// InfoVAE (Zhao et al. 2019, "InfoVAE: Balancing Learning and Inference in Variational
// Autoencoders"), as disent's `InfoVae` (disent/frameworks/vae/_unsupervised__infovae.py): the
// KL weighted by (1 - alpha) plus the maximum mean discrepancy between the sampled codes and as
// many samples of the prior N(0, I), weighted by (alpha + lambda - 1). The MMD uses the RBF kernel
// k(a, b) = exp(-|a - b|^2 / (2 z_var zDim)) with unbiased means of k(p, p) and k(q, q) (diagonal
// left out) and the plain mean of k(p, q). disent reduces every term by its mean and rescales the
// regularizers by zDim / (C H W) to keep the original summed ratios; in our summed reductions that
// same loss is recon + (1 - alpha) * KL + (alpha + lambda - 1) * zDim * MMD.
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { EncoderDecoder } from '../nn/model.js';
import { Framework, type Forward, type FrameworkSettings, type Terms } from './base.js';
import { defineFramework } from './definition.js';

export interface InfoSettings {
  alpha: number;
  lambda: number;
  z_var: number;
}

/** The mean of a [n, n] kernel matrix, leaving its diagonal (each sample against itself) out when `unbiased`. */
function kernelMean(kernel: tf.Tensor2D, unbiased: boolean): tf.Scalar {
  const n = kernel.shape[0];
  if (!unbiased) return tf.mean(kernel);
  return tf.div(tf.sub(tf.sum(kernel), tf.sum(tf.mul(kernel, tf.eye(n)))), n * (n - 1));
}

function rbfKernel(a: tf.Tensor2D, b: tf.Tensor2D, zVar: number): tf.Tensor2D {
  // Not tf.squaredDifference: its gradient does not reduce over broadcast axes.
  const squaredDistance = tf.sum(tf.square(tf.sub(tf.expandDims(a, 1), tf.expandDims(b, 0))), 2);
  return tf.exp(tf.div(tf.neg(squaredDistance), 2 * zVar * a.shape[1])) as tf.Tensor2D;
}

/** MMD^2 between posterior samples `zq` and prior samples `zp`, both [batch, zDim]. */
export function mmd(zq: tf.Tensor2D, zp: tf.Tensor2D, zVar: number): tf.Scalar {
  return tf.tidy(() => {
    const pp = kernelMean(rbfKernel(zp, zp, zVar), true);
    const pq = kernelMean(rbfKernel(zp, zq, zVar), false);
    const qq = kernelMean(rbfKernel(zq, zq, zVar), true);
    return tf.add(tf.sub(pp, tf.mul(2, pq)), qq);
  });
}

export class InfoVae extends Framework {
  constructor(model: EncoderDecoder, settings: FrameworkSettings, readonly info: InfoSettings) {
    super(model, settings);
  }

  protected regularizer({ qz: [q], z: [sampled], rng, step }: Forward): Terms {
    if (!rng) throw new Error('InfoVAE draws its prior samples from the step\'s Rng: pass one to lossTerms');
    const { alpha, lambda, z_var } = this.info;
    const prior = tf.tensor2d(Float32Array.from({ length: sampled.size }, () => rng.normal()), sampled.shape);
    const kl = this.kl(q);
    const discrepancy = mmd(sampled, prior, z_var);
    const mmdWeight = (alpha + this.hyper('lambda', lambda, step) - 1) * sampled.shape[1];
    const loss = tf.add(tf.mul(1 - alpha, kl), tf.mul(mmdWeight, discrepancy)) as tf.Scalar;
    return { loss, logged: { kl, mmd: discrepancy } };
  }
}

export const infoVae = defineFramework({
  description: 'InfoVAE (Zhao et al. 2019): reconstruction + (1 - alpha) * KL + (alpha + lambda - 1) * zDim * MMD to the prior',
  settings: z.strictObject({
    alpha: z.number().nonpositive().default(-0.5).describe('InfoVAE alpha (<= 0): the KL weighs 1 - alpha'),
    lambda: z.number().default(5).describe('InfoVAE lambda: the MMD weighs (alpha + lambda - 1) * z_dim'),
    z_var: z.number().positive().default(2).describe('RBF kernel bandwidth: k(a, b) = exp(-|a - b|^2 / (2 z_var z_dim))'),
  }),
  create: (model, common, settings) => new InfoVae(model, common, settings),
});
