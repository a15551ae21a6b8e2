// A DecVAE run's configuration (`task: decvae` at the top of the YAML): SimVowels, the
// decomposition and mel features, the dual-branch encoder, its loss, the two AdamW optimisers with
// their Hugging Face schedules, and the evaluation. Defaults are the original's SimVowels
// pre-training config (spec decvae.md §4, §6-§9); configs/decvae/ spells them out.
import { z } from 'zod';
import { BACKEND_REQUESTS } from '../config/schema.js';
import { DECVAE_WIDTHS } from '../nn/decvae_nets.js';
import { DECVAE_LOSS_SETTINGS } from './loss.js';
import { CLASSIFIERS } from './classification.js';

const positiveInt = z.number().int().positive();
const betas = z.number().min(0).max(1);

/** SimVowels as DecVAE and its β-VAE baseline read it. */
export const DECVAE_DATASET = z.strictObject({
  name: z.literal('simvowels').default('simvowels'),
  size: z.enum(['full', 'small']).default('full').describe('full: 4000/500/300 utterances (train/dev/test); small: 400/50/30'),
  seed: z.number().int().nonnegative().default(0)
    .describe("the generator's seed: the same data (and feature cache) for every training seed"),
  cache: z.string().optional().describe('directory of the per-utterance feature cache (default: .cache/decvae under the working directory)'),
  limit: positiveInt.optional().describe('use at most the first N utterances of each split (quick looks and tests)'),
}).prefault({});

/** The evaluation of §9, shared with the β-VAE baseline. */
export const DECVAE_EVAL = z.strictObject({
  checkpoint: z.enum(['best_val', 'last']).default('last').describe("the evaluated checkpoint (the original's default: the last)"),
  classification_random_states: positiveInt.default(10).describe('repetitions of the 5-fold supervised classification'),
  classifiers: z.array(z.enum(CLASSIFIERS)).min(1).default([...CLASSIFIERS])
    .describe('the supervised classifiers whose mean accuracies are reported (the best is best_accuracy); default: all of §9.4'),
  kmeans_seeds: positiveInt.default(50).describe('k-means restarts of the unsupervised classification'),
  metric_frames: z.number().int().nonnegative().default(0)
    .describe('frames drawn (per split) for the disentanglement metrics and classifiers; 0: every frame, as the original'),
  umap_points: z.number().int().nonnegative().default(3000).describe('frames in the UMAP pictures (0: none)'),
  traversal: z.boolean().default(true).describe("DecVAE's latent response analysis (§10): JSON and heat maps"),
}).prefault({});

export const DecVaeConfigSchema = z.strictObject({
  task: z.literal('decvae').describe('a DecVAE run: utterances decomposed into oscillatory components, frame (Z) and sequence (S) latents'),
  seed: z.number().int().nonnegative().default(0).describe('seeds initialisation, batches, frame selection, sampling and evaluation'),
  backend: z.enum(BACKEND_REQUESTS).default('auto'),
  dataset: DECVAE_DATASET,
  decomposition: z.strictObject({
    method: z.enum(['ewt', 'fd', 'vmd', 'emd']).default('ewt').describe('EWT (the default), filter decomposition, VMD or EMD'),
    noc: positiveInt.default(3).describe('oscillatory components per frame and per sequence (NoC = NoC_seq)'),
    grouping: z.enum(['equally_distribute', 'high_freqs_first', 'low_freqs_first']).default('equally_distribute'),
  }).prefault({}),
  model: z.strictObject({
    z_conv: positiveInt.default(DECVAE_WIDTHS.zConv).describe('channels of the Z conv feature encoder'),
    z_hidden: positiveInt.default(DECVAE_WIDTHS.zHidden).describe('Z feature projection (wav2vec2 hidden_size)'),
    s_conv: positiveInt.default(DECVAE_WIDTHS.sConv).describe('channels of the S conv stack'),
    intermediate: positiveInt.default(DECVAE_WIDTHS.intermediate).describe('proj_intermediate_dim'),
    features: positiveInt.default(DECVAE_WIDTHS.features).describe('proj_codevector_dim: the features the divergence loss compares'),
    z_latent: positiveInt.default(DECVAE_WIDTHS.zLatent),
    s_latent: positiveInt.default(DECVAE_WIDTHS.sLatent),
    attention_heads: positiveInt.default(DECVAE_WIDTHS.attentionHeads).describe('heads of the S attention pooling (divides s_conv)'),
  }).prefault({}),
  loss: DECVAE_LOSS_SETTINGS.prefault({}),
  train: z.strictObject({
    epochs: positiveInt.default(150).describe('passes over the training split (the original stops early around epoch 116)'),
    batch_size: positiveInt.default(16).describe('utterances per step'),
    lr_z: z.number().positive().default(8e-5),
    lr_s: z.number().positive().default(1e-4),
    schedule_z: z.enum(['constant_with_warmup', 'linear']).default('constant_with_warmup'),
    schedule_s: z.enum(['constant_with_warmup', 'linear']).default('linear'),
    warmup_steps: z.number().int().nonnegative().default(5000),
    adam_beta1: betas.default(0.5),
    adam_beta2: betas.default(0.999),
    adam_epsilon: z.number().positive().default(1e-6),
    weight_decay: z.number().nonnegative().default(1e-4).describe("both optimisers' decoupled weight decay"),
    val_batches: z.number().int().nonnegative().default(4).describe('dev batches scored after every epoch (total loss)'),
    checkpoint_every: positiveInt.default(1).describe('epochs between checkpoints (the last always saves)'),
    keep_checkpoints: positiveInt.default(2),
    log_every: positiveInt.default(10).describe('steps between TensorBoard scalar records'),
  }).prefault({}),
  eval: DECVAE_EVAL,
});

export type DecVaeConfig = z.infer<typeof DecVaeConfigSchema>;
