// The training loop: batches from the ground-truth dataset, one framework step each, scalars to
// TensorBoard, checkpoints on schedule, and a hard stop on a non-finite loss that leaves the last
// good checkpoint in place.
import * as tf from '@tensorflow/tfjs-core';
import { renderBatch, sampleFactors } from '../datasets/ground_truth.js';
import { UserError } from '../util/errors.js';
import type { SummaryWriter } from '../util/tensorboard.js';
import { latestCheckpoint, saveCheckpoint } from './checkpoint.js';
import { sessionState, type Session } from './session.js';

export interface ProgressEvent {
  step: number;
  totalSteps: number;
  terms: Record<string, number>;
  stepsPerSecond: number;
}

export interface TrainOptions {
  runDir: string;
  writer?: SummaryWriter;
  onProgress?: (event: ProgressEvent) => void;
}

/** The batch of images for the next step, drawn from the session's data stream. */
export function nextBatch(session: Session): tf.Tensor4D {
  const { dataset, config, rngs } = session;
  const n = config.train.batch_size;
  const images = renderBatch(dataset, sampleFactors(dataset.factorSizes, n, rngs.data), n);
  return tf.tensor4d(images, [n, ...dataset.observationShape]);
}

function describeLastCheckpoint(runDir: string): string {
  try {
    return `the last good checkpoint is ${latestCheckpoint(runDir)}`;
  } catch {
    return 'no checkpoint was written before it';
  }
}

function weightsAreFinite(session: Session): boolean {
  return tf.tidy(() => {
    const flags = [...session.framework.model.params.values()].map((v) => tf.all(tf.isFinite(v)));
    return tf.all(tf.stack(flags)).dataSync()[0] === 1;
  });
}

export async function train(session: Session, options: TrainOptions): Promise<void> {
  const { config, framework } = session;
  const total = config.train.steps;
  const started = performance.now();
  const firstStep = session.step;
  while (session.step < total) {
    const x = nextBatch(session);
    const step = session.step + 1;
    let terms: Record<string, number>;
    try {
      terms = framework.trainStep(x, session.rngs.noise, step);
    } finally {
      x.dispose();
    }
    const bad = Object.entries(terms).find(([, v]) => !Number.isFinite(v));
    if (bad) {
      throw new UserError(`training diverged: ${bad[0]} is ${bad[1]} at step ${step}; ${describeLastCheckpoint(options.runDir)}`);
    }
    session.step = step;
    const stepsPerSecond = (step - firstStep) / ((performance.now() - started) / 1000);
    if (options.writer && (step % config.train.log_every === 0 || step === total)) {
      for (const [name, value] of Object.entries(terms)) options.writer.scalar(`train/${name}`, value, step);
      options.writer.scalar('train/steps_per_second', stepsPerSecond, step);
    }
    if (step % config.train.checkpoint_every === 0 || step === total) {
      if (!weightsAreFinite(session)) {
        throw new UserError(`training diverged: the weights hold NaN or Inf after step ${step}; ${describeLastCheckpoint(options.runDir)}`);
      }
      await saveCheckpoint(options.runDir, sessionState(session), config.train.keep_checkpoints);
    }
    options.onProgress?.({ step, totalSteps: total, terms, stepsPerSecond });
    // A step is synchronous work; let timers (the progress bar's redraw) and signals through.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
