import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage, imageGrid, toBytes8, toRgba8, type Image } from '../../src/viz/image.js';

function pixel(img: Image, x: number, y: number): number[] {
  const start = (y * img.width + x) * img.channels;
  return Array.from(img.data.subarray(start, start + img.channels));
}

/** A 2x2 gray image whose pixel (x, y) is (4k + 2y + x) / 16, so every pixel of every image differs. */
function numbered(k: number): Image {
  return { width: 2, height: 2, channels: 1, data: Float32Array.from({ length: 4 }, (_, i) => (4 * k + i) / 16) };
}

test('imageGrid fills rows left to right with padding between and around the images', () => {
  const grid = imageGrid([numbered(0), numbered(1), numbered(2)], 2, { padding: 1, background: 0.5 });
  // 2 columns and 2 rows of 2x2 cells, each with 1 pixel of padding before it, plus 1 after the last.
  assert.deepEqual([grid.width, grid.height, grid.channels], [7, 7, 1]);
  // Image 0 starts at (1, 1), image 1 at (1 + 3, 1) = (4, 1), image 2 at (1, 1 + 3) = (1, 4).
  assert.deepEqual(pixel(grid, 1, 1), [0 / 16]);
  assert.deepEqual(pixel(grid, 2, 2), [3 / 16]);
  assert.deepEqual(pixel(grid, 4, 1), [4 / 16]);
  assert.deepEqual(pixel(grid, 5, 2), [7 / 16]);
  assert.deepEqual(pixel(grid, 1, 4), [8 / 16]);
  assert.deepEqual(pixel(grid, 2, 5), [11 / 16]);
  // Padding, and the fourth cell, which has no image.
  for (const [x, y] of [[0, 0], [3, 1], [6, 6], [1, 3], [4, 4], [5, 5]]) {
    assert.deepEqual(pixel(grid, x, y), [0.5], `(${x}, ${y})`);
  }
});

test('imageGrid defaults to 2 pixels of white padding', () => {
  const grid = imageGrid([createImage(1, 1, 1, 0.25)], 1);
  assert.deepEqual([grid.width, grid.height], [5, 5]);
  assert.deepEqual(pixel(grid, 2, 2), [0.25]);
  assert.equal(grid.data.filter((value) => value === 1).length, 24);
});

test('imageGrid turns gray images into RGB when the grid also holds colour', () => {
  const red: Image = { width: 1, height: 1, channels: 3, data: Float32Array.of(1, 0, 0) };
  const gray = createImage(1, 1, 1, 0.25);
  const grid = imageGrid([gray, red], 2, { padding: 0 });
  assert.equal(grid.channels, 3);
  assert.deepEqual(pixel(grid, 0, 0), [0.25, 0.25, 0.25]);
  assert.deepEqual(pixel(grid, 1, 0), [1, 0, 0]);
});

test('imageGrid rejects images of different sizes and empty grids', () => {
  assert.throws(() => imageGrid([createImage(2, 2, 1), createImage(2, 3, 1)], 2), /share one size/);
  assert.throws(() => imageGrid([], 2), /at least one image/);
  assert.throws(() => imageGrid([createImage(1, 1, 1)], 0), /columns/);
});

test('toRgba8 clamps, rounds 255 * v, copies gray into RGB and makes pixels opaque', () => {
  const gray: Image = { width: 6, height: 1, channels: 1, data: Float32Array.of(-0.5, 0, 0.5, 1, 1.5, Number.NaN) };
  assert.deepEqual(
    Array.from(toRgba8(gray)),
    // -0.5 clamps to 0; 0.5 gives round(127.5) = 128; 1.5 clamps to 255; NaN becomes 0.
    [0, 0, 0, 255, 0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 255],
  );
  const colour: Image = { width: 1, height: 1, channels: 3, data: Float32Array.of(0.2, 0.4, 1) };
  assert.deepEqual(Array.from(toRgba8(colour)), [51, 102, 255, 255]);
  assert.deepEqual(Array.from(toBytes8(colour)), [51, 102, 255]);
});
