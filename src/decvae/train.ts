// DecVAE's training loop (spec decvae.md §8): epochs over the training utterances in shuffled
// batches, each step both optimisers at their scheduled rates (the factor of the steps already
// taken, over the run's total), the dev loss after every epoch, checkpoints at epoch ends, scalars
// to TensorBoard, and a stop on a non-finite loss that leaves the last good checkpoint.
import * as tf from '@tensorflow/tfjs-core';
import { saveCheckpoint } from '../train/checkpoint.js';
import { checkTermsFinite, checkVariablesFinite } from '../train/divergence.js';
import { epochBatches } from '../train/epochs.js';
import type { ProgressEvent } from '../train/trainer.js';
import { Rng } from '../util/random.js';
import type { SummaryWriter } from '../util/tensorboard.js';
import { disposeBatch } from './data.js';
import { lrFactor } from './lr_schedule.js';
import { decVaeSessionState, stepsPerEpoch, type DecVaeSession } from './session.js';

export interface DecVaeTrainOptions {
  runDir: string;
  writer?: SummaryWriter;
  onProgress?: (event: ProgressEvent) => void;
}

/** The two learning rates of the step after `stepsTaken` steps. */
export function learningRates(session: DecVaeSession, stepsTaken: number): { z: number; s: number } {
  const t = session.config.train;
  const total = stepsPerEpoch(session) * t.epochs;
  return {
    z: t.lr_z * lrFactor(t.schedule_z, stepsTaken, t.warmup_steps, total),
    s: t.lr_s * lrFactor(t.schedule_s, stepsTaken, t.warmup_steps, total),
  };
}

/** Mean total loss over the first `batches` dev batches, with a fixed frame draw. */
export function validationLoss(session: DecVaeSession, batches: number): number {
  const { data, config, system } = session;
  const rng = Rng.fromSeed(session.evalSeed).fork('validation');
  const size = config.train.batch_size;
  let total = 0;
  let seen = 0;
  for (let b = 0; b < batches && b * size < data.count('dev'); b++) {
    const indices = Array.from({ length: Math.min(size, data.count('dev') - b * size) }, (_, i) => b * size + i);
    const batch = data.batch('dev', indices, config.loss.max_frames_per_batch, rng);
    try {
      total += tf.tidy(() => system.lossOf(batch).total.dataSync()[0]);
      seen++;
    } finally {
      disposeBatch(batch);
    }
  }
  return seen === 0 ? Number.NaN : total / seen;
}

export async function trainDecVae(session: DecVaeSession, options: DecVaeTrainOptions): Promise<void> {
  const { config, data, system } = session;
  const perEpoch = stepsPerEpoch(session);
  const totalSteps = perEpoch * config.train.epochs;
  const started = performance.now();
  const firstStep = session.step;
  for (let epoch = Math.floor(session.step / perEpoch); epoch < config.train.epochs; epoch++) {
    for (const indices of epochBatches(data.count('train'), config.train.batch_size, session.rngs.data)) {
      const lr = learningRates(session, session.step);
      const batch = data.batch('train', Array.from(indices), config.loss.max_frames_per_batch, session.rngs.noise);
      let terms: Record<string, number>;
      try {
        terms = system.trainStep(batch, lr);
      } finally {
        disposeBatch(batch);
      }
      const step = session.step + 1;
      checkTermsFinite(terms, step, options.runDir);
      session.step = step;
      const stepsPerSecond = (step - firstStep) / ((performance.now() - started) / 1000);
      if (options.writer && step % config.train.log_every === 0) {
        for (const [name, value] of Object.entries(terms)) options.writer.scalar(`train/${name}`, value, step);
        options.writer.scalar('train/lr_z', lr.z, step);
        options.writer.scalar('train/lr_s', lr.s, step);
        options.writer.scalar('train/steps_per_second', stepsPerSecond, step);
      }
      options.onProgress?.({ step, totalSteps, terms: { loss: terms.total }, stepsPerSecond });
      await new Promise((resolve) => setImmediate(resolve));
    }
    const finished = epoch + 1;
    const valLoss = validationLoss(session, config.train.val_batches);
    options.writer?.scalar('val/total', valLoss, session.step);
    if (finished % config.train.checkpoint_every === 0 || finished === config.train.epochs) {
      checkVariablesFinite(system.encoder.variables(), `epoch ${finished}`, options.runDir);
      await saveCheckpoint(options.runDir, { ...decVaeSessionState(session), validationLoss: valLoss }, config.train.keep_checkpoints);
    }
  }
}
