// SVHN house numbers as V3 reads them (spec v3.md §5.4): the original's preprocessing keeps the
// multi-digit images, crops every digit box to 32 wide x 48 high and writes per split an HDF5 file
// with `data` (N, 48, 32, 3) uint8, `content_label` (N) digits and `style_label` (N) strings, the
// name of the house-number image each crop came from. A sample is one such image: its crops
// grouped by origin in file order, of which every draw picks n_fragments (2) at random without
// replacement, in the drawn order, as random.sample does; an origin with exactly n crops gives
// them all in file order. Pixels are scaled to [-1, 1] as the original's Normalize(0.5, 0.5).
//
// Style labels are origins, named `split/origin`: the official train and test folders both number
// their images from 1, so the same name in two splits is two different houses. Origins with fewer
// crops than n_fragments cannot fill a sample (the original's batches would fail on them); they
// are left out and counted in `skippedOrigins`.
import { UserError } from '../../util/errors.js';
import { HDF5_INTEGER_CLASS, datasetNamed, numbersOf, stringsOf, type H5Dataset, type H5File } from '../../datasets/readers/hdf5.js';
import type { Rng } from '../../util/random.js';
import { checkSampleIndex, type SequenceDataset, type SequenceLabels, type SequenceSplit } from '../sequence_data.js';
import { closeSplitFiles, openSplitFiles, type SplitFiles } from './split_files.js';

export const SVHN_FRAGMENTS = 2;
const SVHN_CROP_SHAPE = [48, 32, 3] as const;
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

interface SplitCrops {
  images: H5Dataset;
  contentLabels: Float64Array;
  /** Per sample: its crops' rows in the file, and its style label. */
  samples: { rows: number[]; style: number }[];
}

export class SvhnH5Data implements SequenceDataset {
  readonly name = 'svhn';
  readonly fragmentShape = SVHN_CROP_SHAPE;
  readonly contentNames = DIGITS;

  private constructor(
    private readonly files: SplitFiles,
    private readonly splits: Partial<Record<SequenceSplit, SplitCrops>>,
    readonly styleNames: readonly string[],
    readonly fragmentsPerSample: number,
    readonly skippedOrigins: number,
  ) {}

  static async open(dir: string, fragmentsPerSample = SVHN_FRAGMENTS): Promise<SvhnH5Data> {
    const files = await openSplitFiles(dir, 'svhn');
    try {
      const styleNames: string[] = [];
      const splits: Partial<Record<SequenceSplit, SplitCrops>> = {};
      let skipped = 0;
      for (const [split, entry] of Object.entries(files) as [SequenceSplit, NonNullable<SplitFiles[SequenceSplit]>][]) {
        const crops = readSplit(entry.file, entry.path, split, fragmentsPerSample, styleNames);
        splits[split] = crops.split;
        skipped += crops.skipped;
      }
      return new SvhnH5Data(files, splits, styleNames, fragmentsPerSample, skipped);
    } catch (e) {
      closeSplitFiles(files);
      throw e;
    }
  }

  count(split: SequenceSplit): number {
    return this.splits[split]?.samples.length ?? 0;
  }

  sample(split: SequenceSplit, index: number, rng: Rng, out: Float32Array, offset: number): SequenceLabels {
    checkSampleIndex(this, split, index);
    const crops = this.splits[split] as SplitCrops;
    const { rows, style } = crops.samples[index];
    const picked = rows.length > this.fragmentsPerSample ? drawWithoutReplacement(rows, this.fragmentsPerSample, rng) : rows;
    const content = new Int32Array(picked.length);
    const size = SVHN_CROP_SHAPE[0] * SVHN_CROP_SHAPE[1] * SVHN_CROP_SHAPE[2];
    picked.forEach((row, f) => {
      const pixels = crops.images.slice([[row, row + 1]]) as Uint8Array;
      const at = offset + f * size;
      for (let i = 0; i < size; i++) out[at + i] = pixels[i] / 127.5 - 1;
      content[f] = crops.contentLabels[row];
    });
    return { content, style };
  }

  /** Releases the HDF5 file handles. */
  close(): void {
    closeSplitFiles(this.files);
  }
}

function readSplit(file: H5File, path: string, split: SequenceSplit, fragments: number, styleNames: string[]): { split: SplitCrops; skipped: number } {
  const images = datasetNamed(file, 'data', path);
  const shape = images.shape ?? [];
  const { type, size, signed } = images.metadata;
  if (shape.length !== 4 || shape.slice(1).some((d, i) => d !== SVHN_CROP_SHAPE[i]) || type !== HDF5_INTEGER_CLASS || size !== 1 || signed) {
    throw new UserError(`${path}: 'data' should be (N, ${SVHN_CROP_SHAPE.join(', ')}) uint8 crops, found (${shape.join(', ')}) ${String(images.dtype)}`);
  }
  const rows = shape[0];
  const contentLabels = numbersOf(datasetNamed(file, 'content_label', path), `${path} 'content_label'`);
  const origins = stringsOf(datasetNamed(file, 'style_label', path).value, `${path} 'style_label'`);
  if (contentLabels.length !== rows || origins.length !== rows) {
    throw new UserError(`${path}: ${rows} crops but ${contentLabels.length} content labels and ${origins.length} style labels`);
  }
  const bad = contentLabels.findIndex((label) => !(Number.isInteger(label) && label >= 0 && label < DIGITS.length));
  if (bad >= 0) throw new UserError(`${path}: content_label[${bad}] is ${contentLabels[bad]}, not a digit 0-9`);
  const byOrigin = new Map<string, number[]>();
  origins.forEach((origin, row) => {
    const list = byOrigin.get(origin);
    if (list) list.push(row);
    else byOrigin.set(origin, [row]);
  });
  const samples: SplitCrops['samples'] = [];
  let skipped = 0;
  for (const [origin, cropRows] of byOrigin) {
    if (cropRows.length < fragments) {
      skipped++;
      continue;
    }
    samples.push({ rows: cropRows, style: styleNames.length });
    styleNames.push(`${split}/${origin}`);
  }
  return { split: { images, contentLabels, samples }, skipped };
}

/** `count` of `items` drawn without replacement, in the order drawn (a partial Fisher-Yates shuffle). */
function drawWithoutReplacement(items: readonly number[], count: number, rng: Rng): number[] {
  const pool = [...items];
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count);
}
