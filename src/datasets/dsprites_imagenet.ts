// dSpritesImagenet (msc_research.md §2.4): dSprites with a 64x64 photograph behind ('bg') or
// inside ('fg') the sprite, the photograph faded by `visibility` towards white ('bg': the sprite
// stays white, the photo is darkened) or towards the sprite colour ('fg'). Factors, sizes and
// order are those of dSprites. Each dSprites index keeps one photograph, picked once by the
// original's draw with replacement, numpy's Generator(PCG64(42)).choice(#photos, 737280), replayed
// bit for bit (util/numpy_random.ts), so with the real Tiny-ImageNet every observation shows the
// photograph the original shows.
//
// No photographs ship with the project, so by default the backgrounds are procedural textures:
// smooth two-colour wave patterns whose colours are spread around Tiny-ImageNet's mean colour,
// each a pure function of (seed, texture id). Real Tiny-ImageNet images are read from its train
// directory (`ImageDirectory`, photo_directory.ts), selected by `dataset.path`. The published
// per-channel statistics (§2.4 table) only hold with the real photographs.
import { numpyChoiceWithReplacement } from '../util/numpy_random.js';
import { Rng } from '../util/random.js';
import { DSpritesData } from './dsprites.js';
import { factorsToIndex, numObservations, type GroundTruthData } from './ground_truth.js';

export const IMAGE_SIZE = 64;
const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
const TINY_IMAGENET_TRAIN_IMAGES = 100_000;
/** Seed of the image choice in the original (PCG64(42)). */
const DEFAULT_ORDER_SEED = 42;
const DEFAULT_TEXTURE_SEED = 0;
/**
 * Tiny-ImageNet's mean photo colour, recovered from the published bg_100 means (.50204, .47206,
 * .42380) by removing the white sprite's share (dSprites mean 0.042494): m_photo = (m − s)/(1 − s).
 */
const PHOTO_MEAN_RGB = [0.4799, 0.4486, 0.3982] as const;
/** Half-width of the spread of a texture's two colours around the mean colour, per channel. */
const COLOUR_SPREAD = 0.45;
const WAVES_PER_TEXTURE = 3;
/** Wave frequencies in cycles per 64 px: from one soft gradient to fine stripes. */
const MIN_CYCLES = 0.5;
const MAX_CYCLES = 6;
/**
 * Gain of the summed waves before clipping to [0, 1]: sets the textures' contrast. With the colour
 * spread, chosen so the bg_100 channel stds come out at the published ~0.25 (measured: .250 .252 .256).
 */
const WAVE_GAIN = 0.45;

/**
 * Fills `out` (height x width x 3 uint8, HWC) with a procedural texture drawn from `rng`: two
 * random colours around Tiny-ImageNet's mean, blended by the sum of a few plane waves of random
 * frequency, direction and phase. Each wave sin(a·x + b·y + φ) is split into
 * sin(a·x)·cos(b·y + φ) + cos(a·x)·sin(b·y + φ), so only per-row and per-column tables need
 * trigonometric calls and a pixel costs a few multiply-adds.
 */
export function proceduralTexture(height: number, width: number, rng: Rng, out: Uint8Array): void {
  const colourLow = PHOTO_MEAN_RGB.map((m) => m + COLOUR_SPREAD * (2 * rng.float() - 1));
  const colourHigh = PHOTO_MEAN_RGB.map((m) => m + COLOUR_SPREAD * (2 * rng.float() - 1));
  const sinX = new Float64Array(WAVES_PER_TEXTURE * width);
  const cosX = new Float64Array(WAVES_PER_TEXTURE * width);
  const sinY = new Float64Array(WAVES_PER_TEXTURE * height);
  const cosY = new Float64Array(WAVES_PER_TEXTURE * height);
  for (let wave = 0; wave < WAVES_PER_TEXTURE; wave++) {
    const radiansPerPx = (2 * Math.PI * (MIN_CYCLES + (MAX_CYCLES - MIN_CYCLES) * rng.float())) / IMAGE_SIZE;
    const direction = 2 * Math.PI * rng.float();
    const phase = 2 * Math.PI * rng.float();
    const a = radiansPerPx * Math.cos(direction);
    const b = radiansPerPx * Math.sin(direction);
    for (let x = 0; x < width; x++) {
      sinX[wave * width + x] = Math.sin(a * x);
      cosX[wave * width + x] = Math.cos(a * x);
    }
    for (let y = 0; y < height; y++) {
      cosY[wave * height + y] = Math.cos(b * y + phase);
      sinY[wave * height + y] = Math.sin(b * y + phase);
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let waves = 0;
      for (let wave = 0; wave < WAVES_PER_TEXTURE; wave++) {
        waves += sinX[wave * width + x] * cosY[wave * height + y] + cosX[wave * width + x] * sinY[wave * height + y];
      }
      const blend = Math.min(1, Math.max(0, 0.5 + WAVE_GAIN * waves));
      const pixel = (y * width + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const value = colourLow[ch] + (colourHigh[ch] - colourLow[ch]) * blend;
        out[pixel + ch] = Math.round(255 * Math.min(1, Math.max(0, value)));
      }
    }
  }
}

