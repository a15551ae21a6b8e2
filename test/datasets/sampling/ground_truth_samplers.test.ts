import { test } from 'node:test';
import assert from 'node:assert/strict';
import { factorsToIndex } from '../../../src/datasets/ground_truth.js';
import {
  pairSampler,
  randomSampler,
  sampleRandomFactorTraversal,
  singleSampler,
  tripleSampler,
} from '../../../src/datasets/sampling/ground_truth_samplers.js';
import type { SampledElement } from '../../../src/datasets/sampling/common.js';
import { Rng } from '../../../src/util/random.js';

function chiSquareLimit(degreesOfFreedom: number): number {
  const a = 2 / (9 * degreesOfFreedom);
  return degreesOfFreedom * (1 - a + 5 * Math.sqrt(a)) ** 3;
}

function equalFactors(a: ArrayLike<number>, b: ArrayLike<number>): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) out.add(i);
  return out;
}

function manhattan(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += Math.abs(a[i] - b[i]);
  return total;
}

function assertConsistent(sizes: readonly number[], element: SampledElement): void {
  assert.equal(element.index, factorsToIndex(sizes, element.factors));
}

const SIZES = [3, 6, 10, 8, 8];

test('single and random samplers return the anchor first', () => {
  const rng = Rng.fromSeed(31);
  assert.deepEqual(singleSampler(SIZES, rng, 17), [17]);
  const tuple = randomSampler(SIZES, 4, rng, 17);
  assert.equal(tuple.length, 4);
  assert.equal(tuple[0], 17);
  for (const index of tuple) assert.ok(Number.isInteger(index) && index >= 0 && index < 3 * 6 * 10 * 8 * 8);
  assert.throws(() => randomSampler(SIZES, 0, rng), RangeError);
});

test('a random factor traversal steps one factor through all its values over a fixed base', () => {
  const rng = Rng.fromSeed(32);
  const bases = new Set<string>();
  for (let trial = 0; trial < 20; trial++) {
    const traversal = sampleRandomFactorTraversal(SIZES, 2, rng);
    assert.equal(traversal.length, SIZES[2]);
    traversal.forEach((step, value) => {
      assert.equal(step[2], value);
      for (const f of [0, 1, 3, 4]) assert.equal(step[f], traversal[0][f]);
    });
    bases.add(Array.from(traversal[0]).join(','));
  }
  assert.ok(bases.size > 1, 'the base vector is random');
  assert.throws(() => sampleRandomFactorTraversal(SIZES, 5, rng), RangeError);
});

test('pairSampler defaults: p_k uniform in 1..F, each differing factor moved by at least 1', () => {
  const rng = Rng.fromSeed(33);
  const numFactors = SIZES.length;
  const counts = new Array<number>(numFactors + 1).fill(0);
  const draws = 10000;
  for (let i = 0; i < draws; i++) {
    const [anchor, positive] = pairSampler(SIZES, rng);
    assertConsistent(SIZES, positive);
    // A radius of at least 1 makes every resampled factor differ, so equal factors are the shared ones.
    counts[numFactors - equalFactors(anchor.factors, positive.factors).size]++;
  }
  assert.equal(counts[0], 0);
  const expected = draws / numFactors;
  const statistic = counts.slice(1).reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  assert.ok(statistic < chiSquareLimit(numFactors - 1), `${counts}`);
});

test('pairSampler options bound k and the radius; negative bounds count from the end', () => {
  const rng = Rng.fromSeed(34);
  for (let i = 0; i < 2000; i++) {
    const [anchor, positive] = pairSampler(SIZES, rng, { pKRange: [2, -4], pRadiusRange: [1, 1] }, 1000 + i);
    assert.equal(anchor.index, 1000 + i);
    assert.equal(equalFactors(anchor.factors, positive.factors).size, SIZES.length - 2);
    assert.equal(manhattan(anchor.factors, positive.factors), 2);
  }
  assert.throws(() => pairSampler(SIZES, rng, { pKRange: [3, 1] }), RangeError);
  assert.throws(() => pairSampler(SIZES, rng, { pKRange: [0, 6] }), RangeError);
  // A one-valued factor cannot move by a radius of at least 1.
  assert.throws(() => pairSampler([1, 4], rng, { pKRange: [2, 2] }), RangeError);
});

test('triplet: shared factors equal the anchor and the negative shares a prefix of the positive set', () => {
  const rng = Rng.fromSeed(35);
  for (let i = 0; i < 5000; i++) {
    const [anchor, positive, negative] = tripleSampler(SIZES, rng, { pRadiusRange: [1, -1], nRadiusRange: [1, -1] });
    assertConsistent(SIZES, positive);
    assertConsistent(SIZES, negative);
    const positiveShared = equalFactors(anchor.factors, positive.factors);
    const negativeShared = equalFactors(anchor.factors, negative.factors);
    // bounded_below n_k >= p_k, and n_k_is_shared makes the negative's set a subset.
    assert.ok(negativeShared.size <= positiveShared.size);
    for (const f of negativeShared) assert.ok(positiveShared.has(f), 'negative shares a factor the positive does not');
    // bounded_below radius: each moved factor of the negative is at least as far as the positive's.
    for (let f = 0; f < SIZES.length; f++) {
      if (negativeShared.has(f)) continue;
      assert.ok(Math.abs(negative.factors[f] - anchor.factors[f]) >= Math.abs(positive.factors[f] - anchor.factors[f]));
    }
  }
});

