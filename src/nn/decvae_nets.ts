// DecVAE's dual-branch encoder (Ziogas et al. 2026; spec decvae.md §6). Encoder only: DecVAE has
// no decoder. Both branches run the same weights over the original signal X and over each of its
// NoC components:
//  - Z (per frame): wav2vec2's convolutional feature encoder alone (7 Conv1d layers, each frame of
//    400 values on its own down to one vector), each layer normalised by statistics of the whole
//    batch of frames that carry no gradient (the original's "CustomLayerNorm": a BatchNorm that
//    always uses batch statistics, detached, with an affine), then the feature projection;
//  - S (per utterance): a 7-layer Conv1d stack over the whole sequence with LayerNorm per step,
//    a projection per step and attention pooling by one learned query;
//  - per branch a projection head to 192-d features (the decomposition loss's inputs), a projection
//    of the concatenated components, and Gaussian heads (mu, logvar) for X, each component and the
//    projected components.
// Conv1d runs as conv2d over [N, 1, length, channels]. Parameters are named `z/...` and `s/...`,
// which is how the two optimisers of §8 split them. Widths are settings so that small configs can
// shrink the model; the defaults are the original's.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/random.js';
import { glorotUniform, normal } from './init.js';
import { batchNormTraining, gelu, layerNorm as lastAxisLayerNorm } from '../backends/fused_kernels.js';

/** (kernel, stride) of the 7 conv layers of both branches (wav2vec2's feature encoder). */
export const DECVAE_CONV_LAYERS: readonly (readonly [number, number])[] = [[10, 5], [3, 2], [3, 2], [3, 2], [3, 2], [2, 2], [2, 2]];
const NORM_EPS = 1e-5;
const LINEAR_STD = 0.02;

export interface DecVaeWidths {
  /** Channels of the Z conv encoder (512). */
  zConv: number;
  /** Z feature projection output, wav2vec2's hidden_size (512). */
  zHidden: number;
  /** Channels of the S conv stack (192). */
  sConv: number;
  /** proj_intermediate_dim (512). */
  intermediate: number;
  /** proj_codevector_dim_z = _s: the features the divergence loss compares (192). */
  features: number;
  /** z_latent_dim (48). */
  zLatent: number;
  /** s_latent_dim (24). */
  sLatent: number;
  /** attention_heads_s (6). */
  attentionHeads: number;
  /** NoC: components per signal (3). */
  components: number;
}

export const DECVAE_WIDTHS: DecVaeWidths = {
  zConv: 512, zHidden: 512, sConv: 192, intermediate: 512, features: 192, zLatent: 48, sLatent: 24, attentionHeads: 6, components: 3,
};

export interface Gaussian {
  mu: tf.Tensor2D;
  logvar: tf.Tensor2D;
}

/** One branch's outputs for N rows (selected frames for Z, utterances for S). */
export interface BranchOutputs {
  /** [N, features]: the original's projected features. */
  original: tf.Tensor2D;
  /** NoC x [N, features]: each component's. */
  components: tf.Tensor2D[];
  /** [N, features]: the projection of the concatenated components. */
  projected: tf.Tensor2D;
  heads: { original: Gaussian; components: Gaussian[]; projected: Gaussian };
}

class Parameters {
  readonly all = new Map<string, tf.Variable>();

  constructor(private readonly rng: Rng) {}

  add(variable: tf.Variable): tf.Variable {
    this.all.set(variable.name, variable);
    return variable;
  }

  /** HF's Linear init: weights N(0, 0.02), bias 0. */
  linear(name: string, inputs: number, outputs: number): Linear {
    return {
      weight: this.add(normal(this.rng.fork(name), [inputs, outputs], LINEAR_STD, `${name}/weight`)),
      bias: this.add(tf.variable(tf.zeros([outputs]), true, `${name}/bias`)),
    };
  }

