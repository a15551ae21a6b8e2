import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PAGE_WIDTH,
  PALETTES,
  PATCH_HEIGHT,
  PATCH_WIDTH,
  PhoneNumsData,
  addTruncatedNoiseWrapped,
  blurColumnsVertically,
  columnKernelSizes,
  foregroundLevels,
  openCvGaussianKernel,
} from '../../src/sequences/phonenums.js';
import { sampleSize } from '../../src/sequences/sequence_data.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/random.js';

const CHANNELS = 3;

function pixelAt(pixels: Uint8Array, y: number, x: number): number[] {
  const at = (y * PAGE_WIDTH + x) * CHANNELS;
  return Array.from(pixels.subarray(at, at + CHANNELS));
}

test('the same seed gives the same pages, another seed other pages', () => {
  const a = new PhoneNumsData({ seed: 3, pages: 20 });
  const b = new PhoneNumsData({ seed: 3, pages: 20 });
  const c = new PhoneNumsData({ seed: 4, pages: 20 });
  assert.deepEqual(a.renderPage(7).pixels, b.renderPage(7).pixels);
  assert.notDeepEqual(a.renderPage(7).pixels, c.renderPage(7).pixels);
});

test('a page does not depend on which pages were drawn before it', () => {
  const fresh = new PhoneNumsData({ seed: 5, pages: 20 }).renderPage(11);
  const used = new PhoneNumsData({ seed: 5, pages: 20 });
  for (const page of [3, 19, 0]) used.renderPage(page);
  assert.deepEqual(used.renderPage(11), fresh);
});

