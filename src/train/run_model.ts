// What a ground-truth run's config determines before any data is read: the random streams its
// seed forks (in a fixed order, so a run, its resumed copy and the explorer page agree) and its
// encoder/decoder. Free of the file system, so the explorer page builds the model from the same code.
import { datasetSection } from '../config/dataset_section.js';
import type { Config } from '../config/schema.js';
import { channelStatistics } from '../datasets/channel_statistics.js';
import { createModel } from '../nn/architectures.js';
import { StandardisedModel } from '../nn/standardised_model.js';
import type { EncoderDecoder } from '../nn/model.js';
import { Rng } from '../util/random.js';

export interface RunStreams {
  /** Initialises the model and the framework's own networks. */
  init: Rng;
  /** Draws training batches. */
  data: Rng;
  /** Draws the reparameterisation noise. */
  noise: Rng;
  /** Seeds evaluation and pictures. */
  evalSeed: number;
  /** Seeds the observations of the datasets whose images carry randomness beyond their factors. */
  datasetSeed: number;
}

export function runStreams(seed: number): RunStreams {
  const root = Rng.fromSeed(seed);
  const init = root.fork('init');
  const data = root.fork('data');
  const noise = root.fork('noise');
  const evalSeed = root.fork('eval').uint32();
  return { init, data, noise, evalSeed, datasetSeed: root.fork('dataset').uint32() };
}

/**
 * The encoder/decoder the config's `model` section configures, for observations of `imageShape`,
 * reading standardised images when `dataset.standardise` asks for disent's input standardisation.
 */
export function createRunModel(config: Pick<Config, 'model' | 'dataset'>, imageShape: readonly [number, number, number], init: Rng): EncoderDecoder {
  const { architecture, z_dim: zDim, ...options } = config.model;
  const model = createModel(architecture, zDim, imageShape, init, options);
  if (!config.dataset.standardise) return model;
  const { name, settings } = datasetSection(config.dataset);
  return new StandardisedModel(model, channelStatistics(name, settings, 'dataset.standardise'));
}
