// The original dataset files, selected by `dataset.path` in a config: which reader opens which
// dataset name, under which library's convention where the libraries differ. Procedural datasets
// are used when no path is given.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lookupByName, UserError } from '../util/errors.js';
import type { Rng } from '../util/random.js';
import { DSpritesImagenetData } from './dsprites_imagenet.js';
import type { GroundTruthData } from './ground_truth.js';
import { ImageDirectory } from './photo_directory.js';
import { Cars3dData, cars3dFiles } from './readers/cars3d_mat.js';
import { DSpritesNpzData } from './readers/dsprites_npz.js';
import { Mpi3dData } from './readers/mpi3d.js';
import { Shapes3dH5Data } from './readers/shapes3d_h5.js';
import { SmallNorbData, type SmallNorbFiles } from './readers/smallnorb.js';
import type { DatasetConvention } from './resized.js';

export interface OriginalFileOptions {
  convention: DatasetConvention;
  /** Randomness some conventions put in observations (disentanglement_lib's hidden SmallNORB instance). */
  rng: Rng;
  /** The dataset's own settings (dSpritesImagenet's visibility and mode), validated by its schema. */
  settings?: { visibility?: number; mode?: 'bg' | 'fg' };
}

type Opener = (path: string, options: OriginalFileOptions) => GroundTruthData | Promise<GroundTruthData>;

const READERS: Record<string, Opener> = {
  // The published file is deflated; its images are unpacked once, at one bit per pixel (~377 MB).
  dsprites: (file) => DSpritesNpzData.open(file, { loadIntoMemory: true }),
  shapes3d: (file) => Shapes3dH5Data.open(file),
  mpi3d: (file) => Mpi3dData.open(file),
  cars3d: (directory) => Cars3dData.open(cars3dFiles(directory)),
  // Tiny-ImageNet's train directory, behind (or inside) the procedural sprites.
  dsprites_imagenet: (directory, { settings }) => new DSpritesImagenetData({ ...settings, backgrounds: new ImageDirectory(directory) }),
  smallnorb: (directory, { convention, rng }) => SmallNorbData.open(smallNorbFiles(directory, convention), { convention, rng }),
};

const SMALLNORB_SPLITS = {
  training: 'smallnorb-5x46789x9x18x6x2x96x96-training',
  testing: 'smallnorb-5x01235x9x18x6x2x96x96-testing',
};

/**
 * The SmallNORB triplets in `directory` (each file as published, .mat or .mat.gz): the training
 * split under disent's convention, training and testing under disentanglement_lib's.
 */
export function smallNorbFiles(directory: string, convention: DatasetConvention): SmallNorbFiles[] {
  const splits = convention === 'disent' ? [SMALLNORB_SPLITS.training] : [SMALLNORB_SPLITS.training, SMALLNORB_SPLITS.testing];
  return splits.map((prefix) => {
    const find = (kind: string): string => {
      for (const suffix of ['.mat', '.mat.gz']) {
        const file = path.join(directory, `${prefix}-${kind}${suffix}`);
        if (fs.existsSync(file)) return file;
      }
      throw new UserError(`${directory}: ${prefix}-${kind}.mat(.gz) not found (the ${convention} convention reads it)`);
    };
    return { dat: find('dat'), cat: find('cat'), info: find('info') };
  });
}

export function originalFileReaders(): string[] {
  return Object.keys(READERS).sort();
}

export async function openOriginalFile(name: string, file: string, options: OriginalFileOptions, where?: string): Promise<GroundTruthData> {
  const open = lookupByName('dataset with an original-file reader', name, READERS, where);
  if (!fs.existsSync(file)) throw new UserError(`${where ? `${where}: ` : ''}${file}: no such file or directory`);
  return open(file, options);
}
