import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DECVAE_FREQ_GROUPS,
  absoluteCorrelations,
  decompose,
  decomposeUtterance,
  frequencyGroupOf,
  groupComponents,
  padComponents,
  pruneWeakComponents,
  resolveDecompositionSettings,
  type Component,
} from '../../src/decvae/decomposition.js';
import { Rng } from '../../src/util/random.js';
import { UserError } from '../../src/util/errors.js';
import { assertNear, FS, spectralPeakHz, THREE_TONE_FRAME, tones } from '../signal/tones.js';


const frame = THREE_TONE_FRAME;

function range(x: Float64Array): number {
  return Math.max(...x) - Math.min(...x);
}

/** A hand-made component: a tone labelled with its frequency (its signal only matters for sums). */
function component(hz: number, length = 64): Component {
  return { signal: Float64Array.from({ length }, (_, n) => Math.sin((2 * Math.PI * hz * n) / FS)), peakHz: hz, missing: false };
}

function assertOffDiagonalBelow(correlation: Float64Array, n: number, bound: number): void {
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) assert.ok(correlation[a * n + b] < bound, `|r(OC${a + 1}, OC${b + 1})| = ${correlation[a * n + b]}`);
}

test('EWT (the default) on a frame: X then three OCs on 500, 1500 and 2800 Hz, nearly orthogonal', () => {
  const d = decompose(frame, { method: 'ewt', noc: 3, level: 'frame' });
  assert.equal(d.components.length, 4);
  assert.deepEqual(d.components[0], frame);
  assert.deepEqual(d.missing, [false, false, false]);
  assert.equal(d.unusable, false);
  [500, 1500, 2800].forEach((hz, k) => assertNear(spectralPeakHz(d.components[k + 1]), hz, 40, `OC${k + 1}`));
  assertOffDiagonalBelow(d.correlation, 3, 0.02);
  // NRMSE of all four EWT modes (the dropped one included): ewtpy's RMS error 0.03367909134202271 over X's range.
  assertNear(d.nrmse, 0.03367909134202271 / range(frame), 1e-12, 'NRMSE');
});

test('FD on a frame: one zero-phase order-2 Butterworth band-pass per detected band (scipy values)', () => {
  const d = decompose(frame, { method: 'fd', noc: 3, level: 'frame' });
  assert.deepEqual(d.peakHz, [500, 1500, 2812.5]);
  // scipy.signal.sosfiltfilt(scipy.signal.butter(2, band, 'bp', fs=16000, output='sos'), x) at samples 0, 200, 399
  // for the bands [406.25, 593.75], [1406.25, 1593.75], [2718.75, 2906.25]
  const expected = [
    [0.1274993483887048, 0.950018115916057, -0.01914127694108178],
    [0.1419940928221342, -0.2714034565240548, -0.030485951971834336],
    [0.11097171195525364, 0.36388127027459755, 0.03232474699011085],
  ];
  expected.forEach((values, k) => [0, 200, 399].forEach((i, j) => assertNear(d.components[k + 1][i], values[j], 1e-9, `OC${k + 1}[${i}]`)));
  assertNear(d.nrmse, 0.06571059997483512, 1e-9, 'NRMSE (scipy: the three filtered signals summed)');
  assertOffDiagonalBelow(d.correlation, 3, 0.01);
});

test('VMD on a frame: modes sorted by centre frequency, labelled with it, the random start drawn from the Rng', () => {
  const d = decompose(frame, { method: 'vmd', noc: 3, level: 'frame' }, Rng.fromSeed(7));
  // vmdpy's final centre frequencies from the same start (see test/signal/vmd.test.ts), times fs, ascending.
  [0.03071452307315582, 0.09384778991132676, 0.17497514200208675].forEach((f, k) => assertNear(d.peakHz[k], f * FS, 1e-8, `OC${k + 1} centre`));
  [500, 1500, 2800].forEach((hz, k) => assertNear(spectralPeakHz(d.components[k + 1]), hz, 40, `OC${k + 1}`));
  assertNear(d.nrmse, 0.017386196101492175, 1e-9, 'NRMSE (vmdpy: RMS error over range)');
  assert.deepEqual(decompose(frame, { method: 'vmd', noc: 3, level: 'frame' }, Rng.fromSeed(7)).components, d.components);
  assert.throws(() => decompose(frame, { method: 'vmd', noc: 3, level: 'frame' }), UserError);
});

