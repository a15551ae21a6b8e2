// XYObject (msc_research.md §2.2, disent's `xy_object` with its defaults): one filled square of
// side 7..15 px on a black 64x64 RGB image, at 25 x 25 positions 2 px apart, in 24 colours (6
// rainbow hues x 4 brightness levels). The square is centred in a 15-px cell, so growing it never
// moves its centre, and positions overlap heavily: the "overlapping data" the MSc work studies.
import { factorsToIndex, type GroundTruthData } from './ground_truth.js';

const IMAGE_SIZE = 64;
const POSITION_SPACING_PX = 2;
const SQUARE_SIDES_PX = [7, 9, 11, 13, 15] as const;
const MAX_SIDE_PX = SQUARE_SIDES_PX[SQUARE_SIDES_PX.length - 1];
const NUM_POSITIONS = Math.floor((IMAGE_SIZE - MAX_SIDE_PX) / POSITION_SPACING_PX) + 1;
/** rainbow base colours R, Y, G, C, B, M as on/off per channel. */
const RAINBOW_HUES: readonly (readonly [number, number, number])[] = [
  [1, 0, 0],
  [1, 1, 0],
  [0, 1, 0],
  [0, 1, 1],
  [0, 0, 1],
  [1, 0, 1],
];
const BRIGHTNESS_LEVELS = 4;

/**
 * The `rainbow_4` palette as [0, 1] RGB: brightness level outer, hue inner, each channel
 * 255·level // 4 (integer division, giving 63, 127, 191, 255) where the hue has it on.
 */
function rainbowPalette(): Float32Array {
  const palette = new Float32Array(BRIGHTNESS_LEVELS * RAINBOW_HUES.length * 3);
  for (let level = 1; level <= BRIGHTNESS_LEVELS; level++) {
    const value = Math.floor((255 * level) / BRIGHTNESS_LEVELS) / 255;
    RAINBOW_HUES.forEach((hue, h) => {
      const colour = (level - 1) * RAINBOW_HUES.length + h;
      for (let ch = 0; ch < 3; ch++) palette[colour * 3 + ch] = hue[ch] * value;
    });
  }
  return palette;
}

const PALETTE = rainbowPalette();

export class XYObjectData implements GroundTruthData {
  readonly name = 'xyobject';
  readonly factorNames = ['x', 'y', 'scale', 'color'] as const;
  readonly factorSizes = [NUM_POSITIONS, NUM_POSITIONS, SQUARE_SIDES_PX.length, PALETTE.length / 3] as const;
  readonly observationShape = [IMAGE_SIZE, IMAGE_SIZE, 3] as const;

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    factorsToIndex(this.factorSizes, factors); // throws RangeError for a factor outside its range
    const side = SQUARE_SIDES_PX[factors[2]];
    const inset = Math.floor((MAX_SIDE_PX - side) / 2);
    const left = POSITION_SPACING_PX * factors[0] + inset;
    const top = POSITION_SPACING_PX * factors[1] + inset;
    const colour = factors[3] * 3;
    const [red, green, blue] = [PALETTE[colour], PALETTE[colour + 1], PALETTE[colour + 2]];
    out.fill(0, offset, offset + IMAGE_SIZE * IMAGE_SIZE * 3);
    for (let r = top; r < top + side; r++) {
      for (let c = left; c < left + side; c++) {
        const pixel = offset + (r * IMAGE_SIZE + c) * 3;
        out[pixel] = red;
        out[pixel + 1] = green;
        out[pixel + 2] = blue;
      }
    }
  }
}