  /** HF wav2vec2's Conv1d init: Kaiming-normal weights (std sqrt(2 / fan_in)), biases U(±sqrt(1 / fan_in)). */
  conv(name: string, inputs: number, outputs: number, kernel: number): Linear {
    const fanIn = inputs * kernel;
    const rng = this.rng.fork(name);
    const bound = Math.sqrt(1 / fanIn);
    const bias = Float32Array.from({ length: outputs }, () => (2 * rng.float() - 1) * bound);
    return {
      weight: this.add(normal(rng, [1, kernel, inputs, outputs], Math.sqrt(2 / fanIn), `${name}/weight`)),
      bias: this.add(tf.variable(tf.tensor1d(bias), true, `${name}/bias`)),
    };
  }

  /** An affine of one scale and shift per channel, 1 and 0. */
  affine(name: string, channels: number): Affine {
    return {
      gamma: this.add(tf.variable(tf.ones([channels]), true, `${name}/gamma`)),
      beta: this.add(tf.variable(tf.zeros([channels]), true, `${name}/beta`)),
    };
  }
}

interface Linear {
  weight: tf.Variable;
  bias: tf.Variable;
}

interface Affine {
  gamma: tf.Variable;
  beta: tf.Variable;
}

function dense<R extends tf.Rank>(x: tf.Tensor<R>, layer: Linear): tf.Tensor<R> {
  const shape = x.shape;
  const flat = tf.reshape(x, [-1, shape[shape.length - 1]]) as tf.Tensor2D;
  const out = tf.add(tf.matMul(flat, layer.weight as tf.Tensor2D), layer.bias);
  return tf.reshape(out, [...shape.slice(0, -1), layer.bias.shape[0]]) as unknown as tf.Tensor<R>;
}

/** The original's CustomLayerNorm: per-channel mean and biased variance over every other axis, detached. */
export function detachedBatchNorm<R extends tf.Rank>(x: tf.Tensor<R>, affine: Affine): tf.Tensor<R> {
  const { y, mean, variance } = batchNormTraining(x, affine.gamma as tf.Tensor1D, affine.beta as tf.Tensor1D, NORM_EPS, { detachStatistics: true });
  tf.dispose([mean, variance]);
  return y;
}

/** torch.nn.LayerNorm over the last axis. */
function layerNorm<R extends tf.Rank>(x: tf.Tensor<R>, affine: Affine): tf.Tensor<R> {
  return lastAxisLayerNorm(x, affine.gamma as tf.Tensor1D, affine.beta as tf.Tensor1D, NORM_EPS);
}

function conv1d(x: tf.Tensor4D, layer: Linear, stride: number): tf.Tensor4D {
  return tf.add(tf.conv2d(x, layer.weight as tf.Tensor4D, [1, stride], 'valid'), layer.bias);
}

interface Heads {
  original: [Linear, Linear];
  components: [Linear, Linear][];
  projected: [Linear, Linear];
}

function gaussian(x: tf.Tensor2D, [mu, logvar]: [Linear, Linear]): Gaussian {
  return { mu: dense(x, mu), logvar: dense(x, logvar) };
}

export class DecVaeEncoder {
  readonly widths: DecVaeWidths;
  private readonly params: Parameters;
  private readonly zConvs: { conv: Linear; norm: Affine }[];
  private readonly zFeatureNorm: Affine;
  private readonly zFeatureProjection: Linear;
  private readonly zHead: [Linear, Linear];
  private readonly zComponentProjection: [Linear, Linear];
  private readonly zHeads: Heads;
  private readonly sConvs: { conv: Linear; norm: Affine }[];
  private readonly sHead: [Linear, Linear];
  private readonly sQuery: tf.Variable;
  private readonly sAttention: { inProjection: Linear; outProjection: Linear; norm: Affine };
  private readonly sComponentProjection: [Linear, Linear];
  private readonly sHeads: Heads;

