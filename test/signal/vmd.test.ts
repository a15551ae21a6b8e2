import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vmd } from '../../src/signal/vmd.js';
import { Rng } from '../../src/util/random.js';
import { UserError } from '../../src/util/errors.js';
import { assertNear, FS, THREE_TONE_FRAME } from './tones.js';

const frame = THREE_TONE_FRAME;

function assertModes(modes: Float64Array[], at: number[], expected: number[][]): void {
  modes.forEach((mode, k) => at.forEach((i, j) => assertNear(mode[i], expected[k][j], 1e-10, `mode ${k} sample ${i}`)));
}

test("evaluation settings (init 1, tol 1e-5): vmdpy's modes and centre frequencies", () => {
  // Reference: sktime.libs.vmdpy.VMD(x, alpha=1500, tau=0, K=3, DC=False, init=1, tol=1e-5); omega[-1] and u[:, [0, 123, 399]]
  const { modes, centreFrequencies, iterations } = vmd(frame, { init: 1, tol: 1e-5 });
  assert.equal(iterations, 8);
  [0.030714551128408662, 0.17497513887644606, 0.09384784531525862].forEach((f, k) => assertNear(centreFrequencies[k], f, 1e-12, `omega ${k}`));
  assertModes(modes, [0, 123, 399], [
    [0.6248550328135795, -0.6306337039551378, 0.20761239189021244],
    [0.2466170328086097, -0.33322442990227813, 0.2407949464679975],
    [0.3249012293943828, -0.577528301538953, -0.5299415369330679],
  ]);
});

test('pre-training settings (init 2): the random start comes from the Rng, and the result is vmdpy started there', () => {
  // Rng.fromSeed(7) draws the sorted log-uniform start [0.031014561576698494, 0.08410016778992002, 0.4239464570568648];
  // the reference is vmdpy's VMD(x, 1500, 0, 3, False, init=2, tol=1e-8) with omega_plus[0] set to it.
  const { modes, centreFrequencies, iterations } = vmd(frame, { init: 2, tol: 1e-8 }, Rng.fromSeed(7));
  assert.equal(iterations, 8);
  [0.03071452307315582, 0.09384778991132676, 0.17497514200208675].forEach((f, k) => assertNear(centreFrequencies[k], f, 1e-12, `omega ${k}`));
  assertModes(modes, [0, 123, 399], [
    [0.6248523025087924, -0.6306181713213498, 0.20763271928022306],
    [0.3249545772784064, -0.5775693647747013, -0.5299467061843077],
    [0.2465833386702078, -0.3331994546098374, 0.2407979385803047],
  ]);
  const again = vmd(frame, { init: 2, tol: 1e-8 }, Rng.fromSeed(7));
  assert.deepEqual(again.modes, modes);
});

test('the modes sit on 500, 1500 and 2800 Hz, are nearly uncorrelated and add up to the frame away from its edges', () => {
  const { modes, centreFrequencies } = vmd(frame, { init: 2, tol: 1e-8 }, Rng.fromSeed(7));
  [500, 1500, 2800].forEach((hz, k) => assertNear(centreFrequencies[k] * FS, hz, 10, `centre ${k}`));
  const correlation = (a: Float64Array, b: Float64Array) => {
    const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
    const [ma, mb] = [mean(a), mean(b)];
    let [ab, aa, bb] = [0, 0, 0];
    a.forEach((v, i) => [ab, aa, bb] = [ab + (v - ma) * (b[i] - mb), aa + (v - ma) ** 2, bb + (b[i] - mb) ** 2]);
    return ab / Math.sqrt(aa * bb);
  };
  // vmdpy: |corrcoef| off the diagonal 0.0042, 0.0012, 0.0013
  for (const [a, b] of [[0, 1], [0, 2], [1, 2]]) assert.ok(Math.abs(correlation(modes[a], modes[b])) < 0.01, `modes ${a}, ${b}`);
  // tau = 0 leaves a residual, mostly at the edges: RMS 0.0547 over the frame (NRMSE 0.0174), 0.00123 inside [50, 350).
  const error = frame.map((value, i) => modes.reduce((s, m) => s + m[i], 0) - value);
  const rms = (xs: Float64Array) => Math.sqrt(xs.reduce((s, v) => s + v * v, 0) / xs.length);
  assertNear(rms(error), 0.054735920667255876, 1e-9, 'RMS error');
  assert.ok(rms(error.subarray(50, 350)) < 0.0013);
});

test('DC mode held at 0 with dual ascent (tau 0.1): vmdpy values after 238 sweeps', () => {
  // VMD(x, 1500, 0.1, 3, DC=True, init=1, tol=1e-7)
  const { modes, centreFrequencies, iterations } = vmd(frame, { init: 1, tol: 1e-7, tau: 0.1, dc: true });
  assert.equal(iterations, 238);
  [0, 0.17384113625922512, 0.08457111449894679].forEach((f, k) => assertNear(centreFrequencies[k], f, 1e-11, `omega ${k}`));
  assertModes(modes, [0, 123, 399], [
    [0.8676596874129947, -0.4578076520096316, 0.5576706626135421],
    [0.1422446144748721, -0.36227069754972663, 0.11627169045136329],
    [0.20476368307823734, -0.7198519322275777, -0.7419369703133433],
  ]);
});

test('an odd-length signal loses its last sample, as in vmdpy', () => {
  // VMD(x[:399], 1500, 0, 2, False, 1, 1e-6): modes of 398 samples
  const { modes, centreFrequencies, iterations } = vmd(frame.subarray(0, 399), { modes: 2, init: 1, tol: 1e-6 });
  assert.equal(iterations, 7);
  assert.equal(modes[0].length, 398);
  [0.030959437091488937, 0.17333737888228481].forEach((f, k) => assertNear(centreFrequencies[k], f, 1e-12, `omega ${k}`));
  [0, 200, 397].forEach((i, j) => assertNear(modes[1][i], [0.2569256738279788, 0.33969442477962725, -0.4063729877883213][j], 1e-10, `sample ${i}`));
});

test('init 2 without an Rng and bad settings are user errors', () => {
  assert.throws(() => vmd(frame, { init: 2 }), UserError);
  assert.throws(() => vmd(frame, { modes: 0, init: 1 }), UserError);
  assert.throws(() => vmd(frame, { alpha: 0, init: 1 }), UserError);
  assert.throws(() => vmd([1], { init: 1 }), UserError);
});