test('every page is a permutation of the ten digits, and pages differ', () => {
  const data = new PhoneNumsData({ seed: 1, pages: 40, blur: false, noise: false });
  const numbers = new Set<string>();
  for (let page = 0; page < 40; page++) {
    const { digits } = data.renderPage(page);
    assert.deepEqual(Array.from(digits).sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    numbers.add(digits.join(''));
  }
  assert.ok(numbers.size > 35);
});

test("the named colours' base foregrounds are int(c * 240 + 8), worked out by hand", () => {
  const expected: Record<string, number[]> = {
    black: [8, 8, 8],
    blue: [8, 8, 248],
    green: [8, 128, 8], // 128 / 255 * 240 + 8 = 128.47
    red: [248, 8, 8],
    teal: [8, 128, 128],
    purple: [128, 8, 128],
    orange: [248, 163, 8], // 165 -> 163.29
    brown: [163, 47, 47], // 42 -> 47.53
    pink: [248, 188, 199], // 192 -> 188.71, 203 -> 199.06
    salmon: [243, 128, 115], // 250 -> 243.29, 114 -> 115.29
    gold: [248, 210, 8], // 215 -> 210.35
    lime: [8, 248, 8],
    cyan: [8, 248, 248],
    magenta: [248, 8, 248],
    gray: [128, 128, 128],
    peru: [200, 133, 67], // 205 -> 200.94, 133 -> 133.18, 63 -> 67.29
  };
  for (const name of [...PALETTES.in_distribution, ...PALETTES.ood]) assert.deepEqual(foregroundLevels(name), expected[name], name);
});

test('without blur and noise, page i is written in palette[i mod 8] (fg +-4) on a 245 +-2 page', () => {
  const data = new PhoneNumsData({ seed: 2, pages: 16, blur: false, noise: false });
  assert.deepEqual(data.styleNames, PALETTES.in_distribution);
  for (let page = 0; page < 16; page++) {
    const { pixels, style } = data.renderPage(page);
    assert.equal(style, page % 8);
    const fg = foregroundLevels(PALETTES.in_distribution[page % 8]);
    const bg = pixelAt(pixels, 0, 0);
    for (const level of bg) assert.ok(level >= 243 && level <= 247);
    for (let slot = 0; slot < 10; slot++) {
      assert.deepEqual(pixelAt(pixels, 0, slot * PATCH_WIDTH), bg, 'one background for the whole page');
      let ink = bg;
      let inkDistance = 0;
      for (let y = 0; y < PATCH_HEIGHT; y++) {
        for (let x = slot * PATCH_WIDTH; x < (slot + 1) * PATCH_WIDTH; x++) {
          const pixel = pixelAt(pixels, y, x);
          const distance = pixel.reduce((sum, level, c) => sum + Math.abs(level - bg[c]), 0);
          if (distance > inkDistance) [ink, inkDistance] = [pixel, distance];
        }
      }
      // A 4.5 px pen covers whole pixels, which take the character's colour exactly.
      ink.forEach((level, c) => assert.ok(Math.abs(level - fg[c]) <= 4, `page ${page} slot ${slot}: ${ink} vs ${fg}`));
    }
  }
});

test("OpenCV's Gaussian kernels: the k = 5 and 7 tables, and the sampled Gaussian for k = 9", () => {
  assert.deepEqual(Array.from(openCvGaussianKernel(5)), [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16]);
  assert.deepEqual(Array.from(openCvGaussianKernel(7)), [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125]);
  // sigma = 0.3 * ((9 - 1) * 0.5 - 1) + 0.8 = 1.7; exp(-(i - 4)^2 / 5.78) normalised by its sum 4.2304...
  const nine = [0.014839454, 0.049817289, 0.118322506, 0.198828997, 0.236383508, 0.198828997, 0.118322506, 0.049817289, 0.014839454];
  openCvGaussianKernel(9).forEach((value, i) => assert.ok(Math.abs(value - nine[i]) < 1e-9, `tap ${i}: ${value}`));
  assert.ok(Math.abs(openCvGaussianKernel(13).reduce((sum, value) => sum + value, 0) - 1) < 1e-12);
});

test('column kernel sizes interpolate between strip levels, made odd, the last strip constant', () => {
  const sizes = columnKernelSizes([5, 9, 13, 5, 5, 5, 5, 5, 5, 13], 32);
  assert.equal(sizes.length, 320);
  // linspace(5, 9, 32)[j] = 5 + 4j/31 passes 6 at j = 7.75, 7 at 15.5 and 8 at 23.25.
  const first = [...Array(8).fill(5), ...Array(16).fill(7), ...Array(8).fill(9)];
  const second = [...Array(8).fill(9), ...Array(16).fill(11), ...Array(8).fill(13)];
  assert.deepEqual(Array.from(sizes.subarray(0, 32)), first);
  assert.deepEqual(Array.from(sizes.subarray(32, 64)), second);
  assert.deepEqual(Array.from(sizes.subarray(288)), Array(32).fill(13));
});

test('the vertical blur of a known column, with reflect-101 at the border', () => {
  // Two columns, one channel: column 0 holds 160 at rows 1 and 20, column 1 a constant 100.
  const height = 48;
  const pixels = new Uint8Array(height * 2);
  pixels[1 * 2] = 160;
  pixels[20 * 2] = 160;
  for (let y = 0; y < height; y++) pixels[y * 2 + 1] = 100;
  blurColumnsVertically(pixels, height, 2, 1, [5, 9]);
  const expected = new Array(height).fill(0);
  // Reflect-101 mirrors row -1 onto row 1 and row -2 onto row 2: row 0 sees row 1 twice,
  // 160 * (4 + 4) / 16 = 80, and row 1 sees it at the centre and mirrored, 160 * (6 + 1) / 16 = 70.
  [80, 70, 40, 10].forEach((value, y) => (expected[y] = value));
  [10, 40, 60, 40, 10].forEach((value, i) => (expected[18 + i] = value));
  assert.deepEqual(Array.from({ length: height }, (_, y) => pixels[y * 2]), expected);
  assert.deepEqual(Array.from({ length: height }, (_, y) => pixels[y * 2 + 1]), new Array(height).fill(100));
});

test('noise is truncated toward zero and wraps around modulo 256', () => {
  assert.equal(addTruncatedNoiseWrapped(250, 7.9), 1);
  assert.equal(addTruncatedNoiseWrapped(3, -5.7), 254);
  assert.equal(addTruncatedNoiseWrapped(3, -0.9), 3);
  assert.equal(addTruncatedNoiseWrapped(255, 0.99), 255);
  assert.equal(addTruncatedNoiseWrapped(0, -1), 255);
});

test('blur and noise leave the layout alone; noise of scale 0 is no noise', () => {
  const plain = new PhoneNumsData({ seed: 9, pages: 4, blur: false, noise: false }).renderPage(2);
  const blurred = new PhoneNumsData({ seed: 9, pages: 4, noise: false }).renderPage(2);
  const silent = new PhoneNumsData({ seed: 9, pages: 4, blur: false, noiseScale: 0 }).renderPage(2);
  assert.deepEqual(blurred.digits, plain.digits);
  assert.notDeepEqual(blurred.pixels, plain.pixels);
  assert.deepEqual(silent.pixels, plain.pixels);
});

test('paper-time noise (scale 10) moves many pixels by several levels', () => {
  const plain = new PhoneNumsData({ seed: 9, pages: 8, blur: false, noise: false });
  const noisy = new PhoneNumsData({ seed: 9, pages: 8, blur: false, noiseScale: 10 });
  let changed = 0;
  for (let page = 0; page < 8; page++) {
    const [a, b] = [plain.renderPage(page).pixels, noisy.renderPage(page).pixels];
    for (let i = 0; i < a.length; i++) changed += a[i] !== b[i] ? 1 : 0;
  }
  // sigma = 10 u with u ~ U(0, 1): |trunc(sigma z)| >= 1 for most pixels of most pages.
  assert.ok(changed > 0.3 * 8 * PATCH_HEIGHT * PAGE_WIDTH * CHANNELS, `${changed} changed`);
});

test('splits are disjoint, cover every page, 800 / 100 / 100, and depend on the seed', () => {
  const data = new PhoneNumsData({ seed: 0 });
  assert.deepEqual([data.count('train'), data.count('val'), data.count('test')], [800, 100, 100]);
  const seen = new Set<number>();
  for (const split of ['train', 'val', 'test'] as const) for (let i = 0; i < data.count(split); i++) seen.add(data.pageOf(split, i));
  assert.equal(seen.size, 1000);
  const other = new PhoneNumsData({ seed: 1 });
  assert.notDeepEqual(
    Array.from({ length: 100 }, (_, i) => data.pageOf('val', i)),
    Array.from({ length: 100 }, (_, i) => other.pageOf('val', i)),
  );
});

test('a sample is the page cut into ten 48x32 fragments, mapped to [-1, 1], with its labels', () => {
  const data = new PhoneNumsData({ seed: 4, pages: 30 });
  const out = new Float32Array(sampleSize(data) + 5);
  const labels = data.sample('test', 1, Rng.fromSeed(0), out, 5);
  const page = data.pageOf('test', 1);
  const { pixels, digits, style } = data.renderPage(page);
  assert.deepEqual(labels, { content: digits, style: page % 8 });
  assert.equal(style, page % 8);
  const fragmentFloats = PATCH_HEIGHT * PATCH_WIDTH * CHANNELS;
  for (const [f, y, x, c] of [[0, 0, 0, 0], [3, 20, 17, 1], [9, 47, 31, 2]]) {
    const value = out[5 + f * fragmentFloats + (y * PATCH_WIDTH + x) * CHANNELS + c];
    assert.ok(Math.abs(value - (pixelAt(pixels, y, f * PATCH_WIDTH + x)[c] / 255 - 0.5) / 0.5) < 1e-6);
  }
  for (const value of out.subarray(5)) assert.ok(value >= -1 && value <= 1);
});

test('with 3 fragments per sample a random start picks 3 consecutive fragments', () => {
  const data = new PhoneNumsData({ seed: 4, pages: 30, fragmentsPerSample: 3 });
  const out = new Float32Array(sampleSize(data));
  const starts = new Set<number>();
  for (let draw = 0; draw < 30; draw++) {
    const labels = data.sample('train', 0, Rng.fromSeed(draw), out, 0);
    const { pixels, digits } = data.renderPage(data.pageOf('train', 0));
    const start = digits.indexOf(labels.content[0]);
    starts.add(start);
    assert.deepEqual(labels.content, digits.slice(start, start + 3));
    assert.ok(Math.abs(out[0] - (pixelAt(pixels, 0, start * PATCH_WIDTH)[0] / 255 - 0.5) / 0.5) < 1e-6);
  }
  assert.ok(starts.size >= 5, `starts ${[...starts]}`);
  assert.ok(Math.max(...starts) <= 7);
});

test('the OOD palette: shot sets are the first n pages of each colour, test is every other page', () => {
  const data = new PhoneNumsData({ seed: 0, palette: 'ood' });
  assert.deepEqual(data.styleNames, ['pink', 'salmon', 'gold', 'lime', 'cyan', 'magenta', 'gray', 'peru']);
  for (const shots of [1, 5, 10] as const) {
    const pages = Array.from(data.shotPages(shots));
    assert.equal(pages.length, 8 * shots);
    for (let colour = 0; colour < 8; colour++) {
      assert.deepEqual(pages.filter((page) => page % 8 === colour), Array.from({ length: shots }, (_, k) => colour + 8 * k));
    }
  }
  assert.deepEqual([data.count('train'), data.count('val'), data.count('test')], [0, 0, 920]);
  for (const shots of [1, 5, 10] as const) {
    assert.deepEqual(Array.from({ length: 8 * shots }, (_, i) => data.pageOf(`${shots}_shot`, i)), Array.from(data.shotPages(shots)));
  }
  assert.equal(new PhoneNumsData({ seed: 0 }).count('5_shot'), 0);
  const test = Array.from({ length: 920 }, (_, i) => data.pageOf('test', i));
  assert.deepEqual(test, Array.from({ length: 920 }, (_, i) => 80 + i));
  const out = new Float32Array(sampleSize(data));
  assert.deepEqual(data.samplePage(13, Rng.fromSeed(0), out, 0).style, 5);
});

test('mistakes in the options are UserErrors naming the option', () => {
  assert.throws(() => new PhoneNumsData({ seed: 0, pages: 0 }), (e: unknown) => e instanceof UserError && /pages/.test(e.message));
  assert.throws(() => new PhoneNumsData({ seed: 0, palette: 'neon' as 'ood' }), (e: unknown) => e instanceof UserError && /palette 'neon'/.test(e.message));
  assert.throws(() => new PhoneNumsData({ seed: 0, fragmentsPerSample: 11 }), (e: unknown) => e instanceof UserError && /fragments/.test(e.message));
  assert.throws(() => new PhoneNumsData({ seed: 0, noiseScale: -1 }), (e: unknown) => e instanceof UserError && /noise scale/.test(e.message));
  assert.throws(() => new PhoneNumsData({ seed: 0 }).shotPages(1), (e: unknown) => e instanceof UserError && /ood/.test(e.message));
  assert.throws(() => new PhoneNumsData({ seed: 0, palette: 'ood' }).shotPages(3 as 1), (e: unknown) => e instanceof UserError && /shots/.test(e.message));
  assert.throws(() => new PhoneNumsData({ seed: 0, pages: 10 }).sample('val', 1, Rng.fromSeed(0), new Float32Array(0), 0), RangeError);
});
