// What the registry knows of a framework: its own hyperparameters (a strict zod object whose
// defaults are the original's), how to build it, and the training samples it needs. Configs
// name frameworks; the schema validates `framework.*` against the named framework's settings.
import type { z } from 'zod';
import type { EncoderDecoder } from '../nn/model.js';
import type { Rng } from '../util/random.js';
import type { Framework, FrameworkSettings } from './base.js';

export interface FrameworkDefinition<Settings extends z.ZodObject = z.ZodObject> {
  /** One line for `disentangle list` and the docs. */
  description: string;
  settings: Settings;
  /** The `model.architecture` it needs, when it cannot train on the others (the Lie group VAE). */
  architecture?: string;
  /** `rng` initialises the framework's own networks (a discriminator), if it has any. */
  create(model: EncoderDecoder, common: FrameworkSettings, settings: z.infer<Settings>, rng: Rng): Framework;
}

/** Type-checks a definition against its own settings schema. */
export function defineFramework<Settings extends z.ZodObject>(definition: FrameworkDefinition<Settings>): FrameworkDefinition {
  return definition as unknown as FrameworkDefinition;
}
