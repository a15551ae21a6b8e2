// disentanglement_lib's weakly supervised VAEs (Locatello et al. 2020, "Weakly-Supervised
// Disentanglement Without Compromises"; methods/weak/weak_vae.py). Each sample is a pair of
// observations sharing all but some factors; both are encoded, the latent dimensions judged
// shared are replaced in both posteriors by one average posterior of the pair, and the loss is
// beta-VAE's on the aggregated posteriors, averaged (not summed) over the two observations:
// ½(recon_1 + recon_2) + beta * ½(KL_1 + KL_2), the base's mean over views.
// Average posterior:
//  * GroupVAE (Hosoya 2019): mean ½(mu_1 + mu_2), variance ½(var_1 + var_2);
//  * ML-VAE (Bouchacourt et al. 2018): the product of the Gaussians, variance
//    2 var_1 var_2 / (var_1 + var_2), mean (mu_1/var_1 + mu_2/var_2) * variance / 2.
// Which dimensions are shared (`aggregate_labels` / `aggregate_argmax`):
//  * label: every dimension but the one indexed by the pair's label (the changed factor), so
//    latent d is bound to factor d; a label >= z_dim marks no dimension, and nothing is averaged.
//  * argmax (Ada-GVAE's adaptive k): with delta = 2 KL(q_1 || q_2) per dimension, the dimensions
//    in the upper half of [min delta, max delta] (histogram bin 1 of 2) keep their own posterior,
//    the rest are averaged; when all deltas are equal (0/0 in the binning) every one is averaged.
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { EncoderDecoder, Posterior } from '../nn/model.js';
import { Framework, meanOverViews, type Forward, type FrameworkSettings, type Terms } from './base.js';
import { defineFramework } from './definition.js';

export type Averaging = 'gvae' | 'ml-vae';
export type Aggregation = 'label' | 'argmax';

/** The one posterior that replaces both of a pair's on their shared dimensions. */
export function averagePosterior(mode: Averaging, a: Posterior, b: Posterior): Posterior {
  return tf.tidy(() => {
    const [varA, varB] = [tf.exp(a.logvar), tf.exp(b.logvar)];
    if (mode === 'gvae') {
      return { mu: tf.mul(0.5, tf.add(a.mu, b.mu)), logvar: tf.log(tf.mul(0.5, tf.add(varA, varB))) };
    }
    const variance = tf.div(tf.mul(2, tf.mul(varA, varB)), tf.add(varA, varB));
    const mu = tf.mul(tf.mul(tf.add(tf.div(a.mu, varA), tf.div(b.mu, varB)), variance), 0.5);
    return { mu, logvar: tf.log(variance) };
  }) as Posterior;
}

/** Each posterior with its `shared` dimensions ([batch, zDim] booleans) taken from `average`. */
export function shareDimensions(q: Posterior[], average: Posterior, shared: tf.Tensor2D): Posterior[] {
  return q.map(({ mu, logvar }) => ({
    mu: tf.where(shared, average.mu, mu),
    logvar: tf.where(shared, average.logvar, logvar),
  }));
}

/** `aggregate_labels`: all dimensions but the label's are shared. */
export function labelSharedMask(labels: Int32Array, zDim: number): tf.Tensor2D {
  const shared = new Uint8Array(labels.length * zDim);
  labels.forEach((label, b) => {
    if (label >= zDim) return;
    for (let d = 0; d < zDim; d++) shared[b * zDim + d] = d === label ? 0 : 1;
  });
  return tf.tensor2d(shared, [labels.length, zDim], 'bool');
}

/**
 * `compute(...inputs)` as a constant of the graph: nothing is recorded for backprop inside it, and
 * no gradient flows back to `inputs`. For masks, whose comparisons tfjs cannot differentiate.
 */
export function withoutGradient<T extends tf.Tensor>(compute: (...inputs: tf.Tensor[]) => T, ...inputs: tf.Tensor[]): T {
  const constant = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.tidy(() => compute(...(args.slice(0, inputs.length) as tf.Tensor[]))),
    gradFunc: () => inputs.map((x) => tf.zerosLike(x)),
  }));
  return constant(...inputs) as T;
}

/** `aggregate_argmax`: dimensions whose 2 KL(a || b) is below the midpoint of the pair's range are shared. */
export function argmaxSharedMask(a: Posterior, b: Posterior): tf.Tensor2D {
  return withoutGradient((muA, logvarA, muB, logvarB) => {
    const [varA, varB] = [tf.exp(logvarA), tf.exp(logvarB)];
    const delta = tf.add(tf.sub(tf.add(tf.div(varA, varB), tf.div(tf.squaredDifference(muB, muA), varB)), 1), tf.sub(logvarB, logvarA));
    const low = tf.min(delta, 1, true);
    const scaled = tf.div(tf.sub(delta, low), tf.sub(tf.max(delta, 1, true), low));
    // Bin 1 of tf.histogram_fixed_width_bins(nbins=2) is scaled >= ½; NaN (equal deltas) falls outside it.
    return tf.logicalNot(tf.greaterEqual(scaled, 0.5)) as tf.Tensor2D;
  }, a.mu, a.logvar, b.mu, b.logvar);
}

export class GroupVae extends Framework {
  override readonly views = 2;

  constructor(model: EncoderDecoder, settings: FrameworkSettings, readonly beta: number,
    readonly averaging: Averaging, readonly aggregation: Aggregation) {
    super(model, settings);
  }

  protected override aggregate(q: Posterior[], _step: number, labels?: Int32Array): Posterior[] {
    const [a, b] = q;
    if (this.aggregation === 'label' && !labels) throw new Error('label aggregation needs the weak_pair sampler\'s labels (sampling.mode: weak_pair)');
    const shared = this.aggregation === 'label' ? labelSharedMask(labels as Int32Array, this.model.zDim) : argmaxSharedMask(a, b);
    return shareDimensions(q, averagePosterior(this.averaging, a, b), shared);
  }

  protected regularizer({ qz, step }: Forward): Terms {
    const kl = meanOverViews(qz, this.kl);
    return { loss: tf.mul(this.hyper('beta', this.beta, step), kl) as tf.Scalar, logged: { kl } };
  }
}

function weakVae(description: string, averaging: Averaging, aggregation: Aggregation) {
  return defineFramework({
    description,
    // The library has no default beta (gin.REQUIRED); its weakly supervised test config uses 1.
    settings: z.strictObject({ beta: z.number().nonnegative().default(1).describe('weight of the KL term') }),
    create: (model, common, { beta }) => new GroupVae(model, common, beta, averaging, aggregation),
  });
}

export const groupVaeLabel = weakVae('GroupVAE (Hosoya 2019), weak pairs: all latents but the changed factor\'s are averaged (arithmetic mean)', 'gvae', 'label');
export const groupVaeArgmax = weakVae('GroupVAE with adaptive k (Locatello et al. 2020, Ada-GVAE): latents of small KL between the pair are averaged (arithmetic mean)', 'gvae', 'argmax');
export const mlVaeLabel = weakVae('ML-VAE (Bouchacourt et al. 2018), weak pairs: all latents but the changed factor\'s take the product of the pair\'s posteriors', 'ml-vae', 'label');
export const mlVaeArgmax = weakVae('ML-VAE with adaptive k (Locatello et al. 2020, Ada-ML-VAE): latents of small KL between the pair take the product of posteriors', 'ml-vae', 'argmax');
