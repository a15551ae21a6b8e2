import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distTripleSampler, type DistSampleMode } from '../../../src/datasets/sampling/dist_sampler.js';
import { compareFactorDistances } from '../../../src/datasets/sampling/factor_distance.js';
import { Rng } from '../../../src/util/random.js';

/** Exact scaled manhattan distance as a numerator over the product of all max(1, size - 1). */
function scaledManhattanNumerator(sizes: readonly number[], a: ArrayLike<number>, b: ArrayLike<number>): bigint {
  const scales = sizes.map((size) => BigInt(Math.max(1, size - 1)));
  let numerator = 0n;
  for (let i = 0; i < sizes.length; i++) {
    const others = scales.reduce((product, m, j) => (j === i ? product : product * m), 1n);
    numerator += BigInt(Math.abs(a[i] - b[i])) * others;
  }
  return numerator;
}

function manhattan(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += Math.abs(a[i] - b[i]);
  return total;
}

function differing(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) total++;
  return total;
}

/** Floating-point scaled manhattan, summed left to right as a naive port would. */
function floatScaledManhattan(sizes: readonly number[], a: ArrayLike<number>, b: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < sizes.length; i++) total += Math.abs(a[i] - b[i]) / Math.max(1, sizes[i] - 1);
  return total;
}

/** Independent oracle: sign of dist(a, x) - dist(a, y) under a dist-sampler mode. */
function oracleCompare(mode: Exclude<DistSampleMode, 'random'>, sizes: readonly number[], a: Int32Array, x: Int32Array, y: Int32Array): number {
  const bySign = (d: number | bigint) => (d > 0 ? 1 : d < 0 ? -1 : 0);
  const byFactors = bySign(differing(a, x) - differing(a, y));
  const byManhattan = bySign(manhattan(a, x) - manhattan(a, y));
  const byScaled = bySign(scaledManhattanNumerator(sizes, a, x) - scaledManhattanNumerator(sizes, a, y));
  switch (mode) {
    case 'factors':
      return byFactors;
    case 'manhattan':
      return byManhattan;
    case 'manhattan_scaled':
      return byScaled;
    case 'combined':
      return byFactors !== 0 ? byFactors : byManhattan;
    case 'combined_scaled':
      return byFactors !== 0 ? byFactors : byScaled;
  }
}

test('manhattan_scaled is exact where floating point calls a tie unequal', () => {
  const sizes = [11, 11, 11];
  const anchor = [0, 0, 0];
  const positive = [1, 2, 0];
  const negative = [3, 0, 0];
  // 1/10 + 2/10 = 0.30000000000000004 > 3/10 in doubles, yet the distances are equal.
  assert.ok(floatScaledManhattan(sizes, anchor, positive) > floatScaledManhattan(sizes, anchor, negative));
  assert.equal(compareFactorDistances(sizes, 'manhattan_scaled', anchor, positive, negative), 0);
});

test('manhattan_scaled is exact where floating point calls a difference a tie', () => {
  const sizes = [2, 2, 2, 2, 2 ** 53];
  const anchor = [0, 0, 0, 0, 0];
  const positive = [1, 1, 1, 1, 1];
  const negative = [1, 1, 1, 1, 0];
  // 4 + 1/(2^53 - 1) rounds to 4 in doubles.
  assert.equal(floatScaledManhattan(sizes, anchor, positive), floatScaledManhattan(sizes, anchor, negative));
  assert.equal(compareFactorDistances(sizes, 'manhattan_scaled', anchor, positive, negative), 1);
  assert.equal(compareFactorDistances(sizes, 'manhattan_scaled', anchor, negative, positive), -1);
});

test('the dist sampler keeps a scaled tie in draw order even when doubles disagree', () => {
  const sizes = [11, 11, 11];
  let found = 0;
  for (let seed = 0; seed < 20000 && found < 5; seed++) {
    const [anchor, positive, negative] = distTripleSampler(sizes, 'random', 0, Rng.fromSeed(seed), 0);
    const floatSaysFarther = floatScaledManhattan(sizes, anchor.factors, positive.factors) > floatScaledManhattan(sizes, anchor.factors, negative.factors);
    if (!floatSaysFarther || manhattan(anchor.factors, positive.factors) !== manhattan(anchor.factors, negative.factors)) continue;
    found++;
    const ordered = distTripleSampler(sizes, 'manhattan_scaled', 0, Rng.fromSeed(seed), 0);
    assert.deepEqual(ordered, [anchor, positive, negative], `seed ${seed}`);
  }
  assert.equal(found, 5, 'the search finds float-misordered ties');
});

