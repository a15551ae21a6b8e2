// beta-VAE (Higgins et al. 2017): the ELBO with its KL term weighted by beta; beta = 1 is the VAE.
import * as tf from '@tensorflow/tfjs-core';
import { klLoss } from '../nn/losses.js';
import type { EncoderDecoder, Posterior } from '../nn/model.js';
import { Framework, type FrameworkSettings, type Terms } from './base.js';

export class BetaVae extends Framework {
  constructor(model: EncoderDecoder, settings: FrameworkSettings, readonly beta: number) {
    super(model, settings);
  }

  protected regularizer(q: Posterior, _z: tf.Tensor2D, _step: number): Terms {
    const kl = klLoss(q);
    return { loss: tf.mul(this.beta, kl) as tf.Scalar, logged: { kl } };
  }
}
