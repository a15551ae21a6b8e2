// Framework names as they appear in configs.
import type { Config } from '../config/schema.js';
import type { EncoderDecoder } from '../nn/model.js';
import { createSchedules } from '../schedules/config.js';
import { lookupByName, UserError } from '../util/errors.js';
import type { Rng } from '../util/random.js';
import type { Framework } from './base.js';
import { adaGvae } from './ada_gvae.js';
import { adaTripletVae } from './ada_tvae.js';
import { ae } from './ae.js';
import { annealedVae } from './annealed_vae.js';
import { betaTcVae } from './beta_tcvae.js';
import { betaVae, vae } from './beta_vae.js';
import { dipVaeI, dipVaeIi } from './dip_vae.js';
import { factorVae } from './factor_vae.js';
import { groupVaeArgmax, groupVaeLabel, mlVaeArgmax, mlVaeLabel } from './group_vae.js';
import { infoVae } from './info_vae.js';
import { lieGroupVae } from './lie_group_vae.js';
import { overlapTripletVae } from './overlap_tvae.js';
import { tripletVae } from './triplet_vae.js';
import type { FrameworkDefinition } from './definition.js';

export const FRAMEWORKS: Readonly<Record<string, FrameworkDefinition>> = {
  ae,
  vae,
  beta_vae: betaVae,
  annealed_vae: annealedVae,
  beta_tcvae: betaTcVae,
  dip_vae_i: dipVaeI,
  dip_vae_ii: dipVaeIi,
  info_vae: infoVae,
  factor_vae: factorVae,
  group_vae_label: groupVaeLabel,
  group_vae_argmax: groupVaeArgmax,
  ml_vae_label: mlVaeLabel,
  ml_vae_argmax: mlVaeArgmax,
  ada_gvae: adaGvae,
  triplet_vae: tripletVae,
  ada_tvae: adaTripletVae,
  ada_tvae_unsupervised: overlapTripletVae,
  lie_group_vae: lieGroupVae,
};

export function frameworkNames(): string[] {
  return Object.keys(FRAMEWORKS).sort();
}

/** The framework a config names, around `model`; `rng` initialises the framework's own networks. */
export function createFramework(config: Config, model: EncoderDecoder, rng: Rng): Framework {
  const definition = lookupByName('framework', config.framework.name, FRAMEWORKS, 'framework.name');
  const { name: _name, recon_loss, loss_reduction, schedule_preset, schedules, ...own } = config.framework;
  const { lr, adam_beta1: beta1, adam_beta2: beta2, adam_epsilon: epsilon, steps } = config.train;
  const common = {
    recon_loss, loss_reduction, optimizer: { lr, beta1, beta2, epsilon },
    schedules: createSchedules(schedule_preset, schedules, steps),
  };
  if (definition.architecture !== undefined && model.architecture !== definition.architecture) {
    throw new UserError(`framework.name: ${config.framework.name} needs model.architecture: ${definition.architecture}, not ${model.architecture}`);
  }
  return definition.create(model, common, definition.settings.parse(own), rng);
}
