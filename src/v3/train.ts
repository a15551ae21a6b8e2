// V3's training loop: epochs over the training split in shuffled batches, AdamW at the epoch's
// learning rate (the original's per-epoch exponential decay with a floor), the validation total
// loss after every epoch, checkpoints at epoch ends recording it, scalars to TensorBoard, and a hard stop on a
// non-finite loss that leaves the last good checkpoint in place.
import { saveCheckpoint } from '../train/checkpoint.js';
import { checkTermsFinite, checkVariablesFinite } from '../train/divergence.js';
import type { ProgressEvent } from '../train/trainer.js';
import { Rng } from '../util/random.js';
import type { SummaryWriter } from '../util/tensorboard.js';
import { epochBatches } from '../train/epochs.js';
import { renderSamples } from './batches.js';
import { lrFactor } from './config.js';
import { stepsPerEpoch, v3SessionState, type V3Session } from './session.js';

export interface V3TrainOptions {
  runDir: string;
  writer?: SummaryWriter;
  onProgress?: (event: ProgressEvent) => void;
}

/** Mean total loss over the first `batches` validation batches, in eval mode, with a fixed stream. */
export function validationLoss(session: V3Session, batches: number): number {
  const { data, config, system } = session;
  const count = data.count('val');
  if (batches === 0 || count === 0) return Number.NaN;
  const rng = Rng.fromSeed(session.evalSeed).fork('validation');
  let total = 0;
  let seen = 0;
  for (let b = 0; b < batches; b++) {
    const start = b * config.train.batch_size;
    if (start >= count) break;
    const indices = Int32Array.from({ length: Math.min(config.train.batch_size, count - start) }, (_, i) => start + i);
    const batch = renderSamples(data, 'val', indices, rng);
    try {
      total += system.evalLoss(batch);
      seen++;
    } finally {
      batch.x.dispose();
    }
  }
  return total / seen;
}

export async function trainV3(session: V3Session, options: V3TrainOptions): Promise<void> {
  const { config, data, system } = session;
  const perEpoch = stepsPerEpoch(session);
  const totalSteps = perEpoch * config.train.epochs;
  const started = performance.now();
  const firstStep = session.step;
  for (let epoch = Math.floor(session.step / perEpoch); epoch < config.train.epochs; epoch++) {
    const lr = config.train.lr * lrFactor(config.train, epoch);
    for (const indices of epochBatches(data.count('train'), config.train.batch_size, session.rngs.data)) {
      const batch = renderSamples(data, 'train', indices, session.rngs.data);
      const step = session.step + 1;
      let terms: Record<string, number>;
      try {
        terms = system.trainStep(batch, session.rngs.noise, lr);
      } finally {
        batch.x.dispose();
      }
      checkTermsFinite(terms, step, options.runDir);
      session.step = step;
      const stepsPerSecond = (step - firstStep) / ((performance.now() - started) / 1000);
      if (options.writer && step % config.train.log_every === 0) {
        for (const [name, value] of Object.entries(terms)) options.writer.scalar(`train/${name}`, value, step);
        options.writer.scalar('train/lr', lr, step);
        options.writer.scalar('train/steps_per_second', stepsPerSecond, step);
      }
      options.onProgress?.({ step, totalSteps, terms: { loss: terms.total }, stepsPerSecond });
      await new Promise((resolve) => setImmediate(resolve));
    }
    const finished = epoch + 1;
    const valLoss = validationLoss(session, config.train.val_batches);
    options.writer?.scalar('val/total', valLoss, session.step);
    if (finished % config.train.checkpoint_every === 0 || finished === config.train.epochs) {
      checkVariablesFinite(system.variables(), `epoch ${finished}`, options.runDir);
      await saveCheckpoint(options.runDir, { ...v3SessionState(session), validationLoss: valLoss }, config.train.keep_checkpoints);
    }
  }
}
