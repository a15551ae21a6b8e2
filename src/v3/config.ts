// A V3 run's configuration (`task: v3` at the top of the YAML): the sequence dataset, the model
// geometry and codebook, the loss, AdamW with the per-epoch decay, and the evaluation suite. The
// defaults are the original's PhoneNums config (cfg_v3_phonenums.yaml, spec v3.md §7); the
// configs in configs/v3/ spell out every dataset's own values.
import { z } from 'zod';
import { BACKEND_REQUESTS } from '../config/schema.js';
import { V3_LOSS_SETTINGS } from './loss.js';

const positiveInt = z.number().int().positive();

export const V3ConfigSchema = z.strictObject({
  task: z.literal('v3').describe('a V3 run: sequences of fragments, content and style'),
  seed: z.number().int().nonnegative().default(0).describe('seeds data, initialisation, batches and evaluation'),
  backend: z.enum(BACKEND_REQUESTS).default('auto'),
  dataset: z.strictObject({
    name: z.string().default('phonenums').describe('sequence dataset: phonenums, insnotes, sprites (generated), svhn or librispeech (read)'),
    path: z.string().optional().describe("svhn, librispeech: directory of the original's train/val/test .hdf5 files"),
    size: positiveInt.optional().describe('PhoneNums pages (1000) or InsNotes files per instrument (100); smaller for small configs'),
    fragments: positiveInt.optional().describe("fragments per sample (the original's n_fragments: 10, 12, 9)"),
  }).prefault({}),
  model: z.strictObject({
    geometry: z.string().optional().describe("encoder/decoder geometry of spec §2.3 (default: the dataset's)"),
    embedding_size: positiveInt.default(512).describe('size of z_c and of z_s (d_emb_c = d_emb_s)'),
    width_multiplier: z.number().positive().max(1).default(1).describe('scales every channel count, to shrink the model'),
    n_atoms: positiveInt.default(10).describe('codebook size K (10 PhoneNums, 12 InsNotes, 18 Sprites)'),
    vq_decay: z.number().min(0).max(1).default(0.98).describe('EMA decay of the codebook'),
    dead_code_threshold: z.number().nonnegative().default(16).describe('atoms whose EMA cluster size falls below this are replaced (16, 16, 8)'),
    commitment_weight: z.number().nonnegative().default(1).describe("the quantiser's own commitment weight"),
    kmeans_iterations: positiveInt.default(10),
  }).prefault({}),
  loss: V3_LOSS_SETTINGS.prefault({}),
  train: z.strictObject({
    epochs: positiveInt.default(100).describe('passes over the training split (the original runs until stopped)'),
    batch_size: positiveInt.default(32).describe('samples per step, each of n fragments'),
    lr: z.number().positive().default(1e-3),
    adam_beta1: z.number().min(0).max(1).default(0.9),
    adam_beta2: z.number().min(0).max(1).default(0.999),
    adam_epsilon: z.number().positive().default(1e-8),
    weight_decay: z.number().nonnegative().default(0.1).describe("AdamW's decoupled weight decay"),
    lr_decay_rate: z.number().positive().max(1).default(0.98).describe('per-epoch factor max(floor, rate^(epoch / every))'),
    lr_decay_every: z.number().positive().default(20),
    lr_decay_floor: z.number().positive().max(1).default(0.02),
    val_batches: z.number().int().nonnegative().default(4).describe('validation batches scored after every epoch (total loss, eval mode)'),
    checkpoint_every: positiveInt.default(1).describe('epochs between checkpoints (the last always saves)'),
    keep_checkpoints: positiveInt.default(2),
    log_every: positiveInt.default(10).describe('steps between TensorBoard scalar records'),
  }).prefault({}),
  eval: z.strictObject({
    checkpoint: z.enum(['best_val', 'last']).default('best_val')
      .describe("which checkpoint to evaluate: the lowest validation loss (the original's choice) or the last"),
    paper_era: z.boolean().default(false).describe('retrieval as the paper-era code: the fixed k-list, the query among its neighbours'),
    ood_size: positiveInt.optional().describe("size of the out-of-distribution set, as dataset.size (default the original's: 1000 pages, 100 files per instrument)"),
    repeats: positiveInt.default(1).describe('passes over the test split (the original repeats 5 times when n < #content classes)'),
    tsne_points: z.number().int().nonnegative().default(2000).describe('fragments in the 3-D t-SNE pictures (0: none)'),
    few_shot: z.array(z.union([z.literal(1), z.literal(5), z.literal(10)])).default([1, 5, 10])
      .describe('shots per OOD style for the few-shot adaptation (PhoneNums and InsNotes)'),
    few_shot_lr: z.number().positive().default(1e-4),
    few_shot_weight_decay: z.number().nonnegative().default(0.01),
  }).prefault({}),
});

export type V3Config = z.infer<typeof V3ConfigSchema>;

/** The per-epoch learning-rate factor of the original's `exponential_decay` (no warm-up). */
export function lrFactor(train: V3Config['train'], epoch: number): number {
  return Math.max(train.lr_decay_floor, train.lr_decay_rate ** (epoch / train.lr_decay_every));
}
