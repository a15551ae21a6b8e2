// Framework names as they appear in configs.
import type { Config } from '../config/schema.js';
import type { EncoderDecoder } from '../nn/model.js';
import { lookupByName } from '../util/errors.js';
import type { Framework, FrameworkSettings } from './base.js';
import { BetaVae } from './beta_vae.js';

type FrameworkFactory = (model: EncoderDecoder, settings: FrameworkSettings, config: Config['framework']) => Framework;

const FRAMEWORKS: Record<string, FrameworkFactory> = {
  vae: (model, settings) => new BetaVae(model, settings, 1),
  beta_vae: (model, settings, config) => new BetaVae(model, settings, config.beta),
};

export function frameworkNames(): string[] {
  return Object.keys(FRAMEWORKS).sort();
}

export function createFramework(config: Config, model: EncoderDecoder): Framework {
  const factory = lookupByName('framework', config.framework.name, FRAMEWORKS, 'framework.name');
  const { lr, adam_beta1: beta1, adam_beta2: beta2, adam_epsilon: epsilon } = config.train;
  return factory(model, { recon_loss: config.framework.recon_loss, optimizer: { lr, beta1, beta2, epsilon } }, config.framework);
}
