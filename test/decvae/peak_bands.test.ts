import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DECVAE_PEAK_DETECTION, detectPeakBands, detectionIntervals, type PeakBand } from '../../src/decvae/peak_bands.js';
import { tones } from '../signal/tones.js';

/** Reference bands from DecVAE's DecompositionModule.peak_detection (spec §4.1 settings), transcribed and run with scipy 1.10. */
function assertBands(actual: PeakBand[], edges: [number, number][], peaks: number[], amplitudes: number[]): void {
  assert.deepEqual(actual.map((b) => [b.lowHz, b.highHz]), edges);
  assert.deepEqual(actual.map((b) => b.peakHz), peaks);
  actual.forEach((band, i) => assert.ok(Math.abs(band.amplitude - amplitudes[i]) <= 1e-9 * amplitudes[i], `amplitude ${i}: ${band.amplitude}`));
}

test('detection intervals: v^0.8 for v = 1..6 mapped onto [50, 5000] Hz (numpy.interp values)', () => {
  const expected = [50, 1198.9174496530775, 2233.1486363957224, 3199.298915605544, 4117.788397480789, 5000];
  const intervals = detectionIntervals();
  assert.equal(intervals.length, 5);
  intervals.forEach(([low, high], i) => {
    assert.ok(Math.abs(low - expected[i]) <= 1e-12 * expected[i], `low ${i}: ${low}`);
    assert.ok(Math.abs(high - expected[i + 1]) <= 1e-12 * expected[i + 1], `high ${i}: ${high}`);
  });
  assert.equal(intervals[4][1], 5000);
});

test('three tones in a 400-sample frame: one band of +-3 bins around each peak', () => {
  const frame = tones(400, [[500, 1, 0.3], [1500, 0.6, 1.1], [2800, 0.4, 2.0]]);
  assertBands(detectPeakBands(frame), [[406.25, 593.75], [1406.25, 1593.75], [2718.75, 2906.25]], [500, 1500, 2812.5], [1, 0.3600780843859261, 0.15784640631327743]);
});

test('a noisy frame: weak peaks above the global threshold in the upper intervals, two of them merged', () => {
  const frame = tones(400, [[500, 1, 0.3], [1500, 0.6, 1.1], [2800, 0.4, 2.0]]);
  // Deterministic "noise": frac(sin(12.9898 n + 78.233) * 43758.5453) - 0.5, the same formula in numpy.
  const noisy = frame.map((v, n) => {
    const h = Math.sin(n * 12.9898 + 78.233) * 43758.5453;
    return v + 0.5 * (h - Math.floor(h) - 0.5);
  });
  assertBands(
    detectPeakBands(noisy),
    [[406.25, 593.75], [1406.25, 1593.75], [2718.75, 2906.25], [3343.75, 4031.25], [4281.25, 4468.75], [4656.25, 4843.75]],
    [500, 1500, 2812.5, 3437.5, 4375, 4750],
    [1, 0.34564367114538413, 0.1632156934679586, 0.0021349559594052644, 0.0025180122944787643, 0.001274657807572677],
  );
});

test('peaks closer than bw/2 + distance merge, within an interval and across an interval edge (stronger peak kept)', () => {
  const within = tones(1600, [[500, 1, 0.3], [750, 0.8, 1.0], [2800, 0.4, 2.0]]);
  assertBands(detectPeakBands(within), [[406.25, 843.75], [2718.75, 2906.25]], [500, 2812.5], [1, 0.15813332764716526]);
  const across = tones(1600, [[1050, 1, 0.3], [1300, 0.7, 1.0]]);
  assertBands(detectPeakBands(across), [[968.75, 1406.25]], [1062.5], [1]);
});

test('eight tones over the speech range give eight bands, one or two per interval', () => {
  const many = tones(1600, [[300, 1, 0.1], [900, 0.9, 0.2], [1500, 0.8, 0.3], [2000, 0.7, 0.4], [2600, 0.6, 0.5], [3300, 0.5, 0.6], [3900, 0.4, 0.7], [4500, 0.3, 0.8]]);
  const bands = detectPeakBands(many);
  assert.deepEqual(bands.map((b) => b.peakHz), [312.5, 906.25, 1500, 2000, 2593.75, 3312.5, 3906.25, 4500]);
  [1, 0.8132979479176436, 0.6444604871648842, 0.4933567809139262, 0.3614968310584868, 0.24846595122752343, 0.1606375766878082, 0.0906686120762316].forEach((a, i) => assert.ok(Math.abs(bands[i].amplitude - a) <= 1e-9 * a));
});

test('the top k are the most prominent of the kept peaks (the spec’s stated deviation), then sorted by frequency', () => {
  const three = tones(1600, [[300, 1, 0.1], [650, 0.3, 0.2], [1000, 0.6, 0.3]]);
  assert.deepEqual(detectPeakBands(three, { ...DECVAE_PEAK_DETECTION, peaksToSelect: 3 }).map((b) => b.peakHz), [312.5, 656.25, 1000]);
  // With k = 2 the weakest (650 Hz) goes.
  assert.deepEqual(detectPeakBands(three, { ...DECVAE_PEAK_DETECTION, peaksToSelect: 2 }).map((b) => [b.lowHz, b.highHz, b.peakHz]), [[218.75, 406.25, 312.5], [906.25, 1093.75, 1000]]);
});

test('silence has no bands', () => {
  assert.deepEqual(detectPeakBands(new Float64Array(400)), []);
});
