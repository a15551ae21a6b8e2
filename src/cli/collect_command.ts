// `disentangle collect RESULTS_DIR --by model,dataset --out results.csv`: every run's metrics under a
// directory, grouped and summarised into a CSV, a Markdown table and a chart (src/study/collect.ts).
import { Option } from '@commander-js/extra-typings';
import { REPRESENTATIONS } from '../config/schema.js';
import { collectResults, describeRunCounts, writeCollection } from '../study/collect.js';
import type { Program } from './backend.js';
import { TASKS } from './tasks.js';

function commaList(text: string): string[] {
  return text.split(',').map((part) => part.trim()).filter((part) => part !== '');
}

/** The command line as a user could paste it back, quoting what the shell would split or expand. */
function commandLine(): string {
  const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);
  return ['npx disentangle', ...process.argv.slice(2).map(quote)].join(' ');
}

export function registerCollectCommands(program: Program): void {
  program.command('collect')
    .description("aggregate the metrics of every run under a directory: mean and std per group of config values, as CSV, Markdown and a chart")
    .argument('<resultsDir>', 'directory searched (at any depth) for run directories holding a config.yaml')
    .option('--by <keys>', 'grouping keys: dotted config paths or short names (model = framework.name, dataset, seed, or a leaf such as beta or hy_hes)', 'model,dataset')
    .option('--metrics <names>', 'comma-separated <metric>.<key> columns, e.g. mig.discrete_mig,dci.disentanglement (default: every numeric key found)')
    .addOption(new Option('--representation <name>', "whose metrics to collect: a ground-truth run's mean or sampled codes, or a task run's (v3, decvae, decvae_baseline)")
      .choices([...REPRESENTATIONS, ...Object.keys(TASKS)]).default('mean'))
    .addOption(new Option('--std <kind>', 'population (ddof 0, as np.std and collect_results.py) or sample (ddof 1)').choices(['population', 'sample'] as const).default('population'))
    .option('--drop-zeros', "drop values equal to 0 before averaging, as collect_results.py's filter(None, ...) does")
    .option('--out <file>', 'CSV to write; the .md table and .svg/.png chart go beside it', 'results.csv')
    .action(async (resultsDir, opts) => {
      const collection = collectResults(resultsDir, {
        by: commaList(opts.by),
        metrics: opts.metrics === undefined ? undefined : commaList(opts.metrics),
        representation: opts.representation,
        std: opts.std,
        dropZeros: opts.dropZeros === true,
      });
      console.log(describeRunCounts(collection));
      const files = await writeCollection(collection, opts.out, commandLine());
      console.log(`wrote ${files.join(', ')}`);
    });
}
