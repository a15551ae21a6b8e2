import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IN_DISTRIBUTION_INSTRUMENTS, OOD_INSTRUMENTS, midiToHz, renderNote } from '../../src/sequences/instruments.js';
import { stftMagnitude } from '../../src/signal/stft.js';
import { Rng } from '../../src/util/random.js';

const SR = 16000;

test("the original's GM programs, in its style order", () => {
  assert.deepEqual(IN_DISTRIBUTION_INSTRUMENTS.map((i) => i.program), [64, 19, 21, 41, 56, 59, 68, 71, 72, 75, 22, 52]);
  assert.deepEqual(OOD_INSTRUMENTS.map((i) => i.program), [0, 4, 73, 78]);
  assert.equal(midiToHz(69), 440);
  assert.ok(Math.abs(midiToHz(60) - 261.6255653) < 1e-6);
});

test('a note lasts its seconds plus the release, fades to silence, and velocity is a gain of velocity/127', () => {
  for (const instrument of [IN_DISTRIBUTION_INSTRUMENTS[7], OOD_INSTRUMENTS[2]]) {
    const loud = renderNote(instrument, 64, 127, SR, 0.25, Rng.fromSeed(9));
    const soft = renderNote(instrument, 64, 90, SR, 0.25, Rng.fromSeed(9));
    assert.equal(loud.length, 4000 + Math.round(instrument.release * SR));
    for (let i = 0; i < loud.length; i += 97) assert.ok(Math.abs(soft[i] - (90 / 127) * loud[i]) < 1e-6);
    assert.ok(Math.abs(loud[loud.length - 1]) < 1e-3 * Math.max(...loud.map(Math.abs)));
    assert.equal(Math.abs(loud[0]), 0);
  }
});

/** Mean log-magnitude spectrum (0..4 kHz) of a 0.5-s A4 note. */
function timbre(index: number, instruments = IN_DISTRIBUTION_INSTRUMENTS): Float64Array {
  const note = renderNote(instruments[index], 69, 127, SR, 0.5, Rng.fromSeed(index));
  const { frames, bins, magnitudes } = stftMagnitude(note, { nFft: 1024, hop: 512 });
  const mean = new Float64Array(257);
  for (let t = 2; t < frames - 2; t++) for (let k = 0; k < 257; k++) mean[k] += Math.log(magnitudes[t * bins + k] + 1e-5);
  return mean.map((v) => v / (frames - 4));
}

test('the clarinet has odd harmonics only, the pipe organ stands out at the octaves', () => {
  // A4 = 440 Hz: harmonic h sits at bin 28.16·h.
  const peak = (spectrum: Float64Array, h: number): number => {
    const centre = Math.round((440 * h * 1024) / SR);
    return Math.max(spectrum[centre - 1], spectrum[centre], spectrum[centre + 1]);
  };
  const clarinet = timbre(7);
  assert.ok(peak(clarinet, 3) - peak(clarinet, 2) > 2, 'clarinet: h3 well above h2');
  assert.ok(peak(clarinet, 5) - peak(clarinet, 4) > 2, 'clarinet: h5 well above h4');
  const organ = timbre(1);
  assert.ok(peak(organ, 4) - peak(organ, 3) > 2, 'organ: h4 well above h3');
});

test('the 12 in-distribution timbres are pairwise distinct', () => {
  const spectra = IN_DISTRIBUTION_INSTRUMENTS.map((_, i) => timbre(i));
  for (let a = 0; a < spectra.length; a++) {
    for (let b = a + 1; b < spectra.length; b++) {
      let distance = 0;
      for (let k = 0; k < 257; k++) distance += (spectra[a][k] - spectra[b][k]) ** 2;
      const rms = Math.sqrt(distance / 257);
      assert.ok(rms > 0.5, `${IN_DISTRIBUTION_INSTRUMENTS[a].name} vs ${IN_DISTRIBUTION_INSTRUMENTS[b].name}: rms ${rms}`);
    }
  }
});
