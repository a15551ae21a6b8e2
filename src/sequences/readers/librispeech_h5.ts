// LibriSpeech phoneme patches as V3 reads them (spec v3.md §5.5): the original's preprocessing
// writes per split an HDF5 file with one dataset per utterance, named by its utterance id
// (speaker-chapter-utterance), holding (phonemes, 80 mel, 64 time) float dB patches, with the
// phoneme names in the dataset's `phonemes` attribute. A sample is one utterance: its first
// n_fragments (8) phonemes (the original's "random start" draws from a range of one), cycled when
// the utterance has fewer; the style label is the speaker. Values are the stored dB, unscaled, as
// the original's loader passes them. Utterances are taken in name order (h5py's iteration order).
import { UserError } from '../../util/errors.js';
import { rootDatasets, stringsOf, type H5Dataset } from '../../datasets/readers/hdf5.js';
import type { Rng } from '../../util/random.js';
import { checkSampleIndex, type SequenceDataset, type SequenceLabels, type SequenceSplit } from '../sequence_data.js';
import { closeSplitFiles, openSplitFiles, type SplitFiles } from './split_files.js';

export const LIBRISPEECH_FRAGMENTS = 8;
const PATCH_SHAPE = [80, 64, 1] as const;

/** The 39 phonemes in the original's label order (stress digits stripped, lower case). */
export const PHONEMES = [
  'eh', 'z', 's', 'uw', 'aw', 'oy', 'dx', 'dh', 'uh', 'aa', 'd', 'p', 'n', 'ao', 'ey', 'hh', 'y', 'f', 'r', 'g',
  'v', 'ah', 'er', 'ow', 'sh', 'b', 'l', 'k', 'm', 'ch', 'ng', 't', 'w', 'ae', 'iy', 'th', 'ay', 'ih', 'jh',
] as const;
const PHONEME_IDS = new Map<string, number>(PHONEMES.map((name, id) => [name, id]));

interface Utterance {
  id: string;
  patches: H5Dataset;
  style: number;
}

export class LibriSpeechH5Data implements SequenceDataset {
  readonly name = 'librispeech';
  readonly fragmentShape = PATCH_SHAPE;
  readonly contentNames: readonly string[] = PHONEMES;

  private constructor(
    private readonly files: SplitFiles,
    private readonly utterances: Partial<Record<SequenceSplit, Utterance[]>>,
    readonly styleNames: readonly string[],
    readonly fragmentsPerSample: number,
  ) {}

  static async open(dir: string, fragmentsPerSample = LIBRISPEECH_FRAGMENTS): Promise<LibriSpeechH5Data> {
    const files = await openSplitFiles(dir, 'librispeech');
    const speakers = new Map<string, number>();
    const utterances: Partial<Record<SequenceSplit, Utterance[]>> = {};
    for (const [split, entry] of Object.entries(files) as [SequenceSplit, NonNullable<SplitFiles[SequenceSplit]>][]) {
      const datasets = rootDatasets(entry.file);
      utterances[split] = [...datasets.keys()].sort().map((id) => {
        const speaker = id.split('-')[0];
        if (!speakers.has(speaker)) speakers.set(speaker, speakers.size);
        return { id, patches: datasets.get(id) as H5Dataset, style: speakers.get(speaker) as number };
      });
    }
    return new LibriSpeechH5Data(files, utterances, [...speakers.keys()], fragmentsPerSample);
  }

  count(split: SequenceSplit): number {
    return this.utterances[split]?.length ?? 0;
  }

  sample(split: SequenceSplit, index: number, _rng: Rng, out: Float32Array, offset: number): SequenceLabels {
    checkSampleIndex(this, split, index);
    const { id, patches, style } = (this.utterances[split] as Utterance[])[index];
    const where = `librispeech ${split} utterance ${id}`;
    const shape = patches.shape ?? [];
    if (shape.length !== 3 || shape[1] !== PATCH_SHAPE[0] || shape[2] !== PATCH_SHAPE[1] || shape[0] < 1) {
      throw new UserError(`${where}: patches should be (phonemes, ${PATCH_SHAPE[0]}, ${PATCH_SHAPE[1]}), found (${shape.join(', ')})`);
    }
    const phonemes = stringsOf(patches.attrs.phonemes?.value, `${where} attribute 'phonemes'`);
    if (phonemes.length !== shape[0]) throw new UserError(`${where}: ${shape[0]} patches but ${phonemes.length} phoneme names`);
    const taken = Math.min(shape[0], this.fragmentsPerSample);
    const values = patches.slice([[0, taken]]);
    if (!(values instanceof Float32Array || values instanceof Float64Array)) throw new UserError(`${where}: patches should be floating-point dB values`);
    const size = PATCH_SHAPE[0] * PATCH_SHAPE[1];
    const content = new Int32Array(this.fragmentsPerSample);
    for (let f = 0; f < this.fragmentsPerSample; f++) {
      const source = f % taken;
      const id = PHONEME_IDS.get(phonemes[source]);
      if (id === undefined) throw new UserError(`${where}: '${phonemes[source]}' is not one of the 39 phonemes`);
      content[f] = id;
      out.set(values.subarray(source * size, (source + 1) * size), offset + f * size);
    }
    return { content, style };
  }

  /** Releases the HDF5 file handles. */
  close(): void {
    closeSplitFiles(this.files);
  }
}
