// torchvision's colour jitter as V3's Sprites loader applies it (spec §5.3): one set of random
// factors for a whole sequence, the four adjust_* functions in a random order. The original jitters
// the stored uint8 frames, so these follow torchvision's uint8 tensor path exactly: every blend is
// clamped and truncated back to uint8, and rgb_to_grayscale truncates too. Every arithmetic step is
// rounded to float32 (Math.fround) because torch computes in float32, and the truncations make a
// float64 result one level off whenever a value lands just below an integer.
import type { Rng } from '../util/random.js';

const f32 = Math.fround;

const UINT8_MAX = 255;
/** convert_image_dtype's float -> uint8 scale, max + 1 - 1e-3, spreading [0, 1] evenly over 256 levels. */
const FLOAT_TO_UINT8_SCALE = f32(UINT8_MAX + 1 - 1e-3);
const GRAY_WEIGHTS = [f32(0.2989), f32(0.587), f32(0.114)] as const;

export type JitterOperation = 'brightness' | 'saturation' | 'hue' | 'contrast';

/** The ranges of `random_color_jitter(vid, brightness, contrast, saturation, hue)`. */
export interface JitterRanges {
  brightness: number;
  contrast: number;
  saturation: number;
  hue: number;
}

/** The Sprites loader's call: random_color_jitter(images, 0.01, 0.01, 0.2, 0.5). */
export const V3_SPRITES_JITTER: Readonly<JitterRanges> = { brightness: 0.01, contrast: 0.01, saturation: 0.2, hue: 0.5 };

/** One draw: the factors shared by every frame of a sequence and the order they are applied in. */
export interface ColourJitter {
  brightness: number;
  contrast: number;
  saturation: number;
  hue: number;
  order: JitterOperation[];
}

/**
 * Draws the factors as the original does (brightness, contrast, saturation from
 * U(max(0, 1 - r), 1 + r), hue from U(-r, r), in that order), then shuffles the operations listed
 * in its order brightness, saturation, hue, contrast. A zero range leaves its operation out.
 */
export function drawColourJitter(rng: Rng, ranges: Readonly<JitterRanges> = V3_SPRITES_JITTER): ColourJitter {
  const uniform = (low: number, high: number) => low + (high - low) * rng.float();
  const factorAround1 = (range: number) => (range > 0 ? uniform(Math.max(0, 1 - range), 1 + range) : 1);
  const brightness = factorAround1(ranges.brightness);
  const contrast = factorAround1(ranges.contrast);
  const saturation = factorAround1(ranges.saturation);
  const hue = ranges.hue > 0 ? uniform(-ranges.hue, ranges.hue) : 0;
  const used: JitterOperation[] = [];
  if (ranges.brightness > 0) used.push('brightness');
  if (ranges.saturation > 0) used.push('saturation');
  if (ranges.hue > 0) used.push('hue');
  if (ranges.contrast > 0) used.push('contrast');
  return { brightness, contrast, saturation, hue, order: rng.shuffle(used) };
}

/** Applies `jitter` in place to one RGB uint8 image (HWC); call it on every frame of the sequence. */
export function applyColourJitter(rgb: Uint8Array, jitter: ColourJitter): void {
  for (const operation of jitter.order) {
    if (operation === 'brightness') adjustBrightness(rgb, jitter.brightness);
    else if (operation === 'saturation') adjustSaturation(rgb, jitter.saturation);
    else if (operation === 'hue') adjustHue(rgb, jitter.hue);
    else adjustContrast(rgb, jitter.contrast);
  }
}

/** `.clamp(0, 255).to(torch.uint8)`: clamping first makes the truncation a floor. */
function clampToUint8(value: number): number {
  return Math.floor(Math.min(UINT8_MAX, Math.max(0, value)));
}

/** _blend(img1, img2, ratio) = ratio * img1 + (1 - ratio) * img2 in float32, then to uint8. */
function blend(value: number, other: number, ratio32: number, complement32: number): number {
  return clampToUint8(f32(f32(ratio32 * value) + f32(complement32 * other)));
}

/** rgb_to_grayscale on uint8: 0.2989 R + 0.587 G + 0.114 B, truncated to uint8. */
function grayOf(rgb: Uint8Array, pixel: number): number {
  const [wr, wg, wb] = GRAY_WEIGHTS;
  return Math.trunc(f32(f32(f32(wr * rgb[pixel]) + f32(wg * rgb[pixel + 1])) + f32(wb * rgb[pixel + 2])));
}

function checkRgb(rgb: Uint8Array): void {
  if (rgb.length % 3 !== 0) throw new RangeError(`an RGB image needs a multiple of 3 values, got ${rgb.length}`);
}

function checkNonNegative(name: string, factor: number): void {
  if (!(factor >= 0)) throw new RangeError(`${name} factor must be non-negative, got ${factor}`);
}

/** adjust_brightness: a blend with black. */
export function adjustBrightness(rgb: Uint8Array, factor: number): void {
  checkRgb(rgb);
  checkNonNegative('brightness', factor);
  const ratio = f32(factor);
  const complement = f32(1 - factor);
  for (let i = 0; i < rgb.length; i++) rgb[i] = blend(rgb[i], 0, ratio, complement);
}