test('EMD on a frame: 3 IMFs + residue of the mean-removed frame, low to high, grouped 1, 1, 2 (round(4/3) = 1)', () => {
  const d = decompose(frame, { method: 'emd', noc: 3, level: 'frame' });
  const mean = frame.reduce((s, v) => s + v, 0) / frame.length;
  // OC1 is the residue (a slow trend), OC2 the 500 Hz IMF, OC3 the 1500 and 2800 Hz IMFs summed.
  assertNear(spectralPeakHz(d.components[2]), 500, 40, 'OC2');
  assert.ok(spectralPeakHz(d.components[1]) < 500, 'OC1 below 500 Hz');
  assert.ok(spectralPeakHz(d.components[3]) > 1000, 'OC3 above 1 kHz');
  // IMFs plus residue rebuild the mean-removed frame exactly, so the NRMSE is |mean| / range.
  frame.forEach((value, i) => assertNear(d.components[1][i] + d.components[2][i] + d.components[3][i], value - mean, 1e-13, `sum at ${i}`));
  assertNear(d.nrmse, Math.abs(mean) / range(frame), 1e-12, 'NRMSE');
});

test('a frame with two tones: EWT finds no third band, its near-empty mode is pruned and replaced by a missing zero OC at slot 2', () => {
  const two = tones(400, [[500, 1, 0.3], [2800, 0.4, 2.0]]);
  for (const method of ['ewt', 'fd'] as const) {
    const d = decompose(two, { method, noc: 3, level: 'frame' });
    assert.deepEqual(d.missing, [false, true, false], method);
    assert.ok(d.components[2].every((v) => v === 0), `${method}: OC2 is zero`);
    assert.deepEqual([d.peakHz[0], d.peakHz[2]], [500, 2812.5], method);
    assert.ok(Number.isNaN(d.correlation[1]) && Number.isNaN(d.correlation[4]), `${method}: no correlation with a zero OC`);
  }
});

test('sequence level on a 1 s signal with noise: every method keeps its components on the tones (VMD from init 1)', () => {
  const rng = Rng.fromSeed(11);
  const signal = tones(16000, [[500, 1, 0.3], [1500, 0.6, 1.1], [2800, 0.4, 2.0]]).map((v) => v + 0.05 * rng.normal());
  for (const method of ['ewt', 'fd', 'vmd'] as const) {
    // A random VMD start (init 2) can leave two modes on one tone, which the original's optional
    // correction loop exists for; the evaluation config's uniform start (init 1) does not.
    const d = decompose(signal, { method, noc: 3, level: 'sequence', vmd: { init: 1 } });
    assert.deepEqual(d.missing, [false, false, false], method);
    [500, 1500, 2800].forEach((hz, k) => assertNear(spectralPeakHz(d.components[k + 1]), hz, 2, `${method} OC${k + 1}`));
    assertOffDiagonalBelow(d.correlation, 3, 0.02);
    assert.ok(d.nrmse < 0.03, `${method}: NRMSE ${d.nrmse}`);
  }
});

test('sequence-level EMD: the IMFs and the residue add up to the (not mean-removed) signal', () => {
  const signal = tones(4000, [[250, 1, 0.3], [1000, 0.6, 1.1], [4000, 0.4, 2.0]]).map((v) => v + 0.2);
  const d = decompose(signal, { method: 'emd', noc: 3, level: 'sequence' });
  signal.forEach((value, i) => assertNear(d.components[1][i] + d.components[2][i] + d.components[3][i], value, 1e-12, `sample ${i}`));
  assert.ok(d.nrmse < 1e-15);
});

