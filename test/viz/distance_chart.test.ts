import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairDistances } from '../../src/viz/distance_chart.js';
import { Rng } from '../../src/util/random.js';

test('pair distances: L1 of factor indices against L1 and L2 of the codes, never a point with itself', () => {
  // Two points only, so every pair is (0, 1) or (1, 0): factors differ by |0-2| + |3-1| = 4, codes by (3, -4).
  const factors = Int32Array.of(0, 3, 2, 1);
  const codes = Float64Array.of(1, 1, 4, -3);
  const d = pairDistances(factors, codes, 2, 2, 2, 10, Rng.fromSeed(1));
  assert.deepEqual(Array.from(d.ground), new Array(10).fill(4));
  assert.deepEqual(Array.from(d.latentL1), new Array(10).fill(7));
  assert.deepEqual(Array.from(d.latentL2), new Array(10).fill(5));
});

test('pair distances follow the seed', () => {
  const factors = Int32Array.from({ length: 40 }, (_, i) => i % 7);
  const codes = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i));
  const draw = (seed: number) => Array.from(pairDistances(factors, codes, 20, 2, 2, 50, Rng.fromSeed(seed)).latentL2);
  assert.deepEqual(draw(5), draw(5));
  assert.notDeepEqual(draw(5), draw(6));
});
