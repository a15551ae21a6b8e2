// Numbers drawn with 3x5 pixel glyphs, for the legends and axis ticks of pictures that need no font
// (t-SNE scatter plots, heat maps): every machine draws them the same, with or without fonts.
import type { Image } from './image.js';

/** 3x5 pixel glyphs of the digits 0-9, one string of 15 bits per digit, rows top to bottom. */
const DIGIT_GLYPHS = [
  '111101101101111', '010110010010111', '111001111100111', '111001111001111', '101101111001001',
  '111100111001111', '111100111101111', '111001001001001', '111101111101111', '111101111001111',
];
const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;

export function fillRect(image: Image, left: number, top: number, width: number, height: number, colour: readonly number[]): void {
  const channels = image.channels;
  for (let y = Math.max(0, top); y < Math.min(image.height, top + height); y++) {
    for (let x = Math.max(0, left); x < Math.min(image.width, left + width); x++) {
      image.data.set(colour.slice(0, channels), (y * image.width + x) * channels);
    }
  }
}

/** Width in pixels of a non-negative integer drawn at `scale` pixels per glyph pixel. */
export function numberWidth(value: number, scale: number): number {
  return String(value).length * (GLYPH_WIDTH + 1) * scale - scale;
}

/** Draws a non-negative integer with its top-left corner at (left, top), in the given gray. */
export function drawNumber(image: Image, left: number, top: number, value: number, scale: number, gray: number): void {
  if (!(Number.isSafeInteger(value) && value >= 0)) throw new RangeError(`only non-negative integers can be drawn, got ${value}`);
  const colour = [gray, gray, gray];
  [...String(value)].forEach((digit, position) => {
    const glyph = DIGIT_GLYPHS[Number(digit)];
    const glyphLeft = left + position * (GLYPH_WIDTH + 1) * scale;
    for (let row = 0; row < GLYPH_HEIGHT; row++) {
      for (let column = 0; column < GLYPH_WIDTH; column++) {
        if (glyph[row * GLYPH_WIDTH + column] === '1') fillRect(image, glyphLeft + column * scale, top + row * scale, scale, scale, colour);
      }
    }
  });
}
