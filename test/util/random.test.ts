import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/random.js';

const draw = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.uint32());

test('the same seed gives the same stream, another seed a different one', () => {
  assert.deepEqual(draw(Rng.fromSeed(7), 20), draw(Rng.fromSeed(7), 20));
  assert.notDeepEqual(draw(Rng.fromSeed(7), 20), draw(Rng.fromSeed(8), 20));
});

test('a stream restored from its state continues exactly where it was', () => {
  const rng = Rng.fromSeed(123);
  draw(rng, 37);
  const copy = Rng.fromState(rng.state());
  assert.deepEqual(draw(copy, 50), draw(rng, 50));
});

test('forks are reproducible and differ by label', () => {
  const a = Rng.fromSeed(1).fork('data');
  const b = Rng.fromSeed(1).fork('data');
  const c = Rng.fromSeed(1).fork('noise');
  assert.deepEqual(draw(a, 10), draw(b, 10));
  assert.notDeepEqual(draw(Rng.fromSeed(1).fork('data'), 10), draw(c, 10));
});

test('int(n) covers [0, n) uniformly (chi-square, 9 degrees of freedom)', () => {
  const rng = Rng.fromSeed(99);
  const counts = new Array(10).fill(0);
  const n = 100000;
  for (let i = 0; i < n; i++) counts[rng.int(10)]++;
  const expected = n / 10;
  const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  assert.ok(chi2 < 27.9, `chi-square ${chi2} exceeds the 0.001 critical value`);
  assert.throws(() => rng.int(0), RangeError);
});

test('float() lies in [0, 1) with mean 1/2; normal() has mean 0 and variance 1', () => {
  const rng = Rng.fromSeed(5);
  const n = 200000;
  let sum = 0;
  let sumN = 0;
  let sumN2 = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.float();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    const z = rng.normal();
    sumN += z;
    sumN2 += z * z;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.005);
  assert.ok(Math.abs(sumN / n) < 0.01);
  assert.ok(Math.abs(sumN2 / n - 1) < 0.02);
});
