import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FRAMES_PER_UTTERANCE, FRAME_HOP, FRAME_LENGTH, SPEAKER_ID_RANGES, frameCount, frameSignal, frameVowelLabels, speakerId, speakerNumber, zScore,
} from '../../src/speech/frames.js';
import { SIMVOWELS_SPLITS, SimVowels, UTTERANCE_SAMPLES, splitVocalTracts } from '../../src/speech/simvowels.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/random.js';

test('z-scoring: (x - mean) / sqrt(population variance + 1e-7)', () => {
  // x = [1, 2, 3, 4]: mean 2.5, population variance 1.25.
  const scale = Math.sqrt(1.25 + 1e-7);
  const expected = [-1.5 / scale, -0.5 / scale, 0.5 / scale, 1.5 / scale];
  const z = zScore([1, 2, 3, 4]);
  expected.forEach((v, i) => assert.ok(Math.abs(z[i] - v) < 1e-6, `z[${i}] = ${z[i]}, expected ${v}`));
  // A constant signal has zero variance: the epsilon keeps it finite (all zeros).
  assert.deepEqual(Array.from(zScore([3, 3, 3])), [0, 0, 0]);
  const rng = Rng.fromSeed(4);
  const noisy = Float64Array.from({ length: 5000 }, () => 7 + 3 * rng.normal());
  const standardised = zScore(noisy);
  const mean = standardised.reduce((a, b) => a + b, 0) / standardised.length;
  const variance = standardised.reduce((a, b) => a + (b - mean) ** 2, 0) / standardised.length;
  assert.ok(Math.abs(mean) < 1e-6, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 1e-5, `variance ${variance}`);
});

test('framing: 199 frames of 400 samples every 320 samples of a 64000-sample utterance', () => {
  assert.equal(frameCount(UTTERANCE_SAMPLES), FRAMES_PER_UTTERANCE);
  assert.equal(frameCount(399), 0);
  assert.equal(frameCount(400), 1);
  assert.equal(frameCount(719), 1);
  assert.equal(frameCount(720), 2);
  const ramp = Float64Array.from({ length: UTTERANCE_SAMPLES }, (_, n) => n);
  const frames = frameSignal(ramp);
  assert.equal(frames.length, 199 * 400);
  for (const t of [0, 1, 100, 198]) {
    assert.equal(frames[t * FRAME_LENGTH], t * FRAME_HOP);
    assert.equal(frames[t * FRAME_LENGTH + 399], t * FRAME_HOP + 399);
  }
  assert.equal(frames[198 * 400 + 399], 63759);
});

test('frame labels by the frame-centre walk, overlap flags on boundary frames between different vowels', () => {
  const vowels = [3, 1, 1, 4, 2, ...new Array(35).fill(0)];
  const { vowels: labels, overlap } = frameVowelLabels(vowels);
  assert.equal(labels.length, 199);
  // Frames 0-4 have centres 200..1480 <= 1600: segment 0 (vowel 3). Frame 4 ends at 1680 >= 1600 and
  // vowels 3 and 1 differ: overlap.
  assert.deepEqual(Array.from(labels.subarray(0, 5)), [3, 3, 3, 3, 3]);
  assert.deepEqual(Array.from(overlap.subarray(0, 5)), [0, 0, 0, 0, 1]);
  // Frame 5 (centre 1800) moves to segment 1; frame 9 (centre 3080, end 3280) straddles 3200, but
  // segments 1 and 2 are both vowel 1: no overlap.
  assert.equal(labels[5], 1);
  assert.equal(overlap[5], 0);
  assert.equal(labels[9], 1);
  assert.equal(overlap[9], 0);
  // Frame 14 (centre 4680 <= 4800, end 4880) is vowel 1 with vowel 4 next: overlap; frame 15 is vowel 4.
  assert.deepEqual([labels[14], overlap[14], labels[15], overlap[15]], [1, 1, 4, 0]);
  // Frame 19 (end 6480 >= 6400): vowel 4, then 2: overlap; frame 24: vowel 2, then 0: overlap.
  assert.deepEqual([labels[19], overlap[19], labels[20], labels[24], overlap[24], labels[25]], [4, 1, 2, 2, 1, 0]);
  assert.equal(overlap.reduce((a, b) => a + b, 0), 4);
});

test('the walk with segments that are not a multiple of the hop: a frame whose centre has crossed is not flagged', () => {
  // 500-sample segments. Frame t spans [320 t, 320 t + 400), centre 320 t + 200:
  // t=0 centre 200 -> seg 0, end 400 < 500; t=1 centre 520 > 500 -> seg 1 (spans the 500 boundary, not flagged),
  // end 720 < 1000; t=2 centre 840 -> seg 1, end 1040 >= 1000 -> flagged; t=3 centre 1160 -> seg 2, end 1360 < 1500;
  // t=4 centre 1480 -> seg 2, end 1680 >= 1500 -> flagged; t=5 centre 1800 -> seg 3, end 2000 >= 2000 -> flagged.
  const { vowels, overlap } = frameVowelLabels([0, 1, 2, 3, 4], 6, 500);
  assert.deepEqual(Array.from(vowels), [0, 1, 1, 2, 2, 3]);
  assert.deepEqual(Array.from(overlap), [0, 0, 1, 0, 1, 1]);
  // A centre exactly on the segment end stays in the segment: 520-sample segments, frame 1 centre 520.
  const onBoundary = frameVowelLabels([0, 1, 2], 2, 520);
  assert.deepEqual(Array.from(onBoundary.vowels), [0, 0]);
  assert.deepEqual(Array.from(onBoundary.overlap), [0, 1]);
  assert.throws(() => frameVowelLabels([0, 1], 199), UserError);
});

test('on generated utterances every frame takes the vowel of the segment holding its centre', () => {
  const data = new SimVowels({ seed: 9, size: 'small' });
  for (let index = 0; index < 20; index++) {
    const { vowels } = data.labels('train', index);
    const labels = frameVowelLabels(vowels);
    let changes = 0;
    for (let c = 0; c + 1 < vowels.length; c++) if (vowels[c] !== vowels[c + 1]) changes++;
    for (let t = 0; t < FRAMES_PER_UTTERANCE; t++) {
      const centre = t * FRAME_HOP + FRAME_LENGTH / 2;
      assert.equal(labels.vowels[t], vowels[Math.ceil(centre / 1600) - 1]);
    }
    assert.equal(labels.overlap.reduce((a, b) => a + b, 0), changes);
  }
});

test('speaker IDs: SP1..SP10 train, SP11..SP15 dev, SP16..SP20 test, lo <= vt < hi', () => {
  assert.equal(SPEAKER_ID_RANGES.length, 20);
  const midpoints = SIMVOWELS_SPLITS.flatMap((split) => splitVocalTracts(split));
  assert.deepEqual(midpoints.map(speakerId), Array.from({ length: 20 }, (_, i) => `SP${i + 1}`));
  assert.equal(speakerId(0.715), 'SP1');
  assert.equal(speakerId(1.275), 'SP10');
  assert.equal(speakerId(0.745), 'SP11');
  assert.equal(speakerId(1.245), 'SP20');
  assert.equal(speakerId(0.7), 'SP1');
  assert.equal(speakerId(0.73), null);
  assert.equal(speakerNumber(0.73), 0);
  // Traversal speakers between the ranges have no ID.
  assert.equal(speakerId(0.735), null);
  assert.equal(speakerId(0.705), 'SP1');
});
