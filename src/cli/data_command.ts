// `disentangle data list | show NAME | prepare NAME`: look at and cache the ground-truth datasets.
import { Option } from '@commander-js/extra-typings';
import cliProgress from 'cli-progress';
import { stringify } from 'yaml';
import { parseOverride } from '../config/load.js';
import { prepareCache } from '../datasets/cache.js';
import { openDataset } from '../datasets/open.js';
import { originalFileReaders } from '../datasets/original_files.js';
import { DATASET_CONVENTIONS } from '../datasets/resized.js';
import { numObservations } from '../datasets/ground_truth.js';
import { createDataset, datasetNames, datasetSettingsSchema } from '../datasets/registry.js';
import { openSequenceDataset, sequenceDatasetNames } from '../sequences/registry.js';
import { UserError } from '../util/errors.js';
import { writeFileAtomic } from '../util/files.js';
import { Rng } from '../util/random.js';
import { factorTraversalGrid } from '../viz/factor_traversal_grid.js';
import { writePng } from '../viz/png.js';
import { sequenceSheetPng } from '../viz/sequence_sheet.js';
import { simVowelsSheet } from '../viz/simvowels_sheet.js';
import { collect, type Program } from './backend.js';

/** `--set key=value` pairs (values read as YAML scalars) validated as the dataset's own settings. */
function datasetSettings(name: string, pairs: string[]): Record<string, unknown> {
  const given = Object.fromEntries(pairs.map((pair) => {
    const { path, value } = parseOverride(pair);
    return [path.join('.'), value];
  }));
  const parsed = datasetSettingsSchema(name).safeParse(given);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const key = issue.path.length > 0 ? issue.path.join('.') : (issue as { keys?: string[] }).keys?.join(', ') ?? '';
    throw new UserError(`--set ${key}: ${issue.message} (dataset '${name}')`, 2);
  }
  return parsed.data;
}

function integerOption(option: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new UserError(`${option}: expected an integer >= ${min}, got '${text}'`);
  return value;
}

export function registerDataCommands(program: Program): void {
  const data = program.command('data').description('list, picture and cache the ground-truth datasets');

  data.command('list')
    .description('every dataset with its factors, sizes and observation shape')
    .action(() => {
      const listing = datasetNames().map((name) => {
        const d = createDataset(name);
        return {
          name,
          observations: numObservations(d),
          shape: [...d.observationShape],
          factors: Object.fromEntries(d.factorNames.map((f, i) => [f, d.factorSizes[i]])),
        };
      });
      const originals = originalFileReaders().filter((name) => !datasetNames().includes(name))
        .map((name) => ({ name, source: 'original files only: set dataset.path' }));
      process.stdout.write(stringify([...listing, ...originals]));
    });

  data.command('show')
    .description('write a factor-traversal grid (one row per factor, swept across its values), for a sequence dataset eight samples, one per row, or for simvowels spectrograms per speaker and vowel')
    .argument('<name>', 'dataset name')
    .requiredOption('--out <file>', 'PNG file to write')
    .option('--seed <n>', 'seed of the base factor combination', '0')
    .option('--path <file>', 'read the original file (or directory) instead of rendering, as dataset.path does')
    .addOption(new Option('--convention <library>', 'whose factors and resize filter to follow').choices(DATASET_CONVENTIONS).default('disentanglement_lib'))
    .option('--size <px>', 'resample observations of another size to this square size (as dataset.image_size)')
    .option('--ood', 'sequence datasets: the out-of-distribution styles')
    .option('--set <key=value>', "one of the dataset's own settings (repeatable), e.g. --set grid_spacing=4", collect, [] as string[])
    .action(async (name, opts) => {
      const seed = integerOption('--seed', opts.seed, 0);
      if (name === 'simvowels') {
        writePng(opts.out, simVowelsSheet({ seed }));
        console.log(`wrote ${opts.out}`);
        return;
      }
      if (sequenceDatasetNames().includes(name)) {
        const sequences = await openSequenceDataset(name, { seed, ood: opts.ood, path: opts.path });
        try {
          const split = sequences.count('train') > 0 ? 'train' : 'test';
          writeFileAtomic(opts.out, sequenceSheetPng(sequences, split, 8, Rng.fromSeed(seed)));
        } finally {
          sequences.close?.();
        }
        console.log(`wrote ${opts.out}`);
        return;
      }
      const data = await openDataset(name, 'data show', {
        seed, settings: datasetSettings(name, opts.set), path: opts.path, convention: opts.convention, imageSize: opts.size === undefined ? undefined : integerOption('--size', opts.size, 1),
      });
      writePng(opts.out, factorTraversalGrid(data, Rng.fromSeed(seed)));
      console.log(`wrote ${opts.out}`);
    });

  data.command('prepare')
    .description('render every observation into the on-disk cache that later runs read')
    .argument('<name>', 'dataset name')
    .option('--root <dir>', 'cache directory (default: $DISENTANGLE_CACHE or ~/.cache/disentangle/datasets)')
    .action(async (name, opts) => {
      const bar = new cliProgress.SingleBar({
        format: `prepare ${name} {bar} {value}/{total} | {eta_formatted} left`, noTTYOutput: true, notTTYSchedule: 5000, stream: process.stdout,
      }, cliProgress.Presets.shades_classic);
      bar.start(numObservations(createDataset(name, 'data prepare')), 0);
      const started = performance.now();
      try {
        const dir = await prepareCache(name, { root: opts.root, onProgress: (done) => bar.update(done) });
        bar.stop();
        console.log(`cached in ${dir} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      } finally {
        bar.stop();
      }
    });
}
