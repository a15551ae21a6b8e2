import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { VectorQuantizer, type VectorQuantizerSettings } from '../../src/nn/vector_quantizer.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/random.js';

before(() => initBackend('cpu'));
after(shutdownBackend);

const EPS = 1e-5;

function assertClose(got: ArrayLike<number>, expected: ArrayLike<number>, what: string, tolerance = 1e-5): void {
  assert.equal(got.length, expected.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    assert.ok(Math.abs(got[i] - expected[i]) <= tolerance, `${what}[${i}]: ${got[i]} vs ${expected[i]}`);
  }
}

let scopes = 0;

/** d = 2, K = 3, decay 0.5 unless overridden; a fresh variable scope each time. */
function quantizer(settings: Partial<VectorQuantizerSettings> = {}): VectorQuantizer {
  return new VectorQuantizer({ scope: `vq${scopes++}`, codebookSize: 3, dim: 2, decay: 0.5, ...settings });
}

const ATOMS = [[0, 0], [4, 0], [0, 3]];

/** A quantizer whose state is assigned the way a checkpoint restore does it: atoms ATOMS, cluster sizes [2, 1, 1]. */
function restored(settings: Partial<VectorQuantizerSettings> = {}): VectorQuantizer {
  const vq = quantizer(settings);
  const state = vq.state();
  const scope = vq.settings.scope;
  state.get(`${scope}/codebook`)!.assign(tf.tensor2d(ATOMS));
  state.get(`${scope}/cluster_size`)!.assign(tf.tensor1d([2, 1, 1]));
  state.get(`${scope}/embed_avg`)!.assign(tf.tensor2d([[0, 0], [4, 0], [0, 3]]));
  state.get(`${scope}/initialised`)!.assign(tf.scalar(1));
  return vq;
}

function stateValues(vq: VectorQuantizer): { codebook: number[]; clusterSize: number[]; embedAvg: number[]; initialised: number } {
  const read = (suffix: string) => Array.from(vq.state().get(`${vq.settings.scope}/${suffix}`)!.dataSync());
  return { codebook: read('codebook'), clusterSize: read('cluster_size'), embedAvg: read('embed_avg'), initialised: read('initialised')[0] };
}

const rowsOf = (values: number[], dim = 2): number[][] =>
  Array.from({ length: values.length / dim }, (_, i) => values.slice(i * dim, (i + 1) * dim));

// By hand: x_i against ATOMS, squared distances (d0, d1, d2):
// (1, .5): 1.25, 9.25, 7.25 -> 0;  (3, 1): 10, 2, 13 -> 1;  (.5, 2): 4.25, 16.25, 1.25 -> 2;
// (-1, -1): 2, 26, 17 -> 0;  (2.5, 2.5): 12.5, 8.5, 6.5 -> 2.
const X = [[1, 0.5], [3, 1], [0.5, 2], [-1, -1], [2.5, 2.5]];
const X_INDICES = [0, 1, 2, 0, 2];
const X_ATOMS = X_INDICES.map((k) => ATOMS[k]);

test('k-means initialisation: the same clusters from any three distinct starting points, counts and sums stored', () => {
  // a = (0,0), b = (0,1), c = (10,0), d = (0,10): from each of the four 3-subsets Lloyd ends at
  // {a, b}, {c}, {d} (traced by hand), whatever order the atoms were drawn in.
  const batch = tf.tensor2d([[0, 0], [0, 1], [10, 0], [0, 10]]);
  const orders = new Set<string>();
  for (let seed = 0; seed < 8; seed++) {
    const vq = quantizer();
    assert.equal(vq.initialised, false);
    const { indices, quantized, commitLoss } = vq.quantize(batch, { training: true, rng: Rng.fromSeed(seed) });
    assert.equal(vq.initialised, true);
    const { codebook, clusterSize, embedAvg, initialised } = stateValues(vq);
    assert.equal(initialised, 1);
    const atoms = rowsOf(codebook);
    const triples = atoms.map((atom, k) => ({ atom, count: clusterSize[k], sum: rowsOf(embedAvg)[k] }))
      .sort((p, q) => p.atom[0] - q.atom[0] || p.atom[1] - q.atom[1]);
    assert.deepEqual(triples, [
      { atom: [0, 0.5], count: 2, sum: [0, 1] },
      { atom: [0, 10], count: 1, sum: [0, 10] },
      { atom: [10, 0], count: 1, sum: [10, 0] },
    ]);
    // This call's assignment already uses the new atoms.
    assert.equal(indices[0], indices[1]);
    assert.equal(new Set(indices).size, 3);
    assert.deepEqual(rowsOf(Array.from(quantized.dataSync())).map((row) => row.map((v) => Math.round(v * 1e4) / 1e4)),
      [[0, 0.5], [0, 0.5], [10, 0], [0, 10]]);
    assertClose(commitLoss.dataSync(), [(0.25 + 0.25) / 8], 'commitment loss after init');
    orders.add(atoms.map(String).join(';'));
    vq.dispose();
  }
  assert.ok(orders.size > 1, 'the starting atoms are drawn from the rng');
});

