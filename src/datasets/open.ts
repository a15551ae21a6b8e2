// How a config's dataset section becomes a GroundTruthData: the original files when a path is
// given, else the prepared cache (which holds the default settings only), else the procedural
// renderer; resampled to the model's size.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../util/errors.js';
import { Rng } from '../util/random.js';
import { CachedData, defaultCacheRoot } from './cache.js';
import type { GroundTruthData } from './ground_truth.js';
import { openOriginalFile, originalFileReaders } from './original_files.js';
import { createDataset, datasetNames, type DatasetOptions } from './registry.js';
import { CONVENTION_FILTERS, resizedTo, type DatasetConvention } from './resized.js';

export interface OpenDatasetOptions extends DatasetOptions {
  /** The original file (or directory) to read instead of rendering. */
  path?: string;
  /** Whose factors, splits and resizing filter to follow where the libraries differ (default disentanglement_lib). */
  convention?: DatasetConvention;
  /** Observations are resampled to this square size when they have another (SmallNORB, Cars3D → 64). */
  imageSize?: number;
}

/**
 * The dataset `name`: read from the original file at `options.path` when given, else its
 * prepared cache when there is one, else rendered on demand.
 */
export async function openDataset(name: string, where?: string, options: OpenDatasetOptions = {},
  root = defaultCacheRoot()): Promise<GroundTruthData> {
  const convention = options.convention ?? 'disentanglement_lib';
  const data = await openUnresized(name, where, options, convention, root);
  return options.imageSize === undefined ? data : resizedTo(data, options.imageSize, CONVENTION_FILTERS[convention]);
}

async function openUnresized(name: string, where: string | undefined, options: OpenDatasetOptions,
  convention: DatasetConvention, root: string): Promise<GroundTruthData> {
  if (options.path) {
    const rng = Rng.fromSeed(options.seed ?? 0).fork('observations');
    return openOriginalFile(name, options.path, { convention, rng, settings: options.settings }, where);
  }
  if (!datasetNames().includes(name) && originalFileReaders().includes(name)) {
    throw new UserError(`${where ? `${where}: ` : ''}dataset '${name}' is read from its original file: set dataset.path`);
  }
  const defaults = Object.keys(options.settings ?? {}).length === 0;
  const cached = path.join(root, name);
  if (defaults && fs.existsSync(path.join(cached, 'manifest.json'))) return new CachedData(cached);
  return createDataset(name, where, options);
}
