import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DSpritesData } from '../../src/datasets/dsprites.js';
import { DSpritesImagenetData, ProceduralTextures } from '../../src/datasets/dsprites_imagenet.js';
import { ImageDirectory } from '../../src/datasets/photo_directory.js';
import { indexToFactors, numObservations, sampleFactors } from '../../src/datasets/ground_truth.js';
import { Rng } from '../../src/util/random.js';

const PIXELS = 64 * 64;
const FACTORS = [2, 4, 10, 8, 22];

function render(data: DSpritesImagenetData, factors: ArrayLike<number>): Float32Array {
  const out = new Float32Array(PIXELS * 3);
  data.render(factors, out, 0);
  return out;
}

function spriteMask(factors: ArrayLike<number>): Float32Array {
  const mask = new Float32Array(PIXELS);
  new DSpritesData().render(factors, mask, 0);
  return mask;
}

function photoFor(data: DSpritesImagenetData, factors: number[], backgrounds = new ProceduralTextures()): Uint8Array {
  const photo = new Uint8Array(PIXELS * 3);
  backgrounds.read(data.photoIndex(factors), photo);
  return photo;
}

test('dSpritesImagenet has the dSprites factors and 737 280 RGB images', () => {
  const data = new DSpritesImagenetData();
  assert.equal(data.name, 'dsprites_imagenet');
  assert.deepEqual(data.factorNames, ['shape', 'scale', 'orientation', 'position_x', 'position_y']);
  assert.deepEqual(data.factorSizes, [3, 6, 40, 32, 32]);
  assert.deepEqual(data.observationShape, [64, 64, 3]);
  assert.equal(numObservations(data), 737280);
  assert.equal(data.visibility, 100);
  assert.equal(data.mode, 'bg');
});

test('bg at visibility 75: white sprite over trunc(0.75·photo)/255', () => {
  const data = new DSpritesImagenetData({ visibility: 75 });
  const image = render(data, FACTORS);
  const mask = spriteMask(FACTORS);
  const photo = photoFor(data, FACTORS);
  for (let i = 0; i < PIXELS * 3; i++) {
    const expected = mask[Math.floor(i / 3)] === 1 ? 1 : Math.trunc(0.75 * photo[i]) / 255;
    assert.equal(image[i], Math.fround(expected));
  }
  // e.g. a photo value of 201 becomes trunc(150.75) = 150.
  assert.equal(Math.trunc(0.75 * 201), 150);
});

test('fg at visibility 50: black background, sprite trunc(0.5·photo + 127.5)/255', () => {
  const data = new DSpritesImagenetData({ visibility: 50, mode: 'fg' });
  const image = render(data, FACTORS);
  const mask = spriteMask(FACTORS);
  const photo = photoFor(data, FACTORS);
  let spriteValues = 0;
  for (let i = 0; i < PIXELS * 3; i++) {
    if (mask[Math.floor(i / 3)] === 1) {
      assert.equal(image[i], Math.fround(Math.trunc(0.5 * photo[i] + 0.5 * 255) / 255));
      assert.ok(image[i] >= 127 / 255);
      spriteValues++;
    } else {
      assert.equal(image[i], 0);
    }
  }
  assert.ok(spriteValues > 0);
});

test('visibility 0 gives plain dSprites in 3 channels in both modes', () => {
  for (const mode of ['bg', 'fg'] as const) {
    const image = render(new DSpritesImagenetData({ visibility: 0, mode }), FACTORS);
    const mask = spriteMask(FACTORS);
    for (let i = 0; i < PIXELS * 3; i++) assert.equal(image[i], mask[Math.floor(i / 3)]);
  }
});

test("each dSprites index shows the original's photo: numpy Generator(PCG64(42)).choice(100000, 737280)", () => {
  const data = new DSpritesImagenetData();
  // o = np.random.Generator(np.random.PCG64(42)).choice(100000, size=737280, replace=True) (numpy 1.24.2)
  assert.equal(data.photoIndex(indexToFactors(data.factorSizes, 1000)), 80830);
  assert.equal(data.photoIndex(indexToFactors(data.factorSizes, 737279)), 13872);
});

test('the photo of each index is fixed by the order seed; textures by (seed, id)', () => {
  const first = new DSpritesImagenetData();
  const second = new DSpritesImagenetData();
  const factors = sampleFactors(first.factorSizes, 50, Rng.fromSeed(2));
  for (let r = 0; r < 50; r++) {
    const row = factors.subarray(r * 5, r * 5 + 5);
    assert.equal(first.photoIndex(row), second.photoIndex(row));
    assert.deepEqual(render(first, row), render(second, row));
  }
  assert.deepEqual(render(first, FACTORS), render(first, FACTORS));
  const reseeded = new DSpritesImagenetData({ orderSeed: 43 });
  assert.notEqual(reseeded.photoIndex(FACTORS), first.photoIndex(FACTORS));

  const textures = new ProceduralTextures();
  const a = new Uint8Array(PIXELS * 3);
  const b = new Uint8Array(PIXELS * 3);
  textures.read(17, a);
  new ProceduralTextures().read(17, b);
  assert.deepEqual(a, b);
  textures.read(18, b);
  assert.notDeepEqual(a, b);
  new ProceduralTextures(100_000, 1).read(17, b);
  assert.notDeepEqual(a, b);
});