test('a whole utterance: 199 frames of 400 samples every 320, and the 64000-sample sequence', () => {
  const rng = Rng.fromSeed(2);
  const utterance = tones(64000, [[500, 1, 0.3], [1500, 0.6, 1.1], [2800, 0.4, 2.0]]).map((v) => v + 0.1 * rng.normal());
  const { frameStarts, frames, sequence } = decomposeUtterance(utterance, { method: 'ewt', noc: 3 });
  assert.equal(frames.length, 199);
  assert.equal(frameStarts[198], 198 * 320);
  assert.deepEqual(frames[57].components[0], utterance.subarray(57 * 320, 57 * 320 + 400));
  assert.ok(frames.every((f) => f.components.length === 4 && f.components.every((c) => c.length === 400) && !f.unusable));
  assert.equal(sequence.components[0].length, 64000);
  assert.deepEqual(sequence.components[0], utterance);
});

test('silence: no peak band in the frame, so no OC at all: all missing, unusable', () => {
  for (const level of ['frame', 'sequence'] as const) {
    const d = decompose(new Float64Array(400), { method: 'ewt', noc: 3, level });
    assert.equal(d.unusable, true, level);
    assert.deepEqual(d.missing, [true, true, true]);
    assert.ok(d.components.slice(1).every((c) => c.length === 400 && c.every((v) => v === 0)));
    assert.ok(Number.isNaN(d.nrmse));
  }
});

test('pruning: a component whose Welch PSD never reaches the tolerance (1e-5) is dropped', () => {
  const settings = resolveDecompositionSettings({ method: 'ewt', noc: 3, level: 'frame' });
  const loud = { ...component(1000, 400), peakHz: 1000 };
  const faint = { ...loud, signal: loud.signal.map((v) => 1e-3 * v) };
  const silent = { ...loud, signal: new Float64Array(400) };
  assert.deepEqual(pruneWeakComponents([loud, faint, silent], settings), [loud]);
  // The same faint tone survives a tolerance of 1e-10 (its PSD peak is about 1.4e-9).
  assert.equal(pruneWeakComponents([faint], { ...settings, specAmpTolerance: 1e-10 }).length, 1);
});

test('equally_distribute: 5 components -> groups of round(5/3) = 2, 2, 1; 4 -> 1, 1, 2; summed signals, mean labels', () => {
  const five = [300, 700, 1500, 2500, 3500].map((hz) => component(hz));
  for (const level of ['frame', 'sequence'] as const) {
    const groups = groupComponents(five, 3, 'equally_distribute', level);
    assert.deepEqual(groups.map((g) => g.peakHz), [500, 2000, 3500], level);
    groups[0].signal.forEach((v, i) => assert.equal(v, five[0].signal[i] + five[1].signal[i]));
    assert.deepEqual(groups[2].signal, five[4].signal);
  }
  const four = [300, 700, 1500, 2500].map((hz) => component(hz));
  assert.deepEqual(groupComponents(four, 3, 'equally_distribute', 'frame').map((g) => g.peakHz), [300, 700, 2000]);
});

test('equally_distribute corner cases: M/NoC = 1.5 rounds down at frame level only; sequence level halves a group that reaches the end', () => {
  const three = [300, 700, 1500].map((hz) => component(hz));
  assert.deepEqual(groupComponents(three, 2, 'equally_distribute', 'frame').map((g) => g.peakHz), [300, 1100]);
  assert.deepEqual(groupComponents(three, 2, 'equally_distribute', 'sequence').map((g) => g.peakHz), [500, 1500]);
  const six = [100, 200, 300, 400, 500, 600].map((hz) => component(hz));
  // Frame: 6/4 = 1.5 -> step 1: [100] [200] [300] [400, 500, 600]
  assert.deepEqual(groupComponents(six, 4, 'equally_distribute', 'frame').map((g) => g.peakHz), [100, 200, 300, 500]);
  // Sequence: step round(1.5) = 2; the third group [4, 6) would end the list, so it is halved to [4, 5) and the last is [5, 6).
  assert.deepEqual(groupComponents(six, 4, 'equally_distribute', 'sequence').map((g) => g.peakHz), [150, 350, 500, 600]);
  // Frame level, 8 over 5: step round(1.6) = 2 leaves the last group empty: a missing zero OC.
  const eight = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => component(100 * k));
  const groups = groupComponents(eight, 5, 'equally_distribute', 'frame');
  assert.deepEqual(groups.map((g) => g.missing), [false, false, false, false, true]);
});

