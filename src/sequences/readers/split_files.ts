// The original's file-backed sequence datasets keep one HDF5 file per split in a directory
// (train.hdf5, val.hdf5, test.hdf5). A user may hold only some of them (a test set to evaluate
// on); a split without its file is empty, and a directory with none of them is an error.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openHdf5, type H5File } from '../../datasets/readers/hdf5.js';
import { UserError } from '../../util/errors.js';
import { SEQUENCE_SPLITS, type SequenceSplit } from '../sequence_data.js';

export type SplitFiles = Partial<Record<SequenceSplit, { file: H5File; path: string }>>;

export async function openSplitFiles(dir: string, dataset: string): Promise<SplitFiles> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UserError(`${dir}: ${dataset} needs a directory holding train.hdf5, val.hdf5 and test.hdf5 (dataset.path)`);
  }
  const files: SplitFiles = {};
  try {
    for (const split of SEQUENCE_SPLITS) {
      const file = path.join(dir, `${split}.hdf5`);
      if (fs.existsSync(file)) files[split] = { file: await openHdf5(file), path: file };
    }
  } catch (e) {
    closeSplitFiles(files);
    throw e;
  }
  if (Object.keys(files).length === 0) {
    throw new UserError(`${dir}: none of train.hdf5, val.hdf5, test.hdf5 is there (${dataset}, dataset.path)`);
  }
  return files;
}

export function closeSplitFiles(files: SplitFiles): void {
  for (const entry of Object.values(files)) entry?.file.close();
}
