// The run configuration: one zod schema that is at once the validator, the defaults, the
// documentation (each field's .describe) and, through z.infer, the TypeScript type.
import { z } from 'zod';
import { DATASET_CONVENTIONS } from '../datasets/resized.js';
import { datasetSettingsSchema } from '../datasets/registry.js';
import { datasetSection } from './dataset_section.js';
import { FRAMEWORKS } from '../frameworks/registry.js';
import { LieGroupEvalSettingsSchema } from '../metrics/presets/lie_group.js';
import { ARCHITECTURES, ARCHITECTURE_DESCRIPTIONS, GROUP_STRUCTURE_KEYS } from '../nn/architectures.js';
import { groupStructure, type GroupStructureOptions } from '../nn/lie_group_nets.js';
import { SchedulePresetSchema, SchedulesSchema } from '../schedules/config.js';
import { parseReconLoss, RECON_LOSS_DESCRIPTION, RECON_REDUCTIONS, type ReconLoss } from '../nn/losses.js';

const positiveInt = z.number().int().positive();

/** disentanglement_lib's study metrics: the default evaluation. */
export const LIBRARY_METRICS = [
  'mig', 'factor_vae', 'beta_vae', 'dci', 'sap', 'modularity_explicitness', 'irs', 'unsupervised',
] as const;
/** The MSc research metrics and disent's flatness: opt-in, each encodes ~10^5 traversal images. */
export const TRAVERSAL_METRICS = ['linearity', 'distances', 'flatness'] as const;
export const METRIC_NAMES = [...LIBRARY_METRICS, ...TRAVERSAL_METRICS, 'lie_group'] as const;
export const REPRESENTATIONS = ['mean', 'sampled'] as const;
export const BACKEND_REQUESTS = ['auto', 'native', 'wasm', 'cpu', 'tensorflow'] as const;

export const FactorVaeSettingsSchema = z.strictObject({
  batch_size: positiveInt.default(64).describe('points per vote (disentanglement_lib: 64)'),
  num_train: positiveInt.default(10000).describe('votes used to fit the majority-vote classifier'),
  num_eval: positiveInt.default(5000).describe('votes used to measure its accuracy'),
  num_variance_estimate: positiveInt.default(10000).describe('points for the global variance of each code'),
  prune_threshold: z.number().nonnegative().default(0.05).describe('codes whose std is below this are pruned'),
});

export const MigSettingsSchema = z.strictObject({
  num_train: positiveInt.default(10000).describe('points sampled for the mutual information'),
  num_bins: positiveInt.default(20).describe('histogram bins per code dimension'),
});

export const BetaVaeSettingsSchema = z.strictObject({
  batch_size: positiveInt.default(64).describe('pairs averaged into one training point'),
  num_train: positiveInt.default(10000).describe('points the logistic regression is fitted on'),
  num_eval: positiveInt.default(5000).describe('points its accuracy is measured on'),
});

/** DCI, SAP and modularity/explicitness fit on a train sample and score on a test sample. */
const trainTest = {
  num_train: positiveInt.default(10000).describe('points sampled to fit'),
  num_test: positiveInt.default(5000).describe('points sampled to score'),
};

export const DciSettingsSchema = z.strictObject({ ...trainTest });

export const SapSettingsSchema = z.strictObject({
  ...trainTest,
  continuous_factors: z.boolean().default(false).describe('score factors by R^2 of a linear fit instead of LinearSVC accuracy'),
});

export const ModularitySettingsSchema = z.strictObject({
  ...trainTest,
  num_bins: positiveInt.default(20).describe('histogram bins per code dimension'),
});

export const IrsSettingsSchema = z.strictObject({
  num_train: positiveInt.default(10000).describe('points sampled'),
  diff_quantile: z.number().gt(0).max(1).default(0.99).describe('quantile of the interventional deviations'),
  num_bins: positiveInt.default(20).describe('histogram bins per factor'),
});

export const TraversalSettingsSchema = z.strictObject({
  repeats: positiveInt.default(1024).describe('random factor traversals per factor (disent: 1024)'),
});

export const DistancesSettingsSchema = z.strictObject({
  repeats: positiveInt.default(1024).describe('random factor traversals per factor (disent: 1024)'),
  num_samples: positiveInt.default(64).describe('triplets drawn per traversal'),
  global_subset_size: positiveInt.default(32).describe('random points per global subset'),
});

export const UnsupervisedSettingsSchema = z.strictObject({
  num_train: positiveInt.default(10000).describe('points sampled'),
  num_bins: positiveInt.default(20).describe('histogram bins per code dimension'),
});

/**
 * Validates the named framework's own hyperparameters (the keys beside `name` and the reconstruction settings)
 * with its settings schema, filling its defaults.
 */
