// BatchNorm2d as PyTorch has it (V3's networks, spec v3.md §2.2), over the channel axis of NHWC
// maps. The affine gamma and beta are trainable; the running mean and variance are non-trainable
// variables, so tf.variableGrads and the optimizers never see them. A training-mode forward pass
// does not touch them: it records its batch statistics in a BatchNormUpdates, and the caller applies
// the running update when it chooses (after the optimizer step). Recording instead of assigning
// inside the pass keeps the update out of the gradient tape, and the values equal torch's, whose
// update inside forward() has no effect on the training-mode output either.
import * as tf from '@tensorflow/tfjs-core';
import { batchNormTraining, normaliseChannels } from '../backends/fused_kernels.js';
import { UserError } from '../util/errors.js';

/** torch.nn.BatchNorm2d's defaults. */
export const BATCH_NORM_EPS = 1e-5;
export const BATCH_NORM_MOMENTUM = 0.1;

interface PendingUpdate {
  layer: BatchNorm2d;
  mean: tf.Tensor1D;
  unbiasedVariance: tf.Tensor1D;
}

/**
 * The batch statistics of training-mode passes, in the order they ran, waiting to be folded into
 * the layers' running statistics. Its tensors are kept out of any tidy scope, so every collector
 * must end in apply() or discard().
 */
export class BatchNormUpdates {
  private pending: PendingUpdate[] = [];

  get size(): number {
    return this.pending.length;
  }

  record(layer: BatchNorm2d, mean: tf.Tensor1D, unbiasedVariance: tf.Tensor1D): void {
    this.pending.push({ layer, mean: tf.keep(mean), unbiasedVariance: tf.keep(unbiasedVariance) });
  }

  /** Folds every recorded pass into its layer's running statistics, in order, as torch's successive forward() calls would. */
  apply(): void {
    for (const { layer, mean, unbiasedVariance } of this.pending) layer.updateRunningStatistics(mean, unbiasedVariance);
    this.discard();
  }

  discard(): void {
    for (const { mean, unbiasedVariance } of this.pending) {
      mean.dispose();
      unbiasedVariance.dispose();
    }
    this.pending = [];
  }
}

export class BatchNorm2d {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;

  constructor(readonly scope: string, readonly channels: number,
    readonly eps = BATCH_NORM_EPS, readonly momentum = BATCH_NORM_MOMENTUM) {
    [this.gamma, this.beta, this.runningMean, this.runningVar] = tf.tidy(() => [
      tf.variable(tf.ones([channels]), true, `${scope}/gamma`),
      tf.variable(tf.zeros([channels]), true, `${scope}/beta`),
      tf.variable(tf.zeros([channels]), false, `${scope}/running_mean`),
      tf.variable(tf.ones([channels]), false, `${scope}/running_var`),
    ]);
  }

  /** Trainable variables by name. */
  params(): Map<string, tf.Variable> {
    return new Map([[this.gamma.name, this.gamma], [this.beta.name, this.beta]]);
  }

  /** Running statistics by name. */
  state(): Map<string, tf.Variable> {
    return new Map([[this.runningMean.name, this.runningMean], [this.runningVar.name, this.runningVar]]);
  }

  /**
   * `updates` null: eval mode, normalised by the running statistics. A collector: training mode,
   * normalised by the batch's mean and biased variance, the batch statistics recorded in it.
   */
  apply(x: tf.Tensor4D, updates: BatchNormUpdates | null): tf.Tensor4D {
    if (updates === null) return normaliseChannels(x, this.gamma, this.beta, this.runningMean, this.runningVar, this.eps);
    const [batch, height, width] = x.shape;
    const count = batch * height * width;
    if (count < 2) {
      throw new UserError(`${this.scope}: batch norm in training needs more than 1 value per channel, got a ${batch}x${height}x${width} batch`);
    }
    const { y, mean, variance } = batchNormTraining(x, this.gamma as tf.Tensor as tf.Tensor1D, this.beta as tf.Tensor as tf.Tensor1D, this.eps);
    updates.record(this, mean, tf.mul(variance, count / (count - 1)));
    variance.dispose();
    return y;
  }

  /** running <- (1 - momentum) * running + momentum * batch, the variance's batch term unbiased as torch's. */
  updateRunningStatistics(mean: tf.Tensor1D, unbiasedVariance: tf.Tensor1D): void {
    tf.tidy(() => {
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - this.momentum), tf.mul(mean, this.momentum)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - this.momentum), tf.mul(unbiasedVariance, this.momentum)));
    });
  }

  dispose(): void {
    for (const v of [this.gamma, this.beta, this.runningMean, this.runningVar]) v.dispose();
  }

}
