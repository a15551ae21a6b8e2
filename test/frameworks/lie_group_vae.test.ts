import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { parseConfigText } from '../../src/config/load.js';
import { XYSingleSquareData } from '../../src/datasets/xysquares.js';
import { LieGroupVae } from '../../src/frameworks/lie_group_vae.js';
import { createFramework } from '../../src/frameworks/registry.js';
import { createModel } from '../../src/nn/architectures.js';
import { createLieGroupModel } from '../../src/nn/lie_group_nets.js';
import { reconstructionLoss } from '../../src/nn/losses.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/random.js';
import { assertTrains } from './tiny_model.js';

after(shutdownBackend);

const COMMON = { recon_loss: 'bernoulli' as const, optimizer: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };
const OWN = { beta: 1, hy_rec: 0.1, hy_hes: 40, hy_commute: 0, commutator: 'code' as const, forward_eg_prob: 0.2 };

function images(n: number, seed: number): tf.Tensor4D {
  const rng = Rng.fromSeed(seed);
  return tf.tensor4d(Float32Array.from({ length: n * 64 * 64 }, () => (rng.float() < 0.3 ? 1 : 0)), [n, 64, 64, 1]);
}

/** A model with z = 2 in one subgroup of 2x2 matrices, its basis set to A0 and A1. */
function modelWithBasis(a0: number[][], a1: number[][]) {
  const model = createLieGroupModel(2, [64, 64, 1], Rng.fromSeed(3), { subgroup_sizes_ls: [4] });
  (model.basis()[0] as tf.Variable).assign(tf.tensor3d([a0, a1]));
  return model;
}

const value = (t: tf.Tensor) => t.dataSync()[0];

test('Hessian and commutator penalties equal their values by hand on a two-matrix basis', async () => {
  await initBackend('cpu');
  // A1 A0 = [[3,4],[1,2]] and A0 A1 = [[2,1],[4,3]]: squared norms 30 and 30, so H = (30 + 30) / 2^2.
  // The code's C: (A1A0 - (A1A0)^T) = [[0,3],[-3,0]] -> 18, likewise 18 for A0A1: C = 36 / 4.
  // The paper's C: A0A1 - A1A0 = [[-1,-3],[3,1]] -> 20, for both orders: C = 40 / 4.
  const expected = { code: { hessian: 15, commutator: 9 }, paper: { hessian: 15, commutator: 10 } };
  for (const commutator of ['code', 'paper'] as const) {
    const framework = new LieGroupVae(modelWithBasis([[1, 2], [3, 4]], [[0, 1], [1, 0]]), COMMON, { ...OWN, commutator });
    const x = images(2, 1);
    const { terms } = framework.lossTerms([x], [tf.zeros([2, 2]) as tf.Tensor2D], 1, undefined, Rng.fromSeed(0));
    assert.ok(Math.abs(value(terms.hessian) - expected[commutator].hessian) < 1e-4, `${commutator}: H = ${value(terms.hessian)}`);
    assert.ok(Math.abs(value(terms.commutator) - expected[commutator].commutator) < 1e-4, `${commutator}: C = ${value(terms.commutator)}`);
    framework.dispose();
  }
});

test('the loss is recon + beta KL + hy_rec |gE - gG|^2 + hy_hes H + hy_commute C, the group term from z', async () => {
  await initBackend('cpu');
  const own = { ...OWN, beta: 2, hy_rec: 0.5, hy_hes: 3, hy_commute: 7, forward_eg_prob: 0 };
  const framework = new LieGroupVae(modelWithBasis([[0.1, 0.2], [0.3, 0.4]], [[0, 0.5], [-0.2, 0.1]]), COMMON, own);
  const x = images(3, 2);
  const noise = tf.tensor2d([[0.5, -1], [1.5, 0.2], [-0.3, 0.8]]);
  const { terms } = framework.lossTerms([x], [noise], 1, undefined, Rng.fromSeed(0));
  const q = framework.model.encode(x);
  const z = tf.add(q.mu, tf.mul(noise, tf.exp(tf.mul(0.5, q.logvar)))) as tf.Tensor2D;
  const gE = q.groupFeatures.arraySync();
  const gG = framework.model.groupRepresentation(z).arraySync();
  const groupRec = gE.reduce((sum, row, b) => sum + row.reduce((s, e, k) => s + (e - gG[b][k]) ** 2, 0), 0) / 3;
  assert.ok(Math.abs(value(terms.group_rec) - groupRec) < 1e-4 * Math.max(1, groupRec));
  const recon = value(reconstructionLoss('bernoulli', framework.model.decode(z), x));
  assert.ok(Math.abs(value(terms.recon) - recon) < 1e-3, `recon ${value(terms.recon)} vs ${recon}`);
  const total = recon + 2 * value(terms.kl) + 0.5 * groupRec + 3 * value(terms.hessian) + 7 * value(terms.commutator);
  assert.ok(Math.abs(value(terms.loss) - total) < 1e-3 * total, `${value(terms.loss)} vs ${total}`);
  framework.dispose();
});

test('forward_eg: one coin per step from the step stream picks whether gE or gG is decoded for the reconstruction', async () => {
  await initBackend('cpu');
  const model = createLieGroupModel(2, [64, 64, 1], Rng.fromSeed(4), { subgroup_sizes_ls: [9] });
  // Group features far from exp(z A) ~ I, so that decoding one or the other reconstructs differently.
  model.params.get('encoder/group_features/bias')!.assign(tf.fill([9], 40));
  const framework = new LieGroupVae(model, COMMON, OWN);
  const x = images(2, 3);
  const noise = tf.zeros([2, 2]) as tf.Tensor2D;
  const q = framework.model.encode(x);
  const viaGroup = value(reconstructionLoss('bernoulli', framework.model.decode(q.mu), x));
  const viaFeatures = value(reconstructionLoss('bernoulli', framework.model.decodeFeatures(q.groupFeatures), x));
  assert.ok(Math.abs(viaGroup - viaFeatures) > 1, `the two paths must be told apart: ${viaGroup} vs ${viaFeatures}`);
  const rng = Rng.fromSeed(9);
  const replay = Rng.fromState(rng.state());
  let featurePaths = 0;
  for (let step = 1; step <= 30; step++) {
    const expectFeatures = replay.float() < OWN.forward_eg_prob;
    const recon = value(framework.lossTerms([x], [noise], step, undefined, rng).terms.recon);
    assert.ok(Math.abs(recon - (expectFeatures ? viaFeatures : viaGroup)) < 1e-3, `step ${step}`);
    if (expectFeatures) featurePaths++;
  }
  assert.ok(featurePaths > 0 && featurePaths < 30);
  assert.deepEqual(rng.state(), replay.state());
  framework.dispose();
});

test('the Lie group VAE trains, and needs the lie_group architecture', async () => {
  await initBackend('wasm', { threads: 1 });
  const data = new XYSingleSquareData();
  const framework = new LieGroupVae(createLieGroupModel(4, data.observationShape, Rng.fromSeed(5), { subgroup_sizes_ls: [16] }), COMMON, OWN);
  assertTrains(framework, data, 120, ['loss', 'group_rec', 'hessian']);
  framework.dispose();
  const config = parseConfigText('framework:\n  name: lie_group_vae\n', 'lie.yaml');
  const conv = createModel('conv64', 10, [64, 64, 1], Rng.fromSeed(0));
  assert.throws(() => createFramework(config, conv, Rng.fromSeed(0)),
    (e: unknown) => e instanceof UserError && e.message === 'framework.name: lie_group_vae needs model.architecture: lie_group, not conv64');
  conv.dispose();
});
