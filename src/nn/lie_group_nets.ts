// The Commutative Lie Group VAE's networks (Zhu, Xu & Tao 2021; spec lie_group_vae.md §2). The
// encoder's trunk ends in the group feature vector gE, read by separate mean and log-variance heads
// per subgroup. The decoder maps each subgroup's latents z_i to the group element
// exp(sum_k z_ik A_ik), the A_ik being a learnt m x m Lie algebra basis, and decodes the flattened
// matrices gG with the trunk `post_exp`, which also takes gE directly (the framework's
// forward_eg_prob path). Glorot-uniform kernels and PyTorch's default biases, as the original.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/random.js';
import { normal } from './init.js';
import { LayerStack, requireImageSize } from './layers.js';
import { expm } from './matrix_exp.js';
import type { EncoderDecoder, Posterior } from './model.js';

type ImageShape = readonly [number, number, number];

const KERNEL = 4;
const ENCODER_CHANNELS = [32, 32, 64, 64];
const DECONV_CHANNELS = [64, 32, 32];
const HIDDEN = 256;
const BOTTLENECK: [number, number, number] = [4, 4, 64];
/** The heads' hidden width is this multiple of the subgroup's feature size (g -> 4g -> d). */
const HEAD_EXPANSION = 4;

/** The model config's group keys, named as the original's command-line options. */
export interface GroupStructureOptions {
  z_dim: number;
  subgroup_sizes_ls?: number[];
  subspace_sizes_ls?: number[];
  lie_alg_init_scale?: number;
}

export interface GroupStructure {
  /** Flattened size g_i = m_i^2 of each subgroup's matrices. */
  subgroupSizes: number[];
  /** Latent dimensions d_i (and basis matrices) of each subgroup; they sum to z_dim. */
  subspaceSizes: number[];
  /** Std of the basis entries at initialisation. */
  initScale: number;
}

/** The published dSprites setting, one 10 x 10 subgroup, and the original's basis scale. */
const DEFAULT_SUBGROUP_SIZES = [100];
const DEFAULT_INIT_SCALE = 0.001;

/** The group structure of a model config, checked; RangeError messages name the offending key. */
export function groupStructure(options: GroupStructureOptions): GroupStructure {
  const subgroupSizes = options.subgroup_sizes_ls ?? DEFAULT_SUBGROUP_SIZES;
  const subspaceSizes = options.subspace_sizes_ls ?? (subgroupSizes.length === 1 ? [options.z_dim] : undefined);
  if (!subspaceSizes) throw new RangeError(`subspace_sizes_ls: needed with ${subgroupSizes.length} subgroups, one size per subgroup`);
  for (const g of subgroupSizes) {
    if (!Number.isInteger(Math.sqrt(g))) throw new RangeError(`subgroup_sizes_ls: ${g} is not a perfect square (each subgroup is m x m matrices)`);
  }
  if (subspaceSizes.length !== subgroupSizes.length) {
    throw new RangeError(`subspace_sizes_ls: ${subspaceSizes.length} sizes for ${subgroupSizes.length} subgroups in subgroup_sizes_ls`);
  }
  const total = subspaceSizes.reduce((a, b) => a + b, 0);
  if (total !== options.z_dim) throw new RangeError(`subspace_sizes_ls: the sizes sum to ${total}, z_dim is ${options.z_dim}`);
  return { subgroupSizes, subspaceSizes, initScale: options.lie_alg_init_scale ?? DEFAULT_INIT_SCALE };
}

/** The encoder's posterior with the group features its heads read. */
export interface GroupPosterior extends Posterior {
  groupFeatures: tf.Tensor2D;
}

export interface LieGroupModel extends EncoderDecoder {
  readonly structure: GroupStructure;
  encode(x: tf.Tensor4D): GroupPosterior;
  /** gG: every subgroup's exp(sum_k z_k A_k), flattened row-major and concatenated, [B, sum g_i]. */
  groupRepresentation(z: tf.Tensor2D): tf.Tensor2D;
  /** The decoder trunk post_exp on group features (gG, or gE for the forward_eg path). */
  decodeFeatures(features: tf.Tensor2D): tf.Tensor4D;
  /** Each subgroup's Lie algebra basis, [d_i, m_i, m_i]. */
  basis(): tf.Tensor3D[];
}

export function isLieGroupModel(model: EncoderDecoder): model is LieGroupModel {
  return model.architecture === 'lie_group';
}

