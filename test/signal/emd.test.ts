import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emd, findExtrema } from '../../src/signal/emd.js';
import { UserError } from '../../src/util/errors.js';
import { assertNear, spectralPeakHz, tones as toneSum } from './tones.js';


/** Sum of tones (Hz) with amplitudes 1, 0.6, 0.4 and phases 0.3, 1.1, 2.0, mean removed as DecVAE does per frame. */
function tones(length: number, hz: [number, number, number]): Float64Array {
  const [amplitudes, phases] = [[1, 0.6, 0.4], [0.3, 1.1, 2.0]];
  const x = toneSum(length, hz.map((f, k) => [f, amplitudes[k], phases[k]] as const));
  const mean = x.reduce((s, v) => s + v, 0) / length;
  return x.map((v) => v - mean);
}

function correlation(a: Float64Array, b: Float64Array): number {
  const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
  const [ma, mb] = [mean(a), mean(b)];
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

test("a 400-sample frame of 500, 1500 and 2800 Hz: PyEMD's three IMFs and residue", () => {
  // Reference: PyEMD 1.6 EMD(spline_kind='pchip', MAX_ITERATION=1000, energy_ratio_thr=5e-3, std_thr=0.1,
  // svar_thr=0.01, total_power_thr=1e-4, range_thr=1e-3, extrema_detection='simple').emd(x - mean(x), max_imf=3)
  const { imfs, residue } = emd(tones(400, [500, 1500, 2800]));
  assert.equal(imfs.length, 3);
  const expected = [
    [0.28779676296403933, -0.31721132613357106, -0.7150790096825679],
    [0.2789131423482799, 0.2826329773750885, -0.12860055154095357],
    [-0.29225359206946216, 0.3110843407587143, 0.004496870623763097],
  ];
  imfs.forEach((imf, k) => [0, 77, 399].forEach((i, j) => assertNear(imf[i], expected[k][j], 1e-9, `IMF ${k} sample ${i}`)));
  [0.8909394742234484, -0.03406642549211994, 0.7271862938552852].forEach((v, j) => assertNear(residue[[0, 77, 399][j]], v, 1e-9, `residue ${j}`));
});

test('the IMFs come out highest frequency first, each on its tone (within one 40 Hz bin), nearly uncorrelated', () => {
  const { imfs } = emd(tones(400, [500, 1500, 2800]));
  [2800, 1500, 500].forEach((hz, k) => assertNear(spectralPeakHz(imfs[k]), hz, 40, `IMF ${k}`));
  // PyEMD: |corrcoef| 0.092, 0.004, 0.048
  for (const [a, b] of [[0, 1], [0, 2], [1, 2]]) assert.ok(Math.abs(correlation(imfs[a], imfs[b])) < 0.1, `IMFs ${a}, ${b}`);
});

test('a longer signal (1600 samples, 250 / 1000 / 4000 Hz): exact tones, PyEMD values, and IMFs + residue = x', () => {
  const x = tones(1600, [250, 1000, 4000]);
  const { imfs, residue } = emd(x);
  [4000, 1000, 250].forEach((hz, k) => assert.equal(spectralPeakHz(imfs[k]), hz, `IMF ${k}`));
  [0.36148015326608723, 0.57648838713033, -0.16508493772004007].forEach((v, k) => assertNear(imfs[k][1599], v, 1e-9, `IMF ${k} last sample`));
  assertNear(residue[1599], -0.016096311564050336, 1e-9, 'residue last sample');
  // The residue is x minus the IMFs, so adding them back gives x up to rounding.
  x.forEach((value, i) => assertNear(imfs.reduce((s, imf) => s + imf[i], residue[i]), value, 1e-14, `sample ${i}`));
});

test('a trend alone stops the decomposition: no IMF, the residue is the signal', () => {
  const ramp = Float64Array.from({ length: 50 }, (_, i) => 0.1 * i + 0.001 * i * i);
  const { imfs, residue } = emd(ramp);
  assert.equal(imfs.length, 0);
  assert.deepEqual(residue, ramp);
});

test("simple extrema: plateaus at their middle (rounded half to even), PyEMD's dropped edge runs, zero crossings", () => {
  // PyEMD EMD._find_extrema_simple on this array: maxima [3, 8], minima [0, 5]; zero crossings [4, 6] (a sign
  // change and a run of zeros). The flat start counts as a minimum because PyEMD compares it with d[-1] (0 here);
  // the flat end is dropped; the flat 4, 4 is a maximum at round(8.5) = 8.
  const s = [1, 1, 2, 3, 2, -1, 0, 0, 4, 4, 3, 3];
  const extrema = findExtrema(s);
  assert.deepEqual(extrema.maxima, [3, 8]);
  assert.deepEqual(extrema.minima, [0, 5]);
  assert.equal(extrema.zeroCrossings, 2);
});

test('bad settings are user errors', () => {
  assert.throws(() => emd([1, 2]), UserError);
  assert.throws(() => emd(tones(100, [500, 1500, 2800]), { maxImf: 0 }), UserError);
});
