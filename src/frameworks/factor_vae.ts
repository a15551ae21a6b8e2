// FactorVAE (Kim & Mnih 2018, "Disentangling by Factorising") as disentanglement_lib's `FactorVAE`
// (methods/unsupervised/vae.py): loss = recon + KL + gamma * TC, where the total correlation
// KL(q(z) || prod_j q(z_j)) is estimated by a discriminator's density ratio,
// TC = mean_b(logit_0(z_b) - logit_1(z_b)), logit 0 meaning "drawn from q(z)" and logit 1 "drawn
// from the product of marginals". The discriminator minimises the cross-entropy
// -(½ mean log p_0(z) + ½ mean log p_1(shuffle(z))), where shuffle permutes every dimension
// independently across the batch (`shuffle_codes`), with its own Adam (the library's
// unsupervised_study_v1 shared.gin: lr 1e-4, beta1 0.5, beta2 0.9, eps 1e-8).
//
// The library computes both updates from one forward pass: the VAE's gradient (through the
// discriminator, whose variables it does not update) and the discriminator's on the same sampled
// z, taken as a constant. We match that: the regularizer keeps the step's sampled z, detached, and
// `afterStep` trains the discriminator on it (its variables were untouched by the VAE's update).
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { Discriminator } from '../nn/discriminator.js';
import type { EncoderDecoder } from '../nn/model.js';
import { Adam, type AdamSettings } from '../train/adam.js';
import { Rng } from '../util/random.js';
import { Framework, type Forward, type FrameworkSettings, type TrainingBatch, type Terms } from './base.js';
import { defineFramework } from './definition.js';

/** z with each column permuted independently across the batch: samples of prod_j q(z_j). */
export function shuffleCodes(codes: tf.Tensor2D, rng: Rng): tf.Tensor2D {
  const [batch, zDim] = codes.shape;
  const values = codes.dataSync();
  const shuffled = new Float32Array(values.length);
  for (let d = 0; d < zDim; d++) {
    const order = rng.shuffle(Array.from({ length: batch }, (_, i) => i));
    for (let b = 0; b < batch; b++) shuffled[b * zDim + d] = values[order[b] * zDim + d];
  }
  return tf.tensor2d(shuffled, [batch, zDim]);
}

/** The density-ratio estimate of the total correlation from the discriminator's logits of q(z) samples. */
export function totalCorrelation(logits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const [real, permuted] = tf.split(logits, 2, 1);
    return tf.mean(tf.sub(real, permuted));
  });
}

/** The discriminator's cross-entropy: class 0 for codes of q(z), class 1 for shuffled codes. */
export function discriminatorLoss(logitsOfCodes: tf.Tensor2D, logitsOfShuffled: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    // log-softmax rather than log(softmax): the same value without log(0) once the classes separate.
    const real = tf.mean(tf.slice(tf.logSoftmax(logitsOfCodes), [0, 0], [-1, 1]));
    const permuted = tf.mean(tf.slice(tf.logSoftmax(logitsOfShuffled), [0, 1], [-1, 1]));
    return tf.neg(tf.add(tf.mul(0.5, real), tf.mul(0.5, permuted))) as tf.Scalar;
  });
}

export class FactorVae extends Framework {
  readonly discriminatorOptimizer: Adam;
  /** The last forward pass's sampled z, detached, waiting for the discriminator's update. */
  private codes?: tf.Tensor2D;

  constructor(model: EncoderDecoder, settings: FrameworkSettings, readonly gamma: number,
    readonly discriminator: Discriminator, discriminatorOptimizer: AdamSettings) {
    super(model, settings);
    this.discriminatorOptimizer = new Adam(discriminatorOptimizer);
  }

  protected regularizer({ qz: [q], z: [sampled], step }: Forward): Terms {
    this.codes?.dispose();
    this.codes = tf.keep(tf.clone(sampled));
    const kl = this.kl(q);
    const tc = totalCorrelation(this.discriminator.logits(sampled));
    return { loss: tf.add(kl, tf.mul(this.hyper('gamma', this.gamma, step), tc)) as tf.Scalar, logged: { kl, tc } };
  }

  protected override afterStep(_batch: TrainingBatch, rng: Rng): Record<string, number> {
    const codes = this.codes;
    this.codes = undefined;
    if (!codes) return {};
    try {
      return { discriminator_loss: this.trainDiscriminator(codes, rng) };
    } finally {
      codes.dispose();
    }
  }

  /** One Adam step of the discriminator on `codes` against their shuffle; returns its loss before the step. */
  trainDiscriminator(codes: tf.Tensor2D, rng: Rng): number {
    const shuffled = shuffleCodes(codes, rng);
    const { value, grads } = tf.variableGrads(
      () => discriminatorLoss(this.discriminator.logits(codes), this.discriminator.logits(shuffled)),
      [...this.discriminator.params.values()]);
    this.discriminatorOptimizer.apply(this.discriminator.params, grads);
    const loss = value.dataSync()[0];
    tf.dispose([shuffled, value, ...Object.values(grads)]);
    return loss;
  }

  override extraParams(): ReadonlyMap<string, tf.Variable> {
    return this.discriminator.params;
  }

  override optimizers(): ReadonlyMap<string, Adam> {
    return new Map([['model', this.optimizer], ['discriminator', this.discriminatorOptimizer]]);
  }

  override dispose(): void {
    this.codes?.dispose();
    super.dispose();
  }
}

const DISCRIMINATOR_ADAM_EPSILON = 1e-8;

export const factorVae = defineFramework({
  description: 'FactorVAE (Kim & Mnih 2018): reconstruction + KL + gamma * TC, TC from a discriminator of permuted codes',
  settings: z.strictObject({
    // The library has no default (gin.REQUIRED); unsupervised_study_v1 sweeps 10..100 and 10 is its first value.
    gamma: z.number().nonnegative().default(10).describe('weight of the total correlation estimate'),
    discriminator_lr: z.number().positive().default(1e-4).describe('learning rate of the discriminator\'s Adam'),
    discriminator_adam_beta1: z.number().min(0).max(1).default(0.5).describe('beta1 of the discriminator\'s Adam'),
    discriminator_adam_beta2: z.number().min(0).max(1).default(0.9).describe('beta2 of the discriminator\'s Adam'),
  }),
  create: (model, common, settings, rng) => new FactorVae(model, common, settings.gamma,
    new Discriminator(model.zDim, rng),
    { lr: settings.discriminator_lr, beta1: settings.discriminator_adam_beta1, beta2: settings.discriminator_adam_beta2, epsilon: DISCRIMINATOR_ADAM_EPSILON }),
});
