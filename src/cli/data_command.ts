// `disentangle data list | show NAME | prepare NAME`: look at and cache the ground-truth datasets.
import type { Command } from '@commander-js/extra-typings';
import cliProgress from 'cli-progress';
import { stringify } from 'yaml';
import { prepareCache } from '../datasets/cache.js';
import { numObservations } from '../datasets/ground_truth.js';
import { createDataset, datasetNames } from '../datasets/registry.js';
import { UserError } from '../util/errors.js';
import { Rng } from '../util/random.js';
import { factorTraversalGrid } from '../viz/factor_traversal_grid.js';
import { writePng } from '../viz/png.js';

export function registerDataCommands(program: Command<[], { debug?: true; backend?: string }>): void {
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
      process.stdout.write(stringify(listing));
    });

  data.command('show')
    .description('write a factor-traversal grid: one row per factor, swept across its values')
    .argument('<name>', 'dataset name')
    .requiredOption('--out <file>', 'PNG file to write')
    .option('--seed <n>', 'seed of the base factor combination', '0')
    .action((name, opts) => {
      const seed = Number(opts.seed);
      if (!Number.isSafeInteger(seed) || seed < 0) throw new UserError(`--seed: expected a non-negative integer, got '${opts.seed}'`);
      writePng(opts.out, factorTraversalGrid(createDataset(name, 'data show'), Rng.fromSeed(seed)));
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
