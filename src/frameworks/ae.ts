// Autoencoder: the decoder's reconstruction loss alone, decoding the encoder's mean rather than a
// sample (disent's `Ae`, disent/frameworks/ae/_unsupervised__ae.py). The shared encoder still
// outputs a log-variance; nothing reads it, so it receives no gradient.
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { Framework, type Terms } from './base.js';
import { defineFramework } from './definition.js';

export class Ae extends Framework {
  protected override readonly stochastic = false;

  protected regularizer(): Terms {
    return { loss: tf.scalar(0), logged: {} };
  }
}

export const ae = defineFramework({
  description: 'Autoencoder: reconstruction of the decoded posterior mean, no regularizer',
  settings: z.strictObject({}),
  create: (model, common) => new Ae(model, common),
});
