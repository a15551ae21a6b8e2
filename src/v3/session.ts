// A V3 training session: the sequence dataset, the system (model, codebook, AdamW), the step
// reached and the random streams, built fresh from a config or restored from a checkpoint. Runs
// are checkpointed at epoch ends only, so the epoch is the step count over the steps per epoch.
import { stringify } from 'yaml';
import { parseConfigWith } from '../config/load.js';
import { openSequenceDataset } from '../sequences/registry.js';
import type { SequenceDataset } from '../sequences/sequence_data.js';
import { loadCheckpoint, type CheckpointState } from '../train/checkpoint.js';
import { disposeCheckpointState, restoreOptimizers, restoreStreams, restoreVariables } from '../train/restore.js';
import { Rng } from '../util/random.js';
import { V3ConfigSchema, type V3Config } from './config.js';
import { V3System } from './system.js';

export interface V3Session {
  config: V3Config;
  data: SequenceDataset;
  system: V3System;
  /** Optimizer steps taken so far. */
  step: number;
  /** Streams that advance during training and are saved in checkpoints. */
  rngs: { data: Rng; noise: Rng };
  /** Seeded stream for validation, evaluation and pictures, the same for a run and its resumed copy. */
  evalSeed: number;
}

/** The run's dataset, or with `ood` its out-of-distribution styles (of size eval.ood_size). */
export function datasetOf(config: V3Config, ood = false): Promise<SequenceDataset> {
  const { name, size, fragments, path } = config.dataset;
  const seed = Rng.fromSeed(config.seed).fork(ood ? 'ood-dataset' : 'dataset').uint32();
  return openSequenceDataset(name, { seed, size: ood ? config.eval.ood_size : size, fragmentsPerSample: fragments, ood, path }, 'dataset.name');
}

export function stepsPerEpoch(session: Pick<V3Session, 'config' | 'data'>): number {
  return Math.ceil(session.data.count('train') / session.config.train.batch_size);
}

export async function createV3Session(config: V3Config): Promise<V3Session> {
  const root = Rng.fromSeed(config.seed);
  const init = root.fork('init');
  const rngs = { data: root.fork('data'), noise: root.fork('noise') };
  const evalSeed = root.fork('eval').uint32();
  const data = await datasetOf(config);
  return { config, data, system: new V3System(config, init), step: 0, rngs, evalSeed };
}

/** What a checkpoint of this session holds. */
export function v3SessionState(session: V3Session): CheckpointState<V3Config> {
  return {
    step: session.step,
    config: session.config,
    rng: { data: session.rngs.data.state(), noise: session.rngs.noise.state() },
    weights: session.system.variables(),
    optimizers: new Map([['model', session.system.optimizer.state()]]),
  };
}

/** Rebuilds a session from a checkpoint; `overrides` (`key=value`) may change e.g. train.epochs. */
export async function restoreV3Session(checkpointDir: string, overrides: readonly string[] = []): Promise<V3Session> {
  const state = loadCheckpoint<V3Config>(checkpointDir);
  try {
    const config = parseConfigWith(V3ConfigSchema, stringify(state.config), `${checkpointDir}/manifest.json`, overrides);
    const session = await createV3Session(config);
    restoreVariables(session.system.variables(), state, checkpointDir);
    restoreOptimizers(new Map([['model', session.system.optimizer]]), state, checkpointDir);
    session.step = state.step;
    session.rngs = restoreStreams(state, checkpointDir);
    return session;
  } finally {
    disposeCheckpointState(state);
  }
}
