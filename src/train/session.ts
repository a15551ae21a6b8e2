// A training session: the dataset, the model inside its framework, the step reached and the
// random streams, built fresh from a config or restored from a checkpoint.
import { stringify } from 'yaml';
import { datasetSection } from '../config/dataset_section.js';
import { parseConfigText } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { openDataset, type OpenDatasetOptions } from '../datasets/open.js';
import type { GroundTruthData } from '../datasets/ground_truth.js';
import type { Framework } from '../frameworks/base.js';
import { createFramework } from '../frameworks/registry.js';
import type { Rng } from '../util/random.js';
import { loadCheckpoint, type CheckpointState } from './checkpoint.js';
import { disposeCheckpointState, restoreOptimizers, restoreStreams, restoreVariables } from './restore.js';
import { createRunModel, runStreams } from './run_model.js';

export interface Session {
  config: Config;
  dataset: GroundTruthData;
  /** What opened `dataset`, so a worker thread can open the same one. */
  datasetSpec: { name: string; options: OpenDatasetOptions };
  framework: Framework;
  /** Optimizer steps taken so far. */
  step: number;
  /** Streams that advance during training and are saved in checkpoints. */
  rngs: { data: Rng; noise: Rng };
  /** Seeded stream for evaluation and pictures, the same for a run and its resumed copy. */
  evalSeed: number;
}

export async function createSession(config: Config): Promise<Session> {
  const { init, data, noise, evalSeed, datasetSeed } = runStreams(config.seed);
  const { name, settings } = datasetSection(config.dataset);
  const datasetSpec = {
    name,
    options: { seed: datasetSeed, settings, path: config.dataset.path, convention: config.dataset.convention, imageSize: config.dataset.image_size },
  };
  const dataset = await openDataset(datasetSpec.name, 'dataset.name', datasetSpec.options);
  const model = createRunModel(config, dataset.observationShape, init);
  return { config, dataset, datasetSpec, framework: createFramework(config, model, init.fork('framework')), step: 0, rngs: { data, noise }, evalSeed };
}

/** Rebuilds a session from a checkpoint; `overrides` (`key=value`) may change e.g. train.steps. */
export async function restoreSession(checkpointDir: string, overrides: readonly string[] = []): Promise<Session> {
  const state = loadCheckpoint(checkpointDir);
  try {
    const config = parseConfigText(stringify(state.config), `${checkpointDir}/manifest.json`, overrides);
    const session = await createSession(config);
    restoreVariables(session.framework.variables(), state, checkpointDir);
    restoreOptimizers(session.framework.optimizers(), state, checkpointDir);
    session.step = state.step;
    session.rngs = restoreStreams(state, checkpointDir);
    return session;
  } finally {
    disposeCheckpointState(state);
  }
}

/** What a checkpoint of this session holds. */
export function sessionState(session: Session): CheckpointState {
  return {
    step: session.step,
    config: session.config,
    rng: { data: session.rngs.data.state(), noise: session.rngs.noise.state() },
    weights: session.framework.variables(),
    optimizers: new Map([...session.framework.optimizers()].map(([name, optimizer]) => [name, optimizer.state()])),
  };
}
