import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DSpritesData } from '../../src/datasets/dsprites.js';
import { ColorDSpritesData, NoisyDSpritesData, ScreamDSpritesData } from '../../src/datasets/dsprites_variants.js';
import type { GroundTruthData } from '../../src/datasets/ground_truth.js';
import { Rng } from '../../src/util/random.js';

const PIXELS = 64 * 64;
const HEART_FACTORS = [2, 5, 7, 12, 20];
const SQUARE_FACTORS = [0, 3, 0, 25, 4];

function render(data: GroundTruthData, factors: number[]): Float32Array {
  const out = new Float32Array(PIXELS * 3);
  data.render(factors, out, 0);
  return out;
}

function spriteMask(factors: number[]): Float32Array {
  const mask = new Float32Array(PIXELS);
  new DSpritesData().render(factors, mask, 0);
  return mask;
}

function rgb(image: Float32Array, pixel: number): number[] {
  return Array.from(image.subarray(pixel * 3, pixel * 3 + 3));
}

const VARIANTS = [
  ['color_dsprites', (seed: number) => new ColorDSpritesData(Rng.fromSeed(seed))],
  ['noisy_dsprites', (seed: number) => new NoisyDSpritesData(Rng.fromSeed(seed))],
  ['scream_dsprites', (seed: number) => new ScreamDSpritesData(Rng.fromSeed(seed))],
] as const;

test('the variants keep the dSprites factors and render 64 x 64 x 3 values in [0, 1]', () => {
  const dsprites = new DSpritesData();
  for (const [name, create] of VARIANTS) {
    const data = create(1);
    assert.equal(data.name, name);
    assert.deepEqual(data.factorNames, dsprites.factorNames);
    assert.deepEqual(data.factorSizes, dsprites.factorSizes);
    assert.deepEqual(data.observationShape, [64, 64, 3]);
    const image = render(data, HEART_FACTORS);
    assert.ok(image.every((v) => v >= 0 && v <= 1), name);
    assert.throws(() => render(data, [3, 0, 0, 0, 0]), RangeError);
  }
});

test('a fixed seed gives the same sequence of images; the same factors differ between draws', () => {
  for (const [name, create] of VARIANTS) {
    const first = create(7);
    const second = create(7);
    const a1 = render(first, HEART_FACTORS);
    const a2 = render(first, HEART_FACTORS);
    assert.deepEqual(render(second, HEART_FACTORS), a1, name);
    assert.deepEqual(render(second, HEART_FACTORS), a2, name);
    assert.notDeepEqual(a1, a2, name);
    assert.notDeepEqual(render(create(8), HEART_FACTORS), a1, name);
  }
});

test('color: sprite pixels share one colour in [0.5, 1]^3 and the background is exactly 0', () => {
  const data = new ColorDSpritesData(Rng.fromSeed(3));
  const mask = spriteMask(HEART_FACTORS);
  for (let draw = 0; draw < 5; draw++) {
    const image = render(data, HEART_FACTORS);
    const firstSpritePixel = mask.indexOf(1);
    const colour = rgb(image, firstSpritePixel);
    assert.ok(colour.every((v) => v >= 0.5 && v <= 1), `colour ${colour}`);
    for (let p = 0; p < PIXELS; p++) assert.deepEqual(rgb(image, p), mask[p] === 1 ? colour : [0, 0, 0]);
  }
});

test('noisy: sprite pixels are exactly 1, the background is noise that varies from pixel to pixel', () => {
  const data = new NoisyDSpritesData(Rng.fromSeed(4));
  const mask = spriteMask(SQUARE_FACTORS);
  const image = render(data, SQUARE_FACTORS);
  const background: number[] = [];
  for (let p = 0; p < PIXELS; p++) {
    if (mask[p] === 1) assert.deepEqual(rgb(image, p), [1, 1, 1]);
    else background.push(...rgb(image, p));
  }
  const mean = background.reduce((a, b) => a + b, 0) / background.length;
  assert.ok(Math.abs(mean - 0.5) < 0.02, `noise mean ${mean}`);
  assert.ok(new Set(background).size > background.length * 0.99);
});

test('noisy and scream draw the same randomness for any sprite: backgrounds agree, scream inverts under the sprite', () => {
  const heart = spriteMask(HEART_FACTORS);
  const square = spriteMask(SQUARE_FACTORS);
  const noisyHeart = render(new NoisyDSpritesData(Rng.fromSeed(5)), HEART_FACTORS);
  const noisySquare = render(new NoisyDSpritesData(Rng.fromSeed(5)), SQUARE_FACTORS);
  const screamHeart = render(new ScreamDSpritesData(Rng.fromSeed(5)), HEART_FACTORS);
  const screamSquare = render(new ScreamDSpritesData(Rng.fromSeed(5)), SQUARE_FACTORS);
  let inverted = 0;
  for (let p = 0; p < PIXELS; p++) {
    for (let ch = 0; ch < 3; ch++) {
      const i = p * 3 + ch;
      if (heart[p] === 0 && square[p] === 0) {
        assert.equal(noisyHeart[i], noisySquare[i]);
        assert.equal(screamHeart[i], screamSquare[i]);
      } else if (heart[p] !== square[p]) {
        // One image shows the background v there, the other the inverted 1 − v.
        assert.ok(Math.abs(screamHeart[i] + screamSquare[i] - 1) < 1e-6);
        inverted++;
      }
    }
  }
  assert.ok(inverted > 0);
});

test('scream: the background is the average of a picture crop and a random colour, so it varies inside an image', () => {
  const image = render(new ScreamDSpritesData(Rng.fromSeed(6)), SQUARE_FACTORS);
  const mask = spriteMask(SQUARE_FACTORS);
  const reds = new Set<number>();
  for (let p = 0; p < PIXELS; p++) if (mask[p] === 0) reds.add(image[p * 3]);
  assert.ok(reds.size > 20, `only ${reds.size} distinct background reds`);
  // A different texture seed changes the picture, hence the image for the same draws.
  assert.notDeepEqual(render(new ScreamDSpritesData(Rng.fromSeed(6), 1), SQUARE_FACTORS), image);
});
