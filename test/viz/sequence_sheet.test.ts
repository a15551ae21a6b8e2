import { test } from 'node:test';
import assert from 'node:assert/strict';
import pngjs from 'pngjs';
import type { SequenceDataset, SequenceLabels, SequenceSplit } from '../../src/sequences/sequence_data.js';
import { PhoneNumsData } from '../../src/sequences/phonenums.js';
import { Rng } from '../../src/util/random.js';
import { sequenceSheetPng, valueRange, viridis } from '../../src/viz/sequence_sheet.js';

/**
 * Samples of two 2x3 fragments whose values encode where they are: sample s, fragment f, row y,
 * column x, channel c holds value(s, f, y, x, c), spread over [-1, 1].
 */
class CodedDataset implements SequenceDataset {
  readonly name = 'coded';
  readonly fragmentsPerSample = 2;
  readonly contentNames = ['a', 'b'];
  readonly styleNames = ['s'];
  readonly fragmentShape: readonly [number, number, number];
  constructor(readonly channels: 1 | 3, readonly value: (s: number, f: number, y: number, x: number, c: number) => number) {
    this.fragmentShape = [2, 3, channels];
  }
  count(split: SequenceSplit): number {
    return split === 'train' ? 3 : 0;
  }
  sample(_split: SequenceSplit, index: number, _rng: Rng, out: Float32Array, offset: number): SequenceLabels {
    let at = offset;
    for (let f = 0; f < 2; f++) for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) for (let c = 0; c < this.channels; c++) out[at++] = this.value(index, f, y, x, c);
    return { content: Int32Array.of(0, 1), style: 0 };
  }
}

const decode = (png: Buffer) => pngjs.PNG.sync.read(png);

function rgbAt(image: { width: number; data: Buffer }, x: number, y: number): number[] {
  const at = 4 * (y * image.width + x);
  return Array.from(image.data.subarray(at, at + 3));
}

test('a colour sheet has one row per sample, fragments side by side, 1-px white separators', () => {
  const value = (s: number, f: number, y: number, x: number, c: number) => -1 + (2 * (s * 36 + f * 18 + y * 9 + x * 3 + c)) / 107;
  const sheet = decode(sequenceSheetPng(new CodedDataset(3, value), 'train', 2, Rng.fromSeed(0), [-1, 1]));
  // 2 fragments of width 3 and 2 samples of height 2, each with a 1-px separator and border.
  assert.deepEqual([sheet.width, sheet.height], [2 * 4 + 1, 2 * 3 + 1]);
  const byte = (v: number) => Math.round(((v + 1) / 2) * 255);
  // Sample 1, fragment 1, row 1, column 2 sits at x = 1 + 4 + 2, y = 1 + 3 + 1.
  assert.deepEqual(rgbAt(sheet, 7, 5), [0, 1, 2].map((c) => byte(value(1, 1, 1, 2, c))));
  assert.deepEqual(rgbAt(sheet, 1, 1), [0, 1, 2].map((c) => byte(value(0, 0, 0, 0, c))));
  for (const [x, y] of [[0, 0], [4, 2], [8, 6], [5, 3]]) assert.deepEqual(rgbAt(sheet, x, y), [255, 255, 255]);
});

test('single-channel fragments are drawn with viridis over the given range', () => {
  const levels = [0, 0.5, 1];
  const sheet = decode(sequenceSheetPng(new CodedDataset(1, (_s, _f, _y, x) => levels[x]), 'train', 5, Rng.fromSeed(0), [0, 1]));
  assert.deepEqual([sheet.width, sheet.height], [9, 3 * 3 + 1], 'rows stop at the split size');
  assert.deepEqual(rgbAt(sheet, 1, 1), [68, 1, 84]);
  assert.deepEqual(rgbAt(sheet, 2, 1), [33, 145, 140]);
  assert.deepEqual(rgbAt(sheet, 3, 2), [253, 231, 37]);
});

test('viridis interpolates linearly between its stops', () => {
  // Halfway between stop 0 (68, 1, 84) and stop 1 (71, 45, 123).
  viridis(1 / 16).forEach((value, c) => assert.ok(Math.abs(value - [69.5, 23, 103.5][c] / 255) < 1e-12));
  assert.deepEqual(viridis(-3), viridis(0));
  assert.deepEqual(viridis(7), viridis(1));
});

test('a PhoneNums sheet shows each page exactly as the dataset renders it', () => {
  const data = new PhoneNumsData({ seed: 0, pages: 20 });
  const sheet = decode(sequenceSheetPng(data, 'train', 2, Rng.fromSeed(0), [-1, 1]));
  assert.deepEqual([sheet.width, sheet.height], [10 * 33 + 1, 2 * 49 + 1]);
  const { pixels } = data.renderPage(data.pageOf('train', 1));
  // Fragment 4, row 30, column 12 of sample 1: page column 4 * 32 + 12.
  const at = (30 * 320 + 4 * 32 + 12) * 3;
  assert.deepEqual(rgbAt(sheet, 1 + 4 * 33 + 12, 1 + 49 + 30), Array.from(pixels.subarray(at, at + 3)));
});

test('an empty split or a bad range is refused', () => {
  const data = new CodedDataset(3, () => 0);
  assert.throws(() => sequenceSheetPng(data, 'val', 2, Rng.fromSeed(0)), RangeError);
  assert.throws(() => sequenceSheetPng(data, 'train', 2, Rng.fromSeed(0), [1, 1]), RangeError);
});

test('without a range a sheet spans the samples own minimum and maximum', () => {
  assert.deepEqual(valueRange([Float32Array.of(-3, 2, 0.5), Float32Array.of(1, Number.NaN, 7)]), [-3, 7]);
  assert.deepEqual(valueRange([Float32Array.of(4, 4)]), [4, 5]);
});
