// `disentangle sweep SWEEP.yaml --out DIR [--workers N | --queue redis://HOST:PORT]`: expands a sweep
// file into runs (DIR/sweep.json), runs them with a local pool or through a queue, and collects
// their metrics into DIR/results.csv grouped by the sweep's axes.
import * as path from 'node:path';
import { collectResults, describeRunCounts, writeCollection } from '../study/collect.js';
import { coreCount, runSweepLocally, type PoolCounts, type SweepSummary } from '../study/local_runner.js';
import { loadSweep, writeSweepPlan, type SweepPlan } from '../study/sweep.js';
import { UserError } from '../util/errors.js';
import type { Program } from './backend.js';
import { sweepProgressDisplay, type SweepProgress } from './progress.js';

export const DEFAULT_QUEUE_NAME = 'disentangle-sweep';

/** BullMQ takes most of a second to load: only the commands that use the queue load it. */
export function loadQueue(): Promise<typeof import('../study/queue.js')> {
  return import('../study/queue.js');
}

export function positiveInteger(option: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UserError(`${option}: expected a positive integer, got '${text}'`);
  return value;
}

/** The sweep's results table over its output directory; a collect problem is printed, not thrown, after the runs. */
async function collectSweep(plan: SweepPlan, outDir: string): Promise<boolean> {
  try {
    const collection = collectResults(outDir, { by: plan.collect.by, metrics: plan.collect.metrics });
    console.log(describeRunCounts(collection));
    const files = await writeCollection(collection, path.join(outDir, 'results.csv'), `npx disentangle collect ${outDir} --by ${plan.collect.by.join(',')}`);
    console.log(`wrote ${files.join(', ')}`);
    return true;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    console.log(`collect: ${e.message}`);
    return false;
  }
}

interface DisplayHooks {
  onCounts(counts: PoolCounts): void;
  onLog(line: string): void;
}

/** Runs the sweep under one progress bar, stopped however it ends. */
async function withSweepDisplay(total: number, work: (hooks: DisplayHooks) => Promise<SweepSummary>): Promise<SweepSummary> {
  let display: SweepProgress | undefined;
  try {
    return await work({
      onCounts: (counts) => {
        display ??= sweepProgressDisplay(total, counts);
        display.update(counts);
      },
      onLog: (line) => (display ? display.log(line) : console.log(line)),
    });
  } finally {
    display?.stop();
  }
}

export function registerSweepCommand(program: Program): void {
  program.command('sweep')
    .description('run every combination of a sweep file (grid, zip, seeds) with a local pool or a queue, then collect the results')
    .argument('<sweepFile>', 'YAML sweep file (see configs/sweeps/)')
    .requiredOption('--out <dir>', 'output directory: one directory per run, sweep.json, logs/, results.csv')
    .option('--workers <n>', 'runs at once on this machine (default: the core count)')
    .option('--queue <url>', 'put the runs on a BullMQ queue on this Redis (redis://HOST:PORT) for `disentangle worker`s, and wait for them')
    .option('--queue-name <name>', 'the queue on that Redis', DEFAULT_QUEUE_NAME)
    .action(async (sweepFile, opts) => {
      const sweep = loadSweep(sweepFile);
      const queue = opts.queue === undefined ? undefined : await loadQueue();
      queue?.parseQueueUrl(opts.queue as string);
      const workers = opts.workers === undefined ? coreCount() : positiveInteger('--workers', opts.workers);
      const outDir = path.resolve(opts.out);
      const plan = writeSweepPlan(sweep, outDir);
      console.log(`${plan.runs.length} runs in ${path.join(outDir, 'sweep.json')}`);
      const summary = await withSweepDisplay(plan.runs.length, (hooks) => (queue === undefined
        ? runSweepLocally(plan, outDir, { ...hooks, workers })
        : queue.submitSweep(plan, outDir, opts.queue as string, { ...hooks, queueName: opts.queueName })));
      console.log(`${summary.done} runs done, ${summary.skipped} already finished (skipped), ${summary.resumed} resumed, ${summary.failed.length} failed`);
      for (const f of summary.failed) console.log(`failed: ${f.id} (${f.detail}); log: ${f.log}`);
      const collected = await collectSweep(plan, outDir);
      if (summary.failed.length > 0) throw new UserError(`${summary.failed.length} of ${summary.total} runs failed; their logs are in ${path.join(outDir, 'logs')}`);
      if (!collected) throw new UserError(`${outDir}: no results collected`);
    });
}
