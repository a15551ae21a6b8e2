// Binary rasterisation of filled outlines by 4x4 supersampling, done scanline by scanline: an
// outline reports, for one horizontal line of sub-samples, the x intervals it covers, and the
// raster counts how many sub-samples of each pixel fall inside. Testing spans instead of single
// points keeps the cost per image proportional to the outline's height, not its area.
//
// Coordinates are continuous pixels with the y axis downwards: pixel (row r, col c) covers
// [c, c+1) x [r, r+1) and its sub-samples sit at (c + (i+0.5)/4, r + (j+0.5)/4), i, j = 0..3.

export const SUBSAMPLES_PER_AXIS = 4;
const SUBSAMPLES_PER_PIXEL = SUBSAMPLES_PER_AXIS * SUBSAMPLES_PER_AXIS;
/** A pixel is foreground when at least half of its sub-samples are inside. */
const FOREGROUND_MIN_HITS = SUBSAMPLES_PER_PIXEL / 2;

/** y of sub-sample row `j` (rows counted over the whole image, 4 per pixel row). */
export function subRowY(j: number): number {
  return (j + 0.5) / SUBSAMPLES_PER_AXIS;
}

/** First and last sub-sample row whose y lies in [yTop, yBottom], clipped to the image. */
export function subRowRange(yTop: number, yBottom: number, height: number): [number, number] {
  const first = Math.max(0, Math.ceil(yTop * SUBSAMPLES_PER_AXIS - 0.5));
  const last = Math.min(height * SUBSAMPLES_PER_AXIS - 1, Math.floor(yBottom * SUBSAMPLES_PER_AXIS - 0.5));
  return [first, last];
}

/** Something that can report which parts of each horizontal sub-sample line it covers. */
export interface SpanOutline {
  /** Adds to `raster` the spans covered by the outline placed with its origin at (cx, cy). */
  fill(raster: SupersampledRaster, cx: number, cy: number): void;
}

/** Sub-sample hit counts of one single-channel image, turned into a {0, 1} image at the end. */
export class SupersampledRaster {
  private readonly hits: Uint8Array;
  private minRow = Infinity;
  private maxRow = -Infinity;
  private minCol = Infinity;
  private maxCol = -Infinity;

  constructor(readonly height: number, readonly width: number) {
    this.hits = new Uint8Array(height * width);
  }

  /** Counts the sub-samples of row `subRow` whose x lies in [xLeft, xRight] (closed). */
  addSpan(subRow: number, xLeft: number, xRight: number): void {
    const lastSubCol = this.width * SUBSAMPLES_PER_AXIS - 1;
    const first = Math.max(0, Math.ceil(xLeft * SUBSAMPLES_PER_AXIS - 0.5));
    const last = Math.min(lastSubCol, Math.floor(xRight * SUBSAMPLES_PER_AXIS - 0.5));
    if (first > last) return;
    const row = (subRow / SUBSAMPLES_PER_AXIS) | 0;
    const firstCol = (first / SUBSAMPLES_PER_AXIS) | 0;
    const lastCol = (last / SUBSAMPLES_PER_AXIS) | 0;
    const base = row * this.width;
    const hits = this.hits;
    if (firstCol === lastCol) {
      hits[base + firstCol] += last - first + 1;
    } else {
      hits[base + firstCol] += SUBSAMPLES_PER_AXIS - (first - firstCol * SUBSAMPLES_PER_AXIS);
      for (let c = firstCol + 1; c < lastCol; c++) hits[base + c] += SUBSAMPLES_PER_AXIS;
      hits[base + lastCol] += last - lastCol * SUBSAMPLES_PER_AXIS + 1;
    }
    if (row < this.minRow) this.minRow = row;
    if (row > this.maxRow) this.maxRow = row;
    if (firstCol < this.minCol) this.minCol = firstCol;
    if (lastCol > this.maxCol) this.maxCol = lastCol;
  }

  /**
   * Writes the binary image (float32 0/1, row-major) into `out` at `offset`, then clears the
   * counts so the raster can take the next image.
   */
  resolveInto(out: Float32Array, offset: number): void {
    out.fill(0, offset, offset + this.height * this.width);
    for (let r = this.minRow; r <= this.maxRow; r++) {
      const base = r * this.width;
      for (let c = this.minCol; c <= this.maxCol; c++) {
        if (this.hits[base + c] >= FOREGROUND_MIN_HITS) out[offset + base + c] = 1;
        this.hits[base + c] = 0;
      }
    }
    this.minRow = this.minCol = Infinity;
    this.maxRow = this.maxCol = -Infinity;
  }
}

/**
 * A closed polygon filled by the even-odd rule. Its edges are sorted by their top end once, so a
 * sweep from top to bottom only ever looks at the few edges that cross the current line.
 */
