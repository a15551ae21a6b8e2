import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeLinearity, ratioScore, traversalLinearity } from '../../src/metrics/linearity.js';
import type { TraversalSubject } from '../../src/metrics/factor_traversal.js';
import { Rng } from '../../src/util/random.js';

/** A subject whose code for a factor vector is `encode(factors)`; counts the requests it serves. */
function functionSubject(factorSizes: number[], numCodes: number, encode: (factors: number[]) => number[]): TraversalSubject & { requests: number } {
  const subject = {
    factorSizes,
    numCodes,
    requests: 0,
    async representations(factors: Int32Array, n: number): Promise<Float64Array> {
      subject.requests++;
      const k = factorSizes.length;
      const out = new Float64Array(n * numCodes);
      for (let r = 0; r < n; r++) out.set(encode(Array.from(factors.subarray(r * k, (r + 1) * k))), r * numCodes);
      return out;
    },
  };
  return subject;
}

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: got ${actual}, expected ${expected}`);
}

test('ratioScore: all mass on one value is 1, equal values 0, and (r - 1/n)/(1 - 1/n) between', () => {
  assert.equal(ratioScore([0, 3, 0]), 1);
  assert.equal(ratioScore([2, 2, 2, 2]), 0);
  close(ratioScore([3, 1]), 0.5, 1e-15, '[3, 1]');
  assert.ok(Number.isNaN(ratioScore([0, 0])), 'all zero is 0/0');
  assert.ok(Number.isNaN(ratioScore([5])), 'a single value divides by 1 - 1/1 = 0');
});

test('the spec\'s worked examples (metrics spec §7)', () => {
  const examples = [
    { z: [0, 0, 1, 1, 2, 2], n: 3, d: 2, axis: [1, 1], eigen: [2, 0], axisRatio: 0, linearRatio: 1, alignment: 0 },
    { z: [0, 0, 1, 0.5, 2, 0], n: 3, d: 2, axis: [1, 1 / 12], eigen: [1, 1 / 12], axisRatio: 0.846153846, linearRatio: 0.846153846, alignment: 1 },
    {
      z: [0, 0, 1, 1, 2, 1, 2, 1, 1, 3, 3, 1], n: 4, d: 3, axis: [5 / 3, 5 / 3, 0], eigen: [3, 1 / 3, 0],
      axisRatio: 0.25, linearRatio: 0.85, alignment: 0.294117647,
    },
  ];
  for (const [index, example] of examples.entries()) {
    const result = traversalLinearity(example.z, example.n, example.d);
    example.axis.forEach((value, i) => close(result.axisValues[i], value, 1e-14, `example ${index} axis value ${i}`));
    example.eigen.forEach((value, i) => close(result.linearValues[i], value, 1e-14, `example ${index} eigenvalue ${i}`));
    close(result.axisRatio, example.axisRatio, 1e-9, `example ${index} axis ratio`);
    close(result.linearRatio, example.linearRatio, 1e-9, `example ${index} linear ratio`);
    close(result.axisAlignment, example.alignment, 1e-9, `example ${index} axis alignment`);
  }
});

test('an axis-aligned linear encoder scores 1 everywhere', async () => {
  const subject = functionSubject([5, 3, 4], 4, ([a, b, c]) => [0.5 * a - 1, 7, -3 * b, 2 * c + 0.25]);
  const result = await computeLinearity(subject, Rng.fromSeed(1), { repeats: 16 });
  assert.equal(result['linearity.axis_ratio.var'], 1);
  assert.equal(result['linearity.linear_ratio.var'], 1);
  assert.equal(result['linearity.axis_alignment.var'], 1);
  assert.equal(result['linearity.axis_ratio_ave.var'], 1);
});

test('codes rotated by 30 degrees: linear ratio 1, axis ratio |cos 60 deg| = 0.5', async () => {
  const angle = Math.PI / 6;
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  const subject = functionSubject([6, 4], 2, ([a, b]) => [c * a - s * b, s * a + c * b]);
  const result = await computeLinearity(subject, Rng.fromSeed(2), { repeats: 8 });
  close(result['linearity.linear_ratio.var'], 1, 1e-6, 'linear ratio');
  close(result['linearity.axis_ratio.var'], 0.5, 1e-6, 'axis ratio');
  close(result['linearity.axis_alignment.var'], 0.5, 1e-6, 'axis alignment');
  close(result['linearity.axis_ratio_ave.var'], 0.5, 1e-6, 'axis ratio of the mean variances');
});

test('a factor laid on a circle is not linear: octagon traversal gives 0.25 next to a clean factor\'s 1', async () => {
  // Along factor 0 the codes are the 8 vertices of a regular octagon in dims 0-1 (isotropic
  // covariance, dim 2 constant): both ratios are (1/2 - 1/3) / (2/3) = 0.25. Factor 1 moves dim 2
  // only: 1. Geometric mean sqrt(0.25 * 1) = 0.5; the alignment is 1 for both.
  const subject = functionSubject([8, 3], 3, ([a, b]) => [Math.cos((2 * Math.PI * a) / 8), Math.sin((2 * Math.PI * a) / 8), b]);
  const result = await computeLinearity(subject, Rng.fromSeed(3), { repeats: 4 });
  close(result.details.linear_ratio[0], 0.25, 1e-12, 'factor 0 linear ratio');
  close(result.details.axis_ratio[0], 0.25, 1e-12, 'factor 0 axis ratio');
  close(result['linearity.linear_ratio.var'], 0.5, 1e-6, 'linear ratio');
  close(result['linearity.axis_alignment.var'], 1, 1e-6, 'axis alignment');
});

test('a bent traversal z = (f, f^2), f = 0..4: closed-form ratios below 1, axis bounded by linear', () => {
  // Covariance [[2.5, 10], [10, 43.5]]: eigenvalues 23 +- sqrt(520.25).
  const z = [0, 1, 2, 3, 4].flatMap((f) => [f, f * f]);
  const result = traversalLinearity(z, 5, 2);
  close(result.linearRatio, Math.sqrt(520.25) / 23, 1e-14, 'linear ratio');
  close(result.axisRatio, 41 / 46, 1e-14, 'axis ratio');
  assert.ok(result.axisRatio <= result.linearRatio);
});

test('single-value factors are skipped (NaN details) and left out of the geometric mean', async () => {
  const angle = Math.PI / 6;
  const subject = functionSubject([1, 5], 2, ([, b]) => [Math.cos(angle) * b, Math.sin(angle) * b]);
  const result = await computeLinearity(subject, Rng.fromSeed(4), { repeats: 3 });
  assert.ok(Number.isNaN(result.details.axis_ratio[0]));
  close(result['linearity.axis_ratio.var'], Math.fround(result.details.axis_ratio[1]), 0, 'aggregate = factor 1');
  close(result.details.axis_ratio[1], 0.5, 1e-12, 'factor 1');
});

test('constant codes give NaN (0/0), as the original', async () => {
  const result = await computeLinearity(functionSubject([3, 2], 2, () => [1, 2]), Rng.fromSeed(5), { repeats: 2 });
  assert.ok(Number.isNaN(result['linearity.linear_ratio.var']));
});

test('the same seed gives the same values whatever the request size; requests carry several traversals', async () => {
  const encode = ([a, b, c]: number[]) => [a * (1 + b), Math.sin(a + c), b * b - c, a * c];
  const small = functionSubject([4, 3, 5], 4, encode);
  const large = functionSubject([4, 3, 5], 4, encode);
  const one = await computeLinearity(small, Rng.fromSeed(9), { repeats: 20, batchSize: 1 });
  const many = await computeLinearity(large, Rng.fromSeed(9), { repeats: 20, batchSize: 64 });
  assert.deepEqual(many, one);
  assert.equal(small.requests, 60);
  assert.ok(large.requests < 10, `${large.requests} requests`);
  const other = await computeLinearity(functionSubject([4, 3, 5], 4, encode), Rng.fromSeed(10), { repeats: 20 });
  assert.notDeepEqual(other.details, one.details);
});

test('bad settings are clear errors', async () => {
  const subject = functionSubject([3], 2, ([a]) => [a, 0]);
  await assert.rejects(computeLinearity(subject, Rng.fromSeed(0), { repeats: 0 }), /repeats must be a positive integer/);
});
