// Sequence datasets by the names V3 configs use. The generated ones: `size` scales the original's
// dataset size (PhoneNums pages, InsNotes files per instrument) for small configs; `ood` builds the
// out-of-distribution set (PhoneNums' eight other colours, InsNotes' four other instruments) that
// the zero- and few-shot evaluations read. The read ones (SVHN, LibriSpeech) need `path`, the
// directory of the original's per-split HDF5 files.
import { lookupByName, UserError } from '../util/errors.js';
import { InsNotesData } from './insnotes.js';
import { PhoneNumsData } from './phonenums.js';
import { LibriSpeechH5Data } from './readers/librispeech_h5.js';
import { SvhnH5Data } from './readers/svhn_h5.js';
import type { SequenceDataset } from './sequence_data.js';
import { SpritesData } from './sprites.js';

export interface SequenceDatasetOptions {
  seed: number;
  /** PhoneNums pages (default 1000) or InsNotes files per instrument (default 100); Sprites has a fixed set. */
  size?: number;
  /** Fragments per sample (default the original's). */
  fragmentsPerSample?: number;
  /** The out-of-distribution styles. */
  ood?: boolean;
  /** Directory of the original's train/val/test HDF5 files (SVHN, LibriSpeech). */
  path?: string;
}

type Generator = (options: SequenceDatasetOptions) => SequenceDataset;
type Reader = (path: string, fragmentsPerSample?: number) => Promise<SequenceDataset>;

const GENERATED: Record<string, Generator> = {
  phonenums: ({ seed, size, fragmentsPerSample, ood }) =>
    new PhoneNumsData({ seed, pages: size, fragmentsPerSample, palette: ood ? 'ood' : 'in_distribution' }),
  insnotes: ({ seed, size, ood }) => new InsNotesData({ seed, filesPerInstrument: size, instruments: ood ? 'ood' : 'in_distribution' }),
  sprites: ({ seed, fragmentsPerSample }) => new SpritesData({ seed, fragmentsPerSample }),
};

const READ: Record<string, Reader> = {
  svhn: (path, fragments) => SvhnH5Data.open(path, fragments),
  librispeech: (path, fragments) => LibriSpeechH5Data.open(path, fragments),
};

/** Datasets with an out-of-distribution style set. */
export const OOD_SEQUENCE_DATASETS = ['phonenums', 'insnotes'];

export function sequenceDatasetNames(): string[] {
  return [...Object.keys(GENERATED), ...Object.keys(READ)].sort();
}

/** Datasets read from the user's files rather than generated. */
export function readSequenceDatasetNames(): string[] {
  return Object.keys(READ).sort();
}

export async function openSequenceDataset(name: string, options: SequenceDatasetOptions, where?: string): Promise<SequenceDataset> {
  const source = lookupByName<Generator | Reader>('sequence dataset', name, { ...GENERATED, ...READ }, where);
  if (name in READ) {
    if (options.path === undefined) throw new UserError(`${name} is read from the original's HDF5 files: give their directory (dataset.path; --path for data show)`);
    return (source as Reader)(options.path, options.fragmentsPerSample);
  }
  if (options.path !== undefined) throw new UserError(`${name} is generated and reads no files: remove dataset.path`);
  return (source as Generator)(options);
}
