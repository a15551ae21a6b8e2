// AnnealedVAE (Burgess et al. 2018, "Understanding disentangling in beta-VAE", eq. 8): the KL is
// pulled towards a capacity C that grows linearly from 0 to c_max over iteration_threshold steps,
// loss = recon + gamma * |KL - C(t)|, C(t) = min(c_max, c_max * t / iteration_threshold), as
// disentanglement_lib's `AnnealedVAE` (methods/unsupervised/vae.py). Its study
// (config/unsupervised_study_v1/sweep.py) fixes gamma = 1000 and iteration_threshold = 100000 and
// sweeps c_max over 5..100; 25 is our default.
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { EncoderDecoder } from '../nn/model.js';
import { Framework, meanOverViews, type Forward, type FrameworkSettings, type Terms } from './base.js';
import { defineFramework } from './definition.js';

export interface CapacitySettings {
  gamma: number;
  c_max: number;
  iteration_threshold: number;
}

/**
 * The capacity at training step `step` (1-based). disentanglement_lib reads TensorFlow's global
 * step, which is 0 during the first update, so the k-th update sees C(k - 1).
 */
export function capacity(step: number, cMax: number, iterationThreshold: number): number {
  return Math.min(cMax, (cMax * (step - 1)) / iterationThreshold);
}

export class AnnealedVae extends Framework {
  constructor(model: EncoderDecoder, settings: FrameworkSettings, readonly annealing: CapacitySettings) {
    super(model, settings);
  }

  protected regularizer({ qz, step }: Forward): Terms {
    const { gamma, c_max, iteration_threshold } = this.annealing;
    const kl = meanOverViews(qz, this.kl);
    const target = tf.scalar(capacity(step, c_max, iteration_threshold));
    const loss = tf.mul(this.hyper('gamma', gamma, step), tf.abs(tf.sub(kl, target))) as tf.Scalar;
    return { loss, logged: { kl, capacity: target } };
  }
}

export const annealedVae = defineFramework({
  description: 'AnnealedVAE (Burgess et al. 2018): reconstruction + gamma * |KL - C(t)|, C growing linearly to c_max',
  settings: z.strictObject({
    gamma: z.number().nonnegative().default(1000).describe('weight of the distance between the KL and the capacity'),
    c_max: z.number().nonnegative().default(25).describe('final capacity C, in nats'),
    iteration_threshold: z.number().int().positive().default(100000).describe('steps over which C grows from 0 to c_max'),
  }),
  create: (model, common, settings) => new AnnealedVae(model, common, settings),
});
