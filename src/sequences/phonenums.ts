// PhoneNums (V3 spec §5.1, the original's number_office.py, typography.py, split_train_val.py and
// its loader), rendered on demand: page i is a row of ten 32x48 patches, one handwriting-like digit
// each, the ten digits a permutation of 0-9, written in colour palette[i mod 8] on a near-white
// page, then blurred column by column with a graded vertical Gaussian and given integer noise. A
// sample is the page's ten fragments; content = the digits, style = the colour.
//
// Every page is a function of (seed, page index) alone: its Rng is forked from the seed by the
// page's index, and layout, blur and noise draw from three streams forked from it, so switching
// the blur or the noise off for a picture or a test leaves the other draws as they were.
//
// Departures from the original, all from having no Pillow, font file or OpenCV here:
// - digits are our own strokes (digit_glyphs.ts) rather than Kristen ITC. Placement follows the
//   original's rules with our glyph metrics: the text origin at x = floor((32 - ink width) / 2) +
//   U(0,1), y = (48 - 48) // 2 + U(0,1) - 8, where our figures start DIGIT_TOP_PX below the origin
//   as a 48 px font's do, so the 8 px upward offset leaves them about 7..41 px down the patch;
// - ink is blended as round(bg + (fg - bg) * coverage), Pillow's mask paste up to its rounding;
// - the blur runs in floating point and is rounded to the nearest level (OpenCV's 8-bit path uses
//   fixed-point kernels, which can differ by one level).
import { UserError } from '../util/errors.js';
import { Rng } from '../util/random.js';
import { checkSampleIndex, noShotSplits, type SequenceDataset, type SequenceLabels, type SequenceSplit } from './sequence_data.js';
import { DIGIT_GLYPHS, rasteriseDigit } from './digit_glyphs.js';

export const DIGITS_PER_PAGE = 10;
export const PATCH_WIDTH = 32;
export const PATCH_HEIGHT = 48;
export const PAGE_WIDTH = DIGITS_PER_PAGE * PATCH_WIDTH;
const CHANNELS = 3;
const FONT_SIZE_PX = 48;
const UPWARD_OFFSET_PX = 8;
const BACKGROUND_LEVEL = 245;
/** Page and character colour jitter: U{-2..2} per channel. */
const JITTER_LEVELS = 5;
const BLUR_STRIPS = 10;
/** Pages per colour in each shot set of the OOD split (the original's --split_for_ood). */
export const SHOT_COUNTS = [1, 5, 10] as const;
export type ShotCount = (typeof SHOT_COUNTS)[number];

type Rgb = readonly [number, number, number];

/** matplotlib's (CSS) named colours as 0-255 triples; matplotlib hands them on as v / 255. */
const NAMED_COLOURS: Readonly<Record<string, Rgb>> = {
  black: [0, 0, 0],
  blue: [0, 0, 255],
  green: [0, 128, 0],
  red: [255, 0, 0],
  teal: [0, 128, 128],
  purple: [128, 0, 128],
  orange: [255, 165, 0],
  brown: [165, 42, 42],
  pink: [255, 192, 203],
  salmon: [250, 128, 114],
  gold: [255, 215, 0],
  lime: [0, 255, 0],
  cyan: [0, 255, 255],
  magenta: [255, 0, 255],
  gray: [128, 128, 128],
  peru: [205, 133, 63],
};

export type PhoneNumsPalette = 'in_distribution' | 'ood';

export const PALETTES: Readonly<Record<PhoneNumsPalette, readonly string[]>> = {
  in_distribution: ['black', 'blue', 'green', 'red', 'teal', 'purple', 'orange', 'brown'],
  ood: ['pink', 'salmon', 'gold', 'lime', 'cyan', 'magenta', 'gray', 'peru'],
};

/** The original's base foreground colour of a named colour: int(c * 240 + 8) per channel, c in [0, 1]. */
export function foregroundLevels(colourName: string): Rgb {
  const rgb = NAMED_COLOURS[colourName];
  if (rgb === undefined) throw new RangeError(`no named colour '${colourName}'`);
  const level = (value: number) => Math.trunc((value / 255) * 240 + 8);
  return [level(rgb[0]), level(rgb[1]), level(rgb[2])];
}

/**
 * OpenCV's getGaussianKernel(k, 0): the fixed tables for k = 1, 3, 5, 7, else the Gaussian sampled
 * at integer offsets with sigma = 0.3 * ((k - 1) / 2 - 1) + 0.8, normalised to sum 1.
 */
