// The ten digits PhoneNums writes, drawn as pen strokes in the spirit of Kristen ITC at 48 px
// (rounded, informal, hand-lettered), rasterised with anti-aliasing into a coverage map.
//
// Written by hand because the original's font (ITCKRIST.TTF) may not be fetched or read, and
// rendering strokes needs no font machinery: each pixel's coverage comes from the exact distance
// between its centre and the pen's centre line, turned into the fraction of a one-pixel box under
// a round pen of the given width. No npm package rasterises strokes without a canvas except resvg
// (a dependency, for charts), which would mean an SVG text, a PNG encode and a decode per glyph
// and sub-pixel offset; the distance test takes a few hundred microseconds per digit.
//
// Coordinates are pixels at the 48 px size, y downwards. A glyph's origin is where a text call
// places the text: its left ink edge at x = 0 and its ascender line at y = 0, the digit body
// 34 px tall from DIGIT_TOP_PX down, as a 48 px font's figures are.

/** Pen diameter: Kristen ITC's strokes at 48 px are about 4-5 px wide. */
export const PEN_WIDTH_PX = 4.5;
/** Gap between the ascender line (the text origin) and the top of the figures. */
export const DIGIT_TOP_PX = 15;
/** Straight segments each Bézier curve is flattened into: within about 0.1 px of the curve at this size. */
const SEGMENTS_PER_CURVE = 8;
/** Control-point distance of a cubic quarter ellipse. */
const KAPPA = 0.5522847498;

type Point = readonly [number, number];
/** One pen-down stroke: a start point, then lines, quadratic and cubic Bézier curves from the last point. */
type StrokeCommand = { line: Point } | { quad: [Point, Point] } | { cubic: [Point, Point, Point] };
interface Stroke {
  start: Point;
  commands: StrokeCommand[];
}

/** A closed ellipse stroke, started at its top and drawn anticlockwise on screen, as a hand writes a 0. */
function ellipse(cx: number, cy: number, rx: number, ry: number): Stroke {
  const kx = KAPPA * rx;
  const ky = KAPPA * ry;
  return {
    start: [cx, cy - ry],
    commands: [
      { cubic: [[cx - kx, cy - ry], [cx - rx, cy - ky], [cx - rx, cy]] },
      { cubic: [[cx - rx, cy + ky], [cx - kx, cy + ry], [cx, cy + ry]] },
      { cubic: [[cx + kx, cy + ry], [cx + rx, cy + ky], [cx + rx, cy]] },
      { cubic: [[cx + rx, cy - ky], [cx + kx, cy - ry], [cx, cy - ry]] },
    ],
  };
}

/**
 * The strokes of 0-9 in a design box about 22 px wide and 34 px tall (y = 0 at the top
 * of the figures), before the glyph is shifted to its origin. Shapes follow hand lettering: an
 * oval 0, a flagged 1 without a foot, an open-topped 4, a 7 whose stem curves, loops for 6, 8, 9.
 */
const DIGIT_STROKES: readonly (readonly Stroke[])[] = [
  [ellipse(11, 17, 10, 16.5)],
  [{ start: [3, 9], commands: [{ quad: [[9, 5], [12, 0]] }, { quad: [[11.5, 17], [12, 34]] }] }],
  [
    {
      start: [2, 8],
      commands: [
        { cubic: [[3, 0], [19, -1], [20, 8]] },
        { cubic: [[21, 15], [10, 22], [1, 33]] },
        { quad: [[11, 32], [21, 33.5]] },
      ],
    },
  ],
  [
    {
      start: [2, 4],
      commands: [
        { cubic: [[8, -1.5], [20, -0.5], [19, 8]] },
        { cubic: [[18.5, 13.5], [13, 16], [8, 16]] },
        { cubic: [[16, 16], [21.5, 20], [20.5, 26]] },
        { cubic: [[19.5, 34], [6, 35.5], [1, 29.5]] },
      ],
    },
  ],
  [
    { start: [14, 0], commands: [{ line: [1, 23] }, { quad: [[11, 22], [22, 23.5]] }] },
    { start: [16.5, 12], commands: [{ quad: [[16, 23], [16.5, 34]] }] },
  ],
  [
    {
      start: [19.5, 1],
      commands: [
        { quad: [[12, 0], [5, 1]] },
        { line: [3.5, 14.5] },
        { cubic: [[10, 10], [20.5, 12.5], [20.5, 22]] },
        { cubic: [[20.5, 32], [8, 36], [1, 30]] },
      ],
    },
  ],
  [
    {
      start: [17.5, 0.5],
      commands: [
        { cubic: [[8, 3], [2, 13], [2, 23]] },
        { cubic: [[2, 30.5], [6.5, 34], [11, 34]] },
        { cubic: [[17, 34], [20.5, 29.5], [20.5, 24.5]] },
        { cubic: [[20.5, 18.5], [16, 15], [11, 15]] },
        { cubic: [[6, 15], [2.5, 18.5], [2, 23]] },
      ],
    },
  ],
  [{ start: [1, 1.5], commands: [{ quad: [[11, 0.5], [21.5, 1]] }, { cubic: [[15, 9], [9.5, 21], [8.5, 34]] }] }],
  [ellipse(11, 8.5, 8, 8.5), ellipse(11, 25, 10, 9)],
  [ellipse(11, 10, 9, 9.5), { start: [20, 10], commands: [{ cubic: [[20, 20], [18, 30], [10, 34]] }] }],
];

