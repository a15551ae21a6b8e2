// The one base every framework extends. It owns the training step: encode, sample with the
// reparameterisation trick, decode, add the reconstruction term to the framework's own terms,
// step the optimizer, and report every term by name. A framework implements `regularizer`.
import * as tf from '@tensorflow/tfjs-core';
import type { EncoderDecoder, Posterior } from '../nn/model.js';
import { reconstructionLoss, type ReconLoss } from '../nn/losses.js';
import { Adam, type AdamSettings } from '../train/adam.js';
import type { Rng } from '../util/random.js';

export interface Terms {
  /** What the optimizer minimises (added to the reconstruction loss). */
  loss: tf.Scalar;
  /** Named parts to log, e.g. { kl }. */
  logged: Record<string, tf.Scalar>;
}

export interface FrameworkSettings {
  recon_loss: ReconLoss;
  optimizer: AdamSettings;
}

export abstract class Framework {
  readonly optimizer: Adam;

  constructor(readonly model: EncoderDecoder, readonly settings: FrameworkSettings) {
    this.optimizer = new Adam(settings.optimizer);
  }

  /** The framework's latent terms for a batch: its whole identity. */
  protected abstract regularizer(q: Posterior, z: tf.Tensor2D, step: number): Terms;

  /** Total loss and every named term for one batch; `noise` is the reparameterisation's eps. */
  lossTerms(x: tf.Tensor4D, noise: tf.Tensor2D, step: number): { total: tf.Scalar; terms: Record<string, tf.Scalar> } {
    const q = this.model.encode(x);
    const z = tf.add(q.mu, tf.mul(noise, tf.exp(tf.mul(0.5, q.logvar)))) as tf.Tensor2D;
    const recon = reconstructionLoss(this.settings.recon_loss, this.model.decode(z), x);
    const reg = this.regularizer(q, z, step);
    const total = tf.add(recon, reg.loss) as tf.Scalar;
    return { total, terms: { loss: total, recon, ...reg.logged } };
  }

  /** One optimizer step; returns the value of every term (including `loss`) before the update. */
  trainStep(x: tf.Tensor4D, rng: Rng, step: number): Record<string, number> {
    const [batch] = x.shape;
    const eps = new Float32Array(batch * this.model.zDim);
    for (let i = 0; i < eps.length; i++) eps[i] = rng.normal();
    const noise = tf.tensor2d(eps, [batch, this.model.zDim]);
    const kept: Record<string, tf.Scalar> = {};
    const vars = [...this.model.params.values()];
    const { grads, value } = tf.variableGrads(() => {
      const { total, terms } = this.lossTerms(x, noise, step);
      for (const [name, t] of Object.entries(terms)) kept[name] = tf.keep(t);
      return total;
    }, vars);
    // Params are keyed by variable name, which is also how variableGrads keys the gradients.
    this.optimizer.apply(this.model.params, grads);
    const names = Object.keys(kept);
    const values = tf.tidy(() => tf.stack(names.map((n) => kept[n])).dataSync());
    tf.dispose([noise, value, ...Object.values(grads), ...Object.values(kept)]);
    return Object.fromEntries(names.map((n, i) => [n, values[i]]));
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}
