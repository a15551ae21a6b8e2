// The original dataset files, selected by `dataset.path` in a config: which reader opens which
// dataset name. Procedural datasets are used when no path is given.
import * as fs from 'node:fs';
import { lookupByName, UserError } from '../util/errors.js';
import type { GroundTruthData } from './ground_truth.js';
import { Cars3dData, cars3dFiles } from './readers/cars3d_mat.js';
import { DSpritesNpzData } from './readers/dsprites_npz.js';
import { Mpi3dData } from './readers/mpi3d.js';
import { Shapes3dH5Data } from './readers/shapes3d_h5.js';

type Opener = (path: string) => GroundTruthData | Promise<GroundTruthData>;

const READERS: Record<string, Opener> = {
  // The published file is deflated; its images are unpacked once, at one bit per pixel (~377 MB).
  dsprites: (path) => DSpritesNpzData.open(path, { loadIntoMemory: true }),
  shapes3d: (path) => Shapes3dH5Data.open(path),
  mpi3d: (path) => Mpi3dData.open(path),
  cars3d: (path) => Cars3dData.open(cars3dFiles(path)),
};

export function originalFileReaders(): string[] {
  return Object.keys(READERS).sort();
}

export async function openOriginalFile(name: string, path: string, where?: string): Promise<GroundTruthData> {
  const open = lookupByName('dataset with an original-file reader', name, READERS, where);
  if (!fs.existsSync(path)) throw new UserError(`${where ? `${where}: ` : ''}${path}: no such file or directory`);
  return open(path);
}
