import { test } from 'node:test';
import assert from 'node:assert/strict';
import { factorsToIndex, indexToFactors } from '../../../src/datasets/ground_truth.js';
import { pairOrigSampler, sampleWeakPairDlib } from '../../../src/datasets/sampling/weak_pairs.js';
import { Rng } from '../../../src/util/random.js';

function chiSquareLimit(degreesOfFreedom: number): number {
  const a = 2 / (9 * degreesOfFreedom);
  return degreesOfFreedom * (1 - a + 5 * Math.sqrt(a)) ** 3;
}

function chiSquare(counts: readonly number[], probabilities: readonly number[], draws: number): number {
  return counts.reduce((s, c, i) => s + (c - draws * probabilities[i]) ** 2 / (draws * probabilities[i]), 0);
}

function differingFactors(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

const SIZES = [3, 6, 40, 32, 32];

test('a dlib weak pair changes 1 or k distinct factors, shares the rest, and labels the last one', () => {
  const rng = Rng.fromSeed(21);
  const lengths = [0, 0, 0, 0, 0, 0];
  const draws = 20000;
  for (let i = 0; i < draws; i++) {
    const pair = sampleWeakPairDlib(SIZES, 3, rng);
    assert.ok(pair.changed.length === 1 || pair.changed.length === 3);
    assert.equal(new Set(pair.changed).size, pair.changed.length);
    assert.equal(pair.label, pair.changed[pair.changed.length - 1]);
    for (const f of differingFactors(pair.first, pair.second)) assert.ok(pair.changed.includes(f));
    pair.second.forEach((v, f) => assert.ok(v >= 0 && v < SIZES[f]));
    lengths[pair.changed.length]++;
  }
  assert.ok(chiSquare([lengths[1], lengths[3]], [0.5, 0.5], draws) < chiSquareLimit(1), `${lengths}`);
});

test('k = -1 draws k from 1..F-1, then 1 or k with probability ½ each', () => {
  const rng = Rng.fromSeed(22);
  const numFactors = SIZES.length;
  const lengths = new Array<number>(numFactors + 1).fill(0);
  const draws = 40000;
  for (let i = 0; i < draws; i++) lengths[sampleWeakPairDlib(SIZES, -1, rng).changed.length]++;
  assert.equal(lengths[0], 0);
  assert.equal(lengths[numFactors], 0, 'k never reaches F');
  // P(1) = ½ + ½ · 1/(F-1); P(j) = ½ · 1/(F-1) for j = 2..F-1.
  const other = 0.5 / (numFactors - 1);
  const probabilities = [0.5 + other, ...new Array<number>(numFactors - 2).fill(other)];
  const statistic = chiSquare(lengths.slice(1, numFactors), probabilities, draws);
  assert.ok(statistic < chiSquareLimit(numFactors - 2), `chi-square ${statistic}: ${lengths}`);
});

test('a resampled factor may keep its value, with probability 1/size', () => {
  const rng = Rng.fromSeed(23);
  const sizes = [2, 2, 2, 2];
  let changedSlots = 0;
  let keptSlots = 0;
  for (let i = 0; i < 20000; i++) {
    const pair = sampleWeakPairDlib(sizes, 4, rng);
    for (const f of pair.changed) {
      changedSlots++;
      if (pair.first[f] === pair.second[f]) keptSlots++;
    }
  }
  const keptFraction = keptSlots / changedSlots;
  assert.ok(Math.abs(keptFraction - 0.5) < 0.02, `kept fraction ${keptFraction}`);
});

test('dlib weak pairs reject impossible k', () => {
  const rng = Rng.fromSeed(1);
  assert.throws(() => sampleWeakPairDlib(SIZES, 0, rng), RangeError);
  assert.throws(() => sampleWeakPairDlib(SIZES, 6, rng), RangeError);
  assert.throws(() => sampleWeakPairDlib(SIZES, -2, rng), RangeError);
  assert.throws(() => sampleWeakPairDlib([4], -1, rng), RangeError);
});

test('pairOrigSampler starts from the given index and changes 1 or k factors', () => {
  const rng = Rng.fromSeed(24);
  // Large factors make a resample that keeps its value rare, so the differing count shows 1 or k.
  const sizes = [5000, 5000, 5000, 5000, 5000];
  const counts = [0, 0, 0, 0, 0, 0];
  const draws = 8000;
  for (let i = 0; i < draws; i++) {
    const anchorIndex = 123456 + i;
    const [first, second] = pairOrigSampler(sizes, 3, rng, anchorIndex);
    assert.equal(first.index, anchorIndex);
    assert.deepEqual(first.factors, indexToFactors(sizes, anchorIndex));
    assert.equal(second.index, factorsToIndex(sizes, second.factors));
    counts[differingFactors(first.factors, second.factors).length]++;
  }
  assert.ok(counts[0] + counts[2] + counts[4] + counts[5] < 20, `${counts}`);
  assert.ok(Math.abs(counts[1] / draws - 0.5) < 0.03 && Math.abs(counts[3] / draws - 0.5) < 0.03, `${counts}`);
});

test('pairOrigSampler treats any pK <= 0 as a random k in 1..F-1', () => {
  const sizes = [5000, 5000, 5000, 5000];
  for (const pK of [0, -1, -7]) {
    const rng = Rng.fromSeed(25);
    const seen = new Set<number>();
    for (let i = 0; i < 4000; i++) {
      const [first, second] = pairOrigSampler(sizes, pK, rng);
      seen.add(differingFactors(first.factors, second.factors).length);
    }
    assert.ok(seen.has(1) && seen.has(2) && seen.has(3), `${[...seen]}`);
    assert.ok(!seen.has(4));
  }
});

test('weak pair samplers are deterministic for a seed', () => {
  const dlib = (seed: number) => {
    const rng = Rng.fromSeed(seed);
    return Array.from({ length: 20 }, () => sampleWeakPairDlib(SIZES, -1, rng));
  };
  const orig = (seed: number) => {
    const rng = Rng.fromSeed(seed);
    return Array.from({ length: 20 }, () => pairOrigSampler(SIZES, -1, rng));
  };
  assert.deepEqual(dlib(9), dlib(9));
  assert.notDeepEqual(dlib(9), dlib(10));
  assert.deepEqual(orig(9), orig(9));
  assert.notDeepEqual(orig(9), orig(10));
});
