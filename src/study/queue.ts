// A sweep spread over machines through a BullMQ queue on Redis. `submitSweep` puts each run on the
// queue as a job whose id is the run id, so submitting a sweep again gives back the jobs already
// there (and retries the failed ones), then waits for all of them; `startWorker` takes jobs one at
// a time (or `concurrency`) on any machine and carries each run out as the local pool does
// (src/study/sweep_run.ts) into the output directory the machines share. A worker that dies
// stops renewing its job's lock; BullMQ's stalled-job check then puts the job back for another
// worker, which takes the dead worker's checkpoint over and resumes it. The run is published only
// complete and only once, however many workers tried it.
import * as path from 'node:path';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { UserError } from '../util/errors.js';
import type { PoolCounts, SweepSummary } from './local_runner.js';
import { threadsPerRun } from './local_runner.js';
import type { SweepPlan, SweepRun } from './sweep.js';
import { carryOutRun, isRunFinished, runLog, type RunStatus } from './sweep_run.js';

export interface RunJob {
  /** The sweep's output directory as the submitting machine names it; a worker's --out replaces it. */
  outDir: string;
  base: string;
  run: SweepRun;
}

export interface RunJobResult {
  status: RunStatus;
  resumed: boolean;
}

export interface RedisAddress {
  host: string;
  port: number;
}

export function parseQueueUrl(url: string): RedisAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`--queue ${url}: expected redis://HOST:PORT`);
  }
  if (parsed.protocol !== 'redis:' || parsed.hostname === '') throw new UserError(`--queue ${url}: expected redis://HOST:PORT`);
  return { host: parsed.hostname, port: parsed.port === '' ? 6379 : Number(parsed.port) };
}

/** Fails with one line when Redis cannot be reached, instead of BullMQ's endless reconnecting. */
async function checkReachable(url: string, address: RedisAddress): Promise<void> {
  const probe = new Redis({ ...address, lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let cause: Error | undefined;
  probe.on('error', (e: Error) => {
    cause ??= e;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    const reason = (cause ?? e) as NodeJS.ErrnoException;
    throw new UserError(`--queue ${url}: cannot reach Redis (${reason.code ?? reason.message})`);
  } finally {
    probe.disconnect();
  }
}

function connectionOf(address: RedisAddress) {
  // BullMQ's workers block on Redis and must never give a command up.
  return { ...address, maxRetriesPerRequest: null };
}

export interface SubmitOptions {
  queueName: string;
  onCounts?: (counts: PoolCounts) => void;
  onLog?: (line: string) => void;
}

/**
 * Puts the sweep's runs on the queue (or finds them there), retries those that failed or whose
 * results are gone, and waits until every one has completed or failed.
 */
export async function submitSweep(plan: SweepPlan, outDir: string, url: string, options: SubmitOptions): Promise<SweepSummary> {
  const address = parseQueueUrl(url);
  await checkReachable(url, address);
  const name = options.queueName;
  const connection = connectionOf(address);
  const queue = new Queue<RunJob, RunJobResult>(name, { connection });
  const events = new QueueEvents(name, { connection });
  try {
    await events.waitUntilReady();
    events.setMaxListeners(0);
    const data = (run: SweepRun): RunJob => ({ outDir, base: plan.base, run });
    await queue.addBulk(plan.runs.map((run) => ({ name: 'run', data: data(run), opts: { jobId: run.id } })));

    const summary: SweepSummary = { total: plan.runs.length, skipped: 0, done: 0, resumed: 0, failed: [] };
    const counts: PoolCounts = { done: 0, running: 0, failed: 0 };
    const active = new Set<string>();
    const jobs: Array<Job<RunJob, RunJobResult>> = [];
    for (const run of plan.runs) {
      const job = (await queue.getJob(run.id)) as Job<RunJob, RunJobResult> | undefined;
      if (!job) throw new Error(`job ${run.id} vanished from queue ${name} right after it was added`);
      if (path.resolve(job.data.outDir) !== outDir) {
        throw new UserError(`--queue ${url}: run ${run.id} is already on queue '${name}' for ${job.data.outDir}; give this sweep another --queue-name`);
      }
      const state = await job.getState();
      if (state === 'completed' && isRunFinished(outDir, run.id)) {
        counts.done++;
        summary.skipped++;
        continue;
      }
      if (state === 'failed') await job.retry('failed');
      else if (state === 'completed') await job.retry('completed');
      else if (state === 'active') active.add(run.id);
      jobs.push(job);
    }
    const report = () => options.onCounts?.({ ...counts, running: active.size });
    const ours = new Set(plan.runs.map((r) => r.id));
    events.on('active', ({ jobId }) => {
      if (ours.has(jobId)) active.add(jobId);
      report();
    });
    report();
    await Promise.all(jobs.map(async (job) => {
      const id = job.id as string;
      try {
        const result = await job.waitUntilFinished(events);
        counts.done++;
        if (result?.status === 'skipped') summary.skipped++;
        else summary.done++;
        if (result?.resumed) summary.resumed++;
      } catch (e) {
        counts.failed++;
        const detail = (e as Error).message;
        summary.failed.push({ id, status: 'failed', log: runLog(outDir, id), detail, resumed: false });
        options.onLog?.(`failed: ${id} (${detail}); log: ${runLog(outDir, id)}`);
      }
      active.delete(id);
      report();
    }));
    return summary;
  } finally {
    await events.close();
    await queue.close();
  }
}

export interface WorkerOptions {
  queueName: string;
  /** The shared output directory as this machine mounts it; default the one each job names. */
  outDir?: string;
  /** Runs at once; each run's backend gets cores / concurrency threads. */
  concurrency?: number;
  /** How long a job's lock lasts unrenewed: a dead worker's job is retried that long after. */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose lock has lapsed. */
  stalledIntervalMs?: number;
  onLog?: (line: string) => void;
}

/** How many times a job may lose its worker before it is failed rather than retried. */
const MAX_STALLED = 3;

/** Starts taking runs from the queue; resolves once connected, to a function that stops the worker. */
export async function startWorker(url: string, options: WorkerOptions): Promise<{ close(): Promise<void> }> {
  const address = parseQueueUrl(url);
  await checkReachable(url, address);
  const concurrency = options.concurrency ?? 1;
  const threads = threadsPerRun(concurrency);
  const log = options.onLog ?? (() => undefined);
  const worker = new Worker<RunJob, RunJobResult>(options.queueName, async (job, _token, signal) => {
    const outDir = options.outDir === undefined ? job.data.outDir : path.resolve(options.outDir);
    log(`run ${job.id}: started`);
    const outcome = await carryOutRun(outDir, job.data.run, { base: job.data.base, threads, signal });
    if (outcome.status === 'failed') {
      log(`run ${job.id}: failed (${outcome.detail}); log: ${outcome.log}`);
      throw new Error(`${outcome.detail}; log: ${outcome.log}`);
    }
    log(`run ${job.id}: ${outcome.status}${outcome.resumed ? ' (resumed)' : ''}`);
    return { status: outcome.status, resumed: outcome.resumed };
  }, {
    connection: connectionOf(address),
    concurrency,
    maxStalledCount: MAX_STALLED,
    ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
    ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
  });
  // A job whose lock could not be renewed may already be another worker's: stop its run here.
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const id of jobIds) worker.cancelJob(id, 'lock lost');
  });
  worker.on('error', (e) => log(`queue: ${e.message}`));
  await worker.waitUntilReady();
  return { close: () => worker.close() };
}
