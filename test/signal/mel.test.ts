import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hzToMel, melFilterbank, melToHz } from '../../src/signal/mel.js';

test('the Slaney mel scale: linear to 15 mels at 1 kHz, then 27 mels per factor 6.4', () => {
  assert.equal(hzToMel(0), 0);
  assert.ok(Math.abs(hzToMel(500) - 7.5) < 1e-12);
  assert.ok(Math.abs(hzToMel(1000) - 15) < 1e-12);
  assert.ok(Math.abs(hzToMel(6400) - 42) < 1e-12);
  for (const hz of [10, 999, 1000, 2500, 8000]) assert.ok(Math.abs(melToHz(hzToMel(hz)) - hz) < 1e-9);
});

test('the DecVAE bank (80 bands, 0-8 kHz, n_fft 1600): triangles between evenly spaced mel edges, each of area-normalised height', () => {
  const bank = melFilterbank({ sampleRate: 16000, nFft: 1600, nMels: 80 });
  assert.equal(bank.length, 80);
  assert.equal(bank[0].length, 801);
  const top = hzToMel(8000);
  const edge = (i: number) => melToHz((top * i) / 81);
  for (const m of [0, 10, 40, 79]) {
    const [left, centre, right] = [edge(m), edge(m + 1), edge(m + 2)];
    const norm = 2 / (right - left);
    bank[m].forEach((w, k) => {
      const f = k * 10;
      if (f <= left || f >= right) assert.equal(w, 0, `band ${m} bin ${k}`);
      else {
        const rising = f <= centre ? (f - left) / (centre - left) : (right - f) / (right - centre);
        assert.ok(Math.abs(w - rising * norm) < 1e-12, `band ${m} bin ${k}`);
      }
    });
    // A triangle of height norm and base (right - left) has area 1: the bins (10 Hz apart) sum to ~1/10.
    const sum = bank[m].reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum * 10 - 1) < 0.05 + 20 / (right - left), `band ${m} area ${sum * 10}`);
  }
  // Edge 1 lies below 1 kHz, on the linear part: 200/3 Hz per mel times top/81 mels.
  assert.ok(Math.abs(edge(1) - (200 / 3) * (top / 81)) < 1e-9);
});
