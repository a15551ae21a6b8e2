import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustSaturation,
  applyColourJitter,
  drawColourJitter,
  V3_SPRITES_JITTER,
} from '../../src/sequences/colour_jitter.js';
import { Rng } from '../../src/util/random.js';

function adjusted(pixels: number[], adjust: (rgb: Uint8Array) => void): number[] {
  const rgb = Uint8Array.from(pixels);
  adjust(rgb);
  return Array.from(rgb);
}

test('brightness scales and truncates: 1.5 * (100, 50, 201, 3, 0, 255) = (150, 75, 255 clamped, 4 from 4.5, 0, 255)', () => {
  assert.deepEqual(adjusted([100, 50, 201, 3, 0, 255], (rgb) => adjustBrightness(rgb, 1.5)), [150, 75, 255, 4, 0, 255]);
});

test('brightness is computed in float32, as torch: 1.3 * 90 gives 116, not float64\'s 117', () => {
  // fround(1.3) = 1.29999995, times 90 = 116.9999957, nearest float32 116.9999924, truncated to 116;
  // in float64 1.3 * 90 = 117.00000000000001.
  assert.deepEqual(adjusted([90, 0, 0], (rgb) => adjustBrightness(rgb, 1.3)), [116, 0, 0]);
});

test('saturation blends with the truncated gray: gray(100, 50, 200) = trunc(29.89 + 29.35 + 22.8) = 82', () => {
  // 0.5 * 100 + 0.5 * 82 = 91, 0.5 * 50 + 41 = 66, 100 + 41 = 141.
  assert.deepEqual(adjusted([100, 50, 200], (rgb) => adjustSaturation(rgb, 0.5)), [91, 66, 141]);
  // 2 * 100 - 82 = 118, 100 - 82 = 18, 400 - 82 = 318 -> 255.
  assert.deepEqual(adjusted([100, 50, 200], (rgb) => adjustSaturation(rgb, 2)), [118, 18, 255]);
  // The gray weights sum to 0.9999, so white's gray is trunc(254.97) = 254.
  assert.deepEqual(adjusted([255, 255, 255], (rgb) => adjustSaturation(rgb, 0)), [254, 254, 254]);
});

test('contrast blends with the image mean of the gray levels: (82 + 0) / 2 = 41', () => {
  // 1.5 * 100 - 0.5 * 41 = 129.5, 75 - 20.5 = 54.5, 300 - 20.5 -> 255, and black -20.5 -> 0.
  assert.deepEqual(adjusted([100, 50, 200, 0, 0, 0], (rgb) => adjustContrast(rgb, 1.5)), [129, 54, 255, 0, 0, 0]);
  assert.deepEqual(adjusted([100, 50, 200, 0, 0, 0], (rgb) => adjustContrast(rgb, 0)), [41, 41, 41, 41, 41, 41]);
});

test('hue rotates around the HSV circle: red + 1/3 is green, + 1/2 cyan, - 1/3 blue', () => {
  assert.deepEqual(adjusted([255, 0, 0], (rgb) => adjustHue(rgb, 1 / 3)), [0, 255, 0]);
  assert.deepEqual(adjusted([255, 0, 0], (rgb) => adjustHue(rgb, 0.5)), [0, 255, 255]);
  assert.deepEqual(adjusted([255, 0, 0], (rgb) => adjustHue(rgb, -1 / 3)), [0, 0, 255]);
});

test('hue on (200, 100, 50) + 0.25: h = 1/18 -> 11/36, sector 1 gives (q, v, p) = (75, 200, 50)', () => {
  // v = 200/255, s = 0.75; h6 = 1.8333, f = 0.8333; p = v/4 -> 50.2, q = 0.375 v -> 75.3, v -> 200.8,
  // each scaled by 255.999 and truncated.
  assert.deepEqual(adjusted([200, 100, 50], (rgb) => adjustHue(rgb, 0.25)), [75, 200, 50]);
});

test('hue leaves grays and black as they are, and a zero shift changes nothing', () => {
  assert.deepEqual(adjusted([120, 120, 120, 0, 0, 0, 255, 255, 255], (rgb) => adjustHue(rgb, 0.4)), [120, 120, 120, 0, 0, 0, 255, 255, 255]);
  const colours = [7, 200, 31, 255, 1, 128, 64, 64, 65];
  assert.deepEqual(adjusted(colours, (rgb) => adjustHue(rgb, 0)), colours);
});

test('factors outside torchvision\'s ranges are refused', () => {
  assert.throws(() => adjustHue(new Uint8Array(3), 0.6), RangeError);
  assert.throws(() => adjustBrightness(new Uint8Array(3), -0.1), RangeError);
  assert.throws(() => adjustSaturation(new Uint8Array(4), 1), RangeError);
});

test('the operations are applied in the drawn order, which matters', () => {
  const jitter = { brightness: 1.5, contrast: 1, saturation: 0, hue: 0 };
  // Gray first: (82, 82, 82) * 1.5 = 123.
  assert.deepEqual(adjusted([100, 50, 200], (rgb) => applyColourJitter(rgb, { ...jitter, order: ['saturation', 'brightness'] })), [123, 123, 123]);
  // Brighter first: (150, 75, 255), gray 44.835 + 44.025 + 29.07 = 117.93 -> 117.
  assert.deepEqual(adjusted([100, 50, 200], (rgb) => applyColourJitter(rgb, { ...jitter, order: ['brightness', 'saturation'] })), [117, 117, 117]);
});

test('drawn factors lie in the V3 Sprites ranges and the order is a permutation of the four operations', () => {
  const rng = Rng.fromSeed(11);
  const orders = new Set<string>();
  for (let i = 0; i < 300; i++) {
    const jitter = drawColourJitter(rng);
    assert.ok(jitter.brightness >= 0.99 && jitter.brightness <= 1.01);
    assert.ok(jitter.contrast >= 0.99 && jitter.contrast <= 1.01);
    assert.ok(jitter.saturation >= 0.8 && jitter.saturation <= 1.2);
    assert.ok(jitter.hue >= -0.5 && jitter.hue <= 0.5);
    assert.deepEqual([...jitter.order].sort(), ['brightness', 'contrast', 'hue', 'saturation']);
    orders.add(jitter.order.join());
  }
  // 300 draws of 24 equally likely orders miss one with probability below 24 * (23/24)^300 < 1e-4.
  assert.equal(orders.size, 24);
  assert.deepEqual(drawColourJitter(Rng.fromSeed(5)), drawColourJitter(Rng.fromSeed(5)));
  assert.deepEqual(V3_SPRITES_JITTER, { brightness: 0.01, contrast: 0.01, saturation: 0.2, hue: 0.5 });
});

test('a zero range leaves its operation out', () => {
  const jitter = drawColourJitter(Rng.fromSeed(2), { brightness: 0, contrast: 0, saturation: 0.2, hue: 0 });
  assert.deepEqual(jitter.order, ['saturation']);
  assert.equal(jitter.brightness, 1);
  assert.equal(jitter.hue, 0);
});
