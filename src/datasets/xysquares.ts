// XYSquares (msc_research.md §2.1): up to three filled squares on a black image, each moving on its
// own grid of positions. With RGB on, square i lives only in channel i, so the squares never
// occlude one another and every factor is visible in every image. The grid spacing is what the
// MSc overlap experiment sweeps: at spacing = side (the default) neighbouring positions share no
// pixel, and the smaller the spacing the more pixels neighbouring positions share.
import { factorsToIndex, type GroundTruthData } from './ground_truth.js';

const DEFAULT_SQUARE_SIZE = 8;
const DEFAULT_IMAGE_SIZE = 64;
const MAX_SQUARES = 3;
/** Factor names of the three squares, in the original order; `numSquares` keeps the first 2·n. */
const SQUARE_FACTOR_NAMES = ['x_R', 'y_R', 'x_G', 'y_G', 'x_B', 'y_B'] as const;

export interface SquareGridOptions {
  /** Side of a square in px (default 8). */
  squareSize?: number;
  /** Width = height of the image in px (default 64). */
  imageSize?: number;
  /** Cap on the number of positions per axis (default: as many as fit). */
  gridSize?: number;
  /** px between successive positions (default: the square size); smaller values make positions overlap. */
  gridSpacing?: number;
}

/** Where a square can go along one axis: top-left coordinate = offset + spacing·f, f < positions. */
export interface SquareGrid {
  readonly squareSize: number;
  readonly imageSize: number;
  readonly spacing: number;
  readonly positions: number;
  readonly offset: number;
}

function requirePositiveInteger(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 1)) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

/**
 * positions = (image − side)//spacing + 1, capped at gridSize; the used grid is centred, so a
 * smaller spacing with a fixed gridSize shrinks the covered area towards the middle.
 */
export function squareGrid(options: SquareGridOptions = {}): SquareGrid {
  const squareSize = options.squareSize ?? DEFAULT_SQUARE_SIZE;
  const imageSize = options.imageSize ?? DEFAULT_IMAGE_SIZE;
  const spacing = options.gridSpacing ?? squareSize;
  requirePositiveInteger('squareSize', squareSize);
  requirePositiveInteger('imageSize', imageSize);
  requirePositiveInteger('gridSpacing', spacing);
  if (squareSize > imageSize) throw new RangeError(`squareSize ${squareSize} exceeds imageSize ${imageSize}`);
  let positions = Math.floor((imageSize - squareSize) / spacing) + 1;
  if (options.gridSize !== undefined) {
    requirePositiveInteger('gridSize', options.gridSize);
    positions = Math.min(positions, options.gridSize);
  }
  const offset = Math.floor((imageSize - (squareSize + (positions - 1) * spacing)) / 2);
  return { squareSize, imageSize, spacing, positions, offset };
}

/** Sets a square of `grid.squareSize` px with top-left (left, top) to `value` in one channel of an HWC image. */
function fillSquare(
  out: Float32Array,
  offset: number,
  grid: SquareGrid,
  channels: number,
  channel: number,
  left: number,
  top: number,
  value: number,
): void {
  const rowStride = grid.imageSize * channels;
  for (let r = top; r < top + grid.squareSize; r++) {
    const rowStart = offset + r * rowStride + left * channels + channel;
    const rowEnd = rowStart + grid.squareSize * channels;
    for (let p = rowStart; p < rowEnd; p += channels) out[p] = value;
  }
}

export interface XYSquaresOptions extends SquareGridOptions {
  /** 1..3 squares (default 3); the factor list keeps the first 2·n names. */
  numSquares?: number;
  /** true (default): 3 channels, square i in channel i; false: 1 channel holding every square. */
  rgb?: boolean;
  /** Foreground value in (0, 1] (default 1, the original's 255); the background is 0. */
  fillValue?: number;
}

/**
 * disent's `XYSquaresData` (`xy_squares`) with the same options; the defaults give the
 * 8 × 8-position, spacing-8 dataset of 8^6 = 262 144 images. Greyscale squares that share
 * pixels simply overwrite them with the same value.
 */
export class XYSquaresData implements GroundTruthData {
  readonly name: string = 'xysquares';
  readonly factorNames: readonly string[];
  readonly factorSizes: readonly number[];
  readonly observationShape: readonly [number, number, number];
  readonly grid: SquareGrid;
  private readonly numSquares: number;
  private readonly rgb: boolean;
  private readonly fillValue: number;

  constructor(options: XYSquaresOptions = {}) {
    this.grid = squareGrid(options);
    this.numSquares = options.numSquares ?? MAX_SQUARES;
    this.rgb = options.rgb ?? true;
    this.fillValue = options.fillValue ?? 1;
    if (!(Number.isInteger(this.numSquares) && this.numSquares >= 1 && this.numSquares <= MAX_SQUARES)) {
      throw new RangeError(`numSquares must be 1, 2 or 3, got ${this.numSquares}`);
    }
    if (!(this.fillValue > 0 && this.fillValue <= 1)) throw new RangeError(`fillValue must lie in (0, 1], got ${this.fillValue}`);
    this.factorNames = SQUARE_FACTOR_NAMES.slice(0, 2 * this.numSquares);
    this.factorSizes = this.factorNames.map(() => this.grid.positions);
    this.observationShape = [this.grid.imageSize, this.grid.imageSize, this.rgb ? 3 : 1];
  }

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    factorsToIndex(this.factorSizes, factors); // throws RangeError for a factor outside its range
    const { imageSize, spacing, offset: gridOffset } = this.grid;
    const channels = this.observationShape[2];
    out.fill(0, offset, offset + imageSize * imageSize * channels);
    for (let square = 0; square < this.numSquares; square++) {
      const left = gridOffset + spacing * factors[2 * square];
      const top = gridOffset + spacing * factors[2 * square + 1];
      fillSquare(out, offset, this.grid, channels, this.rgb ? square : 0, left, top, this.fillValue);
    }
  }
}

/**
 * `XYSquaresMinimalData` (`xy_squares_minimal`): the fixed default configuration (three 8-px
 * squares, spacing 8, RGB, fill 1), kept as its own dataset because configs name it separately.
 */
export class XYSquaresMinimalData extends XYSquaresData {
  override readonly name: string = 'xysquares_minimal';

  constructor() {
    super();
  }
}

/** `XYSingleSquareData` (`xy_single_square`): one greyscale square, factors (x, y). */
export class XYSingleSquareData implements GroundTruthData {
  readonly name = 'xysinglesquare';
  readonly factorNames = ['x', 'y'] as const;
  readonly factorSizes: readonly number[];
  readonly observationShape: readonly [number, number, number];
  readonly grid: SquareGrid;

  constructor(options: SquareGridOptions = {}) {
    this.grid = squareGrid(options);
    this.factorSizes = [this.grid.positions, this.grid.positions];
    this.observationShape = [this.grid.imageSize, this.grid.imageSize, 1];
  }

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    factorsToIndex(this.factorSizes, factors); // throws RangeError for a factor outside its range
    const { imageSize, spacing, offset: gridOffset } = this.grid;
    out.fill(0, offset, offset + imageSize * imageSize);
    fillSquare(out, offset, this.grid, 1, 0, gridOffset + spacing * factors[0], gridOffset + spacing * factors[1], 1);
  }
}