function withFrameworkSettings<T extends { name: string; recon_loss: string; loss_reduction: string; schedule_preset?: string; schedules?: unknown }>(
  framework: T, ctx: z.RefinementCtx,
) {
  const definition = Object.hasOwn(FRAMEWORKS, framework.name) ? FRAMEWORKS[framework.name] : undefined;
  if (!definition) {
    const known = Object.keys(FRAMEWORKS).sort().join(', ');
    ctx.addIssue({ code: 'custom', path: ['name'], message: `unknown framework '${framework.name}' (known: ${known})` });
    return z.NEVER;
  }
  const { name, recon_loss, loss_reduction, schedule_preset, schedules, ...own } = framework;
  const parsed = definition.settings.safeParse(own);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  }
  const scheduling = { ...(schedule_preset === undefined ? {} : { schedule_preset }), ...(schedules === undefined ? {} : { schedules }) };
  return { name, recon_loss, loss_reduction, ...scheduling, ...parsed.data } as T & Record<string, unknown>;
}

/** Validates the named dataset's own settings (the keys beside the shared ones) with its settings schema. */
function withDatasetSettings<T extends { name: string }>(dataset: T, ctx: z.RefinementCtx): T {
  const { settings } = datasetSection(dataset);
  const parsed = datasetSettingsSchema(dataset.name).safeParse(settings);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  }
  return dataset;
}

/** Standardised images are not in [0, 1]: the likelihoods of such pixels do not apply, nor the Lie group VAE's second decoder path. */
function checkStandardisation(config: { dataset: { standardise: boolean }; framework: { recon_loss: string }; model: { architecture: string } }, ctx: z.RefinementCtx): void {
  if (!config.dataset.standardise) return;
  const { base } = parseReconLoss(config.framework.recon_loss);
  if (base !== 'mse' && base !== 'gaussian') {
    ctx.addIssue({ code: 'custom', path: ['framework', 'recon_loss'], message: `'${config.framework.recon_loss}' reads images in [0, 1]; with dataset.standardise use mse or gaussian (disent: mse)` });
  }
  if (config.model.architecture === 'lie_group') {
    ctx.addIssue({ code: 'custom', path: ['dataset', 'standardise'], message: 'the lie_group architecture does not support standardised inputs' });
  }
}

/** The group keys belong to the lie_group architecture, and must describe a valid group structure. */
function checkGroupStructure(model: GroupStructureOptions & { architecture: string }, ctx: z.RefinementCtx): void {
  if (model.architecture !== 'lie_group') {
    for (const key of GROUP_STRUCTURE_KEYS.filter((k) => model[k] !== undefined)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `only the lie_group architecture has ${key} (architecture is ${model.architecture})` });
    }
    return;
  }
  try {
    groupStructure(model);
  } catch (e) {
    const [key, ...rest] = (e as Error).message.split(': ');
    ctx.addIssue({ code: 'custom', path: [key], message: rest.join(': ') });
  }
}

