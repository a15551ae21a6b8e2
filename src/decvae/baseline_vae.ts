// The β-VAE baseline DecVAE is compared against, as one trainable system (spec decvae.md §11; the
// original's models/autoencoders.py::VAE_1D_FC.vae_loss and the training loop of
// scripts/pre-training/vaes_pretraining.py). Frames of 80 mel values (frame_mel.ts) go through
// FcVaeNets; the loss of a batch of N frames is a sum over frames and dimensions alike:
//   L = Σ (x̂ − x)² + β · KL,  KL = −½ Σ (1 + lv′ − μ² − e^lv′),  lv′ = clamp(log σ², −20, 20);
// the clamp acts in the KL only: the sample z = μ + ε·exp(½ log σ²) uses the unclamped log σ², as
// the original's reparameterize does. In evaluation z = μ. The gradient of that sum is divided by
// N, the number of frames (the original's multiply_grads(1/num_losses), num_losses the frames
// under the attention mask: all of them for SimVowels), so the step follows the mean per-frame
// loss, and the global gradient norm is then clipped at 1. AdamW (lr 1e-4, betas (0.5, 0.999),
// eps 1e-6, decoupled weight decay 1e-4) under the 'linear' schedule with 10000 warm-up steps;
// BatchNorm's running statistics are updated after each optimizer step.
import * as tf from '@tensorflow/tfjs-core';
import { FcVaeNets, FC_VAE_WIDTHS, type FcVaeWidths } from '../nn/fc_vae_nets.js';
import { Adam } from '../train/adam.js';
import { UserError } from '../util/errors.js';
import { Rng, type RngState } from '../util/random.js';
import { gaussianKl, normaliseAndClipGradients } from './loss.js';
import { lrFactor } from './lr_schedule.js';

/** VAE_1D_FC.vae_loss clamps log σ² to ±20 before the KL. */
export const LOGVAR_CLAMP = 20;

export interface BaselineVaeSettings {
  /** vae_beta: the paper sweeps 0, 0.1, 1, 5, 10, 20, 40 (its config's default is 40). */
  beta: number;
  widths: FcVaeWidths;
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  warmupSteps: number;
  /** clip_grad_value: the global gradient norm after the 1/N scaling. */
  maxGradNorm: number;
}

/** The original's SimVowels baseline settings, β apart. */
export const BASELINE_VAE_DEFAULTS: Omit<BaselineVaeSettings, 'beta'> = {
  widths: FC_VAE_WIDTHS, lr: 1e-4, beta1: 0.5, beta2: 0.999, epsilon: 1e-6, weightDecay: 1e-4, warmupSteps: 10000, maxGradNorm: 1,
};

/** The loss of a batch, each a sum over frames and dimensions; `kl` is unweighted. */
export interface BaselineVaeLoss {
  total: tf.Scalar;
  reconstruction: tf.Scalar;
  kl: tf.Scalar;
}

/** Σ (x̂ − x)² + β · KL(N(μ, e^clamp(lv)) ‖ N(0, I)), every term summed over the batch. */
export function baselineVaeLoss(x: tf.Tensor2D, reconstruction: tf.Tensor2D, mu: tf.Tensor2D, logvar: tf.Tensor2D, beta: number): BaselineVaeLoss {
  return tf.tidy(() => {
    const squared = tf.sum(tf.squaredDifference(reconstruction, x)) as tf.Scalar;
    const kl = gaussianKl(mu, tf.clipByValue(logvar, -LOGVAR_CLAMP, LOGVAR_CLAMP));
    return { total: tf.add(squared, tf.mul(beta, kl)) as tf.Scalar, reconstruction: squared, kl };
  });
}

/** The learning rate of the step after `stepsTaken` optimizer steps of a run of `totalSteps`. */
export function baselineLearningRate(settings: Pick<BaselineVaeSettings, 'lr' | 'warmupSteps'>, stepsTaken: number, totalSteps: number): number {
  return settings.lr * lrFactor('linear', stepsTaken, settings.warmupSteps, totalSteps);
}

