import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GifReader } from 'omggif';
import { toRgba8, type Image } from '../../src/viz/image.js';
import { encodeGif, writeGif } from '../../src/viz/gif.js';

function decodeFrames(gif: Uint8Array): { reader: GifReader; frames: Uint8Array[] } {
  const reader = new GifReader(gif);
  const frames = Array.from({ length: reader.numFrames() }, (_, i) => {
    const rgba = new Uint8Array(reader.width * reader.height * 4);
    reader.decodeAndBlitFrameRGBA(i, rgba);
    return rgba;
  });
  return { reader, frames };
}

/** Gray frames whose pixel i has level (97f + i) mod 256: a 256-pixel frame holds all 256 levels. */
function grayFrames(count: number, width: number, height: number): Image[] {
  return Array.from({ length: count }, (_, f) => ({
    width,
    height,
    channels: 1 as const,
    data: Float32Array.from({ length: width * height }, (_, i) => ((f * 97 + i) % 256) / 255),
  }));
}

/**
 * 32x32 colour frames: red across, green down, blue per frame, 1024 colours in each frame (far more
 * than a GIF palette holds), plus a fixed 2x2 mid-gray patch in the corner of every frame. Quantised
 * frame by frame, the patch would come out as a different colour in the middle frame, whose
 * gradient crowds the palette around mid-gray.
 */
const SIDE = 32;
function colourFrames(count: number): Image[] {
  return Array.from({ length: count }, (_, f) => {
    const data = new Float32Array(SIDE * SIDE * 3);
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const rgb = x < 2 && y < 2 ? [0.5, 0.5, 0.5] : [x / (SIDE - 1), y / (SIDE - 1), f / (count - 1)];
        data.set(rgb, (y * SIDE + x) * 3);
      }
    }
    return { width: SIDE, height: SIDE, channels: 3 as const, data };
  });
}

test('gray frames decode to exactly the input levels, with the requested delay and looping', () => {
  const frames = grayFrames(3, 32, 8);
  const { reader, frames: decoded } = decodeFrames(encodeGif(frames, { delayMs: 120 }));
  assert.deepEqual([reader.width, reader.height, reader.numFrames()], [32, 8, 3]);
  assert.equal(reader.loopCount(), 0, 'loop count 0 means repeat forever');
  for (let i = 0; i < 3; i++) {
    assert.equal(reader.frameInfo(i).delay, 12, 'delay in hundredths of a second');
    assert.deepEqual(decoded[i], toRgba8(frames[i]), `frame ${i}`);
  }
});

test('defaults are a 100 ms delay and looping; loop: false plays once', () => {
  const frames = grayFrames(2, 2, 2);
  const looping = new GifReader(encodeGif(frames));
  assert.equal(looping.frameInfo(1).delay, 10);
  assert.equal(looping.loopCount(), 0);
  assert.equal(new GifReader(encodeGif(frames, { loop: false })).loopCount(), null, 'no looping extension');
});

test('colour frames share one global palette and decode within quantisation error', () => {
  const frames = colourFrames(3);
  const { reader, frames: decoded } = decodeFrames(encodeGif(frames));
  assert.deepEqual([reader.width, reader.height, reader.numFrames()], [SIDE, SIDE, 3]);
  let worst = 0;
  decoded.forEach((rgba, i) => {
    assert.equal(reader.frameInfo(i).has_local_palette, false, `frame ${i} uses the global palette`);
    const expected = toRgba8(frames[i]);
    rgba.forEach((value, j) => (worst = Math.max(worst, Math.abs(value - expected[j]))));
  });
  // 3072 colours share 256 palette entries: about 12 per entry. The largest error seen is 20.
  assert.ok(worst <= 32, `largest channel error ${worst}`);
  // A colour that does not change between frames must not change in the GIF either (no flicker).
  const patchPixel = (rgba: Uint8Array): number[] => Array.from(rgba.subarray(0, 4));
  assert.deepEqual(patchPixel(decoded[1]), patchPixel(decoded[0]));
  assert.deepEqual(patchPixel(decoded[2]), patchPixel(decoded[0]));
});

test('frames of different sizes and empty sequences are rejected', () => {
  assert.throws(() => encodeGif([...grayFrames(1, 2, 2), ...grayFrames(1, 3, 2)]), /share one size/);
  assert.throws(() => encodeGif([]), /at least one frame/);
});

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gif-test-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

test('writeGif writes the encoded bytes and leaves no temporary file behind', () => {
  const frames = grayFrames(2, 3, 3);
  const target = path.join(scratch, 'traversal.gif');
  writeGif(target, frames, { delayMs: 50 });
  assert.deepEqual(new Uint8Array(fs.readFileSync(target)), encodeGif(frames, { delayMs: 50 }));
  assert.deepEqual(fs.readdirSync(scratch), ['traversal.gif']);
});
