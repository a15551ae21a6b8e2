// The main job as library calls: train a model from a config into a run directory, evaluate it,
// and draw its pictures; or resume a run from its latest checkpoint.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configToYaml } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { UserError } from '../util/errors.js';
import { ensureWritableDir, writeFileAtomic } from '../util/files.js';
import { encodeJson } from '../util/json.js';
import { SummaryWriter } from '../util/tensorboard.js';
import { writeModelPictures } from '../viz/model_pictures.js';
import { checkpointsDir, latestCheckpoint } from './checkpoint.js';
import { evaluateSession, type MetricResults } from './evaluate.js';
import { createSession, restoreSession, type Session } from './session.js';
import { train, type ProgressEvent } from './trainer.js';

export interface RunHooks {
  onProgress?: (event: ProgressEvent) => void;
  /** Short status lines ("evaluating mig", "wrote reconstructions.png"). */
  log?: (line: string) => void;
}

export interface RunResult {
  runDir: string;
  step: number;
  metrics: MetricResults;
  files: string[];
}

/**
 * Refuses to mix a new run into a directory that already holds one, unless told to replace it;
 * replacing removes the run's checkpoints, logs, metrics and `pictures`.
 */
export function prepareRunDir(runDir: string, overwrite: boolean, pictures: readonly string[] = ['reconstructions.png', 'traversals.gif', 'traversals.png']): void {
  ensureWritableDir(runDir);
  const existing = checkpointsDir(runDir);
  if (!fs.existsSync(existing)) return;
  if (!overwrite) {
    throw new UserError(`${runDir}: already holds a run; resume it with \`disentangle train --resume ${runDir}\`, or pass --overwrite to replace it`);
  }
  for (const entry of ['checkpoints', 'tensorboard', 'metrics.json', ...pictures]) {
    fs.rmSync(path.join(runDir, entry), { recursive: true, force: true });
  }
}

/**
 * Runs `work` with the run's TensorBoard writer, closing it however the work ends; `resumedAt`, a
 * step above 0, marks where a resumed session's records start.
 */
export async function withRunWriter<T>(runDir: string, resumedAt: number, work: (writer: SummaryWriter) => Promise<T>): Promise<T> {
  const writer = new SummaryWriter(path.join(runDir, 'tensorboard'));
  if (resumedAt > 0) writer.sessionStart(resumedAt + 1);
  try {
    return await work(writer);
  } finally {
    writer.close();
  }
}

async function trainSession(session: Session, runDir: string, hooks: RunHooks): Promise<void> {
  await withRunWriter(runDir, session.step, (writer) => train(session, { runDir, writer, onProgress: hooks.onProgress }));
}

/** Evaluates the session's model and writes metrics.json and the pictures into the run directory. */
export async function evaluateAndDraw(session: Session, runDir: string, hooks: RunHooks = {}): Promise<RunResult> {
  const metrics = await evaluateSession(session, hooks.log);
  const metricsFile = path.join(runDir, 'metrics.json');
  const summary = {
    step: session.step,
    dataset: session.config.dataset.name,
    framework: session.config.framework.name,
    seed: session.config.seed,
    metrics: metrics.values,
    errors: metrics.errors,
  };
  writeFileAtomic(metricsFile, encodeJson(summary));
  return withRunWriter(runDir, 0, async (writer) => {
    for (const [representation, byMetric] of Object.entries(metrics.values)) {
      for (const [metric, values] of Object.entries(byMetric)) {
        for (const [key, value] of Object.entries(values)) writer.scalar(`eval/${representation}/${metric}/${key}`, value, session.step);
      }
    }
    const pictures = await writeModelPictures(session, runDir, writer);
    for (const f of pictures) hooks.log?.(`wrote ${f}`);
    return { runDir, step: session.step, metrics, files: [metricsFile, ...pictures] };
  });
}

/** Disposes the session's tensors however the work ends. */
async function using<T>(opening: Promise<Session>, work: (session: Session) => Promise<T>): Promise<T> {
  const session = await opening;
  try {
    return await work(session);
  } finally {
    session.framework.dispose();
  }
}

async function startRun(config: Config, runDir: string, overwrite: boolean): Promise<Session> {
  prepareRunDir(runDir, overwrite);
  writeFileAtomic(path.join(runDir, 'config.yaml'), configToYaml(config));
  return createSession(config);
}

export async function runExperiment(config: Config, runDir: string, opts: RunHooks & { overwrite?: boolean } = {}): Promise<RunResult> {
  return using(startRun(config, runDir, opts.overwrite ?? false), async (session) => {
    await trainSession(session, runDir, opts);
    return evaluateAndDraw(session, runDir, opts);
  });
}

/** Trains from a config without evaluating (the `train` command); returns the step reached. */
export async function trainOnly(config: Config, runDir: string, opts: RunHooks & { overwrite?: boolean } = {}): Promise<number> {
  return using(startRun(config, runDir, opts.overwrite ?? false), async (session) => {
    await trainSession(session, runDir, opts);
    return session.step;
  });
}

/** Continues a run from its latest checkpoint up to train.steps (optionally raised by overrides). */
export async function resumeRun(runDir: string, overrides: readonly string[] = [], hooks: RunHooks = {}): Promise<number> {
  return using(restoreSession(latestCheckpoint(runDir), overrides), async (session) => {
    writeFileAtomic(path.join(runDir, 'config.yaml'), configToYaml(session.config));
    await trainSession(session, runDir, hooks);
    return session.step;
  });
}

/** Recomputes metrics and pictures from a run's latest checkpoint. */
export async function evaluateRun(runDir: string, overrides: readonly string[] = [], hooks: RunHooks = {}): Promise<RunResult> {
  return using(restoreSession(latestCheckpoint(runDir), overrides), (session) => evaluateAndDraw(session, runDir, hooks));
}
