// Heat maps of matrices with entries in [0, 1], such as V3's row-normalised codebook confusion
// matrix (spec §6.3, drawn by the original with matplotlib's 'Purples' on [0, 1]): one square
// cell per entry, separated by thin grid lines, optionally with numbered rows and columns.
import { drawNumber, GLYPH_HEIGHT, numberWidth } from './digits.js';
import { createImage, type Image } from './image.js';
import { writePng } from './png.js';

/** The nine ColorBrewer colours matplotlib's 'Purples' interpolates between, evenly spaced on [0, 1]. */
export const PURPLES: readonly (readonly [number, number, number])[] = [
  [0xfc, 0xfb, 0xfd], [0xef, 0xed, 0xf5], [0xda, 0xda, 0xeb], [0xbc, 0xbd, 0xdc], [0x9e, 0x9a, 0xc8],
  [0x80, 0x7d, 0xba], [0x6a, 0x51, 0xa3], [0x54, 0x27, 0x8f], [0x3f, 0x00, 0x7d],
];

/** The colour of `value` (clamped to [0, 1], as matplotlib's vmin/vmax do) in [0, 1] RGB, linearly interpolated. */
export function purples(value: number): [number, number, number] {
  if (Number.isNaN(value)) throw new RangeError('cannot colour NaN');
  const position = Math.min(1, Math.max(0, value)) * (PURPLES.length - 1);
  const lower = Math.min(Math.floor(position), PURPLES.length - 2);
  const t = position - lower;
  const [a, b] = [PURPLES[lower], PURPLES[lower + 1]];
  return [0, 1, 2].map((c) => (a[c] + (b[c] - a[c]) * t) / 255) as [number, number, number];
}

export interface HeatmapOptions {
  /** Side of each cell in pixels. */
  cellSize?: number;
  /** Width of the grid lines between and around the cells, in pixels (0 for none). */
  gridLine?: number;
  /** Gray level of the grid lines. */
  gridGray?: number;
  /** Numbers written left of the rows (e.g. atom indices in the rows' order). */
  rowLabels?: readonly number[];
  /** Numbers written above the columns (e.g. class indices). */
  colLabels?: readonly number[];
}

const LABEL_SCALE = 2;
const LABEL_GAP = 4;
const LABEL_GRAY = 0.2;

/** A rows x cols matrix (row-major) as an image: cell (r, c) at column c, row r, like matplotlib's imshow. */
export function heatmap(matrix: ArrayLike<number>, rows: number, cols: number, options: HeatmapOptions = {}): Image {
  const { cellSize = 24, gridLine = 1, gridGray = 0.8 } = options;
  if (!(Number.isSafeInteger(rows) && rows > 0 && Number.isSafeInteger(cols) && cols > 0) || matrix.length !== rows * cols) {
    throw new RangeError(`${matrix.length} values do not form a ${rows} x ${cols} matrix`);
  }
  if (!(Number.isSafeInteger(cellSize) && cellSize > 0)) throw new RangeError(`cell size must be a positive integer, got ${cellSize}`);
  if (!(Number.isSafeInteger(gridLine) && gridLine >= 0)) throw new RangeError(`grid line width must be a non-negative integer, got ${gridLine}`);
  const { rowLabels, colLabels } = options;
  if (rowLabels && rowLabels.length !== rows) throw new RangeError(`${rowLabels.length} row labels for ${rows} rows`);
  if (colLabels && colLabels.length !== cols) throw new RangeError(`${colLabels.length} column labels for ${cols} columns`);
  const pitch = cellSize + gridLine;
  const labelHeight = GLYPH_HEIGHT * LABEL_SCALE;
  const left = rowLabels ? Math.max(...rowLabels.map((l) => numberWidth(l, LABEL_SCALE))) + 2 * LABEL_GAP : 0;
  const top = colLabels ? labelHeight + 2 * LABEL_GAP : 0;
  const gridWidth = cols * pitch + gridLine;
  const gridHeight = rows * pitch + gridLine;
  const image = createImage(left + gridWidth, top + gridHeight, 3, 1);
  for (let y = top; y < top + gridHeight; y++) image.data.fill(gridGray, (y * image.width + left) * 3, (y * image.width + left + gridWidth) * 3);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const colour = purples(matrix[r * cols + c]);
      for (let y = 0; y < cellSize; y++) {
        const rowStart = ((top + gridLine + r * pitch + y) * image.width + left + gridLine + c * pitch) * 3;
        for (let x = 0; x < cellSize; x++) image.data.set(colour, rowStart + 3 * x);
      }
    }
  }
  rowLabels?.forEach((label, r) => drawNumber(image, left - LABEL_GAP - numberWidth(label, LABEL_SCALE),
    top + gridLine + r * pitch + Math.floor((cellSize - labelHeight) / 2), label, LABEL_SCALE, LABEL_GRAY));
  colLabels?.forEach((label, c) => drawNumber(image, left + gridLine + c * pitch + Math.floor((cellSize - numberWidth(label, LABEL_SCALE)) / 2),
    LABEL_GAP, label, LABEL_SCALE, LABEL_GRAY));
  return image;
}

export function writeHeatmapPng(path: string, matrix: ArrayLike<number>, rows: number, cols: number, options?: HeatmapOptions): void {
  writePng(path, heatmap(matrix, rows, cols, options));
}