test('every mode orders the pair exactly as its metric says, ties unswapped', () => {
  const sizes = [3, 6, 40, 32, 32];
  for (const mode of ['factors', 'manhattan', 'manhattan_scaled', 'combined', 'combined_scaled'] as const) {
    let swaps = 0;
    let ties = 0;
    for (let seed = 0; seed < 3000; seed++) {
      const [anchor, rawPositive, rawNegative] = distTripleSampler(sizes, 'random', 0, Rng.fromSeed(seed));
      const ordered = distTripleSampler(sizes, mode, 0, Rng.fromSeed(seed));
      const comparison = oracleCompare(mode, sizes, anchor.factors, rawPositive.factors, rawNegative.factors);
      if (comparison > 0) {
        assert.deepEqual(ordered, [anchor, rawNegative, rawPositive], `${mode} seed ${seed}`);
        swaps++;
      } else {
        assert.deepEqual(ordered, [anchor, rawPositive, rawNegative], `${mode} seed ${seed}`);
        if (comparison === 0) ties++;
      }
      assert.ok(oracleCompare(mode, sizes, ordered[0].factors, ordered[1].factors, ordered[2].factors) <= 0);
    }
    assert.ok(swaps > 500, `${mode}: ${swaps} swaps`);
    if (mode === 'factors') assert.ok(ties > 500, `factors: ${ties} ties`);
  }
});

test('random mode leaves a farther positive in place', () => {
  const sizes = [3, 6, 40, 32, 32];
  let fartherPositives = 0;
  for (let seed = 0; seed < 200; seed++) {
    const [anchor, positive, negative] = distTripleSampler(sizes, 'random', 0, Rng.fromSeed(seed));
    if (manhattan(anchor.factors, positive.factors) > manhattan(anchor.factors, negative.factors)) fartherPositives++;
  }
  assert.ok(fartherPositives > 50);
});

test('the swap chance swaps after ordering, with that probability', () => {
  const sizes = [3, 6, 40, 32, 32];
  let swaps = 0;
  let distinct = 0;
  for (let seed = 0; seed < 4000; seed++) {
    const [, positive, negative] = distTripleSampler(sizes, 'manhattan_scaled', 0, Rng.fromSeed(seed));
    const [, chancePositive, chanceNegative] = distTripleSampler(sizes, 'manhattan_scaled', 0.25, Rng.fromSeed(seed));
    if (positive.index === negative.index) continue;
    distinct++;
    if (chancePositive.index !== positive.index) {
      assert.deepEqual([chancePositive, chanceNegative], [negative, positive]);
      swaps++;
    }
  }
  assert.ok(Math.abs(swaps / distinct - 0.25) < 0.025, `${swaps} of ${distinct}`);
  const [, positive, negative] = distTripleSampler(sizes, 'manhattan', 0, Rng.fromSeed(1));
  const [, alwaysPositive, alwaysNegative] = distTripleSampler(sizes, 'manhattan', 1, Rng.fromSeed(1));
  assert.deepEqual([alwaysPositive, alwaysNegative], [negative, positive]);
  assert.throws(() => distTripleSampler(sizes, 'manhattan', 1.5, Rng.fromSeed(1)), RangeError);
});

test('the dist sampler starts from the given anchor and is deterministic for a seed', () => {
  const sizes = [3, 6, 40, 32, 32];
  const draw = (seed: number) => {
    const rng = Rng.fromSeed(seed);
    return Array.from({ length: 20 }, (_, i) => distTripleSampler(sizes, 'combined', 0.1, rng, i * 997));
  };
  const triples = draw(2);
  triples.forEach(([anchor], i) => assert.equal(anchor.index, i * 997));
  assert.deepEqual(triples, draw(2));
  assert.notDeepEqual(triples, draw(3));
});
