// A DecVAE run as library calls (v3/run.ts is V3's): train from a config into a run directory and
// evaluate with the DecVAE suite, resume a run, or re-evaluate it. Evaluation reads the checkpoint
// eval.checkpoint names: by default the last, as the original evaluates. metrics.json keeps the
// layout `disentangle collect` reads, under the representation name `decvae`.
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { stringify } from 'yaml';
import { bestCheckpoint, latestCheckpoint, loadCheckpoint } from '../train/checkpoint.js';
import { disposeCheckpointState, restoreVariables } from '../train/restore.js';
import { prepareRunDir, withRunWriter, type RunHooks } from '../train/run.js';
import { writeFileAtomic } from '../util/files.js';
import { encodeJson } from '../util/json.js';
import type { DecVaeConfig } from './config.js';
import { evaluateDecVae, type DecVaeEvaluation } from './evaluate.js';
import { createDecVaeSession, restoreDecVaeSession, type DecVaeSession } from './session.js';
import { trainDecVae } from './train.js';

const DECVAE_PICTURES = ['umap_z.png', 'traversal.json.gz', 'traversal_fixed_speakers.png', 'traversal_fixed_vowels.png'];

export interface DecVaeRunResult {
  runDir: string;
  step: number;
  files: string[];
}

/** The weights of the checkpoint `rule` names, put into `variables`; the checkpoint's step and dev loss. */
export function loadEvaluatedWeights(runDir: string, rule: 'best_val' | 'last', variables: Map<string, tf.Variable>, currentStep: number):
  { step: number; validation_loss: number | null } {
  const dir = rule === 'last' ? latestCheckpoint(runDir) : bestCheckpoint(runDir);
  const state = loadCheckpoint(dir);
  try {
    if (state.step !== currentStep) restoreVariables(variables, state, dir);
    return { step: state.step, validation_loss: state.validationLoss ?? null };
  } finally {
    disposeCheckpointState(state);
  }
}

/** metrics.json (the layout `disentangle collect` reads) and the metrics as TensorBoard scalars. */
export async function writeEvaluation(runDir: string, header: { task: string; dataset: string; seed: number; rule: string; trainedSteps: number },
  checkpoint: { step: number; validation_loss: number | null }, evaluation: DecVaeEvaluation, hooks: RunHooks): Promise<DecVaeRunResult> {
  const { metrics, errors, files } = evaluation;
  const metricsFile = path.join(runDir, 'metrics.json');
  writeFileAtomic(metricsFile, encodeJson({
    task: header.task, step: checkpoint.step, dataset: header.dataset, framework: header.task, seed: header.seed,
    checkpoint: { rule: header.rule, ...checkpoint, trained_steps: header.trainedSteps },
    metrics: { [header.task]: metrics }, errors: { [header.task]: errors },
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

async function evaluateAndWrite(session: DecVaeSession, runDir: string, hooks: RunHooks): Promise<DecVaeRunResult> {
  const { config } = session;
  const checkpoint = loadEvaluatedWeights(runDir, config.eval.checkpoint, session.system.encoder.variables(), session.step);
  hooks.log?.(`evaluating the checkpoint of step ${checkpoint.step} (${config.eval.checkpoint})`);
  const evaluation = await evaluateDecVae(session, runDir, hooks.log);
  const header = { task: 'decvae', dataset: config.dataset.name, seed: config.seed, rule: config.eval.checkpoint, trainedSteps: session.step };
  return writeEvaluation(runDir, header, checkpoint, evaluation, hooks);
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
