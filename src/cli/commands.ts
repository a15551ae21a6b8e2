// The CLI's commands, each a few lines over the library.
import { stringify } from 'yaml';
import { configToYaml, parseConfigText, parseConfigWith, readConfigFile } from '../config/load.js';
import { BACKEND_REQUESTS, ConfigSchema, METRIC_NAMES } from '../config/schema.js';
import { datasetNames } from '../datasets/registry.js';
import { frameworkNames } from '../frameworks/registry.js';
import { sequenceDatasetNames } from '../sequences/registry.js';
import { evaluateRun, resumeRun, runExperiment, trainOnly, type RunHooks } from '../train/run.js';
import { UserError } from '../util/errors.js';
import { collect, withBackend, type Program } from './backend.js';
import { registerBenchCommands } from './bench_command.js';
import { registerCollectCommands } from './collect_command.js';
import { registerDataCommands } from './data_command.js';
import { registerExploreCommand } from './explore_command.js';
import { runMetricsCommand } from './metrics_command.js';
import { trainingProgressBar } from './progress.js';
import { registerSweepCommand } from './sweep_command.js';
import { declaredTask, runTask, TASKS } from './tasks.js';
import { registerVizCommand } from './viz_command.js';
import { registerWorkerCommand } from './worker_command.js';


/** Runs `work` with a progress bar and status lines, stopping the bar however the work ends. */
async function withProgress<T>(work: (hooks: RunHooks) => Promise<T>): Promise<T> {
  const bar = trainingProgressBar();
  try {
    return await work({
      onProgress: (e) => bar.update(e),
      log: (line) => {
        bar.stop();
        console.log(line);
      },
    });
  } finally {
    bar.stop();
  }
}

