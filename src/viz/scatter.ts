// Scatter plots of embeddings (V3's t-SNE pictures, spec §6.2): 2-D points, or 3-D points seen
// obliquely with nearer points drawn later and larger, coloured by integer labels with
// matplotlib's tab20 palette, each panel above a legend of its labels. Drawn straight into an
// Image so pictures need no plotting library or font.
import { drawNumber, fillRect, GLYPH_HEIGHT, numberWidth } from './digits.js';
import { createImage, type Image } from './image.js';
import { writePng } from './png.js';

/** matplotlib's tab20, as bytes. */
export const TAB20: readonly (readonly [number, number, number])[] = [
  [0x1f, 0x77, 0xb4], [0xae, 0xc7, 0xe8], [0xff, 0x7f, 0x0e], [0xff, 0xbb, 0x78],
  [0x2c, 0xa0, 0x2c], [0x98, 0xdf, 0x8a], [0xd6, 0x27, 0x28], [0xff, 0x98, 0x96],
  [0x94, 0x67, 0xbd], [0xc5, 0xb0, 0xd5], [0x8c, 0x56, 0x4b], [0xc4, 0x9c, 0x94],
  [0xe3, 0x77, 0xc2], [0xf7, 0xb6, 0xd2], [0x7f, 0x7f, 0x7f], [0xc7, 0xc7, 0xc7],
  [0xbc, 0xbd, 0x22], [0xdb, 0xdb, 0x8d], [0x17, 0xbe, 0xcf], [0x9e, 0xda, 0xe5],
];

/** Label k's colour in [0, 1]: tab20 entry k mod 20, so labels past 20 repeat colours but stay drawable. */
export function labelColour(label: number): [number, number, number] {
  const [r, g, b] = TAB20[label % TAB20.length];
  return [r / 255, g / 255, b / 255];
}

export interface ScatterPanel {
  /** Row-major n x dims coordinates. */
  points: Float64Array;
  dims: 2 | 3;
  /** One non-negative integer label per point. */
  labels: ArrayLike<number>;
}

export interface ScatterOptions {
  /** Side of each square plot area in pixels. */
  size?: number;
  /** Marker radius in pixels (in 3-D, of a point at middle depth). */
  markerRadius?: number;
  /** 3-D view direction in degrees, matplotlib's convention and defaults (-60, 30). */
  azimuth?: number;
  elevation?: number;
}

/** Where a panel's points land, in pixels from its plot area's top-left corner, and in what order they are drawn. */
export interface ScatterLayout {
  x: Float64Array;
  y: Float64Array;
  radius: Float64Array;
  /** Point indices, first drawn first (in 3-D: farthest first). */
  order: Int32Array;
}

const PANEL_GAP = 12;
const OUTER_PADDING = 10;
const LEGEND_GAP = 6;
const SWATCH = 8;
const DIGIT_SCALE = 2;
const LEGEND_ENTRY_GAP = 8;
const LEGEND_ROW_HEIGHT = Math.max(SWATCH, GLYPH_HEIGHT * DIGIT_SCALE) + 4;
const FRAME_GRAY = 0.35;
const TEXT_GRAY = 0.2;
/** In 3-D the nearest point is drawn this much larger, the farthest this much smaller, than the middle. */
const DEPTH_SIZE_SPREAD = 0.35;

/**
 * Screen coordinates (x right, y up) and depth (towards the viewer) of points seen from azimuth and
 * elevation in degrees, as matplotlib's 3-D axes look at them: the eye lies along
 * (cos e cos a, cos e sin a, sin e), the z axis stays upright on screen.
 */
