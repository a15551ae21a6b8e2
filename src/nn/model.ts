// What every framework trains: a Gaussian encoder q(z|x) and a decoder p(x|z) over named variables.
import type * as tf from '@tensorflow/tfjs-core';

export interface Posterior {
  mu: tf.Tensor2D;
  logvar: tf.Tensor2D;
}

export interface EncoderDecoder {
  readonly architecture: string;
  readonly zDim: number;
  /** [height, width, channels] of the images it reads and writes. */
  readonly imageShape: readonly [number, number, number];
  /** Trainable variables by stable name (checkpoint keys). */
  readonly params: ReadonlyMap<string, tf.Variable>;
  encode(x: tf.Tensor4D): Posterior;
  /** Decoder output before the likelihood's link function (logits for Bernoulli). */
  decode(z: tf.Tensor2D): tf.Tensor4D;
  /**
   * Maps images to the scale its networks read and the reconstruction loss compares in (disent's
   * per-channel standardisation, src/nn/standardised_model.ts); absent, that scale is the image's.
   */
  toNetworkScale?(images: tf.Tensor4D): tf.Tensor4D;
  dispose(): void;
}
