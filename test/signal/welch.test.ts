import { test } from 'node:test';
import assert from 'node:assert/strict';
import { welch } from '../../src/signal/welch.js';
import { UserError } from '../../src/util/errors.js';

// x[n] = sin(2 pi 0.05 n) + 0.3 cos(2 pi 0.21 n + 0.4) + 0.01 n, n = 0..399: two tones and a trend
// that the per-segment detrend must remove.
const signal = Float64Array.from({ length: 400 }, (_, n) => Math.sin(2 * Math.PI * 0.05 * n) + 0.3 * Math.cos(2 * Math.PI * 0.21 * n + 0.4) + 0.01 * n);

/** Within 1e-9 relative, or 1e-12 of the spectrum's peak for bins that are rounding noise. */
function assertBin(actual: number, expected: number, peak: number, what: string): void {
  const tolerance = Math.max(1e-9 * Math.abs(expected), 1e-12 * peak);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

test('segments of 132 every 122 samples, nfft 512: scipy.signal.welch values', () => {
  // scipy.signal.welch(x, fs=16000, window='hann', nperseg=132, noverlap=10, nfft=512,
  //                    detrend='constant', return_onesided=True, scaling='density', average='mean')
  const expected: [number, number][] = [
    [0, 4.725523388879683e-6], [1, 5.904449722862323e-5], [25, 0.0026663862600353736], [26, 0.0027165037782086923],
    [27, 0.002325818487485193], [107, 0.00024182141198932018], [108, 0.00024266387823278527], [200, 2.872965381444125e-14],
    [256, 5.695210646132193e-15],
  ];
  const { frequencies, density } = welch(signal, { fs: 16000, nperseg: 132, noverlap: 10, nfft: 512 });
  assert.equal(density.length, 257);
  assert.equal(frequencies[1], 31.25);
  assert.equal(frequencies[256], 8000);
  for (const [bin, value] of expected) assertBin(density[bin], value, 0.0027165037782086923, `bin ${bin}`);
});

test("DecVAE's pruning PSD of a frame (segment 400/6 -> 66, overlap 10): scipy values", () => {
  // scipy.signal.welch(x, fs=16000, window='hann', nperseg=400/6, noverlap=400/40, nfft=512, ...) as above
  const expected: [number, number][] = [
    [0, 9.53603054391337e-6], [1, 1.9999932104414872e-5], [25, 0.001366922304283776], [26, 0.001372386123081026],
    [27, 0.0013197759696341332], [107, 0.00012324530504248687], [108, 0.00012333193906153268], [200, 2.060583078672353e-12],
    [256, 6.578132480849286e-15],
  ];
  const { density } = welch(signal, { fs: 16000, nperseg: 66, noverlap: 10, nfft: 512 });
  for (const [bin, value] of expected) assertBin(density[bin], value, 0.001372386123081026, `bin ${bin}`);
});

test('a segment longer than the signal is cut to its length, as scipy does (with a warning)', () => {
  // scipy.signal.welch(x[:100], fs=8000, window='hann', nperseg=132, noverlap=10, nfft=256, ...) as above
  const expected: [number, number][] = [[0, 2.083333333333298e-7], [1, 9.828258902884048e-5], [13, 0.00415399000196528], [64, 1.6288388971706242e-12]];
  const { density } = welch(signal.subarray(0, 100), { fs: 8000, nperseg: 132, noverlap: 10, nfft: 256 });
  assert.equal(density.length, 129);
  for (const [bin, value] of expected) assertBin(density[bin], value, 0.00415399000196528, `bin ${bin}`);
});

test('one segment: the one-sided density sums to the windowed variance (Parseval)', () => {
  // One Hann segment of length nfft: sum_k P_k * fs / nfft = sum(w^2 x^2) / sum(w^2) for the detrended x.
  const x = Float64Array.from({ length: 64 }, (_, n) => Math.cos(1.3 * n) + 0.5 * Math.sin(0.4 * n * n));
  const { density } = welch(x, { fs: 1000, nperseg: 64, noverlap: 0, nfft: 64 });
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  let weighted = 0;
  let windowEnergy = 0;
  x.forEach((value, n) => {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / 64);
    weighted += w * w * (value - mean) ** 2;
    windowEnergy += w * w;
  });
  const integral = (density.reduce((a, b) => a + b, 0) * 1000) / 64;
  assert.ok(Math.abs(integral - weighted / windowEnergy) < 1e-12 * integral, `${integral} vs ${weighted / windowEnergy}`);
});

test('bad settings are user errors', () => {
  assert.throws(() => welch(signal, { fs: 16000, nperseg: 132, noverlap: 132, nfft: 512 }), UserError);
  assert.throws(() => welch(signal, { fs: 16000, nperseg: 132, noverlap: 10, nfft: 100 }), UserError);
  assert.throws(() => welch(signal, { fs: 0, nperseg: 132, noverlap: 10, nfft: 512 }), UserError);
  assert.throws(() => welch([], { fs: 16000, nperseg: 132, noverlap: 10, nfft: 512 }), UserError);
});