test('procedural backgrounds come close to the published bg_100 channel means and stds', () => {
  // The textures' colours are centred on Tiny-ImageNet's mean colour, and their spread and
  // contrast set so that the dataset-wide channel stds land near the photographs' too.
  const data = new DSpritesImagenetData();
  const n = 1000;
  const factors = sampleFactors(data.factorSizes, n, Rng.fromSeed(9));
  const sums = [0, 0, 0];
  const squares = [0, 0, 0];
  for (let r = 0; r < n; r++) {
    const image = render(data, factors.subarray(r * 5, r * 5 + 5));
    for (let i = 0; i < image.length; i++) {
      sums[i % 3] += image[i];
      squares[i % 3] += image[i] * image[i];
    }
  }
  const count = n * PIXELS;
  const published = { mean: [0.50204, 0.47206, 0.4238], std: [0.25055, 0.25007, 0.25624] };
  for (let ch = 0; ch < 3; ch++) {
    const mean = sums[ch] / count;
    const std = Math.sqrt(squares[ch] / count - mean * mean);
    assert.ok(Math.abs(mean - published.mean[ch]) < 0.02, `channel ${ch} mean: ${mean}`);
    assert.ok(Math.abs(std - published.std[ch]) < 0.02, `channel ${ch} std: ${std}`);
  }
});

test('ImageDirectory reads 64x64 PNGs recursively in sorted-path order and drops alpha', () => {
  const root = mkdtempSync(join(tmpdir(), 'tiny-imagenet-'));
  try {
    // Two classes, written out of order; each image is one flat colour (red = class·100 + file).
    const written: [string, string, number][] = [['n02', 'b.png', 201], ['n01', 'b.png', 101], ['n01', 'a.png', 100]];
    for (const [wnid, file, red] of written) {
      mkdirSync(join(root, wnid, 'images'), { recursive: true });
      const png = new PNG({ width: 64, height: 64 });
      for (let p = 0; p < PIXELS; p++) png.data.set([red, 7, 9, 3], p * 4);
      writeFileSync(join(root, wnid, 'images', file), PNG.sync.write(png));
    }
    writeFileSync(join(root, 'n01', 'n01_boxes.txt'), 'not an image');
    const directory = new ImageDirectory(root);
    assert.equal(directory.count, 3);
    const photo = new Uint8Array(PIXELS * 3);
    const reds = [0, 1, 2].map((i) => {
      directory.read(i, photo);
      assert.deepEqual(Array.from(photo.subarray(PIXELS * 3 - 3)), [photo[0], 7, 9]);
      return photo[0];
    });
    assert.deepEqual(reds, [100, 101, 201]);

    const data = new DSpritesImagenetData({ backgrounds: directory, visibility: 100 });
    const image = render(data, FACTORS);
    const mask = spriteMask(FACTORS);
    const background = mask.indexOf(0);
    directory.read(data.photoIndex(FACTORS), photo);
    assert.deepEqual(Array.from(image.subarray(background * 3, background * 3 + 3)), [photo[0], 7, 9].map((v) => Math.fround(v / 255)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('ImageDirectory decodes JPEG, as Tiny-ImageNet ships, and names a file it cannot decode', () => {
  const root = mkdtempSync(join(tmpdir(), 'tiny-imagenet-'));
  try {
    const rgba = new Uint8Array(PIXELS * 4);
    for (let p = 0; p < PIXELS; p++) rgba.set([200, 120, 40, 255], p * 4);
    writeFileSync(join(root, 'n01_0.JPEG'), jpeg.encode({ width: 64, height: 64, data: rgba }, 95).data);
    writeFileSync(join(root, 'n01_1.JPEG'), 'not jpeg bytes');
    const directory = new ImageDirectory(root);
    assert.equal(directory.count, 2);
    const photo = new Uint8Array(PIXELS * 3);
    directory.read(0, photo);
    // A flat colour survives JPEG's chroma subsampling and quantisation to within a few levels.
    for (let i = 0; i < photo.length; i++) assert.ok(Math.abs(photo[i] - [200, 120, 40][i % 3]) <= 3, `value ${i}: ${photo[i]}`);
    assert.throws(() => directory.read(1, photo), (e: Error) => e.name === 'UserError' && /n01_1\.JPEG: cannot decode/.test(e.message));
    assert.throws(() => new ImageDirectory(join(root, 'missing')), /missing: cannot list \(ENOENT\)/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
