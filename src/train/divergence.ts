// Training stops on a non-finite loss term or weight with one line that says what diverged, when,
// and which checkpoint is the last good one (it is never overwritten by the diverged state).
// Shared by the ground-truth trainer and V3's.
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../util/errors.js';
import { latestCheckpoint } from './checkpoint.js';

function lastGoodCheckpoint(runDir: string): string {
  try {
    return `the last good checkpoint is ${latestCheckpoint(runDir)}`;
  } catch {
    return 'no checkpoint was written before it';
  }
}

/** Throws if a logged term of step `step` is NaN or infinite. */
export function checkTermsFinite(terms: Record<string, number>, step: number, runDir: string): void {
  const bad = Object.entries(terms).find(([, v]) => !Number.isFinite(v));
  if (bad) throw new UserError(`training diverged: ${bad[0]} is ${bad[1]} at step ${step}; ${lastGoodCheckpoint(runDir)}`);
}

/** Throws, before a checkpoint is written, if a variable holds NaN or Inf ("after step 120", "after epoch 3"). */
export function checkVariablesFinite(variables: ReadonlyMap<string, tf.Variable>, when: string, runDir: string): void {
  const finite = tf.tidy(() => {
    const flags = [...variables.values()].map((v) => tf.all(tf.isFinite(v)));
    return tf.all(tf.stack(flags)).dataSync()[0] === 1;
  });
  if (!finite) throw new UserError(`training diverged: the weights hold NaN or Inf after ${when}; ${lastGoodCheckpoint(runDir)}`);
}
