// The training loop: batches from the ground-truth dataset, one framework step each, scalars to
// TensorBoard, checkpoints on schedule, and a hard stop on a non-finite loss that leaves the last
// good checkpoint in place.
import * as tf from '@tensorflow/tfjs-core';
import type { SummaryWriter } from '../util/tensorboard.js';
import type { TrainingBatch } from '../frameworks/base.js';
import { renderViews, viewSampler } from './batches.js';
import { BatchStream, type Prefetch } from './prefetch.js';
import { saveCheckpoint } from './checkpoint.js';
import { checkTermsFinite, checkVariablesFinite } from './divergence.js';
import { logTrainingImages } from '../viz/model_pictures.js';
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
  /** Where batches are rendered (default 'auto': in a worker when rendering is slow). */
  prefetch?: Prefetch;
}

/** The next step's batch, one tensor per view, drawn from the session's data stream. */
export function nextBatch(session: Session): TrainingBatch {
  const { dataset, config, framework, rngs } = session;
  return renderViews(dataset, viewSampler(config.sampling, framework.views), framework.views, config.train.batch_size, rngs.data);
}

export async function train(session: Session, options: TrainOptions): Promise<void> {
  const total = session.config.train.steps;
  const clock = { started: performance.now(), firstStep: session.step };
  const batches = new BatchStream(session, options.prefetch);
  try {
    while (session.step < total) {
      await trainOneStep(session, batches, options, clock);
    }
  } finally {
    await batches.close();
  }
}

/** When this call of train began, for steps/s: the time and the step it started from. */
interface Clock {
  started: number;
  firstStep: number;
}

async function trainOneStep(session: Session, batches: BatchStream, options: TrainOptions, clock: Clock): Promise<void> {
  const { config, framework } = session;
  const total = config.train.steps;
  const step = session.step + 1;
  const x = await batches.next(step < total);
  let terms: Record<string, number>;
  try {
    terms = framework.trainStep(x, session.rngs.noise, step);
  } finally {
    tf.dispose(x.views);
  }
  checkTermsFinite(terms, step, options.runDir);
  session.step = step;
  const stepsPerSecond = (step - clock.firstStep) / ((performance.now() - clock.started) / 1000);
  if (options.writer && (step % config.train.log_every === 0 || step === total)) {
    for (const [name, value] of Object.entries(terms)) options.writer.scalar(`train/${name}`, value, step);
    options.writer.scalar('train/steps_per_second', stepsPerSecond, step);
  }
  const imageEvery = config.viz.image_every;
  if (options.writer && imageEvery > 0 && step % imageEvery === 0) await logTrainingImages(session, options.writer);
  if (step % config.train.checkpoint_every === 0 || step === total) {
    checkVariablesFinite(session.framework.variables(), `step ${step}`, options.runDir);
    await saveCheckpoint(options.runDir, sessionState(session), config.train.keep_checkpoints);
  }
  options.onProgress?.({ step, totalSteps: total, terms, stepsPerSecond });
  // A step is synchronous work; let timers (the progress bar's redraw) and signals through.
  await new Promise((resolve) => setImmediate(resolve));
}
