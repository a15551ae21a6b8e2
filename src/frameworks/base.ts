// The one base every framework extends. It owns the training step: encode every view of a sample
// (1 observation, a weakly supervised pair or a triplet), let the framework aggregate the
// posteriors, sample with the reparameterisation trick, decode, average the reconstruction over
// the views (disent's convention), add the framework's own terms, step the optimizer, and report
// every term by name. A framework implements `regularizer` and, where it needs them, the hooks:
// `aggregate` (Ada-GVAE, ML-VAE), `afterStep` with its own networks and optimizers (FactorVAE).
import * as tf from '@tensorflow/tfjs-core';
import { klLoss, reconstructionLoss, type ReconLoss, type ReconReduction } from '../nn/losses.js';
import type { EncoderDecoder, Posterior } from '../nn/model.js';
import type { Schedule } from '../schedules/schedule.js';
import { Adam, type AdamSettings } from '../train/adam.js';
import type { Rng } from '../util/random.js';

export interface Terms {
  /** What the optimizer minimises besides the reconstruction loss. */
  loss: tf.Scalar;
  /** Named parts to log, e.g. { kl }. */
  logged: Record<string, tf.Scalar>;
}

/** A training batch: one tensor per view, and for weak pairs the index of the factor that changed. */
export interface TrainingBatch {
  views: tf.Tensor4D[];
  labels?: Int32Array;
}

/** One forward pass over a batch of samples, each holding `views` observations. */
export interface Forward {
  /** The observations of each view, [batch, H, W, C] each. */
  x: tf.Tensor4D[];
  /** The encoder's posterior of each view. */
  q: Posterior[];
  /** The posteriors z is sampled from and the KL is taken of: `q` after the framework's aggregation. */
  qz: Posterior[];
  z: tf.Tensor2D[];
  /** Decoder outputs (before the likelihood's link function) of each view. */
  decoded: tf.Tensor4D[];
  /** Weak supervision's labels (the changed factor of each pair), when the sampler gives them. */
  labels?: Int32Array;
  /** The step's random stream, after the reparameterisation noise was drawn (prior samples, triplet mining). */
  rng?: Rng;
  step: number;
}

export interface FrameworkSettings {
  recon_loss: ReconLoss;
  /**
   * How the reconstruction and KL terms are reduced over an example: 'sum' (disentanglement_lib's,
   * the default) or 'mean' over its pixels and latents (disent's `loss_reduction: mean`).
   */
  loss_reduction?: ReconReduction;
  optimizer: AdamSettings;
  /** Hyperparameter schedules by hyperparameter name (e.g. beta). */
  schedules?: Readonly<Record<string, Schedule>>;
}

/** The mean over views of a per-view scalar: how disent reduces a tuple's losses. */
export function meanOverViews<T>(items: readonly T[], term: (item: T, view: number) => tf.Scalar): tf.Scalar {
  return tf.div(tf.addN(items.map(term)), items.length) as tf.Scalar;
}

export abstract class Framework {
  /** Observations per training sample: 1, or 2 (pairs) and 3 (triplets) for the (weakly) supervised. */
  readonly views: number = 1;
  /** Whether z is sampled from q; an autoencoder decodes the mean. */
  protected readonly stochastic: boolean = true;
  readonly optimizer: Adam;

  constructor(readonly model: EncoderDecoder, readonly settings: FrameworkSettings) {
    this.optimizer = new Adam(settings.optimizer);
  }

  /** KL(q || N(0, I)) averaged over the batch, under the configured loss reduction. */
  protected readonly kl = (q: Posterior): tf.Scalar =>
    (this.settings.loss_reduction === 'mean' ? tf.div(klLoss(q), q.mu.shape[1]) : klLoss(q)) as tf.Scalar;

  /** The framework's own terms for a forward pass: its whole identity. */
  protected abstract regularizer(f: Forward): Terms;

  /** The posteriors z is sampled from; frameworks that share information between views override it. */
  protected aggregate(q: Posterior[], _step: number, _labels?: Int32Array, _rng?: Rng): Posterior[] {
    return q;
  }

  /**
   * Work after the model's update, such as training a discriminator with its own optimizer, given
   * the step's batch; returns more terms to log.
   */
  protected afterStep(_batch: TrainingBatch, _rng: Rng, _step: number): Record<string, number> {
    return {};
  }