/** Logged values of one step: the loss terms as sums over the batch (as the original logs them). */
export interface BaselineVaeTerms {
  loss: number;
  reconstruction: number;
  kl: number;
  /** The global gradient norm after the 1/N scaling, before clipping. */
  grad_norm: number;
  frames: number;
}

export class BaselineVaeSystem {
  readonly nets: FcVaeNets;
  readonly optimizer: Adam;
  private noise: Rng;

  constructor(readonly settings: BaselineVaeSettings, rng: Rng, scope = 'vae') {
    if (!(settings.beta >= 0)) throw new UserError(`baseline VAE beta must be non-negative, got ${settings.beta}`);
    this.nets = new FcVaeNets(settings.widths, rng.fork('nets'), scope);
    this.noise = rng.fork('reparameterisation');
    const { lr, beta1, beta2, epsilon, weightDecay } = settings;
    this.optimizer = new Adam({ lr, beta1, beta2, epsilon, weightDecay });
  }

  /** One AdamW step at `lr` on a batch of frames [N, input], then the BatchNorm update; returns the terms. */
  trainStep(batch: tf.Tensor2D, lr: number): BaselineVaeTerms {
    const frames = batch.shape[0];
    // The total, then the reconstruction and KL sums: kept out of the tape's scope until read.
    const kept: tf.Scalar[] = [];
    try {
      const { grads, value } = tf.variableGrads(() => {
        const { mu, logvar } = this.nets.encode(batch, true);
        const z = tf.add(mu, tf.mul(this.standardNormal(mu.shape), tf.exp(tf.mul(0.5, logvar)))) as tf.Tensor2D;
        const loss = baselineVaeLoss(batch, this.nets.decode(z), mu, logvar, this.settings.beta);
        kept.push(tf.keep(loss.reconstruction), tf.keep(loss.kl));
        return loss.total;
      }, [...this.nets.params.values()]);
      kept.unshift(value);
      const clipped = normaliseAndClipGradients(grads, frames, this.settings.maxGradNorm);
      this.optimizer.apply(this.nets.params, clipped.grads, lr);
      tf.dispose([...Object.values(grads), ...Object.values(clipped.grads)]);
      this.nets.applyRunningStatistics();
      const [loss, reconstruction, kl] = tf.tidy(() => Array.from(tf.stack(kept).dataSync()));
      return { loss, reconstruction, kl, grad_norm: clipped.norm, frames };
    } finally {
      this.nets.discardRunningStatistics();
      tf.dispose(kept);
    }
  }

  /** The loss terms in evaluation mode (running statistics, z = μ), summed over the batch. */
  evalTerms(batch: tf.Tensor2D): Omit<BaselineVaeTerms, 'grad_norm'> {
    const [loss, reconstruction, kl] = tf.tidy(() => {
      const { mu, logvar } = this.nets.encode(batch, false);
      const terms = baselineVaeLoss(batch, this.nets.decode(mu), mu, logvar, this.settings.beta);
      return Array.from(tf.stack([terms.total, terms.reconstruction, terms.kl]).dataSync());
    });
    return { loss, reconstruction, kl, frames: batch.shape[0] };
  }

  /** The representation the evaluation protocol scores: μ [N, latent] in evaluation mode. */
  encodeMeans(batch: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.nets.encode(batch, false).mu);
  }

  /** Every variable a checkpoint holds: the trainable weights and BatchNorm's running statistics. */
  variables(): Map<string, tf.Variable> {
    return new Map([...this.nets.params, ...this.nets.state]);
  }

  /** The sampling stream's state, for a checkpoint, and its restoration. */
  noiseState(): RngState {
    return this.noise.state();
  }

  restoreNoise(state: RngState): void {
    this.noise = Rng.fromState(state);
  }

  dispose(): void {
    this.optimizer.dispose();
    this.nets.dispose();
  }

  /** ε ~ N(0, I) from the system's own stream, so runs repeat on every backend. */
  private standardNormal(shape: number[]): tf.Tensor {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = this.noise.normal();
    return tf.tensor(values, shape, 'float32');
  }
}