export function obliqueProjection(points: Float64Array, n: number, azimuth = -60, elevation = 30): { x: Float64Array; y: Float64Array; depth: Float64Array } {
  const a = (azimuth * Math.PI) / 180;
  const e = (elevation * Math.PI) / 180;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const depth = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [px, py, pz] = [points[3 * i], points[3 * i + 1], points[3 * i + 2]];
    x[i] = -Math.sin(a) * px + Math.cos(a) * py;
    y[i] = -Math.sin(e) * Math.cos(a) * px - Math.sin(e) * Math.sin(a) * py + Math.cos(e) * pz;
    depth[i] = Math.cos(e) * Math.cos(a) * px + Math.cos(e) * Math.sin(a) * py + Math.sin(e) * pz;
  }
  return { x, y, depth };
}

/** Centre and half-extent of each coordinate, with one shared scale so distances keep their proportions. */
function commonScale(columns: readonly Float64Array[]): { centres: number[]; half: number } {
  let half = 0;
  const centres = columns.map((values) => {
    let low = Infinity;
    let high = -Infinity;
    for (const value of values) {
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
    half = Math.max(half, (high - low) / 2);
    return (low + high) / 2;
  });
  return { centres, half: half > 0 ? half : 1 };
}

function checkPanel(panel: ScatterPanel): number {
  const { points, dims, labels } = panel;
  if (dims !== 2 && dims !== 3) throw new RangeError(`scatter points must have 2 or 3 coordinates, got ${dims}`);
  if (points.length % dims !== 0) throw new RangeError(`${points.length} coordinates do not form points of ${dims}`);
  const n = points.length / dims;
  if (n === 0) throw new RangeError('a scatter plot needs at least one point');
  if (labels.length !== n) throw new RangeError(`${labels.length} labels for ${n} points`);
  for (let i = 0; i < n; i++) {
    if (!(Number.isSafeInteger(labels[i]) && labels[i] >= 0)) throw new RangeError(`label of point ${i} is ${labels[i]}, not a non-negative integer`);
  }
  for (const value of points) if (!Number.isFinite(value)) throw new RangeError(`scatter coordinate ${value} is not finite`);
  return n;
}

/** The pixel positions, radii and drawing order of a panel's points inside a size x size plot area. */
export function scatterLayout(panel: ScatterPanel, options: ScatterOptions = {}): ScatterLayout {
  const { size = 400, markerRadius = 3, azimuth = -60, elevation = 30 } = options;
  const n = checkPanel(panel);
  const { points, dims } = panel;
  let screenX: Float64Array;
  let screenY: Float64Array;
  const radius = new Float64Array(n).fill(markerRadius);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (dims === 2) {
    screenX = Float64Array.from({ length: n }, (_, i) => points[2 * i]);
    screenY = Float64Array.from({ length: n }, (_, i) => points[2 * i + 1]);
  } else {
    const columns = [0, 1, 2].map((c) => Float64Array.from({ length: n }, (_, i) => points[3 * i + c]));
    const { centres, half } = commonScale(columns);
    const cube = Float64Array.from(points, (value, index) => (value - centres[index % 3]) / half);
    const projected = obliqueProjection(cube, n, azimuth, elevation);
    screenX = projected.x;
    screenY = projected.y;
    const maxDepth = Math.sqrt(3);
    for (let i = 0; i < n; i++) radius[i] = markerRadius * (1 + DEPTH_SIZE_SPREAD * (projected.depth[i] / maxDepth));
    order.sort((p, q) => projected.depth[p] - projected.depth[q] || p - q);
  }
  const { centres, half } = commonScale([screenX, screenY]);
  const margin = Math.ceil(markerRadius * (1 + DEPTH_SIZE_SPREAD)) + 2;
  const inner = size - 2 * margin;
  if (inner <= 0) throw new RangeError(`plot size ${size} leaves no room for markers of radius ${markerRadius}`);
  const x = Float64Array.from(screenX, (value) => margin + ((value - centres[0]) / half + 1) * (inner / 2));
  const y = Float64Array.from(screenY, (value) => margin + (1 - (value - centres[1]) / half) * (inner / 2));
  return { x, y, radius, order };
}

function blendPixel(image: Image, px: number, py: number, colour: readonly number[], alpha: number): void {
  if (px < 0 || py < 0 || px >= image.width || py >= image.height || alpha <= 0) return;
  const at = (py * image.width + px) * 3;
  for (let c = 0; c < 3; c++) image.data[at + c] += (colour[c] - image.data[at + c]) * alpha;
}

/** A disc whose edge is anti-aliased by the pixel centre's distance from the rim. */
function drawDisc(image: Image, cx: number, cy: number, radius: number, colour: readonly number[]): void {
  for (let py = Math.floor(cy - radius - 1); py <= Math.ceil(cy + radius + 1); py++) {
    for (let px = Math.floor(cx - radius - 1); px <= Math.ceil(cx + radius + 1); px++) {
      const distance = Math.hypot(px + 0.5 - cx, py + 0.5 - cy);
      blendPixel(image, px, py, colour, Math.min(1, radius + 0.5 - distance));
    }
  }
}

function drawFrame(image: Image, left: number, top: number, width: number, height: number): void {
  const gray = [FRAME_GRAY, FRAME_GRAY, FRAME_GRAY];
  fillRect(image, left, top, width, 1, gray);
  fillRect(image, left, top + height - 1, width, 1, gray);
  fillRect(image, left, top, 1, height, gray);
  fillRect(image, left + width - 1, top, 1, height, gray);
}

/** Legend entries (swatch, then the label) wrapped into rows no wider than `width`: each entry's offset. */
function legendLayout(labels: readonly number[], width: number): { entries: { label: number; left: number; row: number }[]; rows: number } {
  const entries: { label: number; left: number; row: number }[] = [];
  let left = 0;
  let row = 0;
  for (const label of labels) {
    const entryWidth = SWATCH + 3 + numberWidth(label, DIGIT_SCALE);
    if (left > 0 && left + entryWidth > width) {
      left = 0;
      row++;
    }
    entries.push({ label, left, row });
    left += entryWidth + LEGEND_ENTRY_GAP;
  }
  return { entries, rows: row + 1 };
}

/**
 * Panels side by side on white, each a framed size x size plot over a legend of the labels it
 * uses (distinct labels in increasing order).
 */
export function scatterPlot(panels: readonly ScatterPanel[], options: ScatterOptions = {}): Image {
  if (panels.length === 0) throw new RangeError('a scatter plot needs at least one panel');
  const { size = 400 } = options;
  const layouts = panels.map((panel) => scatterLayout(panel, options));
  const legends = panels.map((panel) => legendLayout([...new Set(Array.from(panel.labels))].sort((a, b) => a - b), size));
  const legendHeight = Math.max(...legends.map((legend) => legend.rows)) * LEGEND_ROW_HEIGHT;
  const width = 2 * OUTER_PADDING + panels.length * size + (panels.length - 1) * PANEL_GAP;
  const height = 2 * OUTER_PADDING + size + LEGEND_GAP + legendHeight;
  const image = createImage(width, height, 3, 1);
  panels.forEach((panel, p) => {
    const left = OUTER_PADDING + p * (size + PANEL_GAP);
    const top = OUTER_PADDING;
    const { x, y, radius, order } = layouts[p];
    for (const i of order) drawDisc(image, left + x[i], top + y[i], radius[i], labelColour(panel.labels[i]));
    drawFrame(image, left, top, size, size);
    for (const entry of legends[p].entries) {
      const rowTop = top + size + LEGEND_GAP + entry.row * LEGEND_ROW_HEIGHT;
      fillRect(image, left + entry.left, rowTop + 1, SWATCH, SWATCH, labelColour(entry.label));
      drawNumber(image, left + entry.left + SWATCH + 3, rowTop, entry.label, DIGIT_SCALE, TEXT_GRAY);
    }
  });
  return image;
}

export function writeScatterPng(path: string, panels: readonly ScatterPanel[], options?: ScatterOptions): void {
  writePng(path, scatterPlot(panels, options));
}
