// Puts a loaded checkpoint back into a live session: its variables, its optimizers' moments and
// step counts, and its random streams, each check naming what the checkpoint lacks or where its
// shape differs. Shared by ground-truth and V3 sessions.
import * as tf from '@tensorflow/tfjs-core';
import type { Adam } from './adam.js';
import type { CheckpointState } from './checkpoint_format.js';
import { UserError } from '../util/errors.js';
import { Rng } from '../util/random.js';

/** Assigns every variable its saved value. */
export function restoreVariables(variables: ReadonlyMap<string, tf.Variable>, state: CheckpointState<unknown>, where: string): void {
  for (const [name, variable] of variables) {
    const saved = state.weights.get(name);
    if (!saved) throw new UserError(`${where}: checkpoint lacks weight '${name}'`);
    if (saved.shape.join('x') !== variable.shape.join('x')) {
      throw new UserError(`${where}: weight '${name}' has shape [${saved.shape}], the model needs [${variable.shape}]`);
    }
    variable.assign(saved);
  }
}

/** Restores every optimizer, by its checkpoint name. */
export function restoreOptimizers(optimizers: ReadonlyMap<string, Adam>, state: CheckpointState<unknown>, where: string): void {
  for (const [name, optimizer] of optimizers) {
    const saved = state.optimizers.get(name);
    if (!saved) throw new UserError(`${where}: checkpoint lacks the state of optimizer '${name}'`);
    optimizer.restore(saved.iterations, saved.tensors);
  }
}

/** The `data` and `noise` streams as they were when the checkpoint was written. */
export function restoreStreams(state: CheckpointState<unknown>, where: string): { data: Rng; noise: Rng } {
  const stream = (name: string) => {
    const s = state.rng?.[name];
    if (!Array.isArray(s) || s.length !== 4) throw new UserError(`${where}: checkpoint has no '${name}' random state`);
    return Rng.fromState(s);
  };
  return { data: stream('data'), noise: stream('noise') };
}

/** Frees the loaded tensors once they are assigned (or the restore failed). */
export function disposeCheckpointState(state: CheckpointState<unknown>): void {
  tf.dispose([...state.weights.values(), ...[...state.optimizers.values()].flatMap((o) => [...o.tensors.values()])]);
}
