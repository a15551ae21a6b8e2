import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pngjs from 'pngjs';
import { toRgba8, type Image } from '../../src/viz/image.js';
import { encodePng, writePng } from '../../src/viz/png.js';

/** Channel values k / 255 for k = 0, 7, 14, ...: exact bytes after encoding, all different. */
function steppedImage(width: number, height: number, channels: 1 | 3): Image {
  return { width, height, channels, data: Float32Array.from({ length: width * height * channels }, (_, k) => ((7 * k) % 256) / 255) };
}

const decode = (png: Uint8Array) => pngjs.PNG.sync.read(Buffer.from(png));

test('a colour image survives a PNG round trip byte for byte', () => {
  const img = steppedImage(3, 2, 3);
  const decoded = decode(encodePng(img));
  assert.deepEqual([decoded.width, decoded.height, decoded.colorType], [3, 2, 2]);
  assert.deepEqual(new Uint8Array(decoded.data), toRgba8(img));
});

test('a gray image is stored as a gray PNG and survives the round trip', () => {
  const img = steppedImage(4, 3, 1);
  const decoded = decode(encodePng(img));
  assert.deepEqual([decoded.width, decoded.height, decoded.colorType], [4, 3, 0]);
  assert.deepEqual(new Uint8Array(decoded.data), toRgba8(img));
});

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'png-test-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

test('writePng writes the encoded bytes and leaves no temporary file behind', () => {
  const img = steppedImage(2, 2, 3);
  const target = path.join(scratch, 'sample.png');
  writePng(target, img);
  assert.deepEqual(new Uint8Array(fs.readFileSync(target)), encodePng(img));
  assert.deepEqual(fs.readdirSync(scratch), ['sample.png']);
});
