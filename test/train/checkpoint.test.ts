import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ConfigSchema } from '../../src/config/schema.js';
import { bestCheckpoint, latestCheckpoint, loadCheckpoint, saveCheckpoint, type CheckpointState } from '../../src/train/checkpoint.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/random.js';

function state(step: number): CheckpointState {
  return {
    step,
    config: ConfigSchema.parse({ seed: 9 }),
    rng: { data: Rng.fromSeed(step).state() },
    weights: new Map<string, tf.Tensor>([
      ['encoder/w', tf.tensor2d([1, 2, 3, step], [2, 2])],
      ['encoder/b', tf.tensor1d([-0.5, 0.25])],
    ]),
    optimizers: new Map([
      ['model', { iterations: step, tensors: new Map([['encoder/w/m', tf.tensor2d([0.1, 0.2, 0.3, 0.4], [2, 2])]]) }],
      ['discriminator', { iterations: 2 * step, tensors: new Map([['disc/w/v', tf.tensor1d([7, 8])]]) }],
    ]),
  };
}

const runDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'disentangle-ckpt-'));

test('a saved checkpoint loads back with the same step, config, random state and tensors', async () => {
  await tf.setBackend('cpu');
  const dir = runDir();
  const saved = state(40);
  const where = await saveCheckpoint(dir, saved, 2);
  assert.equal(latestCheckpoint(dir), where);
  const loaded = loadCheckpoint(where);
  assert.equal(loaded.step, 40);
  assert.deepEqual(loaded.config, saved.config);
  assert.deepEqual(loaded.rng, saved.rng);
  assert.deepEqual([...loaded.optimizers].map(([name, o]) => [name, o.iterations]), [['model', 40], ['discriminator', 80]]);
  for (const [name, t] of saved.weights) assert.deepEqual(loaded.weights.get(name)?.arraySync(), t.arraySync());
  for (const [name, optimizer] of saved.optimizers) {
    for (const [key, t] of optimizer.tensors) assert.deepEqual(loaded.optimizers.get(name)?.tensors.get(key)?.arraySync(), t.arraySync());
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(where, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.weightsManifest[0].paths, ['weights.bin']);
  assert.deepEqual(manifest.weightsManifest[0].weights.map((w: { name: string }) => w.name), ['encoder/w', 'encoder/b']);
});

test('only the newest checkpoints are kept, and no temporary directory is left behind', async () => {
  await tf.setBackend('cpu');
  const dir = runDir();
  for (const step of [10, 20, 30, 40]) await saveCheckpoint(dir, state(step), 2);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'checkpoints')).sort(), ['latest', 'step-0000030', 'step-0000040']);
  assert.equal(loadCheckpoint(latestCheckpoint(dir)).step, 40);
});

test('the checkpoint with the lowest validation loss is kept past the newest ones and named by best', async () => {
  await tf.setBackend('cpu');
  const dir = runDir();
  assert.throws(() => bestCheckpoint(dir), /no checkpoint found/);
  const losses = [[10, 3.5], [20, 1.25], [30, 2], [40, 1.25], [50, 4]] as const;
  const bestAfter: number[] = [];
  for (const [step, loss] of losses) {
    await saveCheckpoint(dir, { ...state(step), validationLoss: loss }, 2);
    bestAfter.push(loadCheckpoint(bestCheckpoint(dir)).step);
  }
  assert.deepEqual(bestAfter, [10, 20, 20, 20, 20], 'a tie keeps the earlier checkpoint');
  assert.deepEqual(fs.readdirSync(path.join(dir, 'checkpoints')).sort(), ['best', 'latest', 'step-0000020', 'step-0000040', 'step-0000050']);
  assert.equal(loadCheckpoint(bestCheckpoint(dir)).validationLoss, 1.25);

  const unscored = runDir();
  await saveCheckpoint(unscored, state(10), 2);
  await saveCheckpoint(unscored, { ...state(20), validationLoss: Number.NaN }, 2);
  assert.equal(bestCheckpoint(unscored), latestCheckpoint(unscored), 'without validation losses best is the newest');
  assert.equal(loadCheckpoint(latestCheckpoint(unscored)).validationLoss, undefined);
});

test('truncated weights, a missing file and a foreign manifest are one-line UserErrors naming the file', async () => {
  await tf.setBackend('cpu');
  const dir = runDir();
  const where = await saveCheckpoint(dir, state(5), 2);
  const weights = path.join(where, 'weights.bin');
  fs.truncateSync(weights, 10);
  assert.throws(() => loadCheckpoint(where), (e: unknown) => e instanceof UserError
    && e.message.startsWith(weights) && /is 10 bytes, the manifest needs 24 \(truncated or corrupt\)/.test(e.message));
  fs.rmSync(weights);
  assert.throws(() => loadCheckpoint(where), /weights\.bin: weights file is missing/);
  fs.writeFileSync(path.join(where, 'manifest.json'), '{"format": "something-else"}');
  assert.throws(() => loadCheckpoint(where), /not a disentangle checkpoint manifest/);
  fs.writeFileSync(path.join(dir, 'checkpoints', 'latest'), 'step-0000099\n');
  assert.throws(() => latestCheckpoint(dir), /names step-0000099, which does not exist/);
});
