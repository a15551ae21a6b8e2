import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findPeaks, peakProminences } from '../../src/signal/find_peaks.js';
import { UserError } from '../../src/util/errors.js';

// Plateaus of 3, 2 and 4 samples, a rise through a flat step (1, 1, 2) and edge samples that are no peaks.
const steps = [0, 1, 3, 3, 3, 2, 5, 5, 1, 0, 4, 2, 2, 6, 6, 6, 6, 0, 1, 1, 2, 0.5, 7, 1];

test('local maxima with plateaus at their (rounded-down) middle: scipy.signal.find_peaks(a)', () => {
  assert.deepEqual(findPeaks(steps), [3, 6, 10, 14, 20, 22]);
});

test('prominences: scipy.signal.peak_prominences(a, peaks)[0]', () => {
  assert.deepEqual(peakProminences(steps, [3, 6, 10, 14, 20, 22]), [1, 5, 2, 6, 1.5, 6]);
});

test('distance keeps the higher peaks first: scipy.signal.find_peaks(a, distance=d)', () => {
  assert.deepEqual(findPeaks(steps, { distance: 2 }), [3, 6, 10, 14, 20, 22]);
  assert.deepEqual(findPeaks(steps, { distance: 3 }), [3, 6, 10, 14, 22]);
  assert.deepEqual(findPeaks(steps, { distance: 4.5 }), [6, 14, 22]);
  assert.deepEqual(findPeaks(steps, { distance: 6 }), [6, 14, 22]);
});

test('an oscillation with growing amplitude: scipy values with and without distance 5', () => {
  const x = Array.from({ length: 60 }, (_, n) => (Math.sin(n * 0.7) * n) / 10 + Math.cos(n * 2.3));
  // scipy.signal.find_peaks(x) and scipy.signal.find_peaks(x, distance=5)
  assert.deepEqual(findPeaks(x), [3, 5, 8, 11, 13, 19, 22, 25, 30, 38, 47, 55, 57]);
  const spaced = findPeaks(x, { distance: 5 });
  assert.deepEqual(spaced, [3, 11, 19, 25, 30, 38, 47, 57]);
  // scipy.signal.peak_prominences(x, spaced)[0]
  const expected = [1.6765421626760746, 3.6848795170128277, 4.550490488304458, 0.05138839405370943, 6.069907286107442, 8.871386503049623, 9.458463668700508, 8.702111127577606];
  peakProminences(x, spaced).forEach((value, i) => assert.ok(Math.abs(value - expected[i]) <= 1e-12 * expected[i], `prominence ${i}: ${value}`));
});

test('too short or flat arrays have no peaks; a distance below 1 is a user error', () => {
  assert.deepEqual(findPeaks([1, 2]), []);
  assert.deepEqual(findPeaks([2, 2, 2, 2]), []);
  assert.deepEqual(findPeaks([0, 1, 1, 1]), []);
  assert.throws(() => findPeaks(steps, { distance: 0.5 }), UserError);
});
