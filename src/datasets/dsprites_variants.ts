// The coloured dSprites variants of disentanglement_lib (`color_dsprites`, `noisy_dsprites`,
// `scream_dsprites`): the procedural dSprites shapes with the same five factors, in 3 channels,
// with colour or background drawn at random for every observation. That randomness is not a
// factor: like the library, each render draws fresh values from the dataset's `Rng`, so the same
// factor vector gives different images on different draws, and only the sequence of images for
// a given seed and sequence of calls is reproducible.
import { Rng } from '../util/random.js';
import { DSpritesData } from './dsprites.js';
import { proceduralTexture } from './dsprites_imagenet.js';
import type { GroundTruthData } from './ground_truth.js';

const IMAGE_SIZE = 64;
const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
/** Uniform [0, 1) from 32 random bits: plenty for float32 output, and half the cost of 53 bits. */
const UINT32_TO_UNIT = 1 / 2 ** 32;

/** Shared by the three variants: the binary sprite of the factors, drawn into a scratch mask. */
abstract class RandomisedDSprites implements GroundTruthData {
  abstract readonly name: string;
  readonly factorNames: readonly string[];
  readonly factorSizes: readonly number[];
  readonly observationShape = [IMAGE_SIZE, IMAGE_SIZE, 3] as const;
  protected readonly spriteMask = new Float32Array(PIXELS);
  private readonly sprites = new DSpritesData();

  constructor(protected readonly rng: Rng) {
    this.factorNames = this.sprites.factorNames;
    this.factorSizes = this.sprites.factorSizes;
  }

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    this.sprites.render(factors, this.spriteMask, 0);
    this.paint(out, offset);
  }

  /** Writes the 3-channel observation for the sprite now in `spriteMask`. */
  protected abstract paint(out: Float32Array, offset: number): void;
}

/** `color_dsprites`: the sprite in one random colour, uniform in [0.5, 1)^3 per observation, on black. */
export class ColorDSpritesData extends RandomisedDSprites {
  readonly name = 'color_dsprites';

  protected paint(out: Float32Array, offset: number): void {
    const colour = [0, 1, 2].map(() => 0.5 + 0.5 * this.rng.float());
    for (let p = 0; p < PIXELS; p++) {
      const sprite = this.spriteMask[p];
      for (let ch = 0; ch < 3; ch++) out[offset + p * 3 + ch] = sprite * colour[ch];
    }
  }
}

/** `noisy_dsprites`: a white sprite over background noise, uniform in [0, 1) per pixel and channel. */
export class NoisyDSpritesData extends RandomisedDSprites {
  readonly name = 'noisy_dsprites';

  protected paint(out: Float32Array, offset: number): void {
    for (let p = 0; p < PIXELS; p++) {
      const sprite = this.spriteMask[p];
      for (let ch = 0; ch < 3; ch++) {
        // Noise is drawn for sprite pixels too (then clipped away, as in the library's
        // min(sprite + noise, 1)), so the draws per observation do not depend on the sprite.
        const noise = this.rng.uint32() * UINT32_TO_UNIT;
        out[offset + p * 3 + ch] = Math.min(sprite + noise, 1);
      }
    }
  }
}

/**
 * Size of the background picture: the box disentanglement_lib shrinks "The Scream" into
 * (350 x 274); rows first here.
 */
const SCREAM_HEIGHT = 274;
const SCREAM_WIDTH = 350;
const DEFAULT_SCREAM_SEED = 0;

/**
 * `scream_dsprites`: a random 64x64 crop of a background picture, averaged with a random colour
 * uniform in [0, 1)^3, with the colours inverted (1 − v) where the sprite is. The library crops
 * Munch's "The Scream"; no image may be fetched here, so a procedural texture built once from
 * `textureSeed` stands in for the painting.
 */
export class ScreamDSpritesData extends RandomisedDSprites {
  readonly name = 'scream_dsprites';
  private readonly picture: Float32Array;

  constructor(rng: Rng, textureSeed: number = DEFAULT_SCREAM_SEED) {
    super(rng);
    const pixels = new Uint8Array(SCREAM_HEIGHT * SCREAM_WIDTH * 3);
    proceduralTexture(SCREAM_HEIGHT, SCREAM_WIDTH, Rng.fromSeed(textureSeed), pixels);
    this.picture = Float32Array.from(pixels, (v) => v / 255);
  }

  protected paint(out: Float32Array, offset: number): void {
    // The exclusive upper bounds follow the library's randint(0, size − 64): the last crop
    // position is never used.
    const top = this.rng.int(SCREAM_HEIGHT - IMAGE_SIZE);
    const left = this.rng.int(SCREAM_WIDTH - IMAGE_SIZE);
    const tint = [0, 1, 2].map(() => this.rng.float());
    for (let r = 0; r < IMAGE_SIZE; r++) {
      for (let c = 0; c < IMAGE_SIZE; c++) {
        const inSprite = this.spriteMask[r * IMAGE_SIZE + c] > 0.5;
        const source = ((top + r) * SCREAM_WIDTH + left + c) * 3;
        const target = offset + (r * IMAGE_SIZE + c) * 3;
        for (let ch = 0; ch < 3; ch++) {
          const background = (this.picture[source + ch] + tint[ch]) / 2;
          out[target + ch] = inSprite ? 1 - background : background;
        }
      }
    }
  }
}