export class ScanlinePolygon implements SpanOutline {
  private readonly edgeTop: Float64Array;
  private readonly edgeBottom: Float64Array;
  private readonly edgeXAtTop: Float64Array;
  private readonly edgeSlope: Float64Array;
  private readonly top: number;
  private readonly bottom: number;
  private readonly active: Int32Array;
  private readonly crossings: Float64Array;

  /** `xs`, `ys`: vertices relative to the outline's origin, in pixels; the last joins the first. */
  constructor(xs: ArrayLike<number>, ys: ArrayLike<number>) {
    const n = xs.length;
    const edges: { top: number; bottom: number; xAtTop: number; slope: number }[] = [];
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      // A horizontal edge is never crossed by a horizontal line under the half-open rule below.
      if (ys[i] === ys[j]) continue;
      const [a, b] = ys[i] < ys[j] ? [i, j] : [j, i];
      edges.push({ top: ys[a], bottom: ys[b], xAtTop: xs[a], slope: (xs[b] - xs[a]) / (ys[b] - ys[a]) });
    }
    edges.sort((p, q) => p.top - q.top);
    this.edgeTop = Float64Array.from(edges, (e) => e.top);
    this.edgeBottom = Float64Array.from(edges, (e) => e.bottom);
    this.edgeXAtTop = Float64Array.from(edges, (e) => e.xAtTop);
    this.edgeSlope = Float64Array.from(edges, (e) => e.slope);
    this.top = Math.min(...Array.from(ys));
    this.bottom = Math.max(...Array.from(ys));
    this.active = new Int32Array(edges.length);
    this.crossings = new Float64Array(edges.length);
  }

  fill(raster: SupersampledRaster, cx: number, cy: number): void {
    const [firstRow, lastRow] = subRowRange(cy + this.top, cy + this.bottom, raster.height);
    const { edgeTop, edgeBottom, edgeXAtTop, edgeSlope, active, crossings } = this;
    let nextEdge = 0;
    let numActive = 0;
    for (let j = firstRow; j <= lastRow; j++) {
      const y = subRowY(j) - cy;
      while (nextEdge < edgeTop.length && edgeTop[nextEdge] <= y) active[numActive++] = nextEdge++;
      // Each edge covers [top, bottom): a line through a vertex meets exactly one of its two edges.
      let kept = 0;
      for (let a = 0; a < numActive; a++) if (edgeBottom[active[a]] > y) active[kept++] = active[a];
      numActive = kept;
      for (let a = 0; a < numActive; a++) {
        const e = active[a];
        const x = edgeXAtTop[e] + (y - edgeTop[e]) * edgeSlope[e];
        let k = a;
        while (k > 0 && crossings[k - 1] > x) {
          crossings[k] = crossings[k - 1];
          k--;
        }
        crossings[k] = x;
      }
      for (let a = 0; a + 1 < numActive; a += 2) raster.addSpan(j, cx + crossings[a], cx + crossings[a + 1]);
    }
  }
}

/** A filled ellipse with semi-axes `semiX`, `semiY` (pixels) along its own axes, turned by `cos`/`sin`. */
export class ScanlineEllipse implements SpanOutline {
  private readonly quadXX: number;
  private readonly quadXY: number;
  private readonly quadYY: number;
  private readonly halfHeight: number;

  /**
   * The outline's own x axis points along (cos, -sin) on screen and its y axis along (sin, cos),
   * i.e. the ellipse appears turned counter-clockwise by the angle (y is downwards).
   */
  constructor(semiX: number, semiY: number, cos: number, sin: number) {
    const invX2 = 1 / (semiX * semiX);
    const invY2 = 1 / (semiY * semiY);
    // Inside <=> quadXX*dx^2 + quadXY*dx*dy + quadYY*dy^2 <= 1, with (dx, dy) the screen offset.
    this.quadXX = cos * cos * invX2 + sin * sin * invY2;
    this.quadXY = 2 * sin * cos * (invY2 - invX2);
    this.quadYY = sin * sin * invX2 + cos * cos * invY2;
    this.halfHeight = Math.sqrt(semiX * semiX * sin * sin + semiY * semiY * cos * cos);
  }

  fill(raster: SupersampledRaster, cx: number, cy: number): void {
    const [firstRow, lastRow] = subRowRange(cy - this.halfHeight, cy + this.halfHeight, raster.height);
    const a = this.quadXX;
    for (let j = firstRow; j <= lastRow; j++) {
      const y = subRowY(j) - cy;
      const b = this.quadXY * y;
      const c = this.quadYY * y * y - 1;
      const discriminant = b * b - 4 * a * c;
      if (discriminant < 0) continue;
      const root = Math.sqrt(discriminant);
      raster.addSpan(j, cx + (-b - root) / (2 * a), cx + (-b + root) / (2 * a));
    }
  }
}
