import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { resampleImage, resampleTaps } from '../../src/datasets/resample.js';
import { ResizedData, resizedTo } from '../../src/datasets/resized.js';
import { XYSingleSquareData } from '../../src/datasets/xysquares.js';

const close = (actual: ArrayLike<number>, expected: number[]) => {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) < 1e-12, `tap ${i}: ${actual[i]} vs ${expected[i]}`);
};

test('bilinear taps when halving: the triangle stretched to support 2, clipped at the border and normalised', () => {
  // Output 0 centres on input 1.0; inputs 0, 1, 2 sit at distances -0.5, 0.5, 1.5 → /2 → weights 0.75, 0.75, 0.25.
  const { first, weights } = resampleTaps(4, 2, 'bilinear');
  assert.deepEqual(Array.from(first), [0, 1]);
  close(weights[0], [0.75 / 1.75, 0.75 / 1.75, 0.25 / 1.75]);
  close(weights[1], [0.25 / 1.75, 0.75 / 1.75, 0.75 / 1.75]);
});

test('lanczos taps: sinc(x)·sinc(x/3) at the stretched distances, summing to one', () => {
  const { weights, first } = resampleTaps(6, 3, 'lanczos');
  const sinc = (x: number) => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));
  // Shrinking by 2 stretches the support to 6: inputs 0..5 all contribute (the -5..-1 side is clipped).
  const raw = [0, 1, 2, 3, 4, 5].map((i) => { const d = (i - 1 + 0.5) / 2; return sinc(d) * sinc(d / 3); });
  const total = raw.reduce((a, b) => a + b, 0);
  assert.equal(first[0], 0);
  close(weights[0], raw.map((w) => w / total));
});

test('resampling keeps a constant image constant and a size it already has unchanged', () => {
  for (const filter of ['bilinear', 'lanczos'] as const) {
    assert.deepEqual(Array.from(resampleImage(new Uint8Array(96 * 96).fill(77), 96, 96, 1, 64, 64, filter)), new Array(64 * 64).fill(77));
    const image = Uint8Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 37) % 256);
    assert.deepEqual(resampleImage(image, 5, 4, 3, 5, 4, filter), image);
  }
});

test('halving with bilinear averages each pixel with its neighbours, per channel', () => {
  // A 4×4 two-channel image whose channel 0 is a horizontal ramp and channel 1 a vertical one.
  const image = new Uint8Array(4 * 4 * 2);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) image.set([x * 60, y * 80], (y * 4 + x) * 2);
  const out = resampleImage(image, 4, 4, 2, 2, 2, 'bilinear');
  const left = Math.round((0.75 * 0 + 0.75 * 60 + 0.25 * 120) / 1.75);
  const right = Math.round((0.25 * 60 + 0.75 * 120 + 0.75 * 180) / 1.75);
  const top = Math.round((0.75 * 0 + 0.75 * 80 + 0.25 * 160) / 1.75);
  const bottom = Math.round((0.25 * 80 + 0.75 * 160 + 0.75 * 240) / 1.75);
  assert.deepEqual(Array.from(out), [left, top, right, top, left, bottom, right, bottom]);
});

test('a resized dataset keeps its factors and resamples every observation', () => {
  const source = new XYSingleSquareData();
  assert.equal(resizedTo(source, 64, 'bilinear'), source);
  const small = resizedTo(source, 32, 'bilinear');
  assert.ok(small instanceof ResizedData);
  assert.deepEqual(small.factorSizes, source.factorSizes);
  assert.deepEqual(small.observationShape, [32, 32, 1]);
  const full = new Float32Array(64 * 64);
  const half = new Float32Array(32 * 32);
  source.render([1, 2], full, 0);
  small.render([1, 2], half, 0);
  const expected = resampleImage(Uint8Array.from(full, (v) => Math.round(v * 255)), 64, 64, 1, 32, 32, 'bilinear');
  assert.deepEqual(Array.from(half), Array.from(expected, (v) => Math.fround(v / 255)));
  assert.ok(half.some((v) => v > 0), 'the square survives the resize');
});
