// Datasets by the names configs use. Each factory builds a fresh instance, since a dataset
// may keep per-instance render caches and scratch buffers. `seed` feeds the datasets whose
// observations carry randomness beyond their factors (the noisy, colour and scream dSprites).
// A dataset with constructor options (XYSquares' grid, dSpritesImagenet's visibility) declares
// them as a settings schema: a config sets them beside `dataset.name`, as disent's configs do.
import { z } from 'zod';
import { lookupByName, UserError } from '../util/errors.js';
import { Rng } from '../util/random.js';
import { DSpritesData } from './dsprites.js';
import { DSpritesImagenetData } from './dsprites_imagenet.js';
import { ColorDSpritesData, NoisyDSpritesData, ScreamDSpritesData } from './dsprites_variants.js';
import type { GroundTruthData } from './ground_truth.js';
import { Shapes3dData } from './shapes3d.js';
import { XYObjectData } from './xyobject.js';
import { XYObjectShadedData } from './xyobject_shaded.js';
import { XYSingleSquareData, XYSquaresData, XYSquaresMinimalData } from './xysquares.js';

/** A dataset's own settings as a config gives them (snake_case keys), validated by its schema. */
export type DatasetSettings = Record<string, unknown>;

export interface DatasetOptions {
  seed?: number;
  /** The dataset's own settings, already validated by `datasetSettingsSchema(name)`. */
  settings?: DatasetSettings;
}

interface DatasetEntry {
  settings: z.ZodType<DatasetSettings>;
  create: (options: DatasetOptions, settings: DatasetSettings) => GroundTruthData;
}

const positiveInt = z.number().int().positive();

const SquareGridSettings = z.strictObject({
  square_size: positiveInt.optional().describe('side of a square in px (default 8)'),
  image_size: positiveInt.optional().describe('width = height of the image in px (default 64)'),
  grid_size: positiveInt.optional().describe('cap on the positions per axis (default: as many as fit)'),
  grid_spacing: positiveInt.optional()
    .describe('px between neighbouring positions (default: the square size); smaller spacings make positions overlap (the MSc overlap experiment)'),
});
type SquareGridSettings = z.infer<typeof SquareGridSettings>;

const XYSquaresSettings = SquareGridSettings.extend({
  num_squares: z.number().int().min(1).max(3).optional().describe('squares drawn, 1..3 (default 3)'),
  rgb: z.boolean().optional().describe('true (default): square i in channel i; false: one grey channel'),
});

const DSpritesImagenetSettings = z.strictObject({
  visibility: z.number().int().min(0).max(100).optional().describe('photo visibility in percent (default 100)'),
  mode: z.enum(['bg', 'fg']).optional().describe("bg (default): photo behind the sprite; fg: photo inside it"),
});

const NO_SETTINGS = z.strictObject({});

/** The square grid's constructor options from a config's settings. */
export function squareGridOptions(s: SquareGridSettings) {
  return { squareSize: s.square_size, imageSize: s.image_size, gridSize: s.grid_size, gridSpacing: s.grid_spacing };
}

function plain(create: (options: DatasetOptions) => GroundTruthData): DatasetEntry {
  return { settings: NO_SETTINGS, create };
}

function withSettings<S extends z.ZodType<DatasetSettings>>(settings: S, create: (options: DatasetOptions, settings: z.infer<S>) => GroundTruthData): DatasetEntry {
  return { settings, create: (options, given) => create(options, given as z.infer<S>) };
}

const observationRng = (options: DatasetOptions) => Rng.fromSeed(options.seed ?? 0).fork('observations');

const DATASETS: Readonly<Record<string, DatasetEntry>> = {
  dsprites: plain(() => new DSpritesData()),
  color_dsprites: plain((o) => new ColorDSpritesData(observationRng(o))),
  noisy_dsprites: plain((o) => new NoisyDSpritesData(observationRng(o))),
  scream_dsprites: plain((o) => new ScreamDSpritesData(observationRng(o))),
  dsprites_imagenet: withSettings(DSpritesImagenetSettings, (_, s) => new DSpritesImagenetData(s)),
  shapes3d: plain(() => new Shapes3dData()),
  xyobject: plain(() => new XYObjectData()),
  xyobject_shaded: plain(() => new XYObjectShadedData()),
  xysquares: withSettings(XYSquaresSettings, (_, s) => new XYSquaresData({ ...squareGridOptions(s), numSquares: s.num_squares, rgb: s.rgb })),
  xysquares_minimal: plain(() => new XYSquaresMinimalData()),
  xysinglesquare: withSettings(SquareGridSettings, (_, s) => new XYSingleSquareData(squareGridOptions(s))),
};

export function datasetNames(): string[] {
  return Object.keys(DATASETS).sort();
}

/** The schema of the settings a config may give beside `dataset.name` (none for names not rendered here). */
export function datasetSettingsSchema(name: string): z.ZodType<DatasetSettings> {
  return Object.hasOwn(DATASETS, name) ? DATASETS[name].settings : NO_SETTINGS;
}

/**
 * The dataset called `name`; throws a UserError listing the known names otherwise, or naming the
 * setting a dataset refused. `where` (e.g. a config path) prefixes the message.
 */
export function createDataset(name: string, where?: string, options: DatasetOptions = {}): GroundTruthData {
  const entry = lookupByName('dataset', name, DATASETS, where);
  try {
    return entry.create(options, options.settings ?? {});
  } catch (e) {
    if (e instanceof RangeError) throw new UserError(`${where ? `${where}: ` : ''}dataset '${name}': ${e.message}`);
    throw e;
  }
}
