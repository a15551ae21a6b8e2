import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backends/select.js';
import { DecVaeEncoder, detachedBatchNorm, type DecVaeWidths } from '../../src/nn/decvae_nets.js';
import { Rng } from '../../src/util/random.js';

const TINY: Partial<DecVaeWidths> = { zConv: 8, zHidden: 8, sConv: 6, intermediate: 8, features: 6, zLatent: 4, sLatent: 3, attentionHeads: 2 };
const gelu = (x: number) => x * 0.5 * (1 + erf(x / Math.SQRT2));
/** erf by its Maclaurin series: ~1e-12 accurate for |x| < 3, the range of these checks. */
function erf(x: number): number {
  let sum = x;
  let term = x;
  for (let n = 1; n < 60; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

function levels(rng: Rng, rows: number, length: number): tf.Tensor2D[] {
  return Array.from({ length: 4 }, () => tf.tensor2d(Float32Array.from({ length: rows * length }, () => rng.normal()), [rows, length]));
}

test('shapes: Z maps 400-value frames to one vector each, S pools a sequence to one vector; heads of the latent sizes', async () => {
  await initBackend('cpu');
  const rng = Rng.fromSeed(1);
  const encoder = new DecVaeEncoder(rng, TINY);
  const z = encoder.zBranch(levels(rng, 5, 400));
  assert.deepEqual(z.original.shape, [5, 6]);
  assert.deepEqual(z.components.map((c) => c.shape), [[5, 6], [5, 6], [5, 6]]);
  assert.deepEqual(z.projected.shape, [5, 6]);
  for (const g of [z.heads.original, ...z.heads.components, z.heads.projected]) assert.deepEqual([g.mu.shape, g.logvar.shape], [[5, 4], [5, 4]]);
  const s = encoder.sBranch(levels(rng, 2, 4000));
  assert.deepEqual(s.original.shape, [2, 6]);
  assert.deepEqual(s.heads.projected.mu.shape, [2, 3]);
  assert.throws(() => encoder.zBranch(levels(rng, 2, 400).slice(1)), /the original and 3 components/);
  const names = [...encoder.variables().keys()];
  const [zNames, sNames] = [[...encoder.branchVariables('z').keys()], [...encoder.branchVariables('s').keys()]];
  assert.equal(zNames.length + sNames.length, names.length);
  assert.ok(zNames.every((n) => n.startsWith('z/')) && sNames.every((n) => n.startsWith('s/')));
  encoder.dispose();
});

test('the detached batch norm normalises by batch statistics but passes gradient only through x', async () => {
  await initBackend('cpu');
  const values = [[1, 10], [2, 20], [6, 60]];
  const x = tf.tensor2d(values);
  const affine = { gamma: tf.variable(tf.tensor1d([2, 0.5])), beta: tf.variable(tf.tensor1d([0.25, -1])) };
  const out = detachedBatchNorm(x, affine).arraySync() as number[][];
  const upstream = tf.tensor2d([[1, -2], [0.5, 3], [-1, 1]]);
  const grad = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(detachedBatchNorm(xi as tf.Tensor2D, affine), upstream)))(x).arraySync() as number[][];
  for (const c of [0, 1]) {
    const column = values.map((row) => row[c]);
    const mean = column.reduce((a, b) => a + b, 0) / 3;
    const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / 3;
    const gamma = [2, 0.5][c];
    column.forEach((v, r) => {
      assert.ok(Math.abs(out[r][c] - ((v - mean) / Math.sqrt(variance + 1e-5) * gamma + [0.25, -1][c])) < 1e-5);
      // With the statistics detached, d out / d x is gamma / sqrt(var + eps) alone.
      assert.ok(Math.abs(grad[r][c] - (upstream.arraySync()[r][c] * gamma) / Math.sqrt(variance + 1e-5)) < 1e-5);
    });
  }
});