/** A digit's pen path as straight segments, relative to its text origin, and its ink extent. */
export interface DigitGlyph {
  /** Segment k runs from (segments[4k], segments[4k+1]) to (segments[4k+2], segments[4k+3]). */
  readonly segments: Float64Array;
  /** Segment k's bounding box: min x, min y, max x, max y at [4k .. 4k+3]. */
  readonly bounds: Float64Array;
  /** Width of the ink (pen included): what a text-measuring call reports as the text width. */
  readonly inkWidth: number;
  /** Top and bottom of the ink (pen included), below the text origin. */
  readonly inkTop: number;
  readonly inkBottom: number;
}

function bezierPoint(points: readonly Point[], t: number): Point {
  let level = points.slice();
  while (level.length > 1) {
    level = level.slice(1).map((p, i): Point => [level[i][0] + t * (p[0] - level[i][0]), level[i][1] + t * (p[1] - level[i][1])]);
  }
  return level[0];
}

function flattenStroke(stroke: Stroke): Point[] {
  const points: Point[] = [stroke.start];
  for (const command of stroke.commands) {
    const from = points[points.length - 1];
    if ('line' in command) {
      points.push(command.line);
      continue;
    }
    const control = 'quad' in command ? [from, ...command.quad] : [from, ...command.cubic];
    for (let s = 1; s <= SEGMENTS_PER_CURVE; s++) points.push(bezierPoint(control, s / SEGMENTS_PER_CURVE));
  }
  return points;
}

function buildGlyph(strokes: readonly Stroke[]): DigitGlyph {
  const polylines = strokes.map(flattenStroke);
  const all = polylines.flat();
  const halfPen = PEN_WIDTH_PX / 2;
  const minX = Math.min(...all.map((p) => p[0]));
  const maxX = Math.max(...all.map((p) => p[0]));
  const minY = Math.min(...all.map((p) => p[1]));
  const maxY = Math.max(...all.map((p) => p[1]));
  const shiftX = halfPen - minX;
  const coordinates: number[] = [];
  for (const line of polylines) {
    for (let i = 1; i < line.length; i++) {
      coordinates.push(line[i - 1][0] + shiftX, line[i - 1][1] + DIGIT_TOP_PX, line[i][0] + shiftX, line[i][1] + DIGIT_TOP_PX);
    }
  }
  const segments = Float64Array.from(coordinates);
  const bounds = new Float64Array(segments.length);
  for (let k = 0; k < segments.length; k += 4) {
    bounds[k] = Math.min(segments[k], segments[k + 2]);
    bounds[k + 1] = Math.min(segments[k + 1], segments[k + 3]);
    bounds[k + 2] = Math.max(segments[k], segments[k + 2]);
    bounds[k + 3] = Math.max(segments[k + 1], segments[k + 3]);
  }
  return {
    segments,
    bounds,
    inkWidth: maxX - minX + PEN_WIDTH_PX,
    inkTop: DIGIT_TOP_PX + minY - halfPen,
    inkBottom: DIGIT_TOP_PX + maxY + halfPen,
  };
}

export const DIGIT_GLYPHS: readonly DigitGlyph[] = DIGIT_STROKES.map(buildGlyph);

/**
 * Writes into `out` (height x width, row-major, [0, 1]) the ink coverage of `digit` with its text
 * origin at (originX, originY) in the patch, sub-pixel positions allowed. A pixel whose centre lies
 * at distance d from the pen's centre line is covered by clamp(PEN_WIDTH/2 - d + 1/2, 0, 1): the
 * exact covered area of the pixel where a straight pen edge runs along a pixel axis, and close to
 * it at other angles and along curves.
 */
export function rasteriseDigit(digit: number, width: number, height: number, originX: number, originY: number, out = new Float32Array(width * height)): Float32Array {
  if (!(Number.isInteger(digit) && digit >= 0 && digit <= 9)) throw new RangeError(`a digit must be an integer 0..9, got ${digit}`);
  if (out.length < width * height) throw new RangeError(`coverage buffer holds ${out.length} values, ${width}x${height} needs ${width * height}`);
  const { segments, bounds, inkTop, inkBottom, inkWidth } = DIGIT_GLYPHS[digit];
  const reach = PEN_WIDTH_PX / 2 + 0.5;
  out.fill(0, 0, width * height);
  const nearby = new Int32Array(segments.length / 4);
  const firstRow = Math.max(0, Math.floor(originY + inkTop - 1));
  const lastRow = Math.min(height - 1, Math.ceil(originY + inkBottom));
  const firstCol = Math.max(0, Math.floor(originX - 1));
  const lastCol = Math.min(width - 1, Math.ceil(originX + inkWidth));
  for (let row = firstRow; row <= lastRow; row++) {
    const py = row + 0.5 - originY;
    // Only segments within the pen's reach of this row can ink it.
    let candidates = 0;
    for (let k = 0; k < bounds.length; k += 4) {
      if (bounds[k + 1] - reach < py && py < bounds[k + 3] + reach) nearby[candidates++] = k;
    }
    if (candidates === 0) continue;
    for (let col = firstCol; col <= lastCol; col++) {
      const px = col + 0.5 - originX;
      let nearestSquared = reach * reach;
      for (let n = 0; n < candidates; n++) {
        const k = nearby[n];
        if (px <= bounds[k] - reach || px >= bounds[k + 2] + reach) continue;
        const ax = segments[k];
        const ay = segments[k + 1];
        const dx = segments[k + 2] - ax;
        const dy = segments[k + 3] - ay;
        const lengthSquared = dx * dx + dy * dy;
        const t = lengthSquared > 0 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / lengthSquared)) : 0;
        const ex = px - ax - t * dx;
        const ey = py - ay - t * dy;
        const squared = ex * ex + ey * ey;
        if (squared < nearestSquared) nearestSquared = squared;
      }
      if (nearestSquared < reach * reach) out[row * width + col] = Math.min(1, reach - Math.sqrt(nearestSquared));
    }
  }
  return out;
}