test('k-means initialisation with fewer vectors than atoms samples with replacement; the surplus atom stays empty', () => {
  // Two points, three atoms: one starting point is drawn twice, and the copy that loses every tie
  // keeps its centroid (a batch point) with count 0.
  const batch = tf.tensor2d([[1, 1], [5, 1]]);
  for (let seed = 0; seed < 6; seed++) {
    const vq = quantizer();
    vq.quantize(batch, { training: true, rng: Rng.fromSeed(seed) });
    const { codebook, clusterSize, embedAvg } = stateValues(vq);
    const atoms = rowsOf(codebook);
    const used = atoms.filter((_, k) => clusterSize[k] === 1).map(String).sort();
    assert.deepEqual(used, ['1,1', '5,1']);
    const empty = clusterSize.indexOf(0);
    assert.ok(empty >= 0 && clusterSize.filter((c) => c === 0).length === 1, `counts ${clusterSize}`);
    assert.ok(['1,1', '5,1'].includes(String(atoms[empty])), `empty atom ${atoms[empty]}`);
    assert.deepEqual(rowsOf(embedAvg)[empty], [0, 0]);
    vq.dispose();
  }
});

test('eval: nearest atoms exactly, a zero commitment loss, and no k-means on a restored codebook', () => {
  const vq = restored();
  const { quantized, indices, commitLoss } = vq.quantize(tf.tensor2d(X), { training: false });
  assert.deepEqual(Array.from(indices), X_INDICES);
  assert.deepEqual(quantized.arraySync(), X_ATOMS);
  assert.equal(commitLoss.dataSync()[0], 0);
  assert.deepEqual(rowsOf(stateValues(vq).codebook), ATOMS);
  vq.dispose();
});

test('training: the straight-through output has the atoms as values and passes the gradient to x unchanged', () => {
  const vq = restored();
  const x = tf.tensor2d(X);
  const weights = tf.tensor2d([[1, -2], [3, 0.5], [-1, 4], [2, 2], [0.25, -3]]);
  const { quantized, indices } = vq.quantize(x, { training: true });
  assert.deepEqual(Array.from(indices), X_INDICES);
  assertClose(quantized.dataSync(), X_ATOMS.flat(), 'forward value', 1e-6);
  const gradient = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(weights, vq.quantize(input as tf.Tensor2D, { training: true }).quantized)))(x);
  assertClose(gradient.dataSync(), weights.dataSync(), 'd loss / dx');
  vq.dispose();
});

test('commitment loss: mean((q - x)^2) * weight, gradient 2 (x - q) / numel * weight', () => {
  const weight = 0.25;
  const vq = restored({ commitmentWeight: weight });
  const x = tf.tensor2d(X);
  // (x - q)^2 per row: 1 + .25, 1 + 1, .25 + 1, 1 + 1, 6.25 + .25: 13 in all over 10 elements.
  assertClose(vq.quantize(x, { training: true }).commitLoss.dataSync(), [(13 / 10) * weight], 'loss');
  const gradient = tf.grad((input: tf.Tensor) => vq.quantize(input as tf.Tensor2D, { training: true }).commitLoss)(x);
  const expected = X.flatMap((row, i) => row.map((v, j) => (2 * (v - X_ATOMS[i][j]) / 10) * weight));
  assertClose(gradient.dataSync(), expected, 'd commit / dx');
  vq.dispose();
});