/** adjust_saturation: a blend with the pixel's own (truncated) gray level. */
export function adjustSaturation(rgb: Uint8Array, factor: number): void {
  checkRgb(rgb);
  checkNonNegative('saturation', factor);
  const ratio = f32(factor);
  const complement = f32(1 - factor);
  for (let p = 0; p < rgb.length; p += 3) {
    const gray = grayOf(rgb, p);
    for (let c = 0; c < 3; c++) rgb[p + c] = blend(rgb[p + c], gray, ratio, complement);
  }
}

/** adjust_contrast: a blend with the mean of the image's truncated gray levels (per image, not per sequence). */
export function adjustContrast(rgb: Uint8Array, factor: number): void {
  checkRgb(rgb);
  checkNonNegative('contrast', factor);
  const pixels = rgb.length / 3;
  // Gray levels are integers, so their sum is exact in float32 up to 2^24 / 255 pixels, whatever the summation order.
  let graySum = 0;
  for (let p = 0; p < rgb.length; p += 3) graySum += grayOf(rgb, p);
  const mean = f32(graySum / pixels);
  const ratio = f32(factor);
  const complement = f32(1 - factor);
  for (let i = 0; i < rgb.length; i++) rgb[i] = blend(rgb[i], mean, ratio, complement);
}

/**
 * adjust_hue: to float in [0, 1] (x / 255), to HSV (_rgb2hsv), h <- (h + factor) mod 1, back to
 * RGB (_hsv2rgb) and to uint8 by truncating x * 255.999.
 */
export function adjustHue(rgb: Uint8Array, factor: number): void {
  checkRgb(rgb);
  if (!(factor >= -0.5 && factor <= 0.5)) throw new RangeError(`hue factor must lie in [-0.5, 0.5], got ${factor}`);
  const shift = f32(factor);
  // A sprite has a few hundred distinct colours among its 4096 pixels, so each is converted once.
  const converted = new Map<number, number>();
  const hsv = new Float64Array(3);
  const out = new Float64Array(3);
  for (let p = 0; p < rgb.length; p += 3) {
    const packed = (rgb[p] << 16) | (rgb[p + 1] << 8) | rgb[p + 2];
    let result = converted.get(packed);
    if (result === undefined) {
      rgbToHsv(f32(rgb[p] / UINT8_MAX), f32(rgb[p + 1] / UINT8_MAX), f32(rgb[p + 2] / UINT8_MAX), hsv);
      const shifted = f32(hsv[0] + shift);
      // torch's remainder takes the sign of the divisor: x - floor(x).
      hsvToRgb(f32(shifted - Math.floor(shifted)), hsv[1], hsv[2], out);
      result = (toUint8(out[0]) << 16) | (toUint8(out[1]) << 8) | toUint8(out[2]);
      converted.set(packed, result);
    }
    rgb[p] = result >>> 16;
    rgb[p + 1] = (result >>> 8) & 0xff;
    rgb[p + 2] = result & 0xff;
  }
}

/** convert_image_dtype(float -> uint8) of a value in [0, 1]: x * 255.999, truncated. */
function toUint8(value: number): number {
  return Math.trunc(f32(value * FLOAT_TO_UINT8_SCALE));
}

/** torchvision's _rgb2hsv for one pixel, every step in float32. */
function rgbToHsv(r: number, g: number, b: number, hsv: Float64Array): void {
  const maxc = Math.max(r, g, b);
  const minc = Math.min(r, g, b);
  const equal = maxc === minc;
  const chroma = f32(maxc - minc);
  const saturation = f32(chroma / (equal ? 1 : maxc));
  const divisor = equal ? 1 : chroma;
  const rc = f32(f32(maxc - r) / divisor);
  const gc = f32(f32(maxc - g) / divisor);
  const bc = f32(f32(maxc - b) / divisor);
  const hr = maxc === r ? f32(bc - gc) : 0;
  const hg = maxc === g && maxc !== r ? f32(f32(2 + rc) - bc) : 0;
  const hb = maxc !== g && maxc !== r ? f32(f32(4 + gc) - rc) : 0;
  const h = f32(f32(hr + hg) + hb);
  // fmod(h / 6 + 1, 1) of a positive value: its fractional part.
  const wrapped = f32(f32(h / 6) + 1);
  hsv[0] = f32(wrapped - Math.trunc(wrapped));
  hsv[1] = saturation;
  hsv[2] = maxc;
}

/** torchvision's _hsv2rgb for one pixel, every step in float32. */
function hsvToRgb(h: number, s: number, v: number, rgb: Float64Array): void {
  const h6 = f32(h * 6);
  const sector = Math.floor(h6);
  const fraction = f32(h6 - sector);
  const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
  const p = clamp01(f32(v * f32(1 - s)));
  const q = clamp01(f32(v * f32(1 - f32(s * fraction))));
  const t = clamp01(f32(v * f32(1 - f32(s * f32(1 - fraction)))));
  const [r, g, b] = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ][((sector % 6) + 6) % 6];
  rgb[0] = r;
  rgb[1] = g;
  rgb[2] = b;
}
