import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SvhnH5Data } from '../../../src/sequences/readers/svhn_h5.js';
import { openSequenceDataset } from '../../../src/sequences/registry.js';
import { Rng } from '../../../src/util/random.js';
import { isOneLineErrorAbout } from '../../datasets/readers/npy_encoding.js';
import { SVHN_CROP, svhnCropPixels, writeSvhnSplit, type SvhnCrop } from './original_layouts.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'svhn-reader-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

const CROP = SVHN_CROP;
const writeSplit = writeSvhnSplit;

function cropValues(i: number): number[] {
  return Array.from(svhnCropPixels(i), (v) => Math.fround(v / 127.5 - 1));
}

const TRAIN: SvhnCrop[] = [
  { origin: '5', digit: 1 }, { origin: '5', digit: 9 },
  { origin: '8', digit: 4 },
  { origin: '2', digit: 3 }, { origin: '2', digit: 0 }, { origin: '2', digit: 7 },
];
const TEST: SvhnCrop[] = [{ origin: '5', digit: 6 }, { origin: '5', digit: 2 }];

test('SVHN h5: crops grouped by origin image, origins too short left out, names per split', async () => {
  const dir = path.join(root, 'grouping');
  await writeSplit(dir, 'train', TRAIN);
  await writeSplit(dir, 'test', TEST);
  const data = await SvhnH5Data.open(dir);
  try {
    assert.equal(data.count('train'), 2);
    assert.equal(data.count('val'), 0);
    assert.equal(data.count('test'), 1);
    assert.equal(data.skippedOrigins, 1);
    assert.deepEqual(data.styleNames, ['train/5', 'train/2', 'test/5']);
    assert.deepEqual(data.fragmentShape, [48, 32, 3]);

    const out = new Float32Array(2 * CROP);
    const exact = data.sample('train', 0, Rng.fromSeed(1), out, 0);
    assert.deepEqual(Array.from(exact.content), [1, 9]);
    assert.equal(exact.style, 0);
    assert.deepEqual(Array.from(out.subarray(0, CROP)), cropValues(0));
    assert.deepEqual(Array.from(out.subarray(CROP)), cropValues(1));

    const tested = data.sample('test', 0, Rng.fromSeed(1), out, 0);
    assert.deepEqual([...tested.content, tested.style], [6, 2, 2]);
  } finally {
    data.close();
  }
});

test('SVHN h5: an origin with more crops than fragments gives a random ordered pair without repeats', async () => {
  const dir = path.join(root, 'draws');
  await writeSplit(dir, 'train', TRAIN);
  const data = await SvhnH5Data.open(dir);
  try {
    const rng = Rng.fromSeed(4);
    const out = new Float32Array(2 * CROP);
    const pairs = new Set<string>();
    for (let draw = 0; draw < 60; draw++) {
      const { content, style } = data.sample('train', 1, rng, out, 0);
      assert.equal(style, 1);
      assert.notEqual(content[0], content[1]);
      // Each fragment's pixels are the crop its label names (crops 3, 4, 5 hold digits 3, 0, 7).
      content.forEach((digit, f) => {
        const row = 3 + [3, 0, 7].indexOf(digit);
        assert.equal(out[f * CROP + CROP - 1], Math.fround(((7 * row + 3) % 256) / 127.5 - 1));
      });
      pairs.add(Array.from(content).join(','));
    }
    assert.equal(pairs.size, 6, 'all six ordered pairs of three crops are drawn');
    const again = new Float32Array(2 * CROP);
    const first = data.sample('train', 1, Rng.fromSeed(9), out, 0);
    const second = data.sample('train', 1, Rng.fromSeed(9), again, 0);
    assert.deepEqual(first, second);
    assert.deepEqual(out, again);
  } finally {
    data.close();
  }
});

test('SVHN h5: a missing directory, no split files, wrong crop shape or a label outside 0-9 is a one-line error', async () => {
  await assert.rejects(openSequenceDataset('svhn', { seed: 0, path: path.join(root, 'nowhere') }), isOneLineErrorAbout(path.join(root, 'nowhere')));
  await assert.rejects(openSequenceDataset('svhn', { seed: 0 }), /give their directory \(dataset\.path/);
  const empty = path.join(root, 'empty');
  fs.mkdirSync(empty);
  await assert.rejects(SvhnH5Data.open(empty), /none of train\.hdf5, val\.hdf5, test\.hdf5/);

  const shape = path.join(root, 'shape');
  await writeSplit(shape, 'train', TRAIN.slice(0, 2), { dataShape: [2, 32, 48, 3] });
  await assert.rejects(SvhnH5Data.open(shape), isOneLineErrorAbout(path.join(shape, 'train.hdf5')));

  const label = path.join(root, 'label');
  await writeSplit(label, 'val', [{ origin: '1', digit: 3 }, { origin: '1', digit: 10 }]);
  await assert.rejects(SvhnH5Data.open(label), /content_label\[1\] is 10, not a digit 0-9/);

  const truncated = path.join(root, 'truncated');
  await writeSplit(truncated, 'test', TEST);
  const file = path.join(truncated, 'test.hdf5');
  fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
  await assert.rejects(SvhnH5Data.open(truncated), isOneLineErrorAbout(file));
});
