// Runs a sweep's runs on this machine: a pool of `workers` child processes, each run's backend
// given `threads` so that workers × threads stays within the cores. Finished runs are skipped,
// interrupted ones resumed (src/study/sweep_run.ts); a failed run is reported with its log and the
// others go on.
import * as os from 'node:os';
import type { SweepPlan, SweepRun } from './sweep.js';
import { carryOutRun, isRunFinished, type RunOutcome } from './sweep_run.js';

export interface PoolCounts {
  done: number;
  running: number;
  failed: number;
}

export interface LocalRunOptions {
  /** Runs at once; default the core count. */
  workers?: number;
  onCounts?: (counts: PoolCounts) => void;
  /** A run that failed, or was resumed. */
  onLog?: (line: string) => void;
}

export interface SweepSummary {
  total: number;
  /** Finished before this invocation. */
  skipped: number;
  /** Finished by this invocation. */
  done: number;
  resumed: number;
  failed: Array<RunOutcome & { id: string }>;
}

export function coreCount(): number {
  return os.availableParallelism();
}

/** Threads per run so that `workers` runs at once use the cores and no more (at least one each). */
export function threadsPerRun(workers: number, cores = coreCount()): number {
  return Math.max(1, Math.floor(cores / workers));
}

export async function runSweepLocally(plan: SweepPlan, outDir: string, options: LocalRunOptions = {}): Promise<SweepSummary> {
  const workers = options.workers ?? coreCount();
  const threads = threadsPerRun(workers);
  const pending: SweepRun[] = plan.runs.filter((run) => !isRunFinished(outDir, run.id));
  const summary: SweepSummary = { total: plan.runs.length, skipped: plan.runs.length - pending.length, done: 0, resumed: 0, failed: [] };
  const counts: PoolCounts = { done: summary.skipped, running: 0, failed: 0 };
  options.onCounts?.({ ...counts });

  let next = 0;
  const work = async (): Promise<void> => {
    while (next < pending.length) {
      const run = pending[next++];
      counts.running++;
      options.onCounts?.({ ...counts });
      const outcome = await carryOutRun(outDir, run, { base: plan.base, threads });
      counts.running--;
      if (outcome.resumed) summary.resumed++;
      if (outcome.status === 'failed') {
        counts.failed++;
        summary.failed.push({ ...outcome, id: run.id });
        options.onLog?.(`failed: ${run.id} (${outcome.detail}); log: ${outcome.log}`);
      } else {
        counts.done++;
        if (outcome.status === 'done') summary.done++;
        else summary.skipped++;
        if (outcome.resumed) options.onLog?.(`resumed: ${run.id}`);
      }
      options.onCounts?.({ ...counts });
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, pending.length) }, work));
  return summary;
}
