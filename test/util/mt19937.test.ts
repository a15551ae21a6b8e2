import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MT19937 } from '../../src/util/mt19937.js';

function outputs(seed: number, count: number): number[] {
  const mt = new MT19937(seed);
  return Array.from({ length: count }, () => mt.nextUint32());
}

test('init_genrand(5489) gives the reference MT19937 outputs', () => {
  assert.deepEqual(outputs(5489, 2), [3499211612, 581869302]);
  // The C++ standard requires std::mt19937 (default seed 5489) to output 4123659995 at step 10000;
  // reaching it exercises many regenerations of the state.
  assert.equal(outputs(5489, 10000)[9999], 4123659995);
});

test("RandomState(42) gives numpy's first three 32-bit outputs", () => {
  assert.deepEqual(outputs(42, 3), [1608637542, 3421126067, 4083286876]);
});

test('randint uses masked rejection sampling on the raw outputs', () => {
  // The mask for randint(2^31) is 2^31 - 1, so nothing is rejected and the draws are the raw
  // outputs without their top bit: numpy gives [1608637542, 1273642419, 1935803228].
  const mt = new MT19937(42);
  const raw = outputs(42, 3);
  const draws = [mt.randint(2 ** 31), mt.randint(2 ** 31), mt.randint(2 ** 31)];
  assert.deepEqual(draws, raw.map((v) => v & 0x7fffffff));
  assert.deepEqual(draws, [1608637542, 1273642419, 1935803228]);
});

test('randint(1) returns 0 without consuming the stream', () => {
  const withOnes = new MT19937(3);
  const plain = new MT19937(3);
  assert.equal(withOnes.randint(1), 0);
  assert.equal(withOnes.randint(1), 0);
  assert.equal(withOnes.randint(10), plain.randint(10));
  assert.equal(withOnes.nextUint32(), plain.nextUint32());
});

test('a mixed sequence of randint calls matches numpy RandomState(7)', () => {
  // numpy: r = RandomState(7); r.randint(5, size=6); r.randint(1); r.randint(0, [3,1,1,7,2,1,19]);
  // r.randint(2**31 - 1); r.randint(2**32); r.randint(1000, size=3)
  const mt = new MT19937(7);
  assert.deepEqual(Array.from(mt.randintArray(5, 6)), [4, 1, 3, 3, 4, 1]);
  assert.equal(mt.randint(1), 0);
  assert.deepEqual([3, 1, 1, 7, 2, 1, 19].map((high) => mt.randint(high)), [2, 0, 0, 0, 1, 0, 14]);
  assert.equal(mt.randint(2 ** 31 - 1), 1801189930);
  assert.equal(mt.randint(2 ** 32), 1152936666);
  assert.deepEqual(Array.from(mt.randintArray(1000, 3)), [904, 167, 998]);
});

test('invalid seeds and bounds are rejected', () => {
  assert.throws(() => new MT19937(-1), RangeError);
  assert.throws(() => new MT19937(2 ** 32), RangeError);
  assert.throws(() => new MT19937(1.5), RangeError);
  const mt = new MT19937(0);
  assert.throws(() => mt.randint(0), RangeError);
  assert.throws(() => mt.randint(2 ** 32 + 1), RangeError);
  assert.throws(() => mt.randint(2.5), RangeError);
});
