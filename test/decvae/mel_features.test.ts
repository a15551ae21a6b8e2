import { test } from 'node:test';
import assert from 'node:assert/strict';
import { componentMelFeatures, MEL_BANDS, MEL_COLUMNS, PieceMelSpectrogram } from '../../src/decvae/mel_features.js';
import { hzToMel, melFilterbank, melToHz } from '../../src/signal/mel.js';
import { Rng } from '../../src/util/random.js';

const hann = (i: number) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / 1599);

test('an impulse at sample 0: flat spectrum, so each column is its window weight squared times the band sums', () => {
  const piece = new Float64Array(400);
  piece[0] = 1;
  const out = new Float64Array(400);
  new PieceMelSpectrogram().compute(piece, 0, out, 0);
  const bank = melFilterbank({ sampleRate: 16000, nFft: 1600, nMels: 80 });
  for (const mel of [0, 20, 79]) {
    const bandSum = bank[mel].reduce((a, b) => a + b, 0);
    for (let column = 0; column < MEL_COLUMNS; column++) {
      // Column t is centred on sample 100t, so sample 0 sits at window index 800 − 100t.
      const expected = hann(800 - 100 * column) ** 2 * bandSum;
      assert.ok(Math.abs(out[mel * MEL_COLUMNS + column] - expected) < 1e-9 * expected, `mel ${mel} column ${column}`);
    }
  }
});

test('a 1 kHz tone peaks in the band centred nearest 1 kHz, in every column', () => {
  const piece = Float64Array.from({ length: 400 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / 16000));
  const out = new Float64Array(400);
  new PieceMelSpectrogram().compute(piece, 0, out, 0);
  const top = hzToMel(8000);
  const centres = Array.from({ length: MEL_BANDS }, (_, m) => melToHz((top * (m + 1)) / 81));
  const nearest = centres.reduce((best, f, m) => (Math.abs(f - 1000) < Math.abs(centres[best] - 1000) ? m : best), 0);
  for (let column = 0; column < MEL_COLUMNS; column++) {
    const bands = Array.from({ length: MEL_BANDS }, (_, m) => out[m * MEL_COLUMNS + column]);
    assert.equal(bands.indexOf(Math.max(...bands)), nearest, `column ${column}`);
  }
});

test('features: dB floored 80 below the batch top, then each utterance standardised (mean 0, unbiased std 1)', () => {
  const rng = Rng.fromSeed(3);
  const loud = Float64Array.from({ length: 1200 }, () => rng.normal());
  const quiet = Float64Array.from({ length: 800 }, (_, i) => (i < 400 ? 1e-3 * rng.normal() : 0));
  const [a, b] = componentMelFeatures([loud, quiet]);
  assert.equal(a.length, 1200);
  assert.equal(b.length, 800);
  for (const f of [a, b]) {
    const mean = f.reduce((s, v) => s + v, 0) / f.length;
    const variance = f.reduce((s, v) => s + (v - mean) ** 2, 0) / (f.length - 1);
    assert.ok(Math.abs(mean) < 1e-6 && Math.abs(variance - 1) < 1e-5, `mean ${mean}, variance ${variance}`);
  }
  // The silent second piece of `quiet` sits on the floor: all its values equal and the utterance's minimum.
  const silent = b.subarray(400);
  assert.ok(silent.every((v) => v === silent[0]));
  assert.equal(Math.min(...b), silent[0]);
  assert.throws(() => componentMelFeatures([new Float64Array(300)]), /not whole 400-sample pieces/);
});
