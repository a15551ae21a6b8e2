import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeFlatness, traversalShape } from '../../src/metrics/flatness.js';
import type { TraversalSubject } from '../../src/metrics/factor_traversal.js';
import { Rng } from '../../src/util/random.js';

function functionSubject(factorSizes: number[], numCodes: number, encode: (factors: number[]) => number[]): TraversalSubject {
  const k = factorSizes.length;
  return {
    factorSizes,
    numCodes,
    async representations(factors, n) {
      const out = new Float64Array(n * numCodes);
      for (let r = 0; r < n; r++) out.set(encode(Array.from(factors.subarray(r * k, (r + 1) * k))), r * numCodes);
      return out;
    },
  };
}

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: got ${actual}, expected ${expected}`);
}

/** acos((3s - 4) / (s (s - 1))): the step-size "angle" of s evenly spaced points on a line (steps a, ..., a, wrap (s - 1) a). */
function evenLineAngle(s: number): number {
  return Math.acos((3 * s - 4) / (s * (s - 1)));
}

test('an evenly spaced line: width = (s - 1) a, every kept delta a, the closed-form step angle', () => {
  const z = [0, 1, 2, 3, 4].flatMap((i) => [0, 1.5 * i]);
  for (const p of [1, 2] as const) {
    const shape = traversalShape(z, 5, 2, p);
    assert.equal(shape.width, 6);
    assert.deepEqual(Array.from(shape.deltas), [1.5, 1.5, 1.5, 1.5]);
    close(shape.angle, evenLineAngle(5), 1e-15, `angle L${p}`);
  }
  close(evenLineAngle(5), Math.acos(11 / 20), 0, 'closed form');
});

test('equal steps all round (a regular polygon) have angle 0; coincident points NaN -> 0', () => {
  const square = [[1, 0], [0, 1], [-1, 0], [0, -1]].flat();
  close(traversalShape(square, 4, 2, 2).angle, 0, 1e-7, 'polygon angle');
  assert.equal(traversalShape([2, 2, 2, 2], 2, 2, 1).angle, 0);
});

test('an axis-aligned evenly spaced encoder is perfectly flat', async () => {
  const sizes = [5, 3, 4];
  const subject = functionSubject(sizes, 3, ([a, b, c]) => [2 * a, -0.5 * b, c + 10]);
  const result = await computeFlatness(subject, Rng.fromSeed(1), { repeats: 6 });
  for (const key of ['flatness.ave_flatness', 'flatness.ave_flatness_l1', 'flatness.ave_flatness_l2'] as const) close(result[key], 1, 1e-12, key);
  close(result['flatness.ave_width_l2'], (8 + 1 + 3) / 3, 1e-12, 'mean width');
  close(result['flatness.ave_length_l1'], (8 + 1 + 3) / 3, 1e-12, 'mean length');
  close(result['flatness.cosine_angles'], sizes.reduce((t, s) => t + evenLineAngle(s), 0) / 3 / Math.PI, 1e-12, 'cosine angles');
});

test('a 45-degree rotation keeps L2 flatness but an L1 length of sqrt(2) per unit: ave_flatness = 1/sqrt(2)', async () => {
  const c = Math.SQRT1_2;
  const subject = functionSubject([6, 4], 2, ([a, b]) => [c * a - c * b, c * a + c * b]);
  const result = await computeFlatness(subject, Rng.fromSeed(2), { repeats: 4 });
  close(result['flatness.ave_flatness'], Math.SQRT1_2, 1e-12, 'ave_flatness (width L2 / length L1)');
  close(result['flatness.ave_flatness_l1'], 1, 1e-12, 'L1');
  close(result['flatness.ave_flatness_l2'], 1, 1e-12, 'L2');
});

test('a factor laid on a circle: width 2 against a length of 7 chords 2 sin(pi/8)', async () => {
  // 8 points on the unit circle for factor 0 (all 8 steps equal, the wrap-around too), factor 1 a clean line.
  const subject = functionSubject([8, 3], 3, ([a, b]) => [Math.cos((2 * Math.PI * a) / 8), Math.sin((2 * Math.PI * a) / 8), b]);
  const result = await computeFlatness(subject, Rng.fromSeed(3), { repeats: 3 });
  close(result.details.ave_width_l2[0], 2, 1e-12, 'circle width');
  close(result.details.ave_length_l2[0], 14 * Math.sin(Math.PI / 8), 1e-12, 'circle length');
  close(result['flatness.ave_flatness_l2'], (1 / (7 * Math.sin(Math.PI / 8)) + 1) / 2, 1e-12, 'mean L2 flatness');
  close(result.details.ave_angle_l2[0], 0, 1e-7, 'circle angle');
});

test('constant codes: zero length counts as flatness 0, angles 0', async () => {
  const result = await computeFlatness(functionSubject([4, 3], 2, () => [1, -1]), Rng.fromSeed(4), { repeats: 2 });
  assert.equal(result['flatness.ave_flatness'], 0);
  assert.equal(result['flatness.ave_width_l1'], 0);
  assert.equal(result['flatness.cosine_angles'], 0);
});

test('single-value factors report zeros and are left out of every mean', async () => {
  const result = await computeFlatness(functionSubject([1, 4], 1, ([, b]) => [3 * b]), Rng.fromSeed(5), { repeats: 2 });
  assert.equal(result.details.ave_width_l2[0], 0);
  close(result['flatness.ave_width_l2'], 9, 1e-12, 'mean over the one active factor');
  close(result['flatness.ave_flatness'], 1, 1e-12, 'flatness');
});

test('the same seed gives the same values whatever the request size', async () => {
  const encode = ([a, b]: number[]) => [Math.sin(a) * (b + 1), a * a - b];
  const one = await computeFlatness(functionSubject([6, 5], 2, encode), Rng.fromSeed(6), { repeats: 10, batchSize: 1 });
  const many = await computeFlatness(functionSubject([6, 5], 2, encode), Rng.fromSeed(6), { repeats: 10 });
  assert.deepEqual(many, one);
  assert.ok(one['flatness.ave_flatness_l2'] > 0 && one['flatness.ave_flatness_l2'] < 1);
});
