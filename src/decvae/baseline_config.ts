// The β-VAE baseline's run configuration (`task: decvae_baseline`; spec decvae.md §11): a frame-wise
// fully connected VAE on the mel vector of every 400-sample frame of the original signal, trained
// with AdamW under a linear schedule and evaluated by DecVAE's frame-level protocol on its μ.
// Defaults are the original's SimVowels VAE config (β 40 there; the paper's comparison uses 0.1 and 1).
import { z } from 'zod';
import { BACKEND_REQUESTS } from '../config/schema.js';
import { FC_VAE_WIDTHS } from '../nn/fc_vae_nets.js';
import { DECVAE_DATASET, DECVAE_EVAL } from './config.js';

const positiveInt = z.number().int().positive();

export const BaselineConfigSchema = z.strictObject({
  task: z.literal('decvae_baseline').describe("DecVAE's β-VAE baseline: a frame-wise FC VAE on 80-band mel vectors"),
  seed: z.number().int().nonnegative().default(0),
  backend: z.enum(BACKEND_REQUESTS).default('auto'),
  dataset: DECVAE_DATASET,
  model: z.strictObject({
    beta: z.number().nonnegative().default(40).describe('vae_beta (the paper sweeps 0, 0.1, 1, 5, 10, 20, 40)'),
    encoder: z.array(positiveInt).nonempty().default([...FC_VAE_WIDTHS.encoder]).describe('hidden widths of the encoder (the decoder mirrors them)'),
    latent: positiveInt.default(FC_VAE_WIDTHS.latent),
  }).prefault({}),
  train: z.strictObject({
    epochs: positiveInt.default(150),
    batch_size: positiveInt.default(8).describe('utterances per step (every frame of each)'),
    lr: z.number().positive().default(1e-4),
    warmup_steps: z.number().int().nonnegative().default(10000),
    adam_beta1: z.number().min(0).max(1).default(0.5),
    adam_beta2: z.number().min(0).max(1).default(0.999),
    adam_epsilon: z.number().positive().default(1e-6),
    weight_decay: z.number().nonnegative().default(1e-4),
    max_grad_norm: z.number().positive().default(1),
    val_batches: z.number().int().nonnegative().default(4),
    checkpoint_every: positiveInt.default(1).describe('epochs between checkpoints (the last always saves)'),
    keep_checkpoints: positiveInt.default(2),
    log_every: positiveInt.default(10),
  }).prefault({}),
  eval: DECVAE_EVAL,
});

export type BaselineConfig = z.infer<typeof BaselineConfigSchema>;
