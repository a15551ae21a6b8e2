// One run of a sweep, carried out by a child process (`disentangle run`, or `train --resume` and
// `eval` for an interrupted run) so that a crash or a kill takes only that run down. Whoever
// carries it out (the local pool, a queue worker on any machine sharing the output directory),
// a run gets at most one result set:
// - it is trained in its own work directory, `.partial/<id>.<attempt>/` (a dot-directory, which
//   collect never reads), and renamed to `<id>/` only once metrics.json is written: a rename onto
//   a directory that is not empty fails, so the first finished attempt wins and a later one is
//   discarded;
// - an attempt that finds a checkpoint left by an interrupted one takes that directory over by
//   renaming it to its own name, which only one attempt can do, and resumes it;
// - the child is spawned with an IPC channel and exits when the channel closes (src/cli/main.ts),
//   so a worker killed even with SIGKILL leaves no child writing on.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SweepRun } from './sweep.js';

const CLI = path.resolve(import.meta.dirname, '..', '..', 'bin', 'disentangle.js');
const PARTIAL_DIR = '.partial';
const LOG_DIR = 'logs';

export type RunStatus = 'done' | 'skipped' | 'failed';

export interface RunOutcome {
  status: RunStatus;
  /** The run's log: the output of every attempt, appended. */
  log: string;
  /** Why it failed, or why it was skipped. */
  detail?: string;
  /** Whether this attempt continued an interrupted one. */
  resumed: boolean;
}

export interface RunOptions {
  /** The base config's file name inside the sweep directory (sweep.json's `base`). */
  base: string;
  /** Threads each run's backend computes with. */
  threads: number;
  /** Stops the child (SIGTERM) when aborted, e.g. when a queue worker shuts down or loses its lock. */
  signal?: AbortSignal;
}

export function runDir(outDir: string, id: string): string {
  return path.join(outDir, id);
}

export function runLog(outDir: string, id: string): string {
  return path.join(outDir, LOG_DIR, `${id}.log`);
}

/** A run is finished once its directory (only ever renamed into place complete) holds metrics.json. */
export function isRunFinished(outDir: string, id: string): boolean {
  return fs.existsSync(path.join(runDir(outDir, id), 'metrics.json'));
}

let attempts = 0;
function attemptName(): string {
  const host = os.hostname().replace(/[^\w-]+/g, '-');
  return `${host}-${process.pid}-${attempts++}`;
}

function latestStep(workDir: string): number | null {
  try {
    const name = fs.readFileSync(path.join(workDir, 'checkpoints', 'latest'), 'utf8').trim();
    const step = Number(name.replace(/^step-/, ''));
    return Number.isInteger(step) ? step : null;
  } catch {
    return null;
  }
}

function partialsOf(outDir: string, id: string): string[] {
  const root = path.join(outDir, PARTIAL_DIR);
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).filter((name) => name.startsWith(`${id}.`)).map((name) => path.join(root, name));
}

/**
 * A fresh work directory for this attempt, or, when earlier attempts left checkpoints, the one
 * with the furthest, renamed to this attempt's name so that no other attempt can take it too.
 */
function claimWorkDir(outDir: string, id: string): string {
  const mine = path.join(outDir, PARTIAL_DIR, `${id}.${attemptName()}`);
  const candidates = partialsOf(outDir, id)
    .map((dir) => ({ dir, step: latestStep(dir) }))
    .filter((c): c is { dir: string; step: number } => c.step !== null)
    .sort((a, b) => b.step - a.step);
  for (const { dir } of candidates) {
    try {
      fs.renameSync(dir, mine);
      return mine;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  fs.mkdirSync(mine, { recursive: true });
  return mine;
}

/** Runs the CLI with `args` in a child that dies with this process; resolves to why it ended, null on success. */
function runChild(args: string[], logFd: number, signal: AbortSignal | undefined): Promise<string | null> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve('stopped before it started');
      return;
    }
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', logFd, logFd, 'ipc'] });
    const stop = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', stop, { once: true });
    child.on('error', (e) => resolve(`could not start: ${e.message}`));
    child.on('exit', (code, killedBy) => {
      signal?.removeEventListener('abort', stop);
      resolve(code === 0 ? null : killedBy ? `killed by ${killedBy}` : `exit code ${code}`);
    });
  });
}

/** Moves a complete work directory into place; false when another attempt got there first. */
function publish(workDir: string, target: string): boolean {
  try {
    fs.renameSync(workDir, target);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw e;
  }
}

/** Carries out one run of the sweep in `outDir` (see the top of this file); never throws for a failed run. */
export async function carryOutRun(outDir: string, run: SweepRun, options: RunOptions): Promise<RunOutcome> {
  const log = runLog(outDir, run.id);
  if (isRunFinished(outDir, run.id)) return { status: 'skipped', log, detail: 'already finished', resumed: false };
  fs.mkdirSync(path.dirname(log), { recursive: true });
  const workDir = claimWorkDir(outDir, run.id);
  const resumedAt = latestStep(workDir);
  const threads = ['--threads', String(options.threads)];
  const steps = resumedAt === null
    ? [[...threads, 'run', path.join(outDir, options.base), '--out', workDir, '--overwrite', ...run.overrides.flatMap((o) => ['--set', o])]]
    : [[...threads, 'train', '--resume', workDir], [...threads, 'eval', workDir]];

  const logFd = fs.openSync(log, 'a');
  let failure: string | null = null;
  try {
    const header = resumedAt === null ? 'starting' : `resuming from step ${resumedAt}`;
    fs.writeSync(logFd, `\n== ${new Date().toISOString()} ${os.hostname()} pid ${process.pid}: ${header} in ${workDir}\n`);
    for (const args of steps) {
      fs.writeSync(logFd, `$ disentangle ${args.join(' ')}\n`);
      failure = await runChild(args, logFd, options.signal);
      if (failure !== null) break;
    }
  } finally {
    fs.closeSync(logFd);
  }
  const resumed = resumedAt !== null;
  if (failure !== null) return { status: 'failed', log, detail: failure, resumed };
  if (!fs.existsSync(path.join(workDir, 'metrics.json')) || !fs.existsSync(path.join(workDir, 'config.yaml'))) {
    return { status: 'failed', log, detail: `ended without metrics.json and config.yaml in ${workDir}`, resumed };
  }
  if (!publish(workDir, runDir(outDir, run.id))) {
    fs.rmSync(workDir, { recursive: true, force: true });
    return { status: 'skipped', log, detail: 'finished meanwhile by another attempt', resumed };
  }
  for (const stale of partialsOf(outDir, run.id)) fs.rmSync(stale, { recursive: true, force: true });
  return { status: 'done', log, resumed };
}
