import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ewt1d } from '../../src/signal/ewt.js';
import { UserError } from '../../src/util/errors.js';
import { assertNear, spectralPeakHz, THREE_TONE_FRAME } from './tones.js';

/** The test frame: 500, 1500 and 2800 Hz tones at 16 kHz, 400 samples (one DecVAE frame). */
const frame = THREE_TONE_FRAME;

test("a 400-sample frame: ewtpy's boundaries and modes (EWT1D(x, N=4, reg='gaussian', lengthFilter=10, sigmaFilter=2))", () => {
  const { modes, boundaries } = ewt1d(frame);
  // Reference: ewtpy 0.2 EWT1D run on the same samples (numpy 1.24, scipy 1.10).
  [0.11780972450961723, 0.42411500823462206, 0.8796459430051421].forEach((b, i) => assertNear(boundaries[i], b, 1e-14, `boundary ${i}`));
  const at = [0, 1, 137, 398, 399];
  const expected = [
    [0.5301865578664869, 0.5270004630860846, -0.011050102751930364, 0.5262739401944369, 0.5278652065818317],
    [0.3282865620368857, 0.34071569549521347, 0.8774171430472011, 0.01950968794667737, 0.006774783509134489],
    [0.24810247122733606, 0.22594030186231523, 0.07676013643773202, -0.49901704067147307, -0.6766337692345245],
    [0.12723658401156174, 0.05387482005828416, 0.38523731058436467, 0.015947829258280324, 0.026064975276163402],
  ];
  assert.equal(modes.length, 4);
  modes.forEach((mode, k) => {
    assert.equal(mode.length, 400);
    at.forEach((i, j) => assertNear(mode[i], expected[k][j], 1e-12, `mode ${k} sample ${i}`));
  });
});

test('the three kept modes (all but the first) peak at 500, 1500 and 2800 Hz, within one 40 Hz DFT bin', () => {
  const { modes } = ewt1d(frame);
  [500, 1500, 2800].forEach((hz, k) => assertNear(spectralPeakHz(modes[k + 1]), hz, 40, `OC${k + 1}`));
});

test("Meyer filters: squares sum to 1 below (1 - gamma) pi, the filters themselves sum to 1 outside the transitions", () => {
  const { filters, boundaries } = ewt1d(frame);
  const n = filters[0].length;
  assert.equal(n, 799); // 199 mirrored samples before, 200 after
  const b = Array.from(boundaries);
  const gamma = (1 - 1 / n) * Math.min((b[1] - b[0]) / (b[1] + b[0]), (b[2] - b[1]) / (b[2] + b[1]), (Math.PI - b[2]) / (Math.PI + b[2]));
  let plateauBins = 0;
  for (let k = 0; k < n; k++) {
    const w = (2 * Math.PI * Math.min(k, n - k)) / n;
    const sum = filters.reduce((acc, f) => acc + f[k], 0);
    const squares = filters.reduce((acc, f) => acc + f[k] * f[k], 0);
    if (w <= (1 - gamma) * Math.PI) assertNear(squares, 1, 1e-12, `sum of squares at bin ${k}`);
    const inTransition = b.some((boundary) => Math.abs(w - boundary) < gamma * boundary) || w > (1 - gamma) * Math.PI;
    if (inTransition) continue;
    assertNear(sum, 1, 1e-12, `sum at bin ${k}`);
    plateauBins++;
  }
  assert.ok(plateauBins > 100, `only ${plateauBins} bins outside the transitions`);
});

test('the modes do not add up to the signal: Meyer filters are a tight frame, not a partition of unity', () => {
  // Where two filters overlap, cos + sin > 1, so sum(modes) != x. ewtpy gives the same error:
  // max |sum(ewt, 1) - x| = 0.15853777762666277, RMS 0.03367909134202271.
  const { modes } = ewt1d(frame);
  let [worst, squares] = [0, 0];
  frame.forEach((value, i) => {
    const error = modes.reduce((acc, mode) => acc + mode[i], 0) - value;
    worst = Math.max(worst, Math.abs(error));
    squares += error * error;
  });
  assertNear(worst, 0.15853777762666277, 1e-12, 'max error');
  assertNear(Math.sqrt(squares / frame.length), 0.03367909134202271, 1e-12, 'RMS error');
});

test('an odd-length signal with only two spectral maxima: the third boundary comes from the last bin (ewtpy values)', () => {
  const y = Float64Array.from({ length: 301 }, (_, m) => Math.cos(2 * Math.PI * 0.1 * m) + 0.5 * Math.cos(2 * Math.PI * 0.3 * m + 0.2));
  const { modes, boundaries } = ewt1d(y);
  // ewtpy with numpy's argsort made stable (kind='stable'): the default sort may pick another of the zero-height bins.
  [0.34328661446510983, 1.2899254604143522, 2.5278377974249].forEach((b, i) => assertNear(boundaries[i], b, 1e-14, `boundary ${i}`));
  const expected = [
    [0.17132105638451436, 0.0008494775187172019, 0.008718495093591773],
    [1.0580003720977473, 0.9994128464405172, 1.0317960733575902],
    [0.2775095726980976, 0.49003330538179973, 0.4795450475498629],
    [-0.008520971372530151, -1.8335598864711032e-5, -0.0316763982481627],
  ];
  modes.forEach((mode, k) => [0, 150, 300].forEach((i, j) => assertNear(mode[i], expected[k][j], 1e-12, `mode ${k} sample ${i}`)));
});

test('bad settings are user errors', () => {
  assert.throws(() => ewt1d(frame, { modes: 1 }), UserError);
  assert.throws(() => ewt1d(frame.subarray(0, 5)), UserError);
  assert.throws(() => ewt1d(frame, { regularisation: 'gaussian', sigma: 0 }), UserError);
});