export const ConfigSchema = z.strictObject({
  seed: z.number().int().nonnegative().default(0)
    .describe('seeds data, initialisation, sampling and metrics; same seed and backend give the same run'),
  backend: z.enum(BACKEND_REQUESTS).default('auto')
    .describe("tfjs backend; 'auto' is native (if built) else wasm in Node, with cpu as the last fallback"),
  dataset: z.looseObject({
    name: z.string().default('dsprites').describe("ground-truth dataset (see `disentangle data list`); its own settings (e.g. xysquares' grid_spacing) sit beside name"),
    path: z.string().min(1).optional()
      .describe('the original file (dsprites .npz, shapes3d .h5, mpi3d .npz) or directory (cars3d, smallnorb, dsprites_imagenet: the Tiny-ImageNet train split) to read instead of rendering'),
    convention: z.enum(DATASET_CONVENTIONS).default('disentanglement_lib')
      .describe("whose factors, splits and resize filter to follow where the libraries differ (SmallNORB: 4 factors, train+test vs 5 factors, train; Pillow LANCZOS vs BILINEAR)"),
    image_size: positiveInt.max(1024).default(64)
      .describe('observations of another size (SmallNORB 96, Cars3D 128) are resampled to this square size'),
    standardise: z.boolean().default(false)
      .describe("feed the networks (x - mean_c) / std_c with the dataset's channel statistics and compare reconstructions in that scale, as disent does (needs an mse or gaussian recon_loss)"),
  }).prefault({}).transform(withDatasetSettings),
  model: z.strictObject({
    z_dim: positiveInt.max(1024).default(10).describe('latent dimensions'),
    architecture: z.enum(ARCHITECTURES).default('conv64')
      .describe(ARCHITECTURES.map((a) => `${a}: ${ARCHITECTURE_DESCRIPTIONS[a]}`).join('; ')),
    subgroup_sizes_ls: z.array(positiveInt).min(1).optional()
      .describe('lie_group: flattened size m*m of each subgroup\'s matrices, a perfect square (default [100])'),
    subspace_sizes_ls: z.array(positiveInt).min(1).optional()
      .describe('lie_group: latent dimensions of each subgroup, summing to z_dim (default [z_dim])'),
    lie_alg_init_scale: z.number().positive().optional().describe('lie_group: std of the Lie algebra basis at initialisation (default 0.001)'),
  }).superRefine(checkGroupStructure).prefault({}),
  framework: z.looseObject({
    name: z.string().default('beta_vae').describe('training framework (see `disentangle list`); its own hyperparameters sit beside name'),
    recon_loss: z.string()
      .superRefine((name, ctx) => {
        try {
          parseReconLoss(name);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as Error).message });
        }
      })
      .transform((name) => name as ReconLoss).default('bernoulli').describe(RECON_LOSS_DESCRIPTION),
    loss_reduction: z.enum(RECON_REDUCTIONS).default('sum')
      .describe("reconstruction and KL per example: sum over its pixels and latents (disentanglement_lib), or mean (disent's loss_reduction: mean)"),
    schedule_preset: SchedulePresetSchema.optional().describe("one of disent's schedule presets (e.g. beta_cyclic, adanegtvae_up_ratio)"),
    schedules: SchedulesSchema.optional()
      .describe('hyperparameter schedules by hyperparameter name, e.g. {beta: {kind: linear, start_step: 0, end_step: 10000, r_start: 0, r_end: 1}}; override the preset\'s'),
  }).prefault({}).transform(withFrameworkSettings),
  sampling: z.strictObject({
    mode: z.enum(['auto', 'single', 'weak_pair', 'pair_orig', 'dist_triple']).default('auto')
      .describe("how a training sample's observations are drawn; auto: single, weak_pair or dist_triple by the framework's views"),
    k: z.number().int().min(-1).refine((k) => k !== 0, 'k must be -1 (random) or a number of factors').default(-1)
      .describe('weak pairs: factors changed (1 or k, with probability 1/2 each); -1 draws k from 1..F-1 per pair'),
    triplet_metric: z.enum(['random', 'factors', 'manhattan', 'manhattan_scaled', 'combined', 'combined_scaled']).default('manhattan_scaled')
      .describe('dist_triple: the factor distance that orders positive before negative'),
  }).prefault({}),
  train: z.strictObject({
    steps: positiveInt.default(3000).describe('optimizer steps'),
    batch_size: positiveInt.max(4096).default(64),
    lr: z.number().positive().default(1e-4).describe('Adam learning rate'),
    adam_beta1: z.number().min(0).max(1).default(0.9),
    adam_beta2: z.number().min(0).max(1).default(0.999),
    adam_epsilon: z.number().positive().default(1e-8),
    checkpoint_every: positiveInt.default(500).describe('steps between checkpoints (the last step always saves)'),
    keep_checkpoints: positiveInt.default(2).describe('how many of the newest checkpoints to keep'),
    log_every: positiveInt.default(10).describe('steps between TensorBoard scalar records'),
  }).prefault({}),
  eval: z.strictObject({
    metrics: z.array(z.enum(METRIC_NAMES)).default([...LIBRARY_METRICS])
      .describe("metrics computed after training; the default is disentanglement_lib's study suite"),
    representations: z.array(z.enum(REPRESENTATIONS)).min(1).default([...REPRESENTATIONS])
      .describe('mean: the encoder mean; sampled: one draw from q(z|x) (the library reports both)'),
    batch_size: positiveInt.default(256).describe('images per encoder call while evaluating'),
    mig: MigSettingsSchema.prefault({}),
    factor_vae: FactorVaeSettingsSchema.prefault({}),
    beta_vae: BetaVaeSettingsSchema.prefault({}),
    dci: DciSettingsSchema.prefault({}),
    sap: SapSettingsSchema.prefault({}),
    modularity_explicitness: ModularitySettingsSchema.prefault({}),
    irs: IrsSettingsSchema.prefault({}),
    unsupervised: UnsupervisedSettingsSchema.prefault({}),
    linearity: TraversalSettingsSchema.prefault({}),
    flatness: TraversalSettingsSchema.prefault({}),
    distances: DistancesSettingsSchema.prefault({}),
    lie_group: LieGroupEvalSettingsSchema.prefault({}),
  }).prefault({}),
  viz: z.strictObject({
    num_reconstructions: positiveInt.max(64).default(8),
    traversal_steps: z.number().int().min(2).max(64).default(11).describe('frames across each latent range'),
    traversal_limit: z.number().positive().default(2).describe('traverse each latent over [-limit, limit]'),
    gif_delay_ms: positiveInt.default(120),
    image_every: z.number().int().min(0).default(500)
      .describe('steps between TensorBoard images (reconstructions, still traversal) during training; 0 for none'),
    num_animations: positiveInt.max(64).default(5)
      .describe('`disentangle viz`: base codes animated in each traversal mode (disentanglement_lib: 5)'),
    embedding_points: z.number().int().min(3).default(1000).describe('`disentangle viz`: codes embedded by UMAP'),
    distance_pairs: positiveInt.default(5000).describe('`disentangle viz`: random pairs in the distance plot'),
  }).prefault({}),
}).superRefine(checkStandardisation);

export type Config = z.infer<typeof ConfigSchema>;
