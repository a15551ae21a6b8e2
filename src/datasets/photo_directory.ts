// A directory of 64x64 photographs, such as Tiny-ImageNet's train split, as the backgrounds of
// dSpritesImagenet. Files are found recursively and taken in the order of their sorted relative
// paths: for Tiny-ImageNet's `train/<wnid>/images/*.JPEG` layout that is torchvision ImageFolder's
// order (classes sorted by wnid, files by name), which the original indexes into. JPEG is decoded
// by jpeg-js, not libjpeg as Pillow does, so a pixel may differ from the original's by a grey
// level or two where the two decoders' IDCTs round differently.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { UserError } from '../util/errors.js';
import { IMAGE_SIZE, type BackgroundImages } from './dsprites_imagenet.js';

const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
const DECODERS: Record<string, (bytes: Buffer) => { width: number; height: number; data: Uint8Array }> = {
  '.png': (bytes) => PNG.sync.read(bytes),
  '.jpg': (bytes) => jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true }),
  '.jpeg': (bytes) => jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true }),
};

function listFilesRecursively(root: string, dir: string, found: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listFilesRecursively(root, path, found);
    else if (entry.isFile()) found.push(relative(root, path));
  }
}

const decoderOf = (file: string) => DECODERS[extname(file).toLowerCase()];

/** The PNG and JPEG files under a directory, decoded on demand (one file read per observation). */
export class ImageDirectory implements BackgroundImages {
  readonly files: readonly string[];

  constructor(readonly directory: string) {
    const found: string[] = [];
    try {
      listFilesRecursively(directory, directory, found);
    } catch (e) {
      throw new UserError(`${directory}: cannot list (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    // Code-unit order, as Python sorts strings (localeCompare would not).
    const images = found.filter((file) => decoderOf(file) !== undefined).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (images.length === 0) throw new UserError(`${directory}: no PNG or JPEG images found`);
    this.files = images.map((file) => join(directory, file));
  }

  get count(): number {
    return this.files.length;
  }

  read(index: number, out: Uint8Array): void {
    const file = this.files[index];
    let image: { width: number; height: number; data: Uint8Array };
    try {
      image = decoderOf(file)(readFileSync(file));
    } catch (e) {
      throw new UserError(`${file}: cannot decode (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`);
    }
    if (image.width !== IMAGE_SIZE || image.height !== IMAGE_SIZE) {
      throw new UserError(`${file}: is ${image.width}x${image.height}, expected ${IMAGE_SIZE}x${IMAGE_SIZE}`);
    }
    // Both decoders give 8-bit RGBA (greyscale JPEGs expanded to RGB, as Pillow's convert('RGB')); alpha is dropped.
    for (let p = 0; p < PIXELS; p++) {
      out[p * 3] = image.data[p * 4];
      out[p * 3 + 1] = image.data[p * 4 + 1];
      out[p * 3 + 2] = image.data[p * 4 + 2];
    }
  }
}
