// The checkpoint format without the file system: what a checkpoint holds, the manifest's shape and
// its checks, and the decoding of a tfjs binary weight file, shared by the Node checkpoint files (checkpoint.ts) and
// the explorer page, which reads the same files through a browser.
import * as tf from '@tensorflow/tfjs-core';
import type { Config } from '../config/schema.js';
import { UserError } from '../util/errors.js';
import type { RngState } from '../util/random.js';

export const CHECKPOINT_FORMAT = 'disentangle-checkpoint';
export const CHECKPOINT_VERSION = 2;

/** What a checkpoint holds; `C` is the run's config type (a ground-truth run's by default, or V3's). */
export interface CheckpointState<C = Config> {
  step: number;
  config: C;
  rng: Record<string, RngState>;
  weights: Map<string, tf.Tensor>;
  /** Each optimizer's state by its name ('model', and e.g. 'discriminator'). */
  optimizers: Map<string, OptimizerState>;
  /** The validation loss at this step, for runs that score one. */
  validationLoss?: number;
}

export interface OptimizerState {
  iterations: number;
  tensors: Map<string, tf.Tensor>;
}

export interface WeightsGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

export interface CheckpointManifest<C> {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  step: number;
  config: C;
  rng: Record<string, RngState>;
  /** Step counts by optimizer; their moments are in optimizerManifest, keyed `<optimizer>/<moment key>`. */
  optimizers: Record<string, { name: 'adam'; iterations: number }>;
  optimizerManifest: WeightsGroup[];
  weightsManifest: WeightsGroup[];
  validationLoss?: number;
}

/** The manifest in `text`, read from `file`; throws a UserError naming `file` when it is not one this version reads. */
export function parseManifest<C>(text: string, file: string): CheckpointManifest<C> {
  let manifest: CheckpointManifest<C>;
  try {
    manifest = JSON.parse(text) as CheckpointManifest<C>;
  } catch (e) {
    throw new UserError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (manifest?.format !== CHECKPOINT_FORMAT) throw new UserError(`${file}: not a disentangle checkpoint manifest`);
  if (manifest.version !== CHECKPOINT_VERSION) {
    throw new UserError(`${file}: checkpoint version ${manifest.version}, this disentangle reads version ${CHECKPOINT_VERSION}`);
  }
  if (!Number.isInteger(manifest.step) || !Array.isArray(manifest.weightsManifest) || !manifest.optimizers
    || !Array.isArray(manifest.optimizerManifest)) {
    throw new UserError(`${file}: manifest is incomplete`);
  }
  return manifest;
}

/**
 * The tensors of one weights group from its files' bytes, concatenated in the group's path order;
 * `where` names the first file and `what` the kind of state, for the errors.
 */
export function decodeWeightsGroup(bytes: Uint8Array, group: WeightsGroup, where: string, what: string): Map<string, tf.Tensor> {
  const expected = group.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (group.weights.some((w) => w.dtype !== 'float32')) throw new UserError(`${where}: ${what} has a non-float32 tensor`);
  if (bytes.length !== expected) {
    throw new UserError(`${where}: ${what} is ${bytes.length} bytes, the manifest needs ${expected} (truncated or corrupt)`);
  }
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  return new Map(Object.entries(tf.io.decodeWeights(buffer, group.weights)));
}
