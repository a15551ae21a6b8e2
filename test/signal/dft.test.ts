import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ComplexFft, RealPowerSpectrum } from '../../src/signal/dft.js';
import { assertNear } from './tones.js';
import { Rng } from '../../src/util/random.js';

/** |X[k]|² by the definition, O(n²). */
function directPower(x: Float64Array): Float64Array {
  const n = x.length;
  return Float64Array.from({ length: Math.floor(n / 2) + 1 }, (_, k) => {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      const angle = (-2 * Math.PI * ((k * j) % n)) / n;
      re += x[j] * Math.cos(angle);
      im += x[j] * Math.sin(angle);
    }
    return re * re + im * im;
  });
}

test('the power spectrum of any length equals the DFT by definition (powers of two and Bluestein)', () => {
  const rng = Rng.fromSeed(5);
  for (const n of [2, 3, 12, 16, 25, 400, 1600]) {
    const x = Float64Array.from({ length: n }, () => rng.normal());
    const plan = new RealPowerSpectrum(n);
    const out = new Float64Array(plan.bins);
    plan.compute(x, out);
    const expected = directPower(x);
    const scale = Math.max(...expected);
    expected.forEach((e, k) => assert.ok(Math.abs(out[k] - e) <= 1e-9 * scale, `n ${n} bin ${k}: ${out[k]} vs ${e}`));
  }
});

test('a cosine on bin 37 of 1600 puts (n/2)² in that bin and nothing elsewhere', () => {
  const n = 1600;
  const x = Float64Array.from({ length: n }, (_, j) => Math.cos((2 * Math.PI * 37 * j) / n));
  const plan = new RealPowerSpectrum(n);
  const out = new Float64Array(plan.bins);
  plan.compute(x, out);
  out.forEach((p, k) => assert.ok(Math.abs(p - (k === 37 ? (n / 2) ** 2 : 0)) < 1e-6, `bin ${k}: ${p}`));
});

test('the any-length FFT matches the DFT sum (lengths 1, 7, 400, 799, 1600, a power of two)', () => {
  for (const n of [1, 7, 64, 400, 799, 1600]) {
    const x = Float64Array.from({ length: 2 * n }, (_, i) => Math.sin(0.37 * i * i + 0.1 * i));
    const fast = new ComplexFft(n).forward(x);
    for (const k of new Set([0, Math.min(1, n - 1), Math.floor(n / 3), n - 1])) {
      let [re, im] = [0, 0];
      for (let j = 0; j < n; j++) {
        const angle = (-2 * Math.PI * ((j * k) % n)) / n;
        re += x[2 * j] * Math.cos(angle) - x[2 * j + 1] * Math.sin(angle);
        im += x[2 * j] * Math.sin(angle) + x[2 * j + 1] * Math.cos(angle);
      }
      assertNear(fast[2 * k], re, 1e-9 * n, `n=${n} re[${k}]`);
      assertNear(fast[2 * k + 1], im, 1e-9 * n, `n=${n} im[${k}]`);
    }
    const back = new ComplexFft(n).inverse(fast);
    back.forEach((value, i) => assertNear(value, x[i], 1e-12 * n, `n=${n} round trip ${i}`));
  }
});
