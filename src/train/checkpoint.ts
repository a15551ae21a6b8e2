// Checkpoints: RUN_DIR/checkpoints/step-NNNNNNN/ holds manifest.json (resolved config, step, RNG
// and optimizer state, and a tfjs weights manifest) with weights.bin and optimizer.bin in tfjs's
// binary weight format, so a browser loads the model with tf.io.loadWeights. Each checkpoint
// directory is built under a temporary name and renamed into place, and `latest` (rewritten
// atomically) names the newest one only after it is complete; a process killed at any moment
// therefore leaves the previous complete checkpoint reachable. Runs that score a validation loss
// record it, and `best` names the checkpoint with the lowest; pruning spares it, so a run can be
// evaluated at its best validation loss as the original V3 picks its checkpoint.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Config } from '../config/schema.js';
import { UserError } from '../util/errors.js';
import { writeDirAtomic, writeFileAtomic } from '../util/files.js';
import {
  CHECKPOINT_FORMAT, CHECKPOINT_VERSION, decodeWeightsGroup, parseManifest,
  type CheckpointManifest, type CheckpointState, type OptimizerState, type WeightsGroup,
} from './checkpoint_format.js';

export type { CheckpointState, OptimizerState } from './checkpoint_format.js';

export function checkpointsDir(runDir: string): string {
  return path.join(runDir, 'checkpoints');
}

function stepDirName(step: number): string {
  return `step-${String(step).padStart(7, '0')}`;
}

async function encode(tensors: Map<string, tf.Tensor>, file: string): Promise<{ bytes: Uint8Array; group: WeightsGroup }> {
  const { data, specs } = await tf.io.encodeWeights(Object.fromEntries(tensors));
  return { bytes: new Uint8Array(data), group: { paths: [file], weights: specs } };
}

/**
 * Writes a checkpoint, points `latest` at it (and `best`, when its validation loss is the lowest so
 * far), and keeps only the newest `keep` checkpoints and the best one.
 */
export async function saveCheckpoint<C>(runDir: string, state: CheckpointState<C>, keep: number): Promise<string> {
  const root = checkpointsDir(runDir);
  fs.mkdirSync(root, { recursive: true });
  const name = stepDirName(state.step);
  const target = path.join(root, name);
  const weights = await encode(state.weights, 'weights.bin');
  const moments = new Map<string, tf.Tensor>();
  for (const [name, optimizer] of state.optimizers) {
    for (const [key, t] of optimizer.tensors) moments.set(`${name}/${key}`, t);
  }
  const optimizer = await encode(moments, 'optimizer.bin');
  const manifest: CheckpointManifest<C> = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    step: state.step,
    config: state.config,
    rng: state.rng,
    optimizers: Object.fromEntries([...state.optimizers].map(([name, o]) => [name, { name: 'adam', iterations: o.iterations }])),
    optimizerManifest: [optimizer.group],
    weightsManifest: [weights.group],
    ...(Number.isFinite(state.validationLoss) ? { validationLoss: state.validationLoss } : {}),
  };
  if (!fs.existsSync(target)) {
    writeDirAtomic(target, (dir) => {
      fs.writeFileSync(path.join(dir, 'weights.bin'), weights.bytes);
      fs.writeFileSync(path.join(dir, 'optimizer.bin'), optimizer.bytes);
      fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
    });
  }
  writeFileAtomic(path.join(root, 'latest'), `${name}\n`);
  const best = pointedCheckpoint(runDir, 'best');
  const bestSoFar = best === null ? undefined : readManifest(best).validationLoss;
  if (manifest.validationLoss !== undefined && (bestSoFar === undefined || manifest.validationLoss < bestSoFar)) {
    writeFileAtomic(path.join(root, 'best'), `${name}\n`);
  }
  const kept = path.basename(pointedCheckpoint(runDir, 'best') ?? '');
  const old = fs.readdirSync(root).filter((d) => /^step-\d+$/.test(d) && d !== kept).sort().slice(0, -keep);
  for (const d of old) fs.rmSync(path.join(root, d), { recursive: true, force: true });
  return target;
}

/** The checkpoint a pointer file (`latest`, `best`) names, or null without the pointer or its checkpoint. */
function pointedCheckpoint(runDir: string, pointer: 'latest' | 'best'): string | null {
  const file = path.join(checkpointsDir(runDir), pointer);
  if (!fs.existsSync(file)) return null;
  const dir = path.join(checkpointsDir(runDir), fs.readFileSync(file, 'utf8').trim());
  return fs.existsSync(dir) ? dir : null;
}

/** The checkpoint with the lowest validation loss, or the newest where the run recorded none. */
export function bestCheckpoint(runDir: string): string {
  return pointedCheckpoint(runDir, 'best') ?? latestCheckpoint(runDir);
}

/** The directory of the newest complete checkpoint of a run. */
export function latestCheckpoint(runDir: string): string {
  const pointer = path.join(checkpointsDir(runDir), 'latest');
  if (!fs.existsSync(runDir)) throw new UserError(`${runDir}: no such run directory`);
  if (!fs.existsSync(pointer)) throw new UserError(`${runDir}: no checkpoint found (expected ${pointer})`);
  const dir = path.join(checkpointsDir(runDir), fs.readFileSync(pointer, 'utf8').trim());
  if (!fs.existsSync(dir)) throw new UserError(`${pointer}: names ${path.basename(dir)}, which does not exist`);
  return dir;
}

function readWeights(dir: string, groups: WeightsGroup[], what: string): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const group of groups) {
    const buffers = group.paths.map((p) => {
      const file = path.join(dir, p);
      if (!fs.existsSync(file)) throw new UserError(`${file}: ${what} file is missing`);
      return fs.readFileSync(file);
    });
    for (const [name, t] of decodeWeightsGroup(Buffer.concat(buffers), group, path.join(dir, group.paths[0]), what)) out.set(name, t);
  }
  return out;
}

function readManifest<C>(dir: string): CheckpointManifest<C> {
  const file = path.join(dir, 'manifest.json');
  if (!fs.existsSync(file)) throw new UserError(`${file}: checkpoint manifest is missing`);
  return parseManifest<C>(fs.readFileSync(file, 'utf8'), file);
}

/** The checkpoint in `dir`; its config is as saved, for the caller to validate against its schema. */
export function loadCheckpoint<C = Config>(dir: string): CheckpointState<C> {
  const manifest = readManifest<C>(dir);
  return {
    step: manifest.step,
    config: manifest.config,
    rng: manifest.rng,
    weights: readWeights(dir, manifest.weightsManifest, 'weights'),
    optimizers: splitOptimizerState(dir, manifest),
    ...(manifest.validationLoss === undefined ? {} : { validationLoss: manifest.validationLoss }),
  };
}

function splitOptimizerState<C>(dir: string, manifest: CheckpointManifest<C>): Map<string, OptimizerState> {
  const out = new Map<string, OptimizerState>(
    Object.entries(manifest.optimizers).map(([name, o]) => [name, { iterations: o.iterations, tensors: new Map() }]));
  for (const [key, t] of readWeights(dir, manifest.optimizerManifest, 'optimizer state')) {
    const slash = key.indexOf('/');
    const owner = out.get(key.slice(0, slash));
    if (!owner) throw new UserError(`${dir}: optimizer state '${key}' belongs to no optimizer in the manifest`);
    owner.tensors.set(key.slice(slash + 1), t);
  }
  return out;
}