export function createLieGroupModel(zDim: number, imageShape: ImageShape, rng: Rng, options: Partial<GroupStructureOptions> = {}): LieGroupModel {
  requireImageSize('lie_group', imageShape, 64);
  const structure = groupStructure({ ...options, z_dim: zDim });
  const { subgroupSizes, subspaceSizes } = structure;
  const groupSize = subgroupSizes.reduce((a, b) => a + b, 0);
  const flat = BOTTLENECK[0] * BOTTLENECK[1] * BOTTLENECK[2];
  const channels = imageShape[2];
  const layers = new LayerStack(rng, 'glorot_uniform', 'torch_default');

  let cin = channels;
  ENCODER_CHANNELS.forEach((cout, i) => {
    layers.addConv(`encoder/conv${i + 1}`, KERNEL, cin, cout);
    cin = cout;
  });
  layers.addDense('encoder/fc1', flat, HIDDEN);
  layers.addDense('encoder/group_features', HIDDEN, groupSize);
  subgroupSizes.forEach((g, i) => {
    for (const head of ['mean', 'logvar']) {
      layers.addDense(`encoder/${head}${i}/hidden`, g, HEAD_EXPANSION * g);
      layers.addDense(`encoder/${head}${i}/out`, HEAD_EXPANSION * g, subspaceSizes[i]);
    }
  });
  const basisVariables = subgroupSizes.map((g, i) => {
    const m = Math.sqrt(g);
    return normal(rng, [subspaceSizes[i], m, m], structure.initScale, `decoder/lie_alg_basis${i}`);
  });
  layers.addDense('decoder/fc1', groupSize, HIDDEN);
  layers.addDense('decoder/fc2', HIDDEN, flat);
  const deconvScopes = [...DECONV_CHANNELS, channels].map((cout, i) => {
    const scope = `decoder/deconv${i + 1}`;
    layers.addDeconv(scope, KERNEL, cin, cout);
    cin = cout;
    return scope;
  });
  const params = new Map(layers.params);
  for (const v of basisVariables) params.set(v.name, v);

  /** Column ranges of each subgroup in gE/gG and in z. */
  const slices = subgroupSizes.map((g, i) => ({
    featureStart: subgroupSizes.slice(0, i).reduce((a, b) => a + b, 0), g,
    latentStart: subspaceSizes.slice(0, i).reduce((a, b) => a + b, 0), d: subspaceSizes[i],
  }));

  const encode = (x: tf.Tensor4D): GroupPosterior => {
    let h = x;
    ENCODER_CHANNELS.forEach((_, i) => { h = layers.conv(h, `encoder/conv${i + 1}`, 2, 'same', 'relu'); });
    const hidden = layers.dense(tf.reshape(h, [x.shape[0], flat]), 'encoder/fc1', 'relu');
    const groupFeatures = layers.dense(hidden, 'encoder/group_features');
    const head = (name: string) => tf.concat(slices.map(({ featureStart, g }, i) => {
      const features = tf.slice(groupFeatures, [0, featureStart], [-1, g]);
      return layers.dense(layers.dense(features, `encoder/${name}${i}/hidden`, 'relu'), `encoder/${name}${i}/out`);
    }), 1) as tf.Tensor2D;
    return { mu: head('mean'), logvar: head('logvar'), groupFeatures };
  };

  const groupRepresentation = (z: tf.Tensor2D): tf.Tensor2D => {
    const batch = z.shape[0];
    return tf.concat(slices.map(({ latentStart, d, g }, i) => {
      const m = Math.sqrt(g);
      const algebra = tf.matMul(tf.slice(z, [0, latentStart], [-1, d]), tf.reshape(basisVariables[i], [d, g]));
      return tf.reshape(expm(tf.reshape(algebra, [batch, m, m])), [batch, g]);
    }), 1) as tf.Tensor2D;
  };

  const decodeFeatures = (features: tf.Tensor2D): tf.Tensor4D => {
    const hidden = layers.dense(layers.dense(features, 'decoder/fc1', 'relu'), 'decoder/fc2', 'relu');
    return layers.deconvChain(tf.reshape(hidden, [features.shape[0], ...BOTTLENECK]), deconvScopes);
  };

  return {
    architecture: 'lie_group',
    zDim,
    imageShape: [...imageShape],
    params,
    structure,
    encode,
    groupRepresentation,
    decodeFeatures,
    decode: (z) => decodeFeatures(groupRepresentation(z)),
    basis: () => basisVariables as tf.Tensor3D[],
    dispose: () => {
      layers.dispose();
      for (const v of basisVariables) v.dispose();
    },
  };
}