export function openCvGaussianKernel(size: number): Float64Array {
  if (!(Number.isInteger(size) && size >= 1 && size % 2 === 1)) throw new RangeError(`a Gaussian kernel size must be a positive odd integer, got ${size}`);
  const fixed: Record<number, number[]> = {
    1: [1],
    3: [0.25, 0.5, 0.25],
    5: [0.0625, 0.25, 0.375, 0.25, 0.0625],
    7: [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125],
  };
  if (fixed[size]) return Float64Array.from(fixed[size]);
  const sigma = 0.3 * ((size - 1) * 0.5 - 1) + 0.8;
  const centre = (size - 1) / 2;
  const kernel = Float64Array.from({ length: size }, (_, i) => Math.exp(-((i - centre) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((sum, value) => sum + value, 0);
  return kernel.map((value) => value / total);
}

/** OpenCV's BORDER_REFLECT_101 index: ... 2 1 | 0 1 2 ... n-1 | n-2 n-3 ... */
function reflect101(index: number, length: number): number {
  if (length === 1) return 0;
  let i = index;
  while (i < 0 || i >= length) i = i < 0 ? -i : 2 * (length - 1) - i;
  return i;
}

/**
 * Kernel size of every page column from the strips' blur levels: within strip s (but the last)
 * column j takes int(linspace(L_s, L_{s+1}, stripWidth)[j]), made odd by adding one when even;
 * the last strip keeps its own level. numpy's linspace is start + j * step with the end exact.
 */
export function columnKernelSizes(levels: readonly number[], stripWidth: number): Int32Array {
  const sizes = new Int32Array(levels.length * stripWidth);
  levels.forEach((level, strip) => {
    const next = strip + 1 < levels.length ? levels[strip + 1] : level;
    const step = (next - level) / (stripWidth - 1);
    for (let j = 0; j < stripWidth; j++) {
      const size = Math.trunc(j === stripWidth - 1 ? next : level + j * step);
      sizes[strip * stripWidth + j] = size % 2 === 0 ? size + 1 : size;
    }
  });
  return sizes;
}

/**
 * Blurs each column of an HWC uint8 image vertically with OpenCV's Gaussian of that column's
 * kernel size (reflect-101 borders), in place: cv2.GaussianBlur on a one-pixel-wide column, whose
 * horizontal pass is the identity.
 */
export function blurColumnsVertically(pixels: Uint8Array, height: number, width: number, channels: number, kernelSizes: ArrayLike<number>): void {
  const kernels = new Map<number, Float64Array>();
  const largestRadius = Math.max(0, ...Array.from(kernelSizes, (size) => (size - 1) / 2));
  // The column with its reflect-101 border on both sides, so the convolution needs no index checks.
  const padded = new Float64Array(height + 2 * largestRadius);
  for (let x = 0; x < width; x++) {
    const size = kernelSizes[x];
    let kernel = kernels.get(size);
    if (kernel === undefined) kernels.set(size, (kernel = openCvGaussianKernel(size)));
    const radius = (size - 1) / 2;
    for (let c = 0; c < channels; c++) {
      for (let y = -radius; y < height + radius; y++) padded[y + radius] = pixels[(reflect101(y, height) * width + x) * channels + c];
      for (let y = 0; y < height; y++) {
        let sum = 0;
        for (let t = 0; t < size; t++) sum += kernel[t] * padded[y + t];
        pixels[(y * width + x) * channels + c] = Math.min(255, Math.max(0, Math.round(sum)));
      }
    }
  }
}

/** A uint8 level plus noise truncated toward zero, wrapping around modulo 256 as numpy's uint8 addition does. */
export function addTruncatedNoiseWrapped(level: number, noise: number): number {
  return (((level + Math.trunc(noise)) % 256) + 256) % 256;
}

/**
 * Two independent standard normals from one Box-Muller step on two 32-bit draws: a page needs
 * 46 080 normals, and Rng.normal() spends two 53-bit floats on each. 32 bits of uniform
 * resolution are ample for noise that is truncated to an integer.
 */
function normalPair(rng: Rng): [number, number] {
  const radius = Math.sqrt(-2 * Math.log((rng.uint32() + 1) / 2 ** 32));
  const angle = (2 * Math.PI * rng.uint32()) / 2 ** 32;
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
}

/** Uniform integer in [-2, 2]. */
function jitter(rng: Rng): number {
  return rng.int(JITTER_LEVELS) - (JITTER_LEVELS - 1) / 2;
}

function clipLevel(value: number): number {
  return Math.min(255, Math.max(0, value));
}

/**
 * A strip's blur level 4v + 1 with v = U{1 .. U{2..4} - 1}: nested integer draws giving 5, 9, 13
 * with probabilities 11/18, 5/18, 2/18.
 */
function drawBlurLevel(rng: Rng): number {
  const upper = 2 + rng.int(3);
  return 4 * (1 + rng.int(upper - 1)) + 1;
}

export interface PhoneNumsOptions {
  /** Seed of every page and of the split order. */
  seed: number;
  /** Pages in the dataset (default 1000, the original's --n_pages). */
  pages?: number;
  /** Colours: the in-distribution eight (default) or the out-of-distribution eight. */
  palette?: PhoneNumsPalette;
  /** Fragments per sample, 1..10 (default 10, the whole page); fewer start at a random patch. */
  fragmentsPerSample?: number;
  /** Multiplies the noise's sigma = U(0, 1): 1 as the original now (default), 10 as at paper time. */
  noiseScale?: number;
  /** The graded blur (default on); off for pictures and tests of the layout. */
  blur?: boolean;
  /** The integer noise (default on). */
  noise?: boolean;
}

/** One page before normalisation: HWC uint8 pixels, 48 x 320 x 3, with its digits and colour. */
export interface PhoneNumsPage {
  pixels: Uint8Array;
  digits: Int32Array;
  /** Index of the colour in the palette. */
  style: number;
}

export class PhoneNumsData implements SequenceDataset {
  readonly name = 'phonenums';
  readonly fragmentShape = [PATCH_HEIGHT, PATCH_WIDTH, CHANNELS] as const;
  readonly fragmentsPerSample: number;
  readonly contentNames = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
  readonly styleNames: readonly string[];
  readonly seed: number;
  readonly pages: number;
  readonly palette: PhoneNumsPalette;
  readonly noiseScale: number;
  readonly blur: boolean;
  readonly noise: boolean;
  private readonly splitPages: Readonly<Record<SequenceSplit, Int32Array>>;
  private readonly coverage = new Float32Array(PATCH_WIDTH * PATCH_HEIGHT);

  constructor(options: PhoneNumsOptions) {
    const { seed, pages = 1000, palette = 'in_distribution', fragmentsPerSample = DIGITS_PER_PAGE, noiseScale = 1, blur = true, noise = true } = options;
    if (!Number.isSafeInteger(seed)) throw new UserError(`phonenums: seed must be an integer, got ${seed}`);
    if (!(Number.isSafeInteger(pages) && pages >= 1)) throw new UserError(`phonenums: pages must be a positive integer, got ${pages}`);
    if (!Object.hasOwn(PALETTES, palette)) throw new UserError(`phonenums: unknown palette '${String(palette)}' (known: ${Object.keys(PALETTES).join(', ')})`);
    if (!(Number.isInteger(fragmentsPerSample) && fragmentsPerSample >= 1 && fragmentsPerSample <= DIGITS_PER_PAGE)) {
      throw new UserError(`phonenums: fragments per sample must be an integer in 1..${DIGITS_PER_PAGE}, got ${fragmentsPerSample}`);
    }
    if (!(Number.isFinite(noiseScale) && noiseScale >= 0)) throw new UserError(`phonenums: noise scale must be a non-negative number, got ${noiseScale}`);
    this.seed = seed;
    this.pages = pages;
    this.palette = palette;
    this.fragmentsPerSample = fragmentsPerSample;
    this.noiseScale = noiseScale;
    this.blur = blur;
    this.noise = noise;
    this.styleNames = PALETTES[palette];
    this.splitPages = palette === 'ood' ? this.oodSplits() : this.shuffledSplits();
  }

  /** The original's split_train_val.py: pages in a shuffled order, 10% val, the next 10% test, the rest train. */
  private shuffledSplits(): Record<SequenceSplit, Int32Array> {
    const order = Rng.fromSeed(this.seed).fork('phonenums split').shuffle(Array.from({ length: this.pages }, (_, i) => i));
    const tenth = Math.floor(this.pages / 10);
    return {
      val: Int32Array.from(order.slice(0, tenth)),
      test: Int32Array.from(order.slice(tenth, 2 * tenth)),
      train: Int32Array.from(order.slice(2 * tenth)),
      ...noShotSplits(),
    };
  }

  /** --split_for_ood: the shot sets take the first pages of each colour; every other page is test; no train or val. */
  private oodSplits(): Record<SequenceSplit, Int32Array> {
    const largestShot = new Set(this.shotPages(SHOT_COUNTS[SHOT_COUNTS.length - 1]));
    const test = Array.from({ length: this.pages }, (_, i) => i).filter((page) => !largestShot.has(page));
    return {
      train: new Int32Array(0), val: new Int32Array(0), test: Int32Array.from(test),
      '1_shot': this.shotPages(1), '5_shot': this.shotPages(5), '10_shot': this.shotPages(10),
    };
  }

  /** The n-shot set of an OOD dataset: the first n pages of each colour, in page order. */
  shotPages(shots: ShotCount): Int32Array {
    if (this.palette !== 'ood') throw new UserError(`phonenums: shot sets exist only with palette 'ood', not '${this.palette}'`);
    if (!SHOT_COUNTS.includes(shots)) throw new UserError(`phonenums: shots must be one of ${SHOT_COUNTS.join(', ')}, got ${shots}`);
    const colours = this.styleNames.length;
    return Int32Array.from({ length: Math.min(this.pages, shots * colours) }, (_, i) => i);
  }

  count(split: SequenceSplit): number {
    return this.splitPages[split].length;
  }

  /** The page behind sample `index` of `split`. */
  pageOf(split: SequenceSplit, index: number): number {
    checkSampleIndex(this, split, index);
    return this.splitPages[split][index];
  }

  sample(split: SequenceSplit, index: number, rng: Rng, out: Float32Array, offset: number): SequenceLabels {
    return this.samplePage(this.pageOf(split, index), rng, out, offset);
  }

  /** A sample of any page (the shot sets' pages included), written and labelled as sample() does. */
  samplePage(page: number, rng: Rng, out: Float32Array, offset: number): SequenceLabels {
    const { pixels, digits, style } = this.renderPage(page);
    const first = this.fragmentsPerSample < DIGITS_PER_PAGE ? rng.int(DIGITS_PER_PAGE - this.fragmentsPerSample + 1) : 0;
    let target = offset;
    for (let f = first; f < first + this.fragmentsPerSample; f++) {
      for (let y = 0; y < PATCH_HEIGHT; y++) {
        const source = (y * PAGE_WIDTH + f * PATCH_WIDTH) * CHANNELS;
        for (let k = 0; k < PATCH_WIDTH * CHANNELS; k++) out[target++] = (pixels[source + k] / 255 - 0.5) / 0.5;
      }
    }
    return { content: digits.slice(first, first + this.fragmentsPerSample), style };
  }

  /** Page `page` as the original's generator saves it (before the loader's normalisation). */
  renderPage(page: number): PhoneNumsPage {
    if (!(Number.isInteger(page) && page >= 0 && page < this.pages)) throw new RangeError(`phonenums: page ${page} is outside [0, ${this.pages})`);
    const pageRng = Rng.fromSeed(this.seed).fork(`phonenums page ${page}`);
    const layoutRng = pageRng.fork('layout');
    const blurRng = pageRng.fork('blur');
    const noiseRng = pageRng.fork('noise');

    const digits = Int32Array.from(layoutRng.shuffle(Array.from({ length: DIGITS_PER_PAGE }, (_, d) => d)));
    const style = page % this.styleNames.length;
    const base = foregroundLevels(this.styleNames[style]);
    const foreground = base.map((level) => clipLevel(level + jitter(layoutRng)));
    const background = [0, 1, 2].map(() => clipLevel(BACKGROUND_LEVEL + jitter(layoutRng)));
    const pixels = new Uint8Array(PATCH_HEIGHT * PAGE_WIDTH * CHANNELS);
    digits.forEach((digit, slot) => this.drawDigit(pixels, slot, digit, foreground, background, layoutRng));

    if (this.blur) {
      const levels = Array.from({ length: BLUR_STRIPS }, () => drawBlurLevel(blurRng));
      blurColumnsVertically(pixels, PATCH_HEIGHT, PAGE_WIDTH, CHANNELS, columnKernelSizes(levels, PAGE_WIDTH / BLUR_STRIPS));
    }
    if (this.noise) {
      const sigma = noiseRng.float() * this.noiseScale;
      for (let i = 0; i < pixels.length; i += 2) {
        const [first, second] = normalPair(noiseRng);
        pixels[i] = addTruncatedNoiseWrapped(pixels[i], sigma * first);
        if (i + 1 < pixels.length) pixels[i + 1] = addTruncatedNoiseWrapped(pixels[i + 1], sigma * second);
      }
    }
    return { pixels, digits, style };
  }

  /** Fills patch `slot` with the background and writes `digit` in its per-character jittered colour. */
  private drawDigit(pixels: Uint8Array, slot: number, digit: number, foreground: number[], background: number[], rng: Rng): void {
    const ink = foreground.map((level) => clipLevel(level + jitter(rng)));
    const originX = Math.floor((PATCH_WIDTH - DIGIT_GLYPHS[digit].inkWidth) / 2) + rng.float();
    const originY = Math.floor((PATCH_HEIGHT - FONT_SIZE_PX) / 2) + rng.float() - UPWARD_OFFSET_PX;
    const coverage = rasteriseDigit(digit, PATCH_WIDTH, PATCH_HEIGHT, originX, originY, this.coverage);
    for (let y = 0; y < PATCH_HEIGHT; y++) {
      for (let x = 0; x < PATCH_WIDTH; x++) {
        const alpha = coverage[y * PATCH_WIDTH + x];
        const pixel = (y * PAGE_WIDTH + slot * PATCH_WIDTH + x) * CHANNELS;
        for (let c = 0; c < CHANNELS; c++) pixels[pixel + c] = Math.round(background[c] + (ink[c] - background[c]) * alpha);
      }
    }
  }
}
