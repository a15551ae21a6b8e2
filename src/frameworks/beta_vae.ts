// beta-VAE (Higgins et al. 2017): the ELBO with its KL term weighted by beta; beta = 1 is the VAE.
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { EncoderDecoder } from '../nn/model.js';
import { Framework, meanOverViews, type Forward, type FrameworkSettings, type Terms } from './base.js';
import { defineFramework } from './definition.js';

export class BetaVae extends Framework {
  constructor(model: EncoderDecoder, settings: FrameworkSettings, readonly beta: number) {
    super(model, settings);
  }

  protected regularizer({ qz, step }: Forward): Terms {
    const kl = meanOverViews(qz, this.kl);
    return { loss: tf.mul(this.hyper('beta', this.beta, step), kl) as tf.Scalar, logged: { kl } };
  }
}

export const betaVae = defineFramework({
  description: 'beta-VAE (Higgins et al. 2017): reconstruction + beta * KL',
  settings: z.strictObject({ beta: z.number().nonnegative().default(4).describe('weight of the KL term') }),
  create: (model, common, { beta }) => new BetaVae(model, common, beta),
});

export const vae = defineFramework({
  description: 'VAE (Kingma & Welling 2014): the ELBO, beta-VAE with beta = 1',
  settings: z.strictObject({}),
  create: (model, common) => new BetaVae(model, common, 1),
});
