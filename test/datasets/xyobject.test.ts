import { test } from 'node:test';
import assert from 'node:assert/strict';
import { factorsToIndex, numObservations, renderBatch, sampleFactors } from '../../src/datasets/ground_truth.js';
import { XYObjectData } from '../../src/datasets/xyobject.js';
import { Rng } from '../../src/util/random.js';

const SIZE = 64;
const xyobject = new XYObjectData();

function render(factors: number[]): Float32Array {
  const out = new Float32Array(SIZE * SIZE * 3);
  xyobject.render(factors, out, 0);
  return out;
}

function pixel(image: Float32Array, row: number, col: number): number[] {
  return Array.from(image.subarray((row * SIZE + col) * 3, (row * SIZE + col) * 3 + 3));
}

/** Rows and columns of the non-black pixels: [top, bottom, left, right], all inclusive. */
function squareBounds(image: Float32Array): [number, number, number, number] {
  let [top, bottom, left, right] = [SIZE, -1, SIZE, -1];
  for (let r = 0; r < SIZE; r++) {
    for (let c = 0; c < SIZE; c++) {
      if (pixel(image, r, c).some((v) => v !== 0)) {
        top = Math.min(top, r);
        bottom = Math.max(bottom, r);
        left = Math.min(left, c);
        right = Math.max(right, c);
      }
    }
  }
  return [top, bottom, left, right];
}

test('XYObject has factors x 25, y 25, scale 5, color 24: 75 000 RGB images', () => {
  assert.equal(xyobject.name, 'xyobject');
  assert.deepEqual(xyobject.factorNames, ['x', 'y', 'scale', 'color']);
  assert.deepEqual(xyobject.factorSizes, [25, 25, 5, 24]);
  assert.deepEqual(xyobject.observationShape, [64, 64, 3]);
  assert.equal(numObservations(xyobject), 75000);
  // 3·3000 + 7·120 + 1·24 + 8 = 9872
  assert.equal(factorsToIndex(xyobject.factorSizes, [3, 7, 1, 8]), 9872);
});

test('a side-9 square at x 3, y 7 starts at 2·f + (15 − 9)//2 and has colour 8 = green at 127', () => {
  const image = render([3, 7, 1, 8]);
  // left = 2·3 + 3 = 9, top = 2·7 + 3 = 17, 9 px wide.
  assert.deepEqual(squareBounds(image), [17, 25, 9, 17]);
  const green127 = [0, Math.fround(127 / 255), 0];
  for (const [r, c] of [[17, 9], [25, 17], [21, 13]]) assert.deepEqual(pixel(image, r, c), green127);
  for (const [r, c] of [[16, 9], [17, 8], [26, 17], [25, 18]]) assert.deepEqual(pixel(image, r, c), [0, 0, 0]);
  const lit = image.reduce((n, v, i) => n + (i % 3 === 1 && v !== 0 ? 1 : 0), 0);
  assert.equal(lit, 81);
});

test('the extreme squares: smallest at the origin in dark red, largest at the far corner in bright magenta', () => {
  const smallest = render([0, 0, 0, 0]);
  // side 7, inset (15 − 7)//2 = 4; colour 0 = red at 255·1//4 = 63.
  assert.deepEqual(squareBounds(smallest), [4, 10, 4, 10]);
  assert.deepEqual(pixel(smallest, 4, 4), [Math.fround(63 / 255), 0, 0]);
  const largest = render([24, 24, 4, 23]);
  // side 15, inset 0, top-left 48: reaches row/col 62; colour 23 = magenta at 255.
  assert.deepEqual(squareBounds(largest), [48, 62, 48, 62]);
  assert.deepEqual(pixel(largest, 62, 62), [1, 0, 1]);
});

test('colour c is hue c % 6 of [R, Y, G, C, B, M] at brightness 63, 127, 191, 255 for level c // 6', () => {
  const hues = [[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 1, 1], [0, 0, 1], [1, 0, 1]];
  const levels = [63, 127, 191, 255];
  for (let c = 0; c < 24; c++) {
    const expected = hues[c % 6].map((on) => Math.fround((on * levels[Math.floor(c / 6)]) / 255));
    assert.deepEqual(pixel(render([12, 12, 2, c]), 30, 30), expected, `colour ${c}`);
  }
});

test('growing the square keeps its centre: the cell centre stays at 2·f + 7', () => {
  for (let scale = 0; scale < 5; scale++) {
    const [top, bottom, left, right] = squareBounds(render([5, 10, scale, 23]));
    assert.equal((left + right) / 2, 17);
    assert.equal((top + bottom) / 2, 27);
    assert.equal(right - left + 1, 7 + 2 * scale);
  }
});

test('pixel statistics equal the published vis_mean and vis_std', () => {
  // Position never changes an image's statistics (the square is never clipped), so the dataset
  // averages are the averages over scale × colour at one position. vis_std is the mean over
  // images and channels of the unbiased per-channel std over H·W.
  const pixels = SIZE * SIZE;
  let meanSum = 0;
  let stdSum = 0;
  let count = 0;
  for (let scale = 0; scale < 5; scale++) {
    for (let colour = 0; colour < 24; colour++) {
      const image = render([0, 0, scale, colour]);
      for (let ch = 0; ch < 3; ch++) {
        let sum = 0;
        let sumSquares = 0;
        for (let p = 0; p < pixels; p++) {
          sum += image[p * 3 + ch];
          sumSquares += image[p * 3 + ch] ** 2;
        }
        const mean = sum / pixels;
        meanSum += mean;
        stdSum += Math.sqrt((sumSquares - pixels * mean * mean) / (pixels - 1));
        count++;
      }
    }
  }
  assert.ok(Math.abs(meanSum / count - 0.009818761549013288) < 1e-8, `mean ${meanSum / count}`);
  assert.ok(Math.abs(stdSum / count - 0.052632363725245844) < 1e-8, `std ${stdSum / count}`);
});

test('rendering is deterministic and writes only its own slot', () => {
  const factors = sampleFactors(xyobject.factorSizes, 40, Rng.fromSeed(4));
  const a = renderBatch(xyobject, factors, 40);
  const b = renderBatch(new XYObjectData(), factors, 40);
  assert.ok(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)));
  const size = SIZE * SIZE * 3;
  const out = new Float32Array(3 * size).fill(-1);
  xyobject.render([1, 2, 3, 4], out, size);
  assert.ok(out.subarray(0, size).every((v) => v === -1));
  assert.ok(out.subarray(2 * size).every((v) => v === -1));
  assert.ok(out.subarray(size, 2 * size).every((v) => v >= 0 && v <= 1));
});

test('factors outside their ranges are rejected', () => {
  assert.throws(() => render([25, 0, 0, 0]), RangeError);
  assert.throws(() => render([0, 0, 5, 0]), RangeError);
  assert.throws(() => render([0, 0, 0, 24]), RangeError);
});
