// The one image representation the visualisation code shares: float pixels as a model produces
// them, converted to bytes only at the edge, when a file is encoded.

export interface Image {
  width: number;
  height: number;
  channels: 1 | 3;
  /** Row-major, channels interleaved (HWC), nominally in [0, 1]. */
  data: Float32Array;
}

export interface GridOptions {
  /** Pixels between neighbouring images and around the outside. */
  padding?: number;
  /** Gray level of the padding and of empty cells. */
  background?: number;
}

export function createImage(width: number, height: number, channels: 1 | 3, fill = 0): Image {
  return { width, height, channels, data: new Float32Array(width * height * channels).fill(fill) };
}

/**
 * Tiles images into rows of `cols`, filled left to right, with `padding` pixels around every image;
 * a null leaves its cell empty. All images must share one size: grids compare images side by side,
 * where mismatched sizes would mean a caller mixed up tensors. The result is colour if any input
 * is, so gray and colour images can share a grid.
 */
export function imageGrid(images: readonly (Image | null)[], cols: number, opts: GridOptions = {}): Image {
  const { padding = 2, background = 1 } = opts;
  if (!(Number.isSafeInteger(cols) && cols > 0)) throw new RangeError(`grid columns must be a positive integer, got ${cols}`);
  if (!(Number.isSafeInteger(padding) && padding >= 0)) throw new RangeError(`grid padding must be a non-negative integer, got ${padding}`);
  const present = images.filter((cell): cell is Image => cell !== null);
  if (present.length === 0) throw new RangeError('an image grid needs at least one image');
  const { width, height } = present[0];
  for (const image of present) {
    if (image.width !== width || image.height !== height) {
      throw new RangeError(`grid images must share one size: ${width}x${height} and ${image.width}x${image.height}`);
    }
  }
  const channels = present.some((image) => image.channels === 3) ? 3 : 1;
  const rows = Math.ceil(images.length / cols);
  const grid = createImage(cols * (width + padding) + padding, rows * (height + padding) + padding, channels, background);
  images.forEach((cell, index) => {
    if (cell === null) return;
    const left = padding + (index % cols) * (width + padding);
    const top = padding + Math.floor(index / cols) * (height + padding);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const target = ((top + y) * grid.width + left + x) * channels;
        const source = (y * width + x) * cell.channels;
        for (let c = 0; c < channels; c++) grid.data[target + c] = cell.data[source + (cell.channels === 1 ? 0 : c)];
      }
    }
  });
  return grid;
}

/** 0..255 with values outside [0, 1] clamped; NaN, from a diverged model, becomes 0. */
function toByte(value: number): number {
  return Number.isNaN(value) ? 0 : Math.round(255 * Math.min(1, Math.max(0, value)));
}

/** Bytes in the image's own layout (HWC, 1 or 3 channels). */
export function toBytes8(img: Image): Uint8Array {
  const bytes = new Uint8Array(img.data.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = toByte(img.data[i]);
  return bytes;
}

/** Opaque RGBA bytes; gray is copied into all three colour channels. */
export function toRgba8(img: Image): Uint8Array {
  const pixels = img.width * img.height;
  const rgba = new Uint8Array(4 * pixels);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) rgba[4 * p + c] = toByte(img.data[p * img.channels + (img.channels === 1 ? 0 : c)]);
    rgba[4 * p + 3] = 255;
  }
  return rgba;
}
