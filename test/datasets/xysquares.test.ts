import { test } from 'node:test';
import assert from 'node:assert/strict';
import { factorsToIndex, numObservations, type GroundTruthData } from '../../src/datasets/ground_truth.js';
import { XYSingleSquareData, XYSquaresData, XYSquaresMinimalData, squareGrid } from '../../src/datasets/xysquares.js';

const SIZE = 64;

function render(data: GroundTruthData, factors: number[]): Float32Array {
  const [h, w, c] = data.observationShape;
  const out = new Float32Array(h * w * c);
  data.render(factors, out, 0);
  return out;
}

/** [top, bottom, left, right] (inclusive) of the non-zero pixels of one channel. */
function channelBounds(image: Float32Array, channels: number, channel: number): [number, number, number, number] {
  let [top, bottom, left, right] = [SIZE, -1, SIZE, -1];
  for (let r = 0; r < SIZE; r++) {
    for (let c = 0; c < SIZE; c++) {
      if (image[(r * SIZE + c) * channels + channel] !== 0) {
        top = Math.min(top, r);
        bottom = Math.max(bottom, r);
        left = Math.min(left, c);
        right = Math.max(right, c);
      }
    }
  }
  return [top, bottom, left, right];
}

function channelCount(image: Float32Array, channels: number, channel: number, value: number): number {
  let count = 0;
  for (let p = channel; p < image.length; p += channels) if (image[p] === value) count++;
  return count;
}

test('XYSquares defaults: 6 factors of 8 positions, 8^6 = 262 144 RGB images', () => {
  const data = new XYSquaresData();
  assert.equal(data.name, 'xysquares');
  assert.deepEqual(data.factorNames, ['x_R', 'y_R', 'x_G', 'y_G', 'x_B', 'y_B']);
  assert.deepEqual(data.factorSizes, [8, 8, 8, 8, 8, 8]);
  assert.deepEqual(data.observationShape, [64, 64, 3]);
  assert.equal(numObservations(data), 262144);
  assert.deepEqual(data.grid, { squareSize: 8, imageSize: 64, spacing: 8, positions: 8, offset: 0 });
  const minimal = new XYSquaresMinimalData();
  assert.equal(minimal.name, 'xysquares_minimal');
  assert.deepEqual(minimal.factorSizes, data.factorSizes);
});

test('at spacing 8 square i sits at (8·x, 8·y) in channel i only, 8 x 8 px of value 1', () => {
  const data = new XYSquaresData();
  // red at x 1, y 2 → cols 8..15, rows 16..23; green at (7, 0) → cols 56..63, rows 0..7;
  // blue at (3, 3) → cols 24..31, rows 24..31.
  const image = render(data, [1, 2, 7, 0, 3, 3]);
  assert.deepEqual(channelBounds(image, 3, 0), [16, 23, 8, 15]);
  assert.deepEqual(channelBounds(image, 3, 1), [0, 7, 56, 63]);
  assert.deepEqual(channelBounds(image, 3, 2), [24, 31, 24, 31]);
  for (let ch = 0; ch < 3; ch++) {
    assert.equal(channelCount(image, 3, ch, 1), 64);
    assert.equal(channelCount(image, 3, ch, 0), 4096 - 64);
  }
  // Red pixel (row 16, col 8) is [1, 0, 0]; the pixel just above is black.
  assert.deepEqual(Array.from(image.subarray((16 * 64 + 8) * 3, (16 * 64 + 8) * 3 + 3)), [1, 0, 0]);
  assert.deepEqual(Array.from(image.subarray((15 * 64 + 8) * 3, (15 * 64 + 8) * 3 + 3)), [0, 0, 0]);
});

test('squares in the same place light all three channels of the same pixels (white)', () => {
  const image = render(new XYSquaresData(), [4, 5, 4, 5, 4, 5]);
  const pixel = (40 * 64 + 32) * 3;
  assert.deepEqual(Array.from(image.subarray(pixel, pixel + 3)), [1, 1, 1]);
});

test('the overlap sweep keeps 8 positions and centres the grid: offsets 0,3,7,10,14,17,21,24', () => {
  const expectedOffsets: Record<number, number> = { 8: 0, 7: 3, 6: 7, 5: 10, 4: 14, 3: 17, 2: 21, 1: 24 };
  for (const [spacing, offset] of Object.entries(expectedOffsets)) {
    const grid = squareGrid({ gridSize: 8, gridSpacing: Number(spacing) });
    assert.equal(grid.positions, 8, `spacing ${spacing}`);
    assert.equal(grid.offset, offset, `spacing ${spacing}`);
  }
  // Without the cap, spacing 4 fits (64 − 8)//4 + 1 = 15 positions, offset (64 − (8 + 56))//2 = 0.
  assert.deepEqual(squareGrid({ gridSpacing: 4 }), { squareSize: 8, imageSize: 64, spacing: 4, positions: 15, offset: 0 });
});

