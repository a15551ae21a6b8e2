import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FRAME_MEL_BANDS, frameLogPower, FrameMelSpectrum } from '../../src/decvae/frame_mel.js';
import { batchMelFeatures as batchFrameMelFeatures } from '../../src/decvae/mel_features.js';
import { hzToMel, melFilterbank, melToHz } from '../../src/signal/mel.js';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

test('a pure tone peaks in a mel band whose triangle contains its frequency', () => {
  const top = hzToMel(8000);
  const edges = Array.from({ length: FRAME_MEL_BANDS + 2 }, (_, m) => melToHz((top * m) / (FRAME_MEL_BANDS + 1)));
  for (const hz of [500, 1000, 2000, 3000, 6000]) {
    const frame = Float64Array.from({ length: 400 }, (_, i) => Math.sin((2 * Math.PI * hz * i) / 16000));
    const db = Array.from(frameLogPower(frame));
    const peak = db.indexOf(Math.max(...db));
    assert.ok(edges[peak] < hz && hz < edges[peak + 2], `${hz} Hz peaks in band ${peak}, [${edges[peak]}, ${edges[peak + 2]}] Hz`);
    // Band m is centred at edges[m + 1]: at low frequencies, where bands are narrow, the peak is the nearest centre.
    if (hz <= 2000) {
      const nearest = db.reduce((best, _, m) => (Math.abs(edges[m + 1] - hz) < Math.abs(edges[best + 1] - hz) ? m : best), 0);
      assert.equal(peak, nearest, `${hz} Hz`);
    }
  }
});

test('log mel powers of one frame match numpy (centred, zero-padded, symmetric Hann(400), Slaney bank)', () => {
  // python3, with `bank` librosa.filters.mel(sr=16000, n_fft=400, n_mels=80) rebuilt by hand (no librosa here):
  //   x = sin(2π·1234·i/16000) + 0.5·cos(2π·3210·i/16000) + i/400, i = 0..399
  //   p = |rfft(r_[zeros(200), x, zeros(200)][:400] * scipy.signal.windows.hann(400))|²
  //   10·log10(max(bank @ p, 1e-10))[[0, 5, 20, 40, 60, 79]]
  const expected: [number, number][] = [[0, 6.01983], [5, -10.00994], [20, -4.795858], [40, -9.603959], [60, -13.591804], [79, -33.915563]];
  const frame = Float64Array.from({ length: 400 }, (_, i) =>
    Math.sin((2 * Math.PI * 1234 * i) / 16000) + 0.5 * Math.cos((2 * Math.PI * 3210 * i) / 16000) + i / 400);
  const db = frameLogPower(frame);
  assert.equal(db.length, FRAME_MEL_BANDS);
  for (const [band, value] of expected) close(db[band], value, 1e-4, `band ${band}`);
});

test('the single centred column sees only the first 200 samples of a frame', () => {
  // An impulse at sample 0 lands on window index 200 after the 200-sample centring pad: a flat
  // spectrum of height hann(400)[200]², so each band's power is that times its weights' sum.
  const bank = melFilterbank({ sampleRate: 16000, nFft: 400, nMels: 80 });
  const windowAt200 = 0.5 - 0.5 * Math.cos((2 * Math.PI * 200) / 399);
  const impulse = new Float64Array(800);
  impulse[0] = 1;
  impulse[400 + 200] = 1;
  const out = new Float64Array(160);
  const plan = new FrameMelSpectrum();
  plan.compute(impulse, 0, out, 0);
  plan.compute(impulse, 400, out, 80);
  for (const band of [0, 10, 50, 79]) {
    const expected = windowAt200 ** 2 * bank[band].reduce((a, b) => a + b, 0);
    close(out[band], expected, 1e-12 * expected, `band ${band}`);
    // Frame 1's impulse sits at its sample 200, past the column: nothing at all.
    assert.equal(out[80 + band], 0);
  }
  const silentDb = frameLogPower(impulse).subarray(80);
  assert.ok(silentDb.every((v) => v === -100), 'power 0 is floored at 1e-10, i.e. −100 dB');
});

test('batch features: dB re the batch maximum, floored 80 dB below it, then each utterance standardised', () => {
  // The batch's loudest value (0 dB in `loud`) is the reference, so quiet's −100 dB is floored to −80.
  const loud = new Float32Array(80).fill(-100);
  loud[0] = 0;
  const quiet = Float32Array.from({ length: 160 }, (_, i) => (i < 80 ? -10 : i < 120 ? -60 : -100));
  const [a, b] = batchFrameMelFeatures([loud, quiet]);
  // loud becomes [0, −80 × 79]: deviations 79 and −1, unbiased variance (79² + 79)/79 = 80.
  close(a[0], 79 / Math.sqrt(80), 1e-5, 'loud peak');
  close(a[1], -1 / Math.sqrt(80), 1e-6, 'loud floor');
  // b = r_[[-10]*80, [-60]*40, [-80]*40]; ((b - b.mean()) / b.std(ddof=1))[[0, 80, 120]]
  for (const [i, value] of [[0, 0.970282], [80, -0.646855], [120, -1.293709]]) close(b[i], value, 1e-5, `quiet[${i}]`);
  // Alone, quiet is its own reference (−10 dB), so −100 is floored at −90 instead:
  // b = r_[[-10]*80, [-60]*40, [-90]*40]; same standardisation.
  const [alone] = batchFrameMelFeatures([quiet]);
  for (const [i, value] of [[0, 0.947679], [80, -0.510289], [120, -1.385069]]) close(alone[i], value, 1e-5, `alone[${i}]`);
  // The global standardisation is an affine map that the per-utterance one undoes (up to its 1e-9),
  // so a shift of every log power by the same amount changes nothing.
  const [shifted] = batchFrameMelFeatures([quiet.map((v) => v + 37)]);
  shifted.forEach((v, i) => close(v, alone[i], 1e-6, `shifted[${i}]`));
});

test('malformed input is rejected with a message naming the problem', () => {
  assert.throws(() => frameLogPower(new Float64Array(300)), /whole 400-sample frames/);
});
