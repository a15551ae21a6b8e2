// Reconstruction likelihoods and the Gaussian KL, each summed over an example's dimensions and
// averaged over the batch (the convention of disentanglement_lib and disent).
import * as tf from '@tensorflow/tfjs-core';
import type { Posterior } from './model.js';

export type ReconLoss = 'bernoulli' | 'mse';

/** BCE with logits, stable form max(l,0) - l*x + log(1 + exp(-|l|)). */
function bernoulliNll(logits: tf.Tensor4D, x: tf.Tensor4D): tf.Tensor {
  return tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
}

export function reconstructionLoss(kind: ReconLoss, decoded: tf.Tensor4D, x: tf.Tensor4D): tf.Scalar {
  const perPixel = kind === 'bernoulli' ? bernoulliNll(decoded, x) : tf.squaredDifference(decoded, x);
  return tf.div(tf.sum(perPixel), x.shape[0]);
}

/** What the decoder output means as an image in [0, 1]. */
export function decodedToImage(kind: ReconLoss, decoded: tf.Tensor4D): tf.Tensor4D {
  return kind === 'bernoulli' ? tf.sigmoid(decoded) : tf.clipByValue(decoded, 0, 1);
}

/** KL(q(z|x) || N(0, I)) of every latent of every example, shape [batch, zDim]. */
function klElements({ mu, logvar }: Posterior): tf.Tensor2D {
  return tf.mul(0.5, tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), logvar), 1));
}

/** KL(q(z|x) || N(0, I)) per example, shape [batch]. */
export function klPerExample(q: Posterior): tf.Tensor1D {
  return tf.sum(klElements(q), 1);
}

/** Mean KL of each latent dimension over the batch, shape [zDim]: ~0 for a collapsed latent. */
export function klPerDimension(q: Posterior): tf.Tensor1D {
  return tf.mean(klElements(q), 0);
}

export function klLoss(q: Posterior): tf.Scalar {
  return tf.mean(klPerExample(q));
}
