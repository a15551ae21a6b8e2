// A DecVAE run as library calls (v3/run.ts is V3's): train from a config into a run directory and
// evaluate with the DecVAE suite, resume a run, or re-evaluate it. Evaluation reads the checkpoint
// eval.checkpoint names: by default the last, as the original evaluates. metrics.json keeps the
// layout `disentangle collect` reads, under the representation name `decvae`.
import * as path from 'node:path';
import { stringify } from 'yaml';
import { bestCheckpoint, latestCheckpoint, loadCheckpoint } from '../train/checkpoint.js';
import { disposeCheckpointState, restoreVariables } from '../train/restore.js';
import { prepareRunDir, withRunWriter, type RunHooks } from '../train/run.js';
import { writeFileAtomic } from '../util/files.js';
import { encodeJson } from '../util/json.js';
import type { DecVaeConfig } from './config.js';
import { evaluateDecVae } from './evaluate.js';
import { createDecVaeSession, restoreDecVaeSession, type DecVaeSession } from './session.js';
import { trainDecVae } from './train.js';

const DECVAE_PICTURES = ['umap_z.png'];

export interface DecVaeRunResult {
  runDir: string;
  step: number;
  files: string[];
}

async function evaluateAndWrite(session: DecVaeSession, runDir: string, hooks: RunHooks): Promise<DecVaeRunResult> {
  const dir = session.config.eval.checkpoint === 'last' ? latestCheckpoint(runDir) : bestCheckpoint(runDir);
  const state = loadCheckpoint<DecVaeConfig>(dir);
  const checkpoint = { step: state.step, validation_loss: state.validationLoss ?? null };
  try {
    if (state.step !== session.step) restoreVariables(session.system.encoder.variables(), state, dir);
  } finally {
    disposeCheckpointState(state);
  }
  hooks.log?.(`evaluating the checkpoint of step ${checkpoint.step} (${session.config.eval.checkpoint})`);
  const { metrics, errors, files } = await evaluateDecVae(session, runDir, hooks.log);
  const metricsFile = path.join(runDir, 'metrics.json');
  writeFileAtomic(metricsFile, encodeJson({
    task: 'decvae', step: checkpoint.step, dataset: session.config.dataset.name, framework: 'decvae', seed: session.config.seed,
    checkpoint: { rule: session.config.eval.checkpoint, ...checkpoint, trained_steps: session.step },
    metrics: { decvae: metrics }, errors: { decvae: errors },
  }));
  await withRunWriter(runDir, 0, async (writer) => {
    for (const [group, values] of Object.entries(metrics)) {
      for (const [key, value] of Object.entries(values)) writer.scalar(`eval/${group}/${key}`, value, checkpoint.step);
    }
  });
  for (const [group, why] of Object.entries(errors)) hooks.log?.(`${group}: not computed: ${why}`);
  for (const f of files) hooks.log?.(`wrote ${f}`);
  return { runDir, step: checkpoint.step, files: [metricsFile, ...files] };
}

async function using<T>(session: DecVaeSession, work: (session: DecVaeSession) => Promise<T>): Promise<T> {
  try {
    return await work(session);
  } finally {
    session.system.dispose();
  }
}

function trainWithLogs(session: DecVaeSession, runDir: string, hooks: RunHooks): Promise<void> {
  return withRunWriter(runDir, session.step, (writer) => trainDecVae(session, { runDir, writer, onProgress: hooks.onProgress }));
}

function startDecVaeRun(config: DecVaeConfig, runDir: string, overwrite: boolean): DecVaeSession {
  prepareRunDir(runDir, overwrite, DECVAE_PICTURES);
  writeFileAtomic(path.join(runDir, 'config.yaml'), stringify(config));
  return createDecVaeSession(config);
}

/** Trains a DecVAE config into `runDir` and evaluates it with the DecVAE suite. */
export function runDecVae(config: DecVaeConfig, runDir: string, opts: RunHooks & { overwrite?: boolean } = {}): Promise<DecVaeRunResult> {
  return using(startDecVaeRun(config, runDir, opts.overwrite ?? false), async (session) => {
    await trainWithLogs(session, runDir, opts);
    return evaluateAndWrite(session, runDir, opts);
  });
}

/** Trains without evaluating; returns the step reached. */
export function trainOnlyDecVae(config: DecVaeConfig, runDir: string, opts: RunHooks & { overwrite?: boolean } = {}): Promise<number> {
  return using(startDecVaeRun(config, runDir, opts.overwrite ?? false), async (session) => {
    await trainWithLogs(session, runDir, opts);
    return session.step;
  });
}

/** Continues a DecVAE run from its latest checkpoint up to train.epochs (optionally raised by overrides). */
export function resumeDecVaeRun(runDir: string, overrides: readonly string[] = [], hooks: RunHooks = {}): Promise<number> {
  return using(restoreDecVaeSession(latestCheckpoint(runDir), overrides), async (session) => {
    writeFileAtomic(path.join(runDir, 'config.yaml'), stringify(session.config));
    await trainWithLogs(session, runDir, hooks);
    return session.step;
  });
}

/** Recomputes a DecVAE run's metrics and pictures. */
export function evaluateDecVaeRun(runDir: string, overrides: readonly string[] = [], hooks: RunHooks = {}): Promise<DecVaeRunResult> {
  return using(restoreDecVaeSession(latestCheckpoint(runDir), overrides), (session) => evaluateAndWrite(session, runDir, hooks));
}