test('at spacing 3 (grid 8) square i sits at 17 + 3·f and neighbouring positions share 5 columns', () => {
  const data = new XYSquaresData({ gridSize: 8, gridSpacing: 3 });
  assert.deepEqual(data.factorSizes, [8, 8, 8, 8, 8, 8]);
  // red at (2, 7): left 17 + 6 = 23, top 17 + 21 = 38; green at (0, 0): 17; blue at (7, 1): left 38, top 20.
  const image = render(data, [2, 7, 0, 0, 7, 1]);
  assert.deepEqual(channelBounds(image, 3, 0), [38, 45, 23, 30]);
  assert.deepEqual(channelBounds(image, 3, 1), [17, 24, 17, 24]);
  assert.deepEqual(channelBounds(image, 3, 2), [20, 27, 38, 45]);
  const next = render(data, [3, 7, 0, 0, 7, 1]);
  assert.deepEqual(channelBounds(next, 3, 0), [38, 45, 26, 33]);
  let shared = 0;
  for (let p = 0; p < image.length; p += 3) if (image[p] === 1 && next[p] === 1) shared++;
  assert.equal(shared, 8 * 5);
});

test('per-channel statistics match the published values and do not change with the spacing', () => {
  // Mean of per-image channel means and of per-image unbiased channel stds (msc_research.md §1).
  // Every RGB image has exactly 64 lit pixels per channel, so any images give the dataset's values.
  for (const spacing of [8, 5, 1]) {
    const data = new XYSquaresData({ gridSize: 8, gridSpacing: spacing });
    const image = render(data, [0, 7, 3, 2, 7, 7]);
    for (let ch = 0; ch < 3; ch++) {
      const values = Array.from({ length: 4096 }, (_, p) => image[p * 3 + ch]);
      const mean = values.reduce((a, b) => a + b, 0) / 4096;
      const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 4095);
      assert.equal(mean, 0.015625);
      assert.ok(Math.abs(std - 0.12403473458920855) < 1e-12, `std ${std}`);
    }
  }
});

test('greyscale XYSquares (rgb false) reproduces the published mean and std', () => {
  const data = new XYSquaresData({ rgb: false });
  assert.deepEqual(data.observationShape, [64, 64, 1]);
  // The statistics depend only on how many of the 3 squares coincide, whose distribution is the
  // same for every position of the first square; fixing it at (0, 0) and enumerating the other
  // two squares over all 64 x 64 placements therefore gives the full dataset's averages exactly.
  let meanSum = 0;
  let stdSum = 0;
  for (let second = 0; second < 64; second++) {
    for (let third = 0; third < 64; third++) {
      const image = render(data, [0, 0, second % 8, second >> 3, third % 8, third >> 3]);
      const lit = channelCount(image, 1, 0, 1);
      const mean = lit / 4096;
      meanSum += mean;
      stdSum += Math.sqrt((lit - 4096 * mean * mean) / 4095);
    }
  }
  assert.ok(Math.abs(meanSum / 4096 - 0.046146392822265625) < 1e-15);
  assert.ok(Math.abs(stdSum / 4096 - 0.2096506119375896) < 1e-12, `std ${stdSum / 4096}`);
});

test('numSquares and fillValue: one square at half intensity, factors x_R, y_R', () => {
  const data = new XYSquaresData({ numSquares: 1, fillValue: 0.5 });
  assert.deepEqual(data.factorNames, ['x_R', 'y_R']);
  const image = render(data, [7, 7]);
  assert.deepEqual(channelBounds(image, 3, 0), [56, 63, 56, 63]);
  assert.equal(channelCount(image, 3, 0, 0.5), 64);
  assert.equal(channelCount(image, 3, 1, 0), 4096);
  assert.throws(() => new XYSquaresData({ numSquares: 4 }), RangeError);
  assert.throws(() => new XYSquaresData({ gridSpacing: 0 }), RangeError);
});

test('XYSingleSquare: factors x, y of 8 positions, one grey channel; other spacing centres the grid', () => {
  const data = new XYSingleSquareData();
  assert.equal(data.name, 'xysinglesquare');
  assert.deepEqual(data.factorNames, ['x', 'y']);
  assert.deepEqual(data.factorSizes, [8, 8]);
  assert.deepEqual(data.observationShape, [64, 64, 1]);
  assert.equal(numObservations(data), 64);
  const image = render(data, [6, 1]);
  assert.deepEqual(channelBounds(image, 1, 0), [8, 15, 48, 55]);
  assert.equal(channelCount(image, 1, 0, 1), 64);
  // spacing 7: (64 − 8)//7 + 1 = 9 positions, offset (64 − (8 + 56))//2 = 0; x 8 → left 56.
  const spaced = new XYSingleSquareData({ gridSpacing: 7, squareSize: 6 });
  // side 6: (64 − 6)//7 + 1 = 9 positions, offset (64 − (6 + 56))//2 = 1.
  assert.deepEqual(spaced.factorSizes, [9, 9]);
  assert.deepEqual(channelBounds(render(spaced, [8, 0]), 1, 0), [1, 6, 57, 62]);
});

test('factors outside their range are rejected and the output offset is respected', () => {
  const data = new XYSquaresData();
  assert.throws(() => render(data, [8, 0, 0, 0, 0, 0]), RangeError);
  const size = 64 * 64 * 3;
  const out = new Float32Array(2 * size).fill(0.25);
  data.render([0, 0, 0, 0, 0, 0], out, size);
  assert.ok(out.subarray(0, size).every((v) => v === 0.25));
  assert.equal(out[size], 1);
  assert.equal(factorsToIndex(data.factorSizes, [0, 0, 0, 0, 0, 1]), 1);
});