export function registerCommands(program: Program): void {
  program.command('run')
    .description('train a model from a config, evaluate it and write its pictures')
    .argument('<config>', 'YAML config file')
    .requiredOption('--out <dir>', 'run directory')
    .option('--set <key=value>', 'override a config value (repeatable), e.g. --set train.steps=2000', collect, [] as string[])
    .option('--overwrite', 'replace a run already in the output directory')
    .action(async (configFile, opts) => {
      const text = readConfigFile(configFile);
      const task = declaredTask(text);
      if (task) {
        const runner = TASKS[task];
        const config = parseConfigWith(runner.schema, text, configFile, opts.set);
        await withBackend(program, config.backend, async () => {
          const result = await withProgress((h) => runner.run(config, opts.out, { ...h, overwrite: opts.overwrite }));
          console.log(`done: step ${result.step}, metrics in ${opts.out}/metrics.json`);
        });
        return;
      }
      const config = parseConfigText(text, configFile, opts.set);
      await withBackend(program, config.backend, async () => {
        const result = await withProgress((h) => runExperiment(config, opts.out, { ...h, overwrite: opts.overwrite }));
        console.log(`done: step ${result.step}, metrics in ${opts.out}/metrics.json`);
      });
    });

  program.command('train')
    .description('train a model from a config, or resume a run from its latest checkpoint')
    .argument('[config]', 'YAML config file (not with --resume)')
    .option('--out <dir>', 'run directory for a new run')
    .option('--resume <runDir>', 'continue this run from its latest checkpoint')
    .option('--set <key=value>', 'override a config value (repeatable)', collect, [] as string[])
    .option('--overwrite', 'replace a run already in the output directory')
    .action(async (configFile, opts) => {
      if (opts.resume) {
        if (configFile || opts.out) throw new UserError('train --resume RUN_DIR takes no config file and no --out');
        const runDir = opts.resume;
        const task = runTask(runDir);
        await withBackend(program, 'auto', async () => {
          const step = await withProgress((h) => (task ? TASKS[task].resume(runDir, opts.set, h) : resumeRun(runDir, opts.set, h)));
          console.log(`done: ${runDir} is at step ${step}`);
        });
        return;
      }
      if (!configFile || !opts.out) throw new UserError('train needs a config file and --out DIR (or --resume RUN_DIR)');
      const text = readConfigFile(configFile);
      const task = declaredTask(text);
      if (task) {
        const runner = TASKS[task];
        const taskConfig = parseConfigWith(runner.schema, text, configFile, opts.set);
        await withBackend(program, taskConfig.backend, async () => {
          const step = await withProgress((h) => runner.trainOnly(taskConfig, opts.out as string, { ...h, overwrite: opts.overwrite }));
          console.log(`done: step ${step}, checkpoint in ${opts.out}/checkpoints`);
        });
        return;
      }
      const config = parseConfigText(text, configFile, opts.set);
      await withBackend(program, config.backend, async () => {
        const step = await withProgress((h) => trainOnly(config, opts.out as string, { ...h, overwrite: opts.overwrite }));
        console.log(`done: step ${step}, checkpoint in ${opts.out}/checkpoints`);
      });
    });

  program.command('eval')
    .alias('evaluate')
    .description("compute a run's metrics and pictures from its latest checkpoint (e.g. --set eval.metrics=[dci,sap])")
    .argument('<runDir>', 'run directory')
    .option('--set <key=value>', 'override an eval or viz setting (repeatable)', collect, [] as string[])
    .option('--suite <name>', "the evaluation: 'v3' or 'decvae' for those runs, 'metrics' for ground-truth runs (default: the run's own)")
    .action(async (runDir, opts) => {
      const task = runTask(runDir);
      const own = task ?? 'metrics';
      const suite = opts.suite ?? own;
      const known = ['metrics', ...Object.keys(TASKS)];
      if (!known.includes(suite)) throw new UserError(`--suite: unknown suite '${suite}' (known: ${known.join(', ')})`);
      if (suite !== own) throw new UserError(`--suite ${suite}: ${runDir} is ${task ? `a ${task} run` : 'a ground-truth run'}`);
      await withBackend(program, 'auto', async () => {
        const result = await withProgress((h) => (task ? TASKS[task].evaluate(runDir, opts.set, h) : evaluateRun(runDir, opts.set, h)));
        console.log(`done: metrics in ${result.runDir}/metrics.json`);
      });
    });

  program.command('metrics')
    .description('compute disentanglement metrics on a fixed table of factors and codes (JSON: {factors, codes, train_frac?, seed?})')
    .argument('<input>', 'JSON file in the format of ../shared/reference/*.input.json')
    .option('--out <file>', 'write the results here (JSON) instead of to stdout')
    .option('--metrics <names>', 'comma-separated subset, e.g. mig,dci,sap')
    .option('--details', 'include intermediate matrices (MI, importance, score matrices, votes)')
    .action((input, opts) => runMetricsCommand(input, opts));

  registerDataCommands(program);
  registerBenchCommands(program);
  registerCollectCommands(program);
  registerSweepCommand(program);
  registerWorkerCommand(program);
  registerVizCommand(program);
  registerExploreCommand(program);

  program.command('config')
    .description('validate a config and print it with every default filled in')
    .argument('[config]', 'YAML config file (omit for the defaults)')
    .option('--set <key=value>', 'override a config value (repeatable)', collect, [] as string[])
    .action((configFile, opts) => {
      if (!configFile) {
        process.stdout.write(configToYaml(ConfigSchema.parse({})));
        return;
      }
      const text = readConfigFile(configFile);
      const task = declaredTask(text);
      const config = task ? parseConfigWith(TASKS[task].schema, text, configFile, opts.set) : parseConfigText(text, configFile, opts.set);
      process.stdout.write(stringify(config));
    });

  program.command('list')
    .description('list the datasets, frameworks, metrics and backends that configs can name')
    .action(() => {
      process.stdout.write(stringify({
        datasets: datasetNames(), sequence_datasets: sequenceDatasetNames(), frameworks: frameworkNames(), metrics: [...METRIC_NAMES],
        backends: [...BACKEND_REQUESTS],
      }));
    });
}
