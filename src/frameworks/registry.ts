// Framework names as they appear in configs.
import type { Config } from '../config/schema.js';
import type { EncoderDecoder } from '../nn/model.js';
import { lookupByName } from '../util/errors.js';
import type { Framework } from './base.js';
import { betaVae, vae } from './beta_vae.js';
import type { FrameworkDefinition } from './definition.js';

export const FRAMEWORKS: Readonly<Record<string, FrameworkDefinition>> = {
  vae,
  beta_vae: betaVae,
};

export function frameworkNames(): string[] {
  return Object.keys(FRAMEWORKS).sort();
}

export function createFramework(config: Config, model: EncoderDecoder): Framework {
  const definition = lookupByName('framework', config.framework.name, FRAMEWORKS, 'framework.name');
  const { name: _name, recon_loss, ...own } = config.framework;
  const { lr, adam_beta1: beta1, adam_beta2: beta2, adam_epsilon: epsilon } = config.train;
  return definition.create(model, { recon_loss, optimizer: { lr, beta1, beta2, epsilon } }, definition.settings.parse(own));
}
