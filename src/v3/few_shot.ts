// Few-shot adaptation to out-of-distribution styles (spec v3.md §6.5): the trained model is
// fine-tuned for one epoch on the n-shot set (n samples per new style) with the full V3 loss, every
// weight trainable but the codebook frozen, by AdamW at lr 1e-4 and weight decay 0.01 (torch's
// defaults otherwise); the OOD test split is then scored through the in-distribution atom map, and
// the model is put back as it was.
import * as tf from '@tensorflow/tfjs-core';
import { SHOT_SPLITS, type SequenceDataset } from '../sequences/sequence_data.js';
import { Adam } from '../train/adam.js';
import type { Rng } from '../util/random.js';
import { epochBatches } from '../train/epochs.js';
import { renderSamples } from './batches.js';
import { zeroShotOodAccuracy, type CodebookConfusion, type ZeroShotOodAccuracy } from './codebook.js';
import { embedSplit } from './embed.js';
import type { V3Session } from './session.js';

export function fewShotAccuracy(session: V3Session, ood: SequenceDataset, shots: 1 | 5 | 10, confusion: CodebookConfusion, rng: Rng): ZeroShotOodAccuracy {
  const { system, config } = session;
  const split = SHOT_SPLITS[shots];
  const snapshot = new Map([...system.variables()].map(([name, v]) => [name, tf.clone(v)]));
  const optimizer = new Adam({ lr: config.eval.few_shot_lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: config.eval.few_shot_weight_decay });
  system.quantizer.frozen = true;
  try {
    for (const indices of epochBatches(ood.count(split), config.train.batch_size, rng)) {
      const batch = renderSamples(ood, split, indices, rng);
      try {
        system.trainStep(batch, rng, config.eval.few_shot_lr, optimizer);
      } finally {
        batch.x.dispose();
      }
    }
    const test = embedSplit(system, ood, 'test', 1, config.train.batch_size, rng.fork('test'));
    return zeroShotOodAccuracy(confusion, test.atoms, test.contentLabels);
  } finally {
    for (const [name, variable] of system.variables()) variable.assign(snapshot.get(name) as tf.Tensor);
    tf.dispose([...snapshot.values()]);
    optimizer.dispose();
    system.quantizer.frozen = false;
  }
}