  constructor(rng: Rng, widths: Partial<DecVaeWidths> = {}) {
    const w = (this.widths = { ...DECVAE_WIDTHS, ...widths });
    if (w.features % w.attentionHeads !== 0) throw new RangeError(`${w.features} features do not split into ${w.attentionHeads} attention heads`);
    const p = (this.params = new Parameters(rng));
    const convStack = (branch: string, channels: number) => DECVAE_CONV_LAYERS.map(([kernel], i) => ({
      conv: p.conv(`${branch}/conv${i}`, i === 0 ? 1 : channels, channels, kernel),
      norm: p.affine(`${branch}/conv${i}/norm`, channels),
    }));
    const heads = (branch: string, latent: number): Heads => {
      const pair = (name: string): [Linear, Linear] => [p.linear(`${branch}/${name}/mu`, w.features, latent), p.linear(`${branch}/${name}/logvar`, w.features, latent)];
      return { original: pair('head_x'), components: Array.from({ length: w.components }, (_, k) => pair(`head_oc${k + 1}`)), projected: pair('head_proj') };
    };
    this.zConvs = convStack('z', w.zConv);
    this.zFeatureNorm = p.affine('z/feature_projection/norm', w.zConv);
    this.zFeatureProjection = p.linear('z/feature_projection', w.zConv, w.zHidden);
    this.zHead = [p.linear('z/project_hid', w.zHidden, w.intermediate), p.linear('z/project_q', w.intermediate, w.features)];
    this.zComponentProjection = [p.linear('z/project_ocs', w.components * w.features, w.features), p.linear('z/project_ocs_out', w.features, w.features)];
    this.zHeads = heads('z', w.zLatent);
    this.sConvs = convStack('s', w.sConv);
    this.sHead = [p.linear('s/project_hid', w.sConv, w.intermediate), p.linear('s/project_q', w.intermediate, w.features)];
    this.sQuery = p.add(normal(rng.fork('s/query'), [1, w.features], 1, 's/aggregator/query'));
    this.sAttention = {
      inProjection: {
        weight: p.add(glorotUniform(rng.fork('s/attention/in'), [w.features, 3 * w.features], w.features, 3 * w.features, 's/aggregator/in_proj/weight')),
        bias: p.add(tf.variable(tf.zeros([3 * w.features]), true, 's/aggregator/in_proj/bias')),
      },
      outProjection: p.linear('s/aggregator/out_proj', w.features, w.features),
      norm: p.affine('s/aggregator/norm', w.features),
    };
    this.sComponentProjection = [p.linear('s/project_ocs', w.components * w.features, w.features), p.linear('s/project_ocs_out', w.features, w.features)];
    this.sHeads = heads('s', w.sLatent);
  }

  variables(): Map<string, tf.Variable> {
    return this.params.all;
  }

  /** The parameters of one branch ('z' or 's'), for its own optimiser. */
  branchVariables(branch: 'z' | 's'): Map<string, tf.Variable> {
    return new Map([...this.params.all].filter(([name]) => name.startsWith(`${branch}/`)));
  }

  /**
   * Z features of a set of frames, [F, 400] per level (X first, then the components). The
   * normalisation statistics are over the frames given, as the original's over the batch's
   * selected frames.
   */
  zBranch(levels: readonly tf.Tensor2D[]): BranchOutputs {
    this.checkLevels(levels);
    const features = levels.map((frames) => {
      let h = tf.reshape(frames, [frames.shape[0], 1, frames.shape[1], 1]) as tf.Tensor4D;
      this.zConvs.forEach(({ conv, norm }, i) => (h = gelu(detachedBatchNorm(conv1d(h, conv, DECVAE_CONV_LAYERS[i][1]), norm))));
      const [count, , length, channels] = h.shape;
      if (length !== 1) throw new RangeError(`Z frames must reduce to one step, got ${length}: frames of ${frames.shape[1]} values`);
      const pooled = tf.reshape(h, [count, channels]) as tf.Tensor2D;
      const hidden = dense(detachedBatchNorm(pooled, this.zFeatureNorm), this.zFeatureProjection);
      return gelu(dense(dense(hidden, this.zHead[0]), this.zHead[1]));
    });
    // Component-major concatenation [c_1 | c_2 | c_3] per frame.
    return this.outputs(features, tf.concat(features.slice(1), 1), this.zComponentProjection, this.zHeads);
  }

