import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LibriSpeechH5Data, PHONEMES } from '../../../src/sequences/readers/librispeech_h5.js';
import { Rng } from '../../../src/util/random.js';
import { LIBRISPEECH_PATCH, writeLibriSpeechSplit } from './original_layouts.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'librispeech-reader-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

const PATCH = LIBRISPEECH_PATCH;
const writeSplit = writeLibriSpeechSplit;

const TEN = ['dh', 'ah', 'k', 'ae', 't', 's', 'ae', 't', 'aa', 'n'];

test('LibriSpeech h5: utterances in name order, speakers as styles across splits, the first 8 phonemes', async () => {
  const dir = path.join(root, 'order');
  await writeSplit(dir, 'train', { '103-1240-0001': TEN, '19-198-0000': TEN.slice(0, 8), '103-1240-0000': TEN.slice(2) });
  await writeSplit(dir, 'val', { '2412-153948-0000': TEN, '19-227-0003': TEN });
  const data = await LibriSpeechH5Data.open(dir);
  try {
    assert.equal(data.count('train'), 3);
    assert.equal(data.count('val'), 2);
    assert.equal(data.count('test'), 0);
    assert.deepEqual(data.styleNames, ['103', '19', '2412']);
    assert.deepEqual(data.fragmentShape, [80, 64, 1]);
    const out = new Float32Array(8 * PATCH);
    const first = data.sample('train', 0, Rng.fromSeed(0), out, 0);
    assert.equal(first.style, 0);
    assert.deepEqual(Array.from(first.content), TEN.slice(2, 10).map((p) => PHONEMES.indexOf(p as never)));
    // '103-1240-0000' was written third (tag 2); its patches come in order.
    for (let f = 0; f < 8; f++) {
      assert.equal(out[f * PATCH], 2);
      assert.equal(out[f * PATCH + 1], -f - 0.5);
    }
    const val = data.sample('val', 0, Rng.fromSeed(0), out, 0);
    assert.equal(val.style, 1, "speaker 19 is the train split's speaker 19");
    assert.equal(out[0], 1);
  } finally {
    data.close();
  }
});

test('LibriSpeech h5: an utterance shorter than 8 phonemes is cycled; an unknown phoneme is a one-line error', async () => {
  const dir = path.join(root, 'cycle');
  await writeSplit(dir, 'test', { '7-1-0000': ['sh', 'iy', 'z'], '7-1-0001': ['sh', 'zh'] });
  const data = await LibriSpeechH5Data.open(dir);
  try {
    const out = new Float32Array(8 * PATCH);
    const { content } = data.sample('test', 0, Rng.fromSeed(0), out, 0);
    assert.deepEqual(Array.from(content), [0, 1, 2, 0, 1, 2, 0, 1].map((i) => PHONEMES.indexOf(['sh', 'iy', 'z'][i] as never)));
    assert.deepEqual(Array.from({ length: 8 }, (_, f) => out[f * PATCH + 1]), [0, 1, 2, 0, 1, 2, 0, 1].map((p) => -p - 0.5));
    assert.throws(() => data.sample('test', 1, Rng.fromSeed(0), out, 0),
      (e: Error) => e.name === 'UserError' && /7-1-0001: 'zh' is not one of the 39 phonemes/.test(e.message));
  } finally {
    data.close();
  }
});
