import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIGIT_GLYPHS, DIGIT_TOP_PX, PEN_WIDTH_PX, rasteriseDigit } from '../../src/sequences/digit_glyphs.js';

const WIDTH = 32;
const HEIGHT = 48;

/** A digit placed as PhoneNums places it, half a pixel into its sub-pixel range. */
function placed(digit: number): Float32Array {
  const originX = Math.floor((WIDTH - DIGIT_GLYPHS[digit].inkWidth) / 2) + 0.5;
  return rasteriseDigit(digit, WIDTH, HEIGHT, originX, 0.5 - 8);
}

/** Soft intersection over union: sum of minima over sum of maxima. */
function softIou(a: Float32Array, b: Float32Array): number {
  let intersection = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    intersection += Math.min(a[i], b[i]);
    union += Math.max(a[i], b[i]);
  }
  return intersection / union;
}

test('every digit fits a 32x48 patch with ink of stroke weight and none on the patch border', () => {
  for (let digit = 0; digit <= 9; digit++) {
    const glyph = DIGIT_GLYPHS[digit];
    assert.ok(glyph.inkWidth <= WIDTH - 2, `digit ${digit} is ${glyph.inkWidth} px wide`);
    assert.ok(glyph.inkTop - 8 >= 1 && glyph.inkBottom - 7 <= HEIGHT - 1, `digit ${digit} spans ${glyph.inkTop}..${glyph.inkBottom}`);
    const coverage = placed(digit);
    const ink = coverage.reduce((sum, value) => sum + value, 0);
    // A 34 px tall stroke of width 4.5 inks at least 150 px; ten times that would be a filled blob.
    assert.ok(ink > 150 && ink < 600, `digit ${digit} has ${ink} px of ink`);
    for (let x = 0; x < WIDTH; x++) assert.equal(coverage[x] + coverage[(HEIGHT - 1) * WIDTH + x], 0);
    for (let y = 0; y < HEIGHT; y++) assert.equal(coverage[y * WIDTH] + coverage[y * WIDTH + WIDTH - 1], 0);
  }
});

test('every digit differs from every other (soft IoU below 0.7)', () => {
  const coverages = Array.from({ length: 10 }, (_, digit) => placed(digit));
  for (let a = 0; a < 10; a++) {
    for (let b = a + 1; b < 10; b++) {
      const iou = softIou(coverages[a], coverages[b]);
      assert.ok(iou < 0.7, `digits ${a} and ${b} overlap with IoU ${iou.toFixed(3)}`);
    }
  }
});

test("the 0's ink extent is its ellipse (rx 10, ry 16.5, top at 0.5) widened by the pen", () => {
  const zero = DIGIT_GLYPHS[0];
  const halfPen = PEN_WIDTH_PX / 2;
  assert.ok(Math.abs(zero.inkWidth - (20 + PEN_WIDTH_PX)) < 1e-9);
  assert.ok(Math.abs(zero.inkTop - (DIGIT_TOP_PX + 0.5 - halfPen)) < 1e-9);
  assert.ok(Math.abs(zero.inkBottom - (DIGIT_TOP_PX + 33.5 + halfPen)) < 1e-9);
});

test('coverage across a near-vertical pen edge is the covered fraction of the pixel', () => {
  // The 0's leftmost centre-line point is at x = halfPen, y = DIGIT_TOP_PX + 17 = 32 from the
  // origin, where the stroke runs vertically. With the origin at (0.3, 0.5), pixel row 32 has its
  // centre level with that point, the ink's left edge is at x = 0.3, so pixel column 0 is 70%
  // covered, columns 1-3 fully, and the right edge at 0.3 + 4.5 = 4.8 covers 80% of column 4
  // (to within the 8-segment flattening of the curve, which bends towards column 4).
  const coverage = rasteriseDigit(0, WIDTH, 64, 0.3, 0.5);
  const row = 32;
  const expected = [0.7, 1, 1, 1, 0.8, 0];
  expected.forEach((value, col) => assert.ok(Math.abs(coverage[row * WIDTH + col] - value) < 0.01, `column ${col}: ${coverage[row * WIDTH + col]} vs ${value}`));
});

test('moving the origin by whole pixels moves the coverage by whole pixels', () => {
  const base = rasteriseDigit(7, WIDTH, HEIGHT, 3.25, -7.75);
  const moved = rasteriseDigit(7, WIDTH, HEIGHT, 5.25, -4.75);
  for (let y = 0; y + 3 < HEIGHT; y++) {
    for (let x = 0; x + 2 < WIDTH; x++) assert.ok(Math.abs(base[y * WIDTH + x] - moved[(y + 3) * WIDTH + x + 2]) < 1e-6);
  }
});

test('a digit outside 0..9 is refused', () => {
  assert.throws(() => rasteriseDigit(10, WIDTH, HEIGHT, 0, 0), RangeError);
  assert.throws(() => rasteriseDigit(1.5, WIDTH, HEIGHT, 0, 0), RangeError);
});
