import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backends/select.js';
import { DECVAE_LOSS_SETTINGS } from '../../src/decvae/loss.js';
import { lrFactor } from '../../src/decvae/lr_schedule.js';
import { assembleFrames, DecVaeSystem, type DecVaeBatch } from '../../src/decvae/system.js';
import { Rng } from '../../src/util/random.js';

const WIDTHS = { zConv: 8, zHidden: 8, sConv: 6, intermediate: 8, features: 6, zLatent: 4, sLatent: 3, attentionHeads: 2 };
const ADAM = { lr: 1e-3, beta1: 0.5, beta2: 0.999, epsilon: 1e-6, weightDecay: 1e-4 };

test('assembleFrames puts each utterance\'s selected frames first, then every other frame in order', () => {
  // Utterance u, frame f: all 400 values u·10 + f.
  const features = [0, 1].map((u) => Float32Array.from({ length: 3 * 400 }, (_, i) => u * 10 + Math.floor(i / 400)));
  const out = assembleFrames(features, [[2], [0]]);
  assert.deepEqual(Array.from({ length: 6 }, (_, r) => out[r * 400]), [2, 10, 0, 1, 11, 12]);
  assert.throws(() => assembleFrames(features, [[0, 1], [2]]), /as many selected frames/);
});

test('the HF schedules: ramp from 0 over the warm-up, then constant (Z) or down to 0 at the last step (S)', () => {
  assert.deepEqual([0, 2500, 5000, 20000].map((s) => lrFactor('constant_with_warmup', s, 5000, 37500)), [0, 0.5, 1, 1]);
  assert.deepEqual([0, 2500, 5000, 21250, 37500, 40000].map((s) => lrFactor('linear', s, 5000, 37500)), [0, 0.5, 1, 0.5, 0, 0]);
});

function batch(rng: Rng, order: 'selected first' | 'others reversed' = 'selected first'): DecVaeBatch {
  const utterances = 2;
  const frames = 4;
  const selected = [[1, 3], [0, 2]];
  const levels = Array.from({ length: 4 }, () => [0, 1].map(() => Float32Array.from({ length: frames * 400 }, () => rng.normal())));
  const assembled = levels.map((features) => {
    const rows = assembleFrames(features, selected);
    if (order === 'others reversed') {
      const others = Array.from({ length: 4 }, (_, r) => rows.slice((4 + r) * 400, (5 + r) * 400)).reverse();
      others.forEach((row, r) => rows.set(row, (4 + r) * 400));
    }
    return tf.tensor2d(rows, [utterances * frames, 400]);
  });
  const sequences = Array.from({ length: 4 }, () => tf.tensor2d(Float32Array.from({ length: utterances * 4000 }, () => rng.normal()), [utterances, 4000]));
  return { frames: assembled, sequences, utterances, selected: 2 };
}

test('the loss reads the selected frames; the others count only through the batch statistics, in any order', async () => {
  await initBackend('cpu');
  const system = new DecVaeSystem(Rng.fromSeed(1), WIDTHS, DECVAE_LOSS_SETTINGS.parse({}), { z: ADAM, s: ADAM });
  const total = (b: DecVaeBatch) => tf.tidy(() => system.lossOf(b).total.dataSync()[0]);
  const [a, b] = [batch(Rng.fromSeed(2)), batch(Rng.fromSeed(2), 'others reversed')];
  assert.ok(Math.abs(total(a) - total(b)) < 1e-5 * Math.abs(total(a)));
  // W for 2 utterances x 2 frames x 3 components: 2·0.3333·(4·3 + 4·3).
  assert.ok(Math.abs(tf.tidy(() => system.lossOf(a).gradientNormaliser) - 2 * 0.3333 * 24) < 1e-9);
  system.dispose();
});

test('a training step moves both branches; a zero learning rate holds one branch while the other moves', async () => {
  await initBackend('cpu');
  const system = new DecVaeSystem(Rng.fromSeed(3), WIDTHS, DECVAE_LOSS_SETTINGS.parse({}), { z: ADAM, s: ADAM });
  const snapshot = (branch: 'z' | 's') => new Map([...system.encoder.branchVariables(branch)].map(([n, v]) => [n, Array.from(v.dataSync())]));
  const changed = (before: Map<string, number[]>, branch: 'z' | 's') =>
    [...system.encoder.branchVariables(branch)].filter(([n, v]) => Array.from(v.dataSync()).some((x, i) => x !== before.get(n)?.[i])).length;
  const [z0, s0] = [snapshot('z'), snapshot('s')];
  const logs = system.trainStep(batch(Rng.fromSeed(4)), { z: 0, s: 1e-3 });
  assert.ok(Number.isFinite(logs.total) && logs.grad_norm > 0, JSON.stringify(logs));
  assert.equal(changed(z0, 'z'), 0);
  assert.ok(changed(s0, 's') > 0);
  const z1 = snapshot('z');
  system.trainStep(batch(Rng.fromSeed(5)), { z: 1e-3, s: 1e-3 });
  assert.ok(changed(z1, 'z') > 0);
  assert.equal(system.optimizers.z.iterations, 2);
  system.dispose();
});
