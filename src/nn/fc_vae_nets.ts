// The β-VAE baseline's networks (spec decvae.md §11; the original's models/autoencoders.py::VAE_1D_FC
// with vae_fc_dims [2048, 1024, 512, 512, 512, 256, 256], z_dim 48, norm 'batch'), frame by frame:
//  - encoder: for each width h, Linear → BatchNorm1d over the batch of frames → exact GELU;
//  - heads: Linear(last width → latent) for μ and for log σ²;
//  - decoder: Linear + GELU (no norm) through the encoder widths but the last, reversed
//    (48 → 256 → 512 → 512 → 512 → 1024 → 2048), then Linear(→ input) and tanh.
// Linear weights are PyTorch's defaults drawn from our Rng; each layer draws from its own fork, so
// a layer's initial weights do not depend on the others' widths. BatchNorm1d on [N, C] runs as
// BatchNorm2d on [N, 1, 1, C]: the same per-channel statistics over N values.
import * as tf from '@tensorflow/tfjs-core';
import { gelu } from '../backends/fused_kernels.js';
import { UserError } from '../util/errors.js';
import type { Rng } from '../util/random.js';
import { BatchNorm2d, BatchNormUpdates } from './batch_norm.js';
import { torchDefaultBias, torchDefaultKernel } from './init.js';

export interface FcVaeWidths {
  /** Values per frame (80 mel bands). */
  input: number;
  /** Encoder widths, first to last; the decoder runs through all but the last, reversed. */
  encoder: readonly number[];
  /** Latent dimensions (z_dim). */
  latent: number;
}

/** The original's SimVowels baseline. */
export const FC_VAE_WIDTHS: FcVaeWidths = { input: 80, encoder: [2048, 1024, 512, 512, 512, 256, 256], latent: 48 };

/** The decoder's hidden widths: the encoder's without its last, reversed. */
export function decoderWidths(widths: FcVaeWidths): number[] {
  return widths.encoder.slice(0, -1).reverse();
}

interface Linear {
  kernel: tf.Variable;
  bias: tf.Variable;
}

export class FcVaeNets {
  /** Trainable variables by stable name (checkpoint keys). */
  readonly params = new Map<string, tf.Variable>();
  /** BatchNorm running statistics by stable name. */
  readonly state = new Map<string, tf.Variable>();
  private readonly encoderLinears: Linear[];
  private readonly encoderNorms: BatchNorm2d[];
  private readonly muHead: Linear;
  private readonly logvarHead: Linear;
  private readonly decoderLinears: Linear[];
  private readonly pending = new BatchNormUpdates();

  constructor(readonly widths: FcVaeWidths, rng: Rng, readonly scope = 'vae') {
    const { input, encoder, latent } = widths;
    const positive = (n: number) => Number.isInteger(n) && n > 0;
    if (!positive(input) || !positive(latent) || encoder.length === 0 || !encoder.every(positive)) {
      throw new UserError(`fc VAE widths must be positive integers with at least one encoder layer, got input ${input}, encoder [${encoder}], latent ${latent}`);
    }
    const last = encoder[encoder.length - 1];
    this.encoderLinears = encoder.map((units, i) => this.linear(rng, `encoder/${i}/linear`, i === 0 ? input : encoder[i - 1], units));
    this.encoderNorms = encoder.map((units, i) => {
      const norm = new BatchNorm2d(`${scope}/encoder/${i}/batch_norm`, units);
      for (const [name, v] of norm.params()) this.params.set(name, v);
      for (const [name, v] of norm.state()) this.state.set(name, v);
      return norm;
    });
    this.muHead = this.linear(rng, 'z_mean', last, latent);
    this.logvarHead = this.linear(rng, 'z_logvar', last, latent);
    const chain = [latent, ...decoderWidths(widths), input];
    this.decoderLinears = chain.slice(1).map((units, i) => this.linear(rng, `decoder/${i}/linear`, chain[i], units));
  }

  /**
   * Frames [N, input] to (μ, log σ²), [N, latent] each. Training: BatchNorm by the batch's
   * statistics, which wait for applyRunningStatistics; otherwise by the running statistics.
   */
  encode(x: tf.Tensor2D, training: boolean): { mu: tf.Tensor2D; logvar: tf.Tensor2D } {
    if (x.shape[1] !== this.widths.input) throw new UserError(`fc VAE expects ${this.widths.input} values per frame, got [${x.shape}]`);
    const updates = training ? this.pending : null;
    return tf.tidy(() => {
      let h: tf.Tensor2D = x;
      const rows = x.shape[0];
      this.encoderLinears.forEach((layer, i) => {
        const units = this.widths.encoder[i];
        const pre = tf.reshape(dense(layer, h), [rows, 1, 1, units]) as tf.Tensor4D;
        h = gelu(tf.reshape(this.encoderNorms[i].apply(pre, updates), [rows, units]) as tf.Tensor2D);
      });
      return { mu: dense(this.muHead, h), logvar: dense(this.logvarHead, h) };
    });
  }

  /** Latents [N, latent] to reconstructions [N, input] in (−1, 1). */
  decode(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const last = this.decoderLinears.length - 1;
      let h = z;
      this.decoderLinears.forEach((layer, i) => { h = i === last ? tf.tanh(dense(layer, h)) : gelu(dense(layer, h)); });
      return h;
    });
  }

  /** Folds the pending training-mode batch statistics into the running statistics (after the optimizer step). */
  applyRunningStatistics(): void {
    this.pending.apply();
  }

  discardRunningStatistics(): void {
    this.pending.discard();
  }

  dispose(): void {
    this.pending.discard();
    for (const v of [...this.params.values(), ...this.state.values()]) v.dispose();
  }

  private linear(rng: Rng, name: string, inputs: number, units: number): Linear {
    const layerRng = rng.fork(name);
    const kernel = torchDefaultKernel(layerRng, [inputs, units], inputs, `${this.scope}/${name}/kernel`);
    const bias = torchDefaultBias(layerRng, units, inputs, `${this.scope}/${name}/bias`);
    this.params.set(kernel.name, kernel);
    this.params.set(bias.name, bias);
    return { kernel, bias };
  }
}

function dense({ kernel, bias }: Linear, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, kernel as tf.Tensor as tf.Tensor2D), bias) as tf.Tensor2D;
}