  /** S features of whole sequences, [U, length] per level (X first, then the components). */
  sBranch(levels: readonly tf.Tensor2D[]): BranchOutputs {
    this.checkLevels(levels);
    const features = levels.map((sequences) => {
      let h = tf.reshape(sequences, [sequences.shape[0], 1, sequences.shape[1], 1]) as tf.Tensor4D;
      this.sConvs.forEach(({ conv, norm }, i) => (h = gelu(layerNorm(conv1d(h, conv, DECVAE_CONV_LAYERS[i][1]), norm))));
      const [count, , steps, channels] = h.shape;
      const perStep = tf.reshape(h, [count, steps, channels]) as tf.Tensor3D;
      return this.pool(gelu(dense(dense(perStep, this.sHead[0]), this.sHead[1])));
    });
    // Feature-major flattening of the stacked [U, features, NoC] components (index d·NoC + k).
    const stacked = tf.stack(features.slice(1), 2);
    return this.outputs(features, tf.reshape(stacked, [stacked.shape[0], -1]) as tf.Tensor2D, this.sComponentProjection, this.sHeads);
  }

  dispose(): void {
    for (const v of this.params.all.values()) v.dispose();
  }

  private checkLevels(levels: readonly tf.Tensor2D[]): void {
    if (levels.length !== this.widths.components + 1) {
      throw new RangeError(`expected the original and ${this.widths.components} components, got ${levels.length} signals`);
    }
  }

  private outputs(features: tf.Tensor2D[], concatenated: tf.Tensor2D, projection: [Linear, Linear], heads: Heads): BranchOutputs {
    const [original, ...components] = features;
    const projected = gelu(dense(dense(concatenated, projection[0]), projection[1]));
    return {
      original, components, projected,
      heads: {
        original: gaussian(original, heads.original),
        components: components.map((c, k) => gaussian(c, heads.components[k])),
        projected: gaussian(projected, heads.projected),
      },
    };
  }

  /** Multi-head attention of the learned query over the steps, then LayerNorm: [U, steps, d] -> [U, d]. */
  private pool(steps: tf.Tensor3D): tf.Tensor2D {
    const [count, length, d] = steps.shape;
    const heads = this.widths.attentionHeads;
    const headSize = d / heads;
    const { inProjection, outProjection, norm } = this.sAttention;
    const w = inProjection.weight as tf.Tensor2D;
    const b = inProjection.bias as tf.Tensor1D;
    const project = (x: tf.Tensor2D, part: number) =>
      tf.add(tf.matMul(x, tf.slice(w, [0, part * d], [d, d])), tf.slice(b, part * d, d));
    const split = (x: tf.Tensor, rows: number) => tf.transpose(tf.reshape(x, [-1, rows, heads, headSize]), [0, 2, 1, 3]) as tf.Tensor4D;
    const query = split(project(this.sQuery as tf.Tensor2D, 0), 1);
    const flatSteps = tf.reshape(steps, [count * length, d]) as tf.Tensor2D;
    const keys = split(project(flatSteps, 1), length);
    const values = split(project(flatSteps, 2), length);
    const scores = tf.div(tf.matMul(tf.tile(query, [count, 1, 1, 1]), keys, false, true), Math.sqrt(headSize));
    const attended = tf.matMul(tf.softmax(scores), values);
    const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [count, d]) as tf.Tensor2D;
    return layerNorm(dense(merged, outProjection), norm);
  }
}