test('tf.variableGrads sees only the trainable input: the codebook state takes no gradient', () => {
  const vq = restored();
  const input = tf.variable(tf.tensor2d(X), true, 'vq_test/input');
  const weights = tf.tensor2d([[1, -2], [3, 0.5], [-1, 4], [2, 2], [0.25, -3]]);
  const { value, grads } = tf.variableGrads(() => {
    const { quantized, commitLoss } = vq.quantize(input as tf.Tensor as tf.Tensor2D, { training: true });
    return tf.add(tf.sum(tf.mul(weights, quantized)), commitLoss) as tf.Scalar;
  });
  assert.deepEqual(Object.keys(grads), ['vq_test/input']);
  const w = weights.dataSync();
  const expected = X.flatMap((row, i) => row.map((v, j) => w[i * 2 + j] + (2 * (v - X_ATOMS[i][j])) / 10));
  assertClose(grads['vq_test/input'].dataSync(), expected, 'gradient');
  const byHand = X_ATOMS.flat().reduce((sum, q, i) => sum + w[i] * q, 0) + 13 / 10;
  assertClose(value.dataSync(), [byHand], 'loss', 1e-4);
  for (const variable of vq.state().values()) assert.equal(variable.trainable, false);
  input.dispose();
  vq.dispose();
});

test('one EMA step by hand: cluster sizes, sums, Laplace-smoothed atoms; the output used the old atoms', () => {
  const vq = restored();
  // (1,0) -> 0, (3,0) -> 1, (5,0) -> 1, (0,4) -> 2: counts [1, 2, 1], sums (1,0), (8,0), (0,4).
  const x = tf.tensor2d([[1, 0], [3, 0], [5, 0], [0, 4]]);
  const { quantized, indices } = vq.quantize(x, { training: true });
  assert.deepEqual(Array.from(indices), [0, 1, 1, 2]);
  vq.update(x, indices, Rng.fromSeed(1));
  assertClose(quantized.dataSync(), [0, 0, 4, 0, 4, 0, 0, 3], 'output from the pre-update atoms', 1e-6);
  const clusterSize = [0.5 * 2 + 0.5 * 1, 0.5 * 1 + 0.5 * 2, 0.5 * 1 + 0.5 * 1];
  const embedAvg = [[0.5 * 0 + 0.5 * 1, 0], [0.5 * 4 + 0.5 * 8, 0], [0, 0.5 * 3 + 0.5 * 4]];
  const n = clusterSize[0] + clusterSize[1] + clusterSize[2];
  const smoothed = clusterSize.map((c) => ((c + EPS) / (n + 3 * EPS)) * n);
  const state = stateValues(vq);
  assertClose(state.clusterSize, clusterSize, 'cluster_size');
  assertClose(state.embedAvg, embedAvg.flat(), 'embed_avg');
  assertClose(state.codebook, embedAvg.flatMap((row, k) => row.map((v) => v / smoothed[k])), 'atoms', 1e-6);
  // Smoothing moves an atom, not just rescales it by 1: atom 0 is 0.5 / (1.5 (1 + ...)) ≈ 1/3.
  assert.ok(Math.abs(state.codebook[0] - 1 / 3) < 1e-4);
  vq.dispose();
});

test('dead codes: atoms below the threshold become batch vectors, cluster_size = threshold, embed_avg = vector * threshold', () => {
  // (1,0) -> 0, (3,0) -> 1, (5,0) -> 1, (-1,.5) -> 0: counts [2, 2, 0], cluster sizes [2, 1.5, 0.5].
  const batch = [[1, 0], [3, 0], [5, 0], [-1, 0.5]];
  const x = tf.tensor2d(batch);
  const threshold = 0.8;
  const vq = restored({ deadCodeThreshold: threshold });
  const { indices } = vq.quantize(x, { training: true });
  assert.deepEqual(Array.from(indices), [0, 1, 1, 0]);
  vq.update(x, indices, Rng.fromSeed(3));
  const state = stateValues(vq);
  // Smoothing counts the dead atom's EMA size 0.5, before its reset.
  const n = 2 + 1.5 + 0.5;
  const smoothed = [2, 1.5].map((c) => ((c + EPS) / (n + 3 * EPS)) * n);
  assertClose(state.clusterSize, [2, 1.5, threshold], 'cluster_size');
  assertClose(state.codebook.slice(0, 4), [0, 0.25 / smoothed[0], 6 / smoothed[1], 0], 'live atoms', 1e-6);
  assertClose(state.embedAvg.slice(0, 4), [0, 0.25, 6, 0], 'live embed_avg');
  const replacement = state.codebook.slice(4);
  assert.ok(batch.some((row) => String(row) === String(replacement)), `atom 2 = ${replacement}`);
  assertClose(state.embedAvg.slice(4), replacement.map((v) => v * threshold), 'dead embed_avg');
  vq.dispose();
});

