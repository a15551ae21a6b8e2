import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { parseConfigText } from '../../src/config/load.js';
import { createLieGroupModel, groupStructure } from '../../src/nn/lie_group_nets.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/random.js';

after(shutdownBackend);

test('the group structure: defaults, and every inconsistency named by its key', () => {
  assert.deepEqual(groupStructure({ z_dim: 10 }), { subgroupSizes: [100], subspaceSizes: [10], initScale: 0.001 });
  assert.deepEqual(groupStructure({ z_dim: 5, subgroup_sizes_ls: [4, 9], subspace_sizes_ls: [2, 3], lie_alg_init_scale: 0.01 }),
    { subgroupSizes: [4, 9], subspaceSizes: [2, 3], initScale: 0.01 });
  assert.throws(() => groupStructure({ z_dim: 10, subgroup_sizes_ls: [99] }), /^RangeError: subgroup_sizes_ls: 99 is not a perfect square/);
  assert.throws(() => groupStructure({ z_dim: 10, subgroup_sizes_ls: [4, 9] }), /^RangeError: subspace_sizes_ls: needed with 2 subgroups/);
  assert.throws(() => groupStructure({ z_dim: 10, subgroup_sizes_ls: [4, 9], subspace_sizes_ls: [10] }), /subspace_sizes_ls: 1 sizes for 2 subgroups/);
  assert.throws(() => groupStructure({ z_dim: 10, subgroup_sizes_ls: [4, 9], subspace_sizes_ls: [3, 3] }), /subspace_sizes_ls: the sizes sum to 6, z_dim is 10/);
});

test('configs: group keys only with the lie_group architecture, and checked there', () => {
  assert.throws(() => parseConfigText('model:\n  subgroup_sizes_ls: [4]\n', 'a.yaml'),
    (e: unknown) => e instanceof UserError && /model\.subgroup_sizes_ls.*only the lie_group architecture has subgroup_sizes_ls/.test(e.message));
  assert.throws(() => parseConfigText('model:\n  architecture: lie_group\n  z_dim: 5\n  subgroup_sizes_ls: [4, 8]\n  subspace_sizes_ls: [2, 3]\n', 'b.yaml'),
    (e: unknown) => e instanceof UserError && /model\.subgroup_sizes_ls.*8 is not a perfect square/.test(e.message));
  const config = parseConfigText('model:\n  architecture: lie_group\n  z_dim: 5\n  subgroup_sizes_ls: [4, 9]\n  subspace_sizes_ls: [2, 3]\n', 'c.yaml');
  assert.deepEqual(config.model.subspace_sizes_ls, [2, 3]);
});

test('two subgroups: shapes, exp(0) = I, a rotation generator gives the rotation, and the original initialisation', async () => {
  await initBackend('cpu');
  const model = createLieGroupModel(5, [64, 64, 3], Rng.fromSeed(1), { subgroup_sizes_ls: [4, 9], subspace_sizes_ls: [2, 3], lie_alg_init_scale: 0.01 });
  const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  const q = model.encode(x);
  assert.deepEqual([q.mu.shape, q.logvar.shape, q.groupFeatures.shape], [[2, 5], [2, 5], [2, 13]]);
  assert.deepEqual(model.decode(q.mu).shape, [2, 64, 64, 3]);
  assert.deepEqual(model.basis().map((b) => b.shape), [[2, 2, 2], [3, 3, 3]]);

  const identity = [1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1];
  assert.deepEqual(Array.from(model.groupRepresentation(tf.zeros([1, 5]) as tf.Tensor2D).dataSync()), identity);

  (model.basis()[0] as tf.Variable).assign(tf.tensor3d([[[0, -1], [1, 0]], [[0, 0], [0, 0]]]));
  const t = 0.7;
  const g = model.groupRepresentation(tf.tensor2d([[t, 3, 0, 0, 0]])).dataSync();
  const rotation = [Math.cos(t), -Math.sin(t), Math.sin(t), Math.cos(t)];
  rotation.forEach((r, i) => assert.ok(Math.abs(g[i] - r) < 1e-5, `${g[i]} vs ${r}`));
  identity.slice(4).forEach((v, i) => assert.ok(Math.abs(g[4 + i] - v) < 1e-6));
  model.dispose();

  // Basis entries N(0, 0.001^2); torch's default biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)), for a
  // transposed conv with fan_in counted as out_channels * k * k.
  const standard = createLieGroupModel(10, [64, 64, 1], Rng.fromSeed(2));
  const entries = Array.from(standard.basis()[0].dataSync());
  const std = Math.sqrt(entries.reduce((s, v) => s + v * v, 0) / entries.length);
  assert.ok(Math.abs(std - 0.001) < 0.0001, `basis std ${std}`);
  const maxAbs = (name: string) => Math.max(...Array.from(standard.params.get(name)!.dataSync(), Math.abs));
  assert.ok(maxAbs('encoder/fc1/bias') <= 1 / Math.sqrt(1024) && maxAbs('encoder/fc1/bias') > 0.8 / Math.sqrt(1024));
  assert.ok(maxAbs('decoder/deconv1/bias') <= 1 / Math.sqrt(64 * 16) && maxAbs('decoder/deconv1/bias') > 0.5 / Math.sqrt(64 * 16));
  assert.ok(maxAbs('decoder/deconv4/bias') <= 1 / Math.sqrt(16));
  standard.dispose();
});
