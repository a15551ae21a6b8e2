// The encoder/decoder pairs a config can name (`model.architecture`): our benchmark conv64 and the
// originals' own networks, so a framework can be run on exactly the model its library used.
import type { Rng } from '../util/random.js';
import { createConv64 } from './conv64.js';
import { createDisentConv64, createDisentFc } from './disent_nets.js';
import { createDlibConv, createDlibFc } from './dlib_nets.js';
import { createLieGroupModel, type GroupStructureOptions } from './lie_group_nets.js';
import type { EncoderDecoder } from './model.js';

/** The model config's keys beyond z_dim and the architecture, read by the architectures that have them. */
export type ModelOptions = Partial<Omit<GroupStructureOptions, 'z_dim'>>;

type Factory = (zDim: number, imageShape: readonly [number, number, number], rng: Rng, options: ModelOptions) => EncoderDecoder;

const FACTORIES = {
  conv64: createConv64,
  dlib_conv: createDlibConv,
  dlib_fc: createDlibFc,
  disent_conv64: createDisentConv64,
  disent_fc: createDisentFc,
  lie_group: createLieGroupModel,
} satisfies Record<string, Factory>;

export type Architecture = keyof typeof FACTORIES;

export const ARCHITECTURES = Object.keys(FACTORIES) as [Architecture, ...Architecture[]];

/** One line per architecture, for the config's `model.architecture` description. */
export const ARCHITECTURE_DESCRIPTIONS: Record<Architecture, string> = {
  conv64: 'Burgess et al. 2018 beta-VAE conv net, 4x4 kernels throughout, Glorot-uniform (64x64; the benchmark model)',
  dlib_conv: "disentanglement_lib conv_encoder/deconv_decoder: convs 32k4 32k4 64k2 64k2, dense 256, Glorot-uniform (64x64)",
  dlib_fc: 'disentanglement_lib fc_encoder (1200-1200 ReLU) / fc_decoder (1200-1200-1200 tanh), Glorot-uniform',
  disent_conv64: 'disent EncoderConv64/DecoderConv64: convs k4 s2 padding 2 (flatten 1600), dense 256, Glorot-normal (64x64)',
  disent_fc: 'disent EncoderFC/DecoderFC: the fully connected nets of dlib_fc with one 2z head, Glorot-normal',
  lie_group: 'Commutative Lie Group VAE: the conv64 trunk to group features, per-subgroup heads, decoder through exp(sum z_k A_k) (64x64; framework lie_group_vae)',
};

/** The model keys only the lie_group architecture reads. */
export const GROUP_STRUCTURE_KEYS = ['subgroup_sizes_ls', 'subspace_sizes_ls', 'lie_alg_init_scale'] as const;

export function isArchitecture(name: string): name is Architecture {
  return Object.hasOwn(FACTORIES, name);
}

export function createModel(name: string, zDim: number, imageShape: readonly [number, number, number], rng: Rng,
  options: ModelOptions = {}): EncoderDecoder {
  if (!isArchitecture(name)) throw new RangeError(`unknown architecture '${name}'; one of ${ARCHITECTURES.join(', ')}`);
  return FACTORIES[name](zDim, imageShape, rng, options);
}