test('high_freqs_first sums the surplus into the last OC, low_freqs_first into the first; EMD mirrors both', () => {
  const five = [300, 700, 1500, 2500, 3500].map((hz) => component(hz));
  assert.deepEqual(groupComponents(five, 3, 'high_freqs_first', 'frame').map((g) => g.peakHz), [300, 700, 2500]);
  assert.deepEqual(groupComponents(five, 3, 'low_freqs_first', 'frame').map((g) => g.peakHz), [(300 + 700 + 1500) / 3, 2500, 3500]);
  assert.deepEqual(groupComponents(five, 3, 'high_freqs_first', 'frame', true).map((g) => g.peakHz), [(300 + 700 + 1500) / 3, 2500, 3500]);
  assert.deepEqual(groupComponents(five, 3, 'low_freqs_first', 'frame', true).map((g) => g.peakHz), [300, 700, 2500]);
});

test('padding: a missing zero OC goes to the slot of the unoccupied frequency group', () => {
  const pad = (hz: number[], noc = 3) => padComponents(hz.map((f) => component(f)), noc, DECVAE_FREQ_GROUPS);
  const show = (components: Component[]) => components.map((c) => (c.missing ? 'zero' : c.peakHz));
  assert.deepEqual(show(pad([500, 2800])), [500, 'zero', 2800]); // groups 0 and 2: slot 1 free
  assert.deepEqual(show(pad([1500, 2800])), ['zero', 1500, 2800]); // groups 1 and 2: slot 0 free
  assert.deepEqual(show(pad([400, 900])), [400, 900, 'zero']); // both in group 0, every free slot above: the last one
  assert.deepEqual(show(pad([3500, 4500])), ['zero', 3500, 4500]); // groups 3 and 4 lie past NoC: the first free slot
  assert.deepEqual(show(pad([4500])), ['zero', 'zero', 4500]);
  assert.deepEqual(show(pad([NaN, 2800])), ['zero', NaN, 2800]); // an unlabelled OC occupies no group
  assert.deepEqual(show(pad([300, 1500], 5)), [300, 1500, 'zero', 'zero', 'zero']);
  const padded = pad([500, 2800]);
  assert.ok(padded[1].signal.length === 64 && padded[1].signal.every((v) => v === 0));
});

test('frequency groups are [low, high) intervals; the correlation matrix is |Pearson r|', () => {
  assert.deepEqual([0, 1199.9, 1200, 2210, 4999, 5000, NaN].map((hz) => frequencyGroupOf(hz, DECVAE_FREQ_GROUPS)), [0, 0, 1, 2, 4, -1, -1]);
  const a = Float64Array.from([1, 2, 3, 4]);
  const c = absoluteCorrelations([a, a.map((v) => -2 * v + 1), Float64Array.from([1, -1, -1, 1]), new Float64Array(4)]);
  [1, 1, 0].forEach((r, b) => assertNear(c[b], r, 1e-15, `r(0, ${b})`));
  assert.ok(Number.isNaN(c[3]) && Number.isNaN(c[15]));
});

test('bad options are user errors', () => {
  assert.throws(() => decompose(frame, { method: 'pca' as 'ewt', noc: 3, level: 'frame' }), UserError);
  assert.throws(() => decompose(frame, { method: 'ewt', noc: 0, level: 'frame' }), UserError);
  assert.throws(() => decompose(frame, { method: 'ewt', noc: 3, level: 'utterance' as 'frame' }), UserError);
  assert.throws(() => decompose(frame.subarray(0, 20), { method: 'ewt', noc: 3, level: 'frame' }), UserError);
  assert.throws(() => decomposeUtterance(frame.subarray(0, 300), { method: 'ewt', noc: 3 }), UserError);
});