test('component projections: Z concatenates component-major, S flattens feature-major', async () => {
  await initBackend('cpu');
  const rng = Rng.fromSeed(2);
  const encoder = new DecVaeEncoder(rng, TINY);
  const d = 6;
  const vars = encoder.variables();
  // First projection: output 0 reads input index 1; second: identity. Biases are 0 at init.
  for (const branch of ['z', 's']) {
    vars.get(`${branch}/project_ocs/weight`)?.assign(tf.tensor2d(Float32Array.from({ length: 3 * d * d }, (_, i) => (i === 1 * d + 0 ? 1 : 0)), [3 * d, d]));
    vars.get(`${branch}/project_ocs_out/weight`)?.assign(tf.eye(d));
  }
  const z = encoder.zBranch(levels(rng, 3, 400));
  const s = encoder.sBranch(levels(rng, 2, 4000));
  const first = (t: tf.Tensor2D, column: number) => (t.arraySync() as number[][]).map((row) => row[column]);
  // Z: index 1 of [c_1 | c_2 | c_3] is feature 1 of component 1; S: index d·3 + k = 1 is feature 0 of component 2.
  first(z.projected, 0).forEach((v, r) => assert.ok(Math.abs(v - gelu(first(z.components[0], 1)[r])) < 1e-5));
  first(s.projected, 0).forEach((v, r) => assert.ok(Math.abs(v - gelu(first(s.components[1], 0)[r])) < 1e-5));
  encoder.dispose();
});

test('attention pooling is softmax(q K^T / sqrt(head size)) V per head, then the output projection and LayerNorm', async () => {
  await initBackend('cpu');
  const rng = Rng.fromSeed(3);
  const encoder = new DecVaeEncoder(rng, TINY);
  const vars = encoder.variables();
  const read = (name: string) => Array.from((vars.get(name) as tf.Variable).dataSync());
  const steps = Array.from({ length: 4 }, () => Array.from({ length: 6 }, () => rng.normal()));
  const pooled = (encoder as unknown as { pool(x: tf.Tensor3D): tf.Tensor2D }).pool(tf.tensor3d([steps])).arraySync()[0];
  const [w, b, q] = [read('s/aggregator/in_proj/weight'), read('s/aggregator/in_proj/bias'), read('s/aggregator/query')];
  const project = (x: number[], part: number) => Array.from({ length: 6 }, (_, j) => b[part * 6 + j] + x.reduce((s, v, i) => s + v * w[i * 18 + part * 6 + j], 0));
  const [query, keys, values] = [project(q, 0), steps.map((x) => project(x, 1)), steps.map((x) => project(x, 2))];
  const merged: number[] = [];
  for (let h = 0; h < 2; h++) {
    const slice = (v: number[]) => v.slice(3 * h, 3 * h + 3);
    const scores = keys.map((k) => slice(k).reduce((s, v, i) => s + v * slice(query)[i], 0) / Math.sqrt(3));
    const top = Math.max(...scores);
    const weights = scores.map((s) => Math.exp(s - top));
    const total = weights.reduce((a, c) => a + c, 0);
    for (let j = 0; j < 3; j++) merged.push(values.reduce((s, v, t) => s + (weights[t] / total) * slice(v)[j], 0));
  }
  const [ow, ob] = [read('s/aggregator/out_proj/weight'), read('s/aggregator/out_proj/bias')];
  const out = Array.from({ length: 6 }, (_, j) => ob[j] + merged.reduce((s, v, i) => s + v * ow[i * 6 + j], 0));
  const mean = out.reduce((a, c) => a + c, 0) / 6;
  const variance = out.reduce((a, c) => a + (c - mean) ** 2, 0) / 6;
  out.forEach((v, j) => assert.ok(Math.abs(pooled[j] - (v - mean) / Math.sqrt(variance + 1e-5)) < 1e-4, `feature ${j}`));
  encoder.dispose();
});

test('initialisation: Linear N(0, 0.02), conv Kaiming-normal, query N(0, 1)', async () => {
  await initBackend('cpu');
  const encoder = new DecVaeEncoder(Rng.fromSeed(4));
  const std = (name: string) => {
    const v = Array.from((encoder.variables().get(name) as tf.Variable).dataSync());
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  };
  assert.ok(Math.abs(std('z/project_hid/weight') / 0.02 - 1) < 0.01);
  assert.ok(Math.abs(std('z/conv1/weight') / Math.sqrt(2 / (512 * 3)) - 1) < 0.01);
  assert.ok(Math.abs(std('s/conv0/weight') / Math.sqrt(2 / 10) - 1) < 0.1);
  assert.ok(Math.abs(std('s/aggregator/query') - 1) < 0.25);
  assert.ok(Array.from((encoder.variables().get('z/head_x/mu/bias') as tf.Variable).dataSync()).every((v) => v === 0));
  encoder.dispose();
});