test('dead codes are replaced by distinct batch vectors when the batch has enough, with repeats when not', () => {
  const batch = [[1, 0], [3, 0], [5, 0], [-1, 0.5]];
  const x = tf.tensor2d(batch);
  for (let seed = 0; seed < 10; seed++) {
    // Threshold 1.6 kills atoms 1 (1.5) and 2 (0.5).
    const vq = restored({ deadCodeThreshold: 1.6 });
    vq.update(x, Int32Array.from([0, 1, 1, 0]), Rng.fromSeed(seed));
    const atoms = rowsOf(stateValues(vq).codebook);
    assert.ok(batch.some((row) => String(row) === String(atoms[1])) && batch.some((row) => String(row) === String(atoms[2])));
    assert.notDeepEqual(atoms[1], atoms[2], `seed ${seed}: two dead atoms got the same vector`);
    vq.dispose();
  }
  // One vector, three dead atoms (sizes 1.5, 0.5, 0.5 < 5): every atom becomes it.
  const vq = restored({ deadCodeThreshold: 5 });
  vq.update(tf.tensor2d([[1, 2]]), Int32Array.from([0]), Rng.fromSeed(0));
  const state = stateValues(vq);
  assert.deepEqual(state.codebook, [1, 2, 1, 2, 1, 2]);
  assert.deepEqual(state.clusterSize, [5, 5, 5]);
  assert.deepEqual(state.embedAvg, [5, 10, 5, 10, 5, 10]);
  vq.dispose();
});

test('frozen: the output and commitment loss as in training, no EMA or dead-code update', () => {
  const vq = restored({ deadCodeThreshold: 5, frozen: true });
  const x = tf.tensor2d(X);
  const before = stateValues(vq);
  const { quantized, indices, commitLoss } = vq.quantize(x, { training: true });
  assertClose(quantized.dataSync(), X_ATOMS.flat(), 'output', 1e-6);
  assertClose(commitLoss.dataSync(), [13 / 10], 'commitment loss');
  vq.update(x, indices, Rng.fromSeed(0));
  assert.deepEqual(stateValues(vq), before);
  vq.frozen = false;
  vq.update(x, indices, Rng.fromSeed(0));
  assert.notDeepEqual(stateValues(vq).clusterSize, before.clusterSize);
  vq.dispose();
});

test('a quantizer restored from another one\'s state quantizes and updates as the original does', () => {
  const batch = tf.tensor2d([[0, 0], [0, 1], [10, 0], [0, 10], [1, 1], [9, 1]]);
  const original = quantizer({ deadCodeThreshold: 1.5 });
  const first = original.quantize(batch, { training: true, rng: Rng.fromSeed(5) });
  original.update(batch, first.indices, Rng.fromSeed(6));
  const copy = quantizer({ deadCodeThreshold: 1.5 });
  for (const [name, variable] of original.state()) {
    copy.state().get(name.replace(original.settings.scope, copy.settings.scope))!.assign(variable);
  }
  assert.equal(copy.initialised, true);
  const fromOriginal = original.quantize(batch, { training: false });
  const fromCopy = copy.quantize(batch, { training: false });
  assert.deepEqual(Array.from(fromCopy.indices), Array.from(fromOriginal.indices));
  original.update(batch, fromOriginal.indices, Rng.fromSeed(7));
  copy.update(batch, fromCopy.indices, Rng.fromSeed(7));
  assert.deepEqual(stateValues(copy), stateValues(original));
  original.dispose();
  copy.dispose();
});

test('bad settings are UserErrors naming the quantizer; misuse is an error', () => {
  assert.throws(() => quantizer({ scope: 'content_vq', codebookSize: 0 }), (e: unknown) =>
    e instanceof UserError && /content_vq.*codebook size.*got 0/.test(e.message));
  assert.throws(() => quantizer({ decay: 1 }), UserError);
  assert.throws(() => quantizer({ deadCodeThreshold: -1 }), UserError);
  const vq = quantizer();
  assert.throws(() => vq.quantize(tf.tensor2d([[0, 0]]), { training: true }), /needs an rng/);
  assert.throws(() => vq.update(tf.tensor2d([[0, 0]]), Int32Array.from([0]), Rng.fromSeed(0)), /before the first quantize/);
  assert.throws(() => vq.quantize(tf.tensor2d([[0, 0, 0]]), { training: true, rng: Rng.fromSeed(0) }), /\[N, 2\]/);
  vq.dispose();
});
