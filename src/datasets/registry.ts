// Datasets by the names configs use. Each factory builds a fresh instance, since a dataset
// may keep per-instance render caches and scratch buffers.
import { lookupByName } from '../util/errors.js';
import { DSpritesData } from './dsprites.js';
import type { GroundTruthData } from './ground_truth.js';
import { XYObjectData } from './xyobject.js';

export const DATASETS: Readonly<Record<string, () => GroundTruthData>> = {
  dsprites: () => new DSpritesData(),
  xyobject: () => new XYObjectData(),
};

export function datasetNames(): string[] {
  return Object.keys(DATASETS).sort();
}

/**
 * The dataset called `name`; throws a UserError listing the known names otherwise. `where`
 * (e.g. a config path) prefixes the message.
 */
export function createDataset(name: string, where?: string): GroundTruthData {
  return lookupByName('dataset', name, DATASETS, where)();
}
