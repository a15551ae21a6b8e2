// PNG files of Image values. Gray images are stored as gray PNGs, a third the size of RGB.
import pngjs from 'pngjs';
import { writeFileAtomic } from '../util/files.js';
import { toBytes8, type Image } from './image.js';

const GRAY = 0;
const RGB = 2;

export function encodePng(img: Image): Uint8Array {
  const png = new pngjs.PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(toBytes8(img).buffer);
  const colorType = img.channels === 1 ? GRAY : RGB;
  // Same input and output colour type: pngjs then packs our bytes as they are, without converting.
  return new Uint8Array(pngjs.PNG.sync.write(png, { colorType, inputColorType: colorType }));
}

export function writePng(path: string, img: Image): void {
  writeFileAtomic(path, encodePng(img));
}