/** A fixed, indexable collection of 64x64 RGB photographs. */
export interface BackgroundImages {
  readonly count: number;
  /** Writes image `index` into `out` as 64 x 64 x 3 uint8, HWC. */
  read(index: number, out: Uint8Array): void;
}

/** `count` procedural textures; texture i depends only on (seed, i). */
export class ProceduralTextures implements BackgroundImages {
  constructor(
    readonly count: number = TINY_IMAGENET_TRAIN_IMAGES,
    private readonly seed: number = DEFAULT_TEXTURE_SEED,
  ) {
    if (!(Number.isInteger(count) && count >= 1 && count <= 2 ** 20)) throw new RangeError(`count must be in [1, 2^20], got ${count}`);
    if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) throw new RangeError(`seed must be a uint32, got ${seed}`);
  }

  read(index: number, out: Uint8Array): void {
    // seed · 2^20 + index is a distinct safe integer for every (seed, index) pair.
    proceduralTexture(IMAGE_SIZE, IMAGE_SIZE, Rng.fromSeed(this.seed * 2 ** 20 + index), out);
  }
}

export type DSpritesImagenetMode = 'bg' | 'fg';

export interface DSpritesImagenetOptions {
  /** Photo visibility in percent, 0..100 (default 100); 0 gives plain dSprites in 3 channels. */
  visibility?: number;
  /** 'bg' (default): photo behind a white sprite; 'fg': photo inside the sprite on black. */
  mode?: DSpritesImagenetMode;
  /** Where the photos come from (default: 100 000 procedural textures). */
  backgrounds?: BackgroundImages;
  /** numpy seed of the draw assigning a photo to each dSprites index (default 42, as the original). */
  orderSeed?: number;
}

export class DSpritesImagenetData implements GroundTruthData {
  readonly name = 'dsprites_imagenet';
  readonly factorNames: readonly string[];
  readonly factorSizes: readonly number[];
  readonly observationShape = [IMAGE_SIZE, IMAGE_SIZE, 3] as const;
  readonly visibility: number;
  readonly mode: DSpritesImagenetMode;
  private readonly backgrounds: BackgroundImages;
  /** Photo index for every dSprites index. */
  private readonly photoOfIndex: Int32Array;
  private readonly sprites = new DSpritesData();
  private readonly spriteMask = new Float32Array(PIXELS);
  private readonly photo = new Uint8Array(PIXELS * 3);

  constructor(options: DSpritesImagenetOptions = {}) {
    this.visibility = options.visibility ?? 100;
    this.mode = options.mode ?? 'bg';
    if (!(Number.isInteger(this.visibility) && this.visibility >= 0 && this.visibility <= 100)) {
      throw new RangeError(`visibility must be an integer in [0, 100], got ${this.visibility}`);
    }
    if (this.mode !== 'bg' && this.mode !== 'fg') throw new RangeError(`mode must be 'bg' or 'fg', got ${String(this.mode)}`);
    this.backgrounds = options.backgrounds ?? new ProceduralTextures();
    this.factorNames = this.sprites.factorNames;
    this.factorSizes = this.sprites.factorSizes;
    this.photoOfIndex = numpyChoiceWithReplacement(options.orderSeed ?? DEFAULT_ORDER_SEED, this.backgrounds.count, numObservations(this.sprites));
  }

  /** Which photo the observation with these factors shows. */
  photoIndex(factors: ArrayLike<number>): number {
    return this.photoOfIndex[factorsToIndex(this.factorSizes, factors)];
  }

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    const photoIndex = this.photoIndex(factors);
    this.sprites.render(factors, this.spriteMask, 0);
    const { spriteMask, photo } = this;
    const ratio = this.visibility / 100;
    if (ratio === 0) {
      // The photo would be invisible: skip decoding it.
      photo.fill(0);
    } else {
      this.backgrounds.read(photoIndex, photo);
    }
    // Truncation to integers mirrors the original's uint8 cast before dividing by 255.
    for (let p = 0; p < PIXELS; p++) {
      const inSprite = spriteMask[p] > 0.5;
      for (let ch = 0; ch < 3; ch++) {
        const target = offset + p * 3 + ch;
        if (this.mode === 'bg') {
          out[target] = inSprite ? 1 : Math.trunc(ratio * photo[p * 3 + ch]) / 255;
        } else {
          out[target] = inSprite ? Math.trunc(ratio * photo[p * 3 + ch] + (1 - ratio) * 255) / 255 : 0;
        }
      }
    }
  }
}