test('triplet with independent negative sharing picks its own shared set', () => {
  const rng = Rng.fromSeed(36);
  let notSubset = 0;
  for (let i = 0; i < 2000; i++) {
    const [anchor, positive, negative] = tripleSampler(SIZES, rng, {
      pKRange: [2, 2],
      nKRange: [3, 3],
      nKIsShared: false,
      pRadiusRange: [1, -1],
      nRadiusRange: [1, -1],
    });
    const positiveShared = equalFactors(anchor.factors, positive.factors);
    const negativeShared = equalFactors(anchor.factors, negative.factors);
    assert.equal(positiveShared.size, 3);
    assert.equal(negativeShared.size, 2);
    if ([...negativeShared].some((f) => !positiveShared.has(f))) notSubset++;
  }
  assert.ok(notSubset > 500, `${notSubset}`);
});

test('triplet offset modes add to the positive k and radius', () => {
  const rng = Rng.fromSeed(37);
  for (let i = 0; i < 3000; i++) {
    const [anchor, positive, negative] = tripleSampler([12, 12, 12, 12], rng, {
      pKRange: [1, 2],
      nKRange: [1, 2],
      nKSampleMode: 'offset',
      pRadiusRange: [1, 3],
      nRadiusRange: [2, 4],
      nRadiusSampleMode: 'offset',
    });
    const positiveShared = equalFactors(anchor.factors, positive.factors);
    const negativeShared = equalFactors(anchor.factors, negative.factors);
    const pK = 4 - positiveShared.size;
    const nK = 4 - negativeShared.size;
    assert.ok(nK - pK >= 1 && nK - pK <= 2, `p_k ${pK} n_k ${nK}`);
    for (let f = 0; f < 4; f++) {
      if (negativeShared.has(f)) continue;
      const positiveDistance = Math.abs(positive.factors[f] - anchor.factors[f]);
      const negativeDistance = Math.abs(negative.factors[f] - anchor.factors[f]);
      assert.ok(negativeDistance >= positiveDistance + 2 && negativeDistance <= positiveDistance + 4);
    }
  }
  // p_k = 4 plus an offset of at least 1 leaves no admissible n_k.
  assert.throws(() => tripleSampler([12, 12, 12, 12], rng, { pKRange: [4, 4], nKRange: [1, 2], nKSampleMode: 'offset' }), RangeError);
});

test('a triplet swap metric never leaves the negative strictly closer', () => {
  let swappedSomething = false;
  for (let i = 0; i < 3000; i++) {
    const seed = 1000 + i;
    const options = { nKSampleMode: 'random', nRadiusSampleMode: 'random' } as const;
    const [, rawPositive, rawNegative] = tripleSampler(SIZES, Rng.fromSeed(seed), options);
    const [anchor, positive, negative] = tripleSampler(SIZES, Rng.fromSeed(seed), { ...options, swapMetric: 'manhattan' });
    const positiveDistance = manhattan(anchor.factors, positive.factors);
    const negativeDistance = manhattan(anchor.factors, negative.factors);
    assert.ok(positiveDistance <= negativeDistance);
    if (manhattan(anchor.factors, rawPositive.factors) === manhattan(anchor.factors, rawNegative.factors)) {
      assert.deepEqual([positive, negative], [rawPositive, rawNegative], 'ties keep the order');
    }
    if (positive.index !== rawPositive.index) swappedSomething = true;
  }
  assert.ok(swappedSomething);
});

test('triplet swap chance swaps positive and negative with that probability', () => {
  const options = { pRadiusRange: [1, -1], nRadiusRange: [1, -1] } as const;
  let distinct = 0;
  let swaps = 0;
  for (let seed = 0; seed < 5000; seed++) {
    const [, positive, negative] = tripleSampler(SIZES, Rng.fromSeed(seed), options);
    const [, chancePositive, chanceNegative] = tripleSampler(SIZES, Rng.fromSeed(seed), { ...options, swapChance: 0.3 });
    // The swap draw comes after everything else, so both calls sample the same pair; a swap of
    // two identical elements cannot be seen and is left out of the count.
    if (positive.index === negative.index) continue;
    distinct++;
    if (chancePositive.index === positive.index) {
      assert.deepEqual([chancePositive, chanceNegative], [positive, negative]);
    } else {
      assert.deepEqual([chancePositive, chanceNegative], [negative, positive]);
      swaps++;
    }
  }
  assert.ok(distinct > 4000);
  assert.ok(Math.abs(swaps / distinct - 0.3) < 0.025, `${swaps} of ${distinct}`);
  // A chance of 1 always swaps.
  const [, positive, negative] = tripleSampler(SIZES, Rng.fromSeed(7), options);
  const [, alwaysPositive, alwaysNegative] = tripleSampler(SIZES, Rng.fromSeed(7), { ...options, swapChance: 1 });
  assert.deepEqual([alwaysPositive, alwaysNegative], [negative, positive]);
});

test('pair and triplet samplers are deterministic for a seed', () => {
  const draw = (seed: number) => {
    const rng = Rng.fromSeed(seed);
    return Array.from({ length: 10 }, () => [pairSampler(SIZES, rng), tripleSampler(SIZES, rng, { swapChance: 0.5 })]);
  };
  assert.deepEqual(draw(4), draw(4));
  assert.notDeepEqual(draw(4), draw(5));
});
