import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleRadius } from '../../../src/datasets/sampling/radius.js';
import { Rng } from '../../../src/util/random.js';

/** Wilson-Hilferty chi-square quantile at z = 5 (p ≈ 3e-7): a failure means a real bias. */
function chiSquareLimit(degreesOfFreedom: number): number {
  const a = 2 / (9 * degreesOfFreedom);
  return degreesOfFreedom * (1 - a + 5 * Math.sqrt(a)) ** 3;
}

function admissibleValues(value: number, low: number, high: number, rLow: number, rHigh: number): number[] {
  const out: number[] = [];
  for (let x = low; x < high; x++) {
    const distance = Math.abs(x - value);
    if (distance >= rLow && distance < rHigh) out.push(x);
  }
  return out;
}

test('sampleRadius returns exactly the admissible values, each equally often', () => {
  const rng = Rng.fromSeed(11);
  let checkedBands = 0;
  for (const [low, high] of [[0, 1], [0, 2], [0, 5], [0, 8], [3, 9]]) {
    for (let value = low; value < high; value++) {
      for (let rLow = 0; rLow <= 5; rLow++) {
        for (let rHigh = 0; rHigh <= 7; rHigh++) {
          const expected = admissibleValues(value, low, high, rLow, rHigh);
          if (expected.length === 0) {
            assert.throws(() => sampleRadius(value, low, high, rLow, rHigh, rng), RangeError);
            continue;
          }
          const perValue = 80;
          const counts = new Map<number, number>(expected.map((x) => [x, 0]));
          for (let i = 0; i < perValue * expected.length; i++) {
            const x = sampleRadius(value, low, high, rLow, rHigh, rng);
            assert.ok(counts.has(x), `${x} is not admissible for v=${value} [${low},${high}) r=[${rLow},${rHigh})`);
            counts.set(x, counts.get(x)! + 1);
          }
          if (expected.length > 1) {
            const chiSquare = [...counts.values()].reduce((s, c) => s + (c - perValue) ** 2 / perValue, 0);
            assert.ok(chiSquare < chiSquareLimit(expected.length - 1), `chi-square ${chiSquare} for v=${value} r=[${rLow},${rHigh})`);
          } else {
            assert.equal(counts.get(expected[0]), perValue);
          }
          checkedBands++;
        }
      }
    }
  }
  assert.ok(checkedBands > 200);
});

test('sampleRadius keeps the value itself only when rLow is 0, and then only once', () => {
  const rng = Rng.fromSeed(3);
  for (const rLow of [0, 1, 2]) {
    let kept = 0;
    const draws = 9000;
    for (let i = 0; i < draws; i++) if (sampleRadius(4, 0, 9, rLow, 10, rng) === 4) kept++;
    if (rLow === 0) {
      // Nine admissible values, the kept value among them once: about 1000 of 9000.
      assert.ok(kept > 850 && kept < 1150, `kept ${kept}`);
    } else {
      assert.equal(kept, 0);
    }
  }
});

test('sampleRadius rejects values outside the bounds and negative radii', () => {
  const rng = Rng.fromSeed(1);
  assert.throws(() => sampleRadius(5, 0, 5, 0, 2, rng), RangeError);
  assert.throws(() => sampleRadius(-1, 0, 5, 0, 2, rng), RangeError);
  assert.throws(() => sampleRadius(2, 0, 5, -1, 2, rng), RangeError);
  assert.throws(() => sampleRadius(2.5, 0, 5, 0, 2, rng), RangeError);
});

test('sampleRadius is deterministic for a seed', () => {
  const draw = (seed: number) => {
    const rng = Rng.fromSeed(seed);
    return Array.from({ length: 50 }, () => sampleRadius(7, 0, 20, 2, 9, rng));
  };
  assert.deepEqual(draw(5), draw(5));
  assert.notDeepEqual(draw(5), draw(6));
});
