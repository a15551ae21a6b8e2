import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexToFactors, numObservations } from '../../src/datasets/ground_truth.js';
import { XYObjectData } from '../../src/datasets/xyobject.js';
import { XYObjectShadedData } from '../../src/datasets/xyobject_shaded.js';

const IMAGE_FLOATS = 64 * 64 * 3;
const shaded = new XYObjectShadedData();
const xyobject = new XYObjectData();

test('XYObjectShaded has factors x 25, y 25, scale 5, intensity 4, color 6: 75 000 RGB images', () => {
  assert.equal(shaded.name, 'xyobject_shaded');
  assert.deepEqual(shaded.factorNames, ['x', 'y', 'scale', 'intensity', 'color']);
  assert.deepEqual(shaded.factorSizes, [25, 25, 5, 4, 6]);
  assert.deepEqual(shaded.observationShape, [64, 64, 3]);
  assert.equal(numObservations(shaded), 75000);
});

test('every XYObjectShaded image equals the XYObject image with the same flat index', () => {
  const fromShaded = new Float32Array(IMAGE_FLOATS);
  const fromXYObject = new Float32Array(IMAGE_FLOATS);
  // Byte views compare whole images with one memcmp, keeping the 75 000-image sweep fast.
  const shadedBytes = Buffer.from(fromShaded.buffer);
  const xyobjectBytes = Buffer.from(fromXYObject.buffer);
  for (let index = 0; index < numObservations(shaded); index++) {
    shaded.render(indexToFactors(shaded.factorSizes, index), fromShaded, 0);
    xyobject.render(indexToFactors(xyobject.factorSizes, index), fromXYObject, 0);
    if (!shadedBytes.equals(xyobjectBytes)) assert.fail(`images differ at flat index ${index}`);
  }
});

test('intensity 2 of hue 3 (cyan) is 255·3//4 = 191 in green and blue', () => {
  const image = new Float32Array(IMAGE_FLOATS);
  shaded.render([0, 0, 4, 2, 3], image, 0);
  // side 15 at the origin: the whole 15 x 15 block from (0, 0) is lit.
  const cyan191 = [0, Math.fround(191 / 255), Math.fround(191 / 255)];
  assert.deepEqual(Array.from(image.subarray(0, 3)), cyan191);
  const corner = (14 * 64 + 14) * 3;
  assert.deepEqual(Array.from(image.subarray(corner, corner + 3)), cyan191);
  assert.deepEqual(Array.from(image.subarray(corner + 3, corner + 6)), [0, 0, 0]);
});

test('per-channel statistics match the published XYObject values', () => {
  // Per-image statistics do not depend on the position, so the 5 x 4 x 6 images at x = y = 0 give
  // the dataset's mean of per-image channel means and of per-image unbiased channel stds.
  const image = new Float32Array(IMAGE_FLOATS);
  const meanSum = [0, 0, 0];
  const stdSum = [0, 0, 0];
  let count = 0;
  for (let scale = 0; scale < 5; scale++) {
    for (let intensity = 0; intensity < 4; intensity++) {
      for (let hue = 0; hue < 6; hue++) {
        shaded.render([0, 0, scale, intensity, hue], image, 0);
        count++;
        for (let ch = 0; ch < 3; ch++) {
          let sum = 0;
          let sumSquares = 0;
          for (let p = ch; p < IMAGE_FLOATS; p += 3) {
            // Statistics of the uint8 data /255, as the published ones were computed (in float32,
            // hence the 1e-9 tolerance on the mean).
            const value = Math.round(image[p] * 255) / 255;
            sum += value;
            sumSquares += value * value;
          }
          const mean = sum / 4096;
          meanSum[ch] += mean;
          stdSum[ch] += Math.sqrt((sumSquares - 4096 * mean * mean) / 4095);
        }
      }
    }
  }
  for (let ch = 0; ch < 3; ch++) {
    assert.ok(Math.abs(meanSum[ch] / count - 0.009818761549013288) < 1e-9, `mean ${meanSum[ch] / count}`);
    assert.ok(Math.abs(stdSum[ch] / count - 0.052632363725245844) < 1e-9, `std ${stdSum[ch] / count}`);
  }
});
