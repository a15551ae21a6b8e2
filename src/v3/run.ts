// A V3 run as library calls, as train/run.ts is for ground-truth runs: train from a config into a
// run directory and evaluate with the V3 suite, resume a run, or re-evaluate it. Evaluation reads
// the checkpoint eval.checkpoint names: by default the one with the lowest validation loss, as the
// original evaluates the checkpoint picked by it, else the last.
// metrics.json keeps the layout `disentangle collect` reads, under the representation name `v3`.
import * as path from 'node:path';
import { stringify } from 'yaml';
import { bestCheckpoint, latestCheckpoint, loadCheckpoint } from '../train/checkpoint.js';
import { disposeCheckpointState, restoreVariables } from '../train/restore.js';
import { prepareRunDir, withRunWriter, type RunHooks } from '../train/run.js';
import { writeFileAtomic } from '../util/files.js';
import { encodeJson } from '../util/json.js';
import type { V3Config } from './config.js';
import { evaluateV3 } from './evaluate.js';
import { createV3Session, restoreV3Session, type V3Session } from './session.js';
import { trainV3 } from './train.js';

const V3_PICTURES = ['reconstructions.png', 'codebook_confusion.png', 'tsne_content.png', 'tsne_style.png'];

export interface V3RunResult {
  runDir: string;
  step: number;
  files: string[];
}

interface EvaluatedCheckpoint {
  step: number;
  validation_loss: number | null;
}

/** Puts the weights of the checkpoint eval.checkpoint names into the session. */
function loadEvaluatedWeights(session: V3Session, runDir: string): EvaluatedCheckpoint {
  const dir = session.config.eval.checkpoint === 'last' ? latestCheckpoint(runDir) : bestCheckpoint(runDir);
  const state = loadCheckpoint<V3Config>(dir);
  try {
    if (state.step !== session.step) restoreVariables(session.system.variables(), state, dir);
    return { step: state.step, validation_loss: state.validationLoss ?? null };
  } finally {
    disposeCheckpointState(state);
  }
}

async function evaluateAndWrite(session: V3Session, runDir: string, hooks: RunHooks): Promise<V3RunResult> {
  const checkpoint = loadEvaluatedWeights(session, runDir);
  hooks.log?.(`evaluating the checkpoint of step ${checkpoint.step} (${session.config.eval.checkpoint}, validation loss ${checkpoint.validation_loss ?? 'not scored'})`);
  const { metrics, files } = await evaluateV3(session, runDir, hooks.log);
  const metricsFile = path.join(runDir, 'metrics.json');
  writeFileAtomic(metricsFile, encodeJson({
    task: 'v3', step: checkpoint.step, dataset: session.config.dataset.name, framework: 'v3', seed: session.config.seed,
    checkpoint: { rule: session.config.eval.checkpoint, ...checkpoint, trained_steps: session.step },
    metrics: { v3: metrics }, errors: { v3: {} },
  }));
  await withRunWriter(runDir, 0, async (writer) => {
    for (const [group, values] of Object.entries(metrics)) {
      for (const [key, value] of Object.entries(values)) writer.scalar(`eval/${group}/${key}`, value, checkpoint.step);
    }
  });
  for (const f of files) hooks.log?.(`wrote ${f}`);
  return { runDir, step: checkpoint.step, files: [metricsFile, ...files] };
}

async function using<T>(opening: Promise<V3Session>, work: (session: V3Session) => Promise<T>): Promise<T> {
  const session = await opening;
  try {
    return await work(session);
  } finally {
    session.system.dispose();
    session.data.close?.();
  }
}

async function trainWithLogs(session: V3Session, runDir: string, hooks: RunHooks): Promise<void> {
  await withRunWriter(runDir, session.step, (writer) => trainV3(session, { runDir, writer, onProgress: hooks.onProgress }));
}

function startV3Run(config: V3Config, runDir: string, overwrite: boolean): Promise<V3Session> {
  prepareRunDir(runDir, overwrite, V3_PICTURES);
  writeFileAtomic(path.join(runDir, 'config.yaml'), stringify(config));
  return createV3Session(config);
}

/** Trains a V3 config into `runDir` and evaluates it with the V3 suite. */
export async function runV3(config: V3Config, runDir: string, opts: RunHooks & { overwrite?: boolean } = {}): Promise<V3RunResult> {
  return using(startV3Run(config, runDir, opts.overwrite ?? false), async (session) => {
    await trainWithLogs(session, runDir, opts);
    return evaluateAndWrite(session, runDir, opts);
  });
}

/** Trains without evaluating (the `train` command); returns the step reached. */
export async function trainOnlyV3(config: V3Config, runDir: string, opts: RunHooks & { overwrite?: boolean } = {}): Promise<number> {
  return using(startV3Run(config, runDir, opts.overwrite ?? false), async (session) => {
    await trainWithLogs(session, runDir, opts);
    return session.step;
  });
}

/** Continues a V3 run from its latest checkpoint up to train.epochs (optionally raised by overrides). */
export async function resumeV3Run(runDir: string, overrides: readonly string[] = [], hooks: RunHooks = {}): Promise<number> {
  return using(restoreV3Session(latestCheckpoint(runDir), overrides), async (session) => {
    writeFileAtomic(path.join(runDir, 'config.yaml'), stringify(session.config));
    await trainWithLogs(session, runDir, hooks);
    return session.step;
  });
}

/** Recomputes a V3 run's metrics and pictures from its latest checkpoint. */
export async function evaluateV3Run(runDir: string, overrides: readonly string[] = [], hooks: RunHooks = {}): Promise<V3RunResult> {
  return using(restoreV3Session(latestCheckpoint(runDir), overrides), (session) => evaluateAndWrite(session, runDir, hooks));
}
