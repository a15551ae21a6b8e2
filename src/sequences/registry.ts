// Sequence datasets by the names V3 configs use. `size` scales the original's dataset size
// (PhoneNums pages, InsNotes files per instrument) for small configs; `ood` builds the
// out-of-distribution set (PhoneNums' eight other colours, InsNotes' four other instruments) that
// the zero- and few-shot evaluations read.
import { lookupByName } from '../util/errors.js';
import { InsNotesData } from './insnotes.js';
import { PhoneNumsData } from './phonenums.js';
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
}

type Factory = (options: SequenceDatasetOptions) => SequenceDataset;

const FACTORIES: Record<string, Factory> = {
  phonenums: ({ seed, size, fragmentsPerSample, ood }) =>
    new PhoneNumsData({ seed, pages: size, fragmentsPerSample, palette: ood ? 'ood' : 'in_distribution' }),
  insnotes: ({ seed, size, ood }) => new InsNotesData({ seed, filesPerInstrument: size, instruments: ood ? 'ood' : 'in_distribution' }),
  sprites: ({ seed, fragmentsPerSample }) => new SpritesData({ seed, fragmentsPerSample }),
};

/** Datasets with an out-of-distribution style set. */
export const OOD_SEQUENCE_DATASETS = ['phonenums', 'insnotes'];

export function sequenceDatasetNames(): string[] {
  return Object.keys(FACTORIES).sort();
}

export function createSequenceDataset(name: string, options: SequenceDatasetOptions, where?: string): SequenceDataset {
  return lookupByName('sequence dataset', name, FACTORIES, where)(options);
}
