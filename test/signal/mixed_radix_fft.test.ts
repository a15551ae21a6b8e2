import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MixedRadixFft, smallRadices } from '../../src/signal/mixed_radix_fft.js';
import { Rng } from '../../src/util/random.js';

/** The DFT by its definition, O(n²), interleaved. */
function directDft(x: Float64Array): Float64Array {
  const n = x.length / 2;
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const angle = (-2 * Math.PI * ((j * k) % n)) / n;
      out[2 * k] += x[2 * j] * Math.cos(angle) - x[2 * j + 1] * Math.sin(angle);
      out[2 * k + 1] += x[2 * j] * Math.sin(angle) + x[2 * j + 1] * Math.cos(angle);
    }
  }
  return out;
}

test('lengths factor into radices 4, 2, 3, 5, 7 or are refused', () => {
  assert.deepEqual(smallRadices(1600), [4, 4, 4, 5, 5]);
  assert.deepEqual(smallRadices(400), [4, 4, 5, 5]);
  assert.deepEqual(smallRadices(42), [2, 3, 7]);
  assert.deepEqual(smallRadices(8), [4, 2]);
  assert.equal(smallRadices(799), null);
  assert.equal(smallRadices(22), null);
  assert.throws(() => new MixedRadixFft(799), /prime factors/);
});

test('the mixed-radix FFT equals the DFT by definition on every radix mix', () => {
  const rng = Rng.fromSeed(77);
  for (const n of [2, 3, 5, 6, 7, 12, 20, 25, 30, 49, 63, 100, 210, 400, 1600]) {
    const x = Float64Array.from({ length: 2 * n }, () => rng.normal());
    const out = new Float64Array(2 * n);
    new MixedRadixFft(n).transform(x, out);
    const expected = directDft(x);
    const scale = Math.sqrt(n);
    expected.forEach((e, i) => assert.ok(Math.abs(out[i] - e) < 1e-10 * scale * n, `n ${n} value ${i}: ${out[i]} vs ${e}`));
  }
});

test('a complex exponential on bin 123 of 64000 gives n there and ~0 elsewhere', () => {
  const n = 64000;
  const x = new Float64Array(2 * n);
  for (let j = 0; j < n; j++) {
    const angle = (2 * Math.PI * ((123 * j) % n)) / n;
    x[2 * j] = Math.cos(angle);
    x[2 * j + 1] = Math.sin(angle);
  }
  const out = new Float64Array(2 * n);
  new MixedRadixFft(n).transform(x, out);
  for (let k = 0; k < n; k++) {
    const magnitude = Math.hypot(out[2 * k], out[2 * k + 1]);
    assert.ok(Math.abs(magnitude - (k === 123 ? n : 0)) < 1e-6, `bin ${k}: ${magnitude}`);
  }
});
