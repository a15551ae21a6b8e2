// Datasets by the names configs use. Each factory builds a fresh instance, since a dataset
// may keep per-instance render caches and scratch buffers. `seed` feeds the datasets whose
// observations carry randomness beyond their factors (the noisy, colour and scream dSprites).
import { lookupByName } from '../util/errors.js';
import { Rng } from '../util/random.js';
import { DSpritesData } from './dsprites.js';
import { DSpritesImagenetData } from './dsprites_imagenet.js';
import { ColorDSpritesData, NoisyDSpritesData, ScreamDSpritesData } from './dsprites_variants.js';
import type { GroundTruthData } from './ground_truth.js';
import { Shapes3dData } from './shapes3d.js';
import { XYObjectData } from './xyobject.js';
import { XYObjectShadedData } from './xyobject_shaded.js';
import { XYSingleSquareData, XYSquaresData, XYSquaresMinimalData } from './xysquares.js';

export interface DatasetOptions {
  seed?: number;
}

type DatasetFactory = (options: DatasetOptions) => GroundTruthData;

const observationRng = (options: DatasetOptions) => Rng.fromSeed(options.seed ?? 0).fork('observations');

export const DATASETS: Readonly<Record<string, DatasetFactory>> = {
  dsprites: () => new DSpritesData(),
  color_dsprites: (o) => new ColorDSpritesData(observationRng(o)),
  noisy_dsprites: (o) => new NoisyDSpritesData(observationRng(o)),
  scream_dsprites: (o) => new ScreamDSpritesData(observationRng(o)),
  dsprites_imagenet: () => new DSpritesImagenetData(),
  shapes3d: () => new Shapes3dData(),
  xyobject: () => new XYObjectData(),
  xyobject_shaded: () => new XYObjectShadedData(),
  xysquares: () => new XYSquaresData(),
  xysquares_minimal: () => new XYSquaresMinimalData(),
  xysinglesquare: () => new XYSingleSquareData(),
};

export function datasetNames(): string[] {
  return Object.keys(DATASETS).sort();
}

/**
 * The dataset called `name`; throws a UserError listing the known names otherwise. `where`
 * (e.g. a config path) prefixes the message.
 */
export function createDataset(name: string, where?: string, options: DatasetOptions = {}): GroundTruthData {
  return lookupByName('dataset', name, DATASETS, where)(options);
}
