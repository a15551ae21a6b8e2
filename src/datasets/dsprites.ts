// Procedural dSprites (datasets.md §2.3): the original LÖVE generator is not published, so the
// sprites are re-drawn from the documented factor values with outlines and a unit size S chosen
// to reproduce the dataset's first two pixel moments. Factor order and sizes match the 5
// non-trivial factors of the original file (the constant colour factor is dropped, as every
// learning library does), so factor vectors and C-order indices mean the same thing there.
//
// Rotation convention (unverified in the original, chosen here): orientation θ turns the sprite
// counter-clockwise as seen on screen, so at θ = 90° the heart's lobes point left and its tip
// right. posY = 0 is the top of the image.
import { factorsToIndex, type GroundTruthData } from './ground_truth.js';
import { ScanlineEllipse, ScanlinePolygon, SupersampledRaster, type SpanOutline } from './raster.js';

const IMAGE_SIZE = 64;
/** Length in pixels of one outline unit at scale 1 (calibrated, datasets.md §2.3). */
const UNIT_PX = 21.2;
/** Sprite centres range over [16, 48] px, about 1.03 px per position step. */
const POSITION_OFFSET_PX = 16;
const POSITION_RANGE_PX = 32;
const HEART_VERTICES = 400;

const NUM_SCALES = 6;
const NUM_ORIENTATIONS = 40;
const NUM_POSITIONS = 32;
/**
 * Orientation values are linspace(0, 2π, 40): the last equals the first, so only 39 distinct
 * angles exist. Reducing the index modulo 39 makes index 39 reuse index 0's geometry exactly
 * instead of differing by the rounding of sin(2π).
 */
const DISTINCT_ORIENTATIONS = NUM_ORIENTATIONS - 1;

/** scale values linspace(0.5, 1, 6). */
function scaleValue(index: number): number {
  return 0.5 + (0.5 * index) / (NUM_SCALES - 1);
}

/** Sprite centre in pixels for a position index: 16 + 32·pos with pos = linspace(0, 1, 32). */
function positionPx(index: number): number {
  return POSITION_OFFSET_PX + (POSITION_RANGE_PX * index) / (NUM_POSITIONS - 1);
}

/** An outline's vertices in units (S·scale px), centred on the sprite's centre. */
interface UnitPolygon {
  us: Float64Array;
  vs: Float64Array;
}

/**
 * The heart curve u = 16 sin³t / 32, v = −(13 cos t − 5 cos 2t − 2 cos 3t − cos 4t) / 32 at 400
 * points, v shifted so its bounding box is centred on the origin (lobes up, tip down); in units.
 */
function heartOutline(): UnitPolygon {
  const us = new Float64Array(HEART_VERTICES);
  const vs = new Float64Array(HEART_VERTICES);
  for (let i = 0; i < HEART_VERTICES; i++) {
    const t = (2 * Math.PI * i) / HEART_VERTICES;
    us[i] = (16 * Math.sin(t) ** 3) / 32;
    vs[i] = -(13 * Math.cos(t) - 5 * Math.cos(2 * t) - 2 * Math.cos(3 * t) - Math.cos(4 * t)) / 32;
  }
  let vMin = Infinity;
  let vMax = -Infinity;
  for (const v of vs) {
    vMin = Math.min(vMin, v);
    vMax = Math.max(vMax, v);
  }
  const vCentre = (vMin + vMax) / 2;
  for (let i = 0; i < HEART_VERTICES; i++) vs[i] -= vCentre;
  return { us, vs };
}

const SQUARE_OUTLINE: UnitPolygon = {
  us: Float64Array.of(-0.5, 0.5, 0.5, -0.5),
  vs: Float64Array.of(-0.5, -0.5, 0.5, 0.5),
};
const HEART_OUTLINE = heartOutline();
const ELLIPSE_SEMI_AXES = { u: 0.5, v: 0.25 };

/** A unit-coordinate polygon scaled to `lengthPx` and turned counter-clockwise on screen. */
function placedPolygon(outline: UnitPolygon, lengthPx: number, cos: number, sin: number): ScanlinePolygon {
  const n = outline.us.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = outline.us[i];
    const v = outline.vs[i];
    xs[i] = lengthPx * (u * cos + v * sin);
    ys[i] = lengthPx * (v * cos - u * sin);
  }
  return new ScanlinePolygon(xs, ys);
}

/** Outline builders in shape-index order: square, ellipse, heart. */
const SHAPE_BUILDERS: readonly ((lengthPx: number, cos: number, sin: number) => SpanOutline)[] = [
  (lengthPx, cos, sin) => placedPolygon(SQUARE_OUTLINE, lengthPx, cos, sin),
  (lengthPx, cos, sin) => new ScanlineEllipse(ELLIPSE_SEMI_AXES.u * lengthPx, ELLIPSE_SEMI_AXES.v * lengthPx, cos, sin),
  (lengthPx, cos, sin) => placedPolygon(HEART_OUTLINE, lengthPx, cos, sin),
];

function placedOutline(shape: number, scaleIndex: number, orientationIndex: number): SpanOutline {
  const angle = (2 * Math.PI * orientationIndex) / DISTINCT_ORIENTATIONS;
  return SHAPE_BUILDERS[shape](UNIT_PX * scaleValue(scaleIndex), Math.cos(angle), Math.sin(angle));
}

export class DSpritesData implements GroundTruthData {
  readonly name = 'dsprites';
  readonly factorNames = ['shape', 'scale', 'orientation', 'position_x', 'position_y'] as const;
  readonly factorSizes = [SHAPE_BUILDERS.length, NUM_SCALES, NUM_ORIENTATIONS, NUM_POSITIONS, NUM_POSITIONS] as const;
  readonly observationShape = [IMAGE_SIZE, IMAGE_SIZE, 1] as const;
  readonly binary = true;

  /** Outlines placed for each (shape, scale, distinct orientation), built on first use. */
  private readonly outlines: (SpanOutline | undefined)[] = new Array(
    SHAPE_BUILDERS.length * NUM_SCALES * DISTINCT_ORIENTATIONS,
  );
  private readonly raster = new SupersampledRaster(IMAGE_SIZE, IMAGE_SIZE);

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    factorsToIndex(this.factorSizes, factors); // throws RangeError for a factor outside its range
    const shape = factors[0];
    const scale = factors[1];
    const distinctOrientation = factors[2] % DISTINCT_ORIENTATIONS;
    const key = (shape * NUM_SCALES + scale) * DISTINCT_ORIENTATIONS + distinctOrientation;
    const outline = (this.outlines[key] ??= placedOutline(shape, scale, distinctOrientation));
    outline.fill(this.raster, positionPx(factors[3]), positionPx(factors[4]));
    this.raster.resolveInto(out, offset);
  }
}
