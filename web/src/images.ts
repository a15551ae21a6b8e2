// Float images (HWC in [0, 1], one or three channels) onto canvases, at their own resolution:
// CSS scales them up, pixelated.

export interface Shape {
  height: number;
  width: number;
  channels: number;
}

/** Draws image `index` of a batch of `shape` images at (x, y) of the canvas. */
export function drawImage(canvas: HTMLCanvasElement, pixels: Float32Array, index: number, shape: Shape, x = 0, y = 0): void {
  const { height, width, channels } = shape;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser gives no 2D canvas context');
  const rgba = new ImageData(width, height);
  const offset = index * height * width * channels;
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < 3; c++) rgba.data[4 * p + c] = Math.round(255 * pixels[offset + p * channels + (channels === 1 ? 0 : c)]);
    rgba.data[4 * p + 3] = 255;
  }
  context.putImageData(rgba, x, y);
}

/** A canvas the size of one image. */
export function imageCanvas(shape: Shape): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  sizeCanvas(canvas, shape.width, shape.height);
  return canvas;
}

export function sizeCanvas(canvas: HTMLCanvasElement, width: number, height: number): void {
  canvas.width = width;
  canvas.height = height;
}
