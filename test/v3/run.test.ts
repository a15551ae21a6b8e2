// A V3 run end to end on a tiny PhoneNums model: training, a checkpoint that resumes to the same
// weights as an uninterrupted run, and the evaluation suite's metrics and pictures.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { parseConfigWith } from '../../src/config/load.js';
import { latestCheckpoint, loadCheckpoint } from '../../src/train/checkpoint.js';
import { disposeCheckpointState } from '../../src/train/restore.js';
import { V3ConfigSchema } from '../../src/v3/config.js';
import { evaluateV3Run, runV3 } from '../../src/v3/run.js';
import { Rng } from '../../src/util/random.js';
import { codebookConfusion, countAtomClasses } from '../../src/v3/codebook.js';
import { embedSplit } from '../../src/v3/embed.js';
import { fewShotAccuracy } from '../../src/v3/few_shot.js';
import { createV3Session, datasetOf, restoreV3Session, stepsPerEpoch } from '../../src/v3/session.js';
import { trainV3 } from '../../src/v3/train.js';

after(shutdownBackend);

const TINY = `task: v3
seed: 3
dataset:
  name: phonenums
  size: 40
model:
  width_multiplier: 0.125
  embedding_size: 16
train:
  epochs: 2
  batch_size: 4
  val_batches: 1
eval:
  tsne_points: 40
  ood_size: 100
  few_shot: [1]
`;

/** 2 epochs of the 32 training pages (40 less 10% val and 10% test) in batches of 4. */
const TRAINED_STEPS = 2 * (32 / 4);

const config = (overrides: string[] = []) => parseConfigWith(V3ConfigSchema, TINY, 'tiny.yaml', overrides);
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'v3-run-'));

test('a V3 run resumed from its epoch-1 checkpoint ends with the weights of an uninterrupted run', async () => {
  await initBackend('wasm', { threads: 1 });
  const straight = await createV3Session(config());
  const straightDir = tempDir();
  await trainV3(straight, { runDir: straightDir });
  assert.equal(straight.step, 2 * stepsPerEpoch(straight));
  const expected = new Map([...straight.system.variables()].map(([name, v]) => [name, v.dataSync().slice()]));
  straight.system.dispose();

  const interruptedDir = tempDir();
  const first = await createV3Session(config(['train.epochs=1']));
  await trainV3(first, { runDir: interruptedDir });
  first.system.dispose();
  const resumed = await restoreV3Session(latestCheckpoint(interruptedDir), ['train.epochs=2']);
  await trainV3(resumed, { runDir: interruptedDir });
  try {
    for (const [name, variable] of resumed.system.variables()) assert.deepEqual(variable.dataSync(), expected.get(name), name);
  } finally {
    resumed.system.dispose();
  }
});

test('run writes the V3 metrics and pictures, and eval from the checkpoint gives the same metrics', async () => {
  await initBackend('wasm', { threads: 1 });
  const runDir = tempDir();
  const result = await runV3(config(), runDir);
  const written = JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8'));
  const metrics = written.metrics.v3;
  for (const key of ['content_on_zc', 'style_on_zs', 'content_on_zs', 'style_on_zc']) {
    assert.ok(metrics[key].pr_auc >= 0 && metrics[key].pr_auc <= 1, `${key}.pr_auc ${metrics[key].pr_auc}`);
    assert.ok(metrics[key].best_f1 > 0 && metrics[key].best_f1 <= 1, `${key}.best_f1 ${metrics[key].best_f1}`);
  }
  assert.ok(metrics.codebook.accuracy > 0 && metrics.codebook.accuracy <= 1);
  assert.ok(metrics.codebook.atoms_used >= 1 && metrics.codebook.atoms_used <= 10);
  assert.ok(metrics.zero_shot_ood.rank_rule_accuracy >= 0 && metrics.zero_shot_ood.majority_class_accuracy <= 1);
  assert.ok(metrics.few_shot_1.rank_rule_accuracy >= 0 && metrics.few_shot_1.majority_class_accuracy <= 1);
  for (const picture of ['reconstructions.png', 'codebook_confusion.png', 'tsne_content.png', 'tsne_style.png']) {
    const bytes = fs.readFileSync(path.join(runDir, picture));
    assert.deepEqual([...bytes.subarray(1, 4)], [...Buffer.from('PNG')], picture);
  }
  assert.ok(result.files.length >= 5);
  await evaluateV3Run(runDir);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8')).metrics.v3, metrics);

  // The evaluated checkpoint is the one of lowest validation loss among those saved.
  const saved = fs.readdirSync(path.join(runDir, 'checkpoints')).filter((d) => d.startsWith('step-'))
    .map((d) => loadCheckpoint<unknown>(path.join(runDir, 'checkpoints', d)));
  const best = saved.reduce((a, b) => ((b.validationLoss as number) < (a.validationLoss as number) ? b : a));
  assert.deepEqual(written.checkpoint, { rule: 'best_val', step: best.step, validation_loss: best.validationLoss, trained_steps: TRAINED_STEPS });
  saved.forEach(disposeCheckpointState);
  await evaluateV3Run(runDir, ['eval.checkpoint=last']);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8')).checkpoint.step, TRAINED_STEPS);
});

test('few-shot adaptation scores the OOD test split and leaves the model as it was', async () => {
  await initBackend('wasm', { threads: 1 });
  const session = await createV3Session(config(['train.epochs=1']));
  try {
    await trainV3(session, { runDir: tempDir() });
    const before = new Map([...session.system.variables()].map(([name, v]) => [name, v.dataSync().slice()]));
    const ood = await datasetOf(session.config, true);
    assert.equal(ood.count('1_shot'), 8);
    const test = embedSplit(session.system, await datasetOf(session.config), 'test', 1, 4, Rng.fromSeed(1));
    const confusion = codebookConfusion(countAtomClasses(test.atoms, test.contentLabels, 10, 10));
    const iterations = session.system.optimizer.iterations;
    const accuracy = fewShotAccuracy(session, ood, 1, confusion, Rng.fromSeed(2));
    assert.ok(accuracy.rank_rule_accuracy >= 0 && accuracy.rank_rule_accuracy <= 1);
    for (const [name, variable] of session.system.variables()) assert.deepEqual(variable.dataSync(), before.get(name), name);
    assert.equal(session.system.optimizer.iterations, iterations);
    assert.equal(session.system.quantizer.frozen, false);
  } finally {
    session.system.dispose();
  }
});