  /**
   * The decoder output view v's reconstruction loss is taken of, from its sample z and its
   * encoder posterior q; the Lie group VAE sometimes decodes the encoder's features instead.
   */
  protected decodeForLoss(z: tf.Tensor2D, _q: Posterior, _step: number, _rng?: Rng): tf.Tensor4D {
    return this.model.decode(z);
  }

  /** Networks besides the encoder and decoder (checkpointed with them), by variable name. */
  extraParams(): ReadonlyMap<string, tf.Variable> {
    return new Map();
  }

  /** Every optimizer by a stable name (checkpointed); 'model' steps the encoder and decoder. */
  optimizers(): ReadonlyMap<string, Adam> {
    return new Map([['model', this.optimizer]]);
  }

  /** Every trainable variable: the model's and the extra networks'. */
  variables(): Map<string, tf.Variable> {
    return new Map([...this.model.params, ...this.extraParams()]);
  }

  /** Images in the scale the reconstruction loss compares them in (standardised, when the model standardises). */
  protected networkScale(images: tf.Tensor4D): tf.Tensor4D {
    return this.model.toNetworkScale ? this.model.toNetworkScale(images) : images;
  }

  /** A hyperparameter's value at `step`: its schedule's, when one is configured, else `value`. */
  protected hyper(name: string, value: number, step: number): number {
    const schedule = this.settings.schedules?.[name];
    return schedule ? schedule(step, value) : value;
  }

  /** Total loss and every named term for one batch; `noise[v]` is view v's reparameterisation eps. */
  lossTerms(x: tf.Tensor4D[], noise: tf.Tensor2D[], step: number, labels?: Int32Array, rng?: Rng,
  ): { total: tf.Scalar; terms: Record<string, tf.Scalar> } {
    const q = x.map((view) => this.model.encode(view));
    const qz = this.aggregate(q, step, labels, rng);
    const z = qz.map(({ mu, logvar }, v) =>
      (this.stochastic ? tf.add(mu, tf.mul(noise[v], tf.exp(tf.mul(0.5, logvar)))) : mu) as tf.Tensor2D);
    const decoded = z.map((zv, v) => this.decodeForLoss(zv, q[v], step, rng));
    const recon = meanOverViews(decoded, (d, v) =>
      reconstructionLoss(this.settings.recon_loss, this.networkScale(d), this.networkScale(x[v]), this.settings.loss_reduction));
    const reg = this.regularizer({ x, q, qz, z, decoded, labels, rng, step });
    const total = tf.add(recon, reg.loss) as tf.Scalar;
    return { total, terms: { loss: total, recon, ...reg.logged } };
  }

  /** One optimizer step on a batch (a tensor for single observations); returns every term's value before the update. */
  trainStep(batch: tf.Tensor4D | TrainingBatch, rng: Rng, step: number): Record<string, number> {
    const { views: x, labels } = batch instanceof tf.Tensor ? { views: [batch], labels: undefined } : batch;
    if (x.length !== this.views) throw new Error(`this framework trains on ${this.views} view(s) per sample, got ${x.length}`);
    const [size] = x[0].shape;
    const noise = x.map(() => {
      const eps = new Float32Array(size * this.model.zDim);
      if (this.stochastic) for (let i = 0; i < eps.length; i++) eps[i] = rng.normal();
      return tf.tensor2d(eps, [size, this.model.zDim]);
    });
    const kept: Record<string, tf.Scalar> = {};
    const { grads, value } = tf.variableGrads(() => {
      const { total, terms } = this.lossTerms(x, noise, step, labels, rng);
      for (const [name, t] of Object.entries(terms)) kept[name] = tf.keep(t);
      return total;
    }, [...this.model.params.values()]);
    // Params are keyed by variable name, which is also how variableGrads keys the gradients.
    this.optimizer.apply(this.model.params, grads);
    const names = Object.keys(kept);
    const values = tf.tidy(() => tf.stack(names.map((n) => kept[n])).dataSync());
    tf.dispose([...noise, value, ...Object.values(grads), ...Object.values(kept)]);
    return { ...Object.fromEntries(names.map((n, i) => [n, values[i]])), ...this.afterStep({ views: x, labels }, rng, step) };
  }

  dispose(): void {
    for (const optimizer of this.optimizers().values()) optimizer.dispose();
    for (const variable of this.extraParams().values()) variable.dispose();
    this.model.dispose();
  }
}
