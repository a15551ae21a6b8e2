// Animated GIFs of Image sequences (latent traversals). A GIF holds at most 256 colours, so colour
// frames are quantised; the palette is built once over every frame and stored as the global colour
// table, because a palette per frame would shift colours between frames and make them flicker.
import gifenc from 'gifenc';
import { writeFileAtomic } from '../util/files.js';
import { toBytes8, toRgba8, type Image } from './image.js';

export interface GifOptions {
  /** Time each frame is shown; GIF stores it in hundredths of a second, so it is rounded to 10 ms. */
  delayMs?: number;
  /** Repeat forever, or play once and stop on the last frame. */
  loop?: boolean;
}

// gifenc's repeat count: 0 loops forever, -1 omits the looping extension so viewers play once.
const REPEAT_FOREVER = 0;
const PLAY_ONCE = -1;

/** Gray needs no quantisation: 256 levels fit the palette exactly, with palette index = level. */
const GRAY_PALETTE = Array.from({ length: 256 }, (_, level) => [level, level, level]);

function palettise(frames: readonly Image[]): { palette: number[][]; indexed: Uint8Array[] } {
  if (frames.every((frame) => frame.channels === 1)) {
    return { palette: GRAY_PALETTE, indexed: frames.map(toBytes8) };
  }
  const rgbaFrames = frames.map(toRgba8);
  const allPixels = new Uint8Array(rgbaFrames.reduce((total, rgba) => total + rgba.length, 0));
  rgbaFrames.forEach((rgba, i) => allPixels.set(rgba, i * rgba.length));
  const palette = gifenc.quantize(allPixels, 256);
  return { palette, indexed: rgbaFrames.map((rgba) => gifenc.applyPalette(rgba, palette)) };
}

export function encodeGif(frames: readonly Image[], opts: GifOptions = {}): Uint8Array {
  const { delayMs = 100, loop = true } = opts;
  if (frames.length === 0) throw new RangeError('a GIF needs at least one frame');
  const { width, height } = frames[0];
  for (const frame of frames) {
    if (frame.width !== width || frame.height !== height) {
      throw new RangeError(`GIF frames must share one size: ${width}x${height} and ${frame.width}x${frame.height}`);
    }
  }
  const { palette, indexed } = palettise(frames);
  const encoder = gifenc.GIFEncoder();
  indexed.forEach((index, i) => {
    // Only the first frame carries the palette, which gifenc then writes as the global table.
    const frameOptions = i === 0 ? { palette, repeat: loop ? REPEAT_FOREVER : PLAY_ONCE } : {};
    encoder.writeFrame(index, width, height, { ...frameOptions, delay: delayMs });
  });
  encoder.finish();
  return encoder.bytes();
}

export function writeGif(path: string, frames: readonly Image[], opts: GifOptions = {}): void {
  writeFileAtomic(path, encodeGif(frames, opts));
}
