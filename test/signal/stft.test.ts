import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StftPlan, hannWindow, logMagnitude, stftFrameCount, stftMagnitude } from '../../src/signal/stft.js';
import { Rng } from '../../src/util/random.js';

function assertClose(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
}

test('the periodic Hann window of 8: 0.5 - 0.5 cos(2 pi i / 8), summing to 4', () => {
  const s = Math.SQRT1_2;
  const expected = [0, (1 - s) / 2, 0.5, (1 + s) / 2, 1, (1 + s) / 2, 0.5, (1 - s) / 2];
  const window = hannWindow(8);
  expected.forEach((value, i) => assertClose(window[i], value, 1e-15, `w[${i}]`));
  assertClose(window.reduce((a, b) => a + b, 0), 4, 1e-12, 'sum');
});

test('centred frames: 1 + floor(length / hop) of them, nFft/2 + 1 bins each', () => {
  assert.equal(stftFrameCount(1000, 256), 4);
  assert.equal(stftFrameCount(1024, 256), 5);
  assert.equal(stftFrameCount(1, 512), 1);
  const spectrogram = stftMagnitude(new Float32Array(1000), { nFft: 64, hop: 256 });
  assert.equal(spectrogram.frames, 4);
  assert.equal(spectrogram.bins, 33);
  assert.equal(spectrogram.magnitudes.length, 4 * 33);
});

test('a cosine on bin 10 gives A·N/4 there, A·N/8 on bins 9 and 11, and nothing elsewhere', () => {
  const n = 64;
  const amplitude = 0.7;
  const signal = Float64Array.from({ length: 512 }, (_, i) => amplitude * Math.cos((2 * Math.PI * 10 * i) / n + 0.3));
  const { bins, magnitudes } = stftMagnitude(signal, { nFft: n, hop: 32 });
  // Frame 5 is centred on sample 160: wholly inside the signal.
  const frame = magnitudes.subarray(5 * bins, 6 * bins);
  for (let k = 0; k < bins; k++) {
    const expected = k === 10 ? (amplitude * n) / 4 : k === 9 || k === 11 ? (amplitude * n) / 8 : 0;
    assertClose(frame[k], expected, 1e-5, `bin ${k}`);
  }
});

test('a constant signal: c·N/2 and c·N/4 in bins 0 and 1 inside, c·(N/4 + 1/2) in bin 0 of the half-padded first frame', () => {
  const n = 32;
  const c = 1.5;
  const { bins, magnitudes } = stftMagnitude(new Float64Array(200).fill(c), { nFft: n, hop: 16 });
  const inside = magnitudes.subarray(4 * bins, 5 * bins);
  for (let k = 0; k < bins; k++) assertClose(inside[k], k === 0 ? (c * n) / 2 : k === 1 ? (c * n) / 4 : 0, 1e-5, `bin ${k}`);
  // Frame 0 sees zeros for window indices 0..N/2-1 and c for the rest, whose window sum is N/4 + 1/2.
  assertClose(magnitudes[0], c * (n / 4 + 0.5), 1e-5, 'first frame DC');
});

test('an impulse at sample 300 shows, flat over bins, as the window value where it falls in each frame', () => {
  const n = 256;
  const hop = 128;
  const signal = new Float64Array(700);
  signal[300] = 1;
  const window = hannWindow(n);
  const { frames, bins, magnitudes } = stftMagnitude(signal, { nFft: n, hop });
  for (let t = 0; t < frames; t++) {
    // Frame t covers samples [t·hop − N/2, t·hop + N/2).
    const index = 300 - (t * hop - n / 2);
    const expected = index >= 0 && index < n ? window[index] : 0;
    for (let k = 0; k < bins; k += 17) assertClose(magnitudes[t * bins + k], expected, 1e-6, `frame ${t} bin ${k}`);
  }
});

test("Parseval: each frame's spectral energy is N times its windowed energy", () => {
  const n = 128;
  const rng = Rng.fromSeed(11);
  const signal = Float64Array.from({ length: 1000 }, () => rng.normal());
  const window = hannWindow(n);
  const { frames, bins, magnitudes } = stftMagnitude(signal, { nFft: n, hop: 100 });
  for (let t = 0; t < frames; t++) {
    let timeEnergy = 0;
    for (let i = 0; i < n; i++) {
      const s = t * 100 - n / 2 + i;
      if (s >= 0 && s < signal.length) timeEnergy += (signal[s] * window[i]) ** 2;
    }
    let spectralEnergy = 0;
    for (let k = 0; k < bins; k++) spectralEnergy += (k === 0 || k === bins - 1 ? 1 : 2) * magnitudes[t * bins + k] ** 2;
    assertClose(spectralEnergy, n * timeEnergy, 1e-4 * n * timeEnergy, `frame ${t}`);
  }
});

test('frameMagnitudes writes a strided, truncated column: the same numbers as the whole STFT', () => {
  const rng = Rng.fromSeed(4);
  const signal = Float64Array.from({ length: 300 }, () => rng.float() - 0.5);
  const whole = stftMagnitude(signal, { nFft: 64, hop: 32 });
  const plan = new StftPlan({ nFft: 64, hop: 32 });
  const column = new Float32Array(3 * 20);
  plan.frameMagnitudes(signal, 7 * 32, column, 1, 3, 20);
  for (let k = 0; k < 20; k++) assert.equal(column[1 + 3 * k], whole.magnitudes[7 * whole.bins + k]);
  assert.equal(column[0], 0);
});

test('logMagnitude is log(x + eps)', () => {
  const out = logMagnitude(Float32Array.from([0, 1 - 1e-5, Math.E - 1e-5]), 1e-5);
  assertClose(out[0], Math.log(1e-5), 1e-6, 'silence');
  assertClose(out[1], 0, 1e-6, 'one');
  assertClose(out[2], 1, 1e-6, 'e');
});

test('bad plans are refused', () => {
  assert.throws(() => new StftPlan({ nFft: 1000, hop: 256 }), /power of two/);
  assert.throws(() => new StftPlan({ nFft: 1024, hop: 0 }), /hop/);
});
