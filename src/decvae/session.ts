// A DecVAE training session: the data, the dual-branch system with its two optimisers, the step
// reached and the random streams; built fresh from a config or restored from a checkpoint
// (checkpoints are taken at epoch ends, so the epoch is the step count over the steps per epoch).
import { stringify } from 'yaml';
import { parseConfigWith } from '../config/load.js';
import { loadCheckpoint, type CheckpointState } from '../train/checkpoint.js';
import { disposeCheckpointState, restoreOptimizers, restoreStreams, restoreVariables } from '../train/restore.js';
import { Rng } from '../util/random.js';
import { DecVaeConfigSchema, type DecVaeConfig } from './config.js';
import { DecVaeData } from './data.js';
import { DecVaeSystem } from './system.js';

export interface DecVaeSession {
  config: DecVaeConfig;
  data: DecVaeData;
  system: DecVaeSystem;
  step: number;
  /** data: epoch order; noise: the frames each step's Z losses read. Both are checkpointed. */
  rngs: { data: Rng; noise: Rng };
  /** Seeds validation and evaluation, the same for a run and its resumed copy. */
  evalSeed: number;
}

export function stepsPerEpoch(session: Pick<DecVaeSession, 'config' | 'data'>): number {
  return Math.ceil(session.data.count('train') / session.config.train.batch_size);
}

export function createDecVaeSession(config: DecVaeConfig): DecVaeSession {
  const root = Rng.fromSeed(config.seed);
  const { model: m, train: t } = config;
  const adam = (lr: number) => ({ lr, beta1: t.adam_beta1, beta2: t.adam_beta2, epsilon: t.adam_epsilon, weightDecay: t.weight_decay });
  const system = new DecVaeSystem(root.fork('init'), {
    zConv: m.z_conv, zHidden: m.z_hidden, sConv: m.s_conv, intermediate: m.intermediate, features: m.features,
    zLatent: m.z_latent, sLatent: m.s_latent, attentionHeads: m.attention_heads, components: config.decomposition.noc,
  }, config.loss, { z: adam(t.lr_z), s: adam(t.lr_s) });
  return {
    config, data: new DecVaeData(config), system, step: 0,
    rngs: { data: root.fork('data'), noise: root.fork('frames') }, evalSeed: root.fork('eval').uint32(),
  };
}

export function decVaeSessionState(session: DecVaeSession): CheckpointState<DecVaeConfig> {
  return {
    step: session.step,
    config: session.config,
    rng: { data: session.rngs.data.state(), noise: session.rngs.noise.state() },
    weights: session.system.encoder.variables(),
    optimizers: new Map([['z', session.system.optimizers.z.state()], ['s', session.system.optimizers.s.state()]]),
  };
}

/** Rebuilds a session from a checkpoint; `overrides` (`key=value`) may change e.g. train.epochs. */
export function restoreDecVaeSession(checkpointDir: string, overrides: readonly string[] = []): DecVaeSession {
  const state = loadCheckpoint<DecVaeConfig>(checkpointDir);
  try {
    const config = parseConfigWith(DecVaeConfigSchema, stringify(state.config), `${checkpointDir}/manifest.json`, overrides);
    const session = createDecVaeSession(config);
    restoreVariables(session.system.encoder.variables(), state, checkpointDir);
    restoreOptimizers(new Map(Object.entries(session.system.optimizers)), state, checkpointDir);
    session.step = state.step;
    session.rngs = restoreStreams(state, checkpointDir);
    return session;
  } finally {
    disposeCheckpointState(state);
  }
}
