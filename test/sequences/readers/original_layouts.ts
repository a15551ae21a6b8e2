// Writers of the HDF5 files the V3 repository's preprocessing makes, for reader and run tests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import h5wasm from 'h5wasm/node';

export const SVHN_CROP = 48 * 32 * 3;
export const LIBRISPEECH_PATCH = 80 * 64;

export interface SvhnCrop {
  origin: string;
  digit: number;
}

/** SVHN crop i's pixels: a 0..95 ramp along its first row, then (7i + 3) mod 256. */
export function svhnCropPixels(i: number): Uint8Array {
  const pixels = new Uint8Array(SVHN_CROP).fill((7 * i + 3) % 256);
  for (let x = 0; x < 32 * 3; x++) pixels[x] = x;
  return pixels;
}

/** `{split}.hdf5` as svhn_to_hdf5.py writes it: data (N, 48, 32, 3) uint8, content_label int64, style_label strings. */
export async function writeSvhnSplit(dir: string, split: string, crops: SvhnCrop[], options: { dataShape?: number[] } = {}): Promise<void> {
  await h5wasm.ready;
  fs.mkdirSync(dir, { recursive: true });
  const data = new Uint8Array(crops.length * SVHN_CROP);
  crops.forEach((_, i) => data.set(svhnCropPixels(i), i * SVHN_CROP));
  const file = new h5wasm.File(path.join(dir, `${split}.hdf5`), 'w');
  file.create_dataset({ name: 'data', data, shape: options.dataShape ?? [crops.length, 48, 32, 3] });
  file.create_dataset({ name: 'content_label', data: BigInt64Array.from(crops, (c) => BigInt(c.digit)) });
  file.create_dataset({ name: 'style_label', data: crops.map((c) => c.origin) });
  file.close();
}

/** Patch p of the utterance written `tag`-th: every value -p - 0.5 dB, but the first, which holds the tag. */
export function librispeechPatches(tag: number, count: number): Float32Array {
  const values = new Float32Array(count * LIBRISPEECH_PATCH);
  for (let p = 0; p < count; p++) {
    values.fill(-p - 0.5, p * LIBRISPEECH_PATCH, (p + 1) * LIBRISPEECH_PATCH);
    values[p * LIBRISPEECH_PATCH] = tag;
  }
  return values;
}

/** `{split}.hdf5` as huggingface_to_hdf5.py writes it: a (phonemes, 80, 64) dataset per utterance, its phonemes in an attribute. */
export async function writeLibriSpeechSplit(dir: string, split: string, utterances: Record<string, string[]>): Promise<void> {
  await h5wasm.ready;
  fs.mkdirSync(dir, { recursive: true });
  const file = new h5wasm.File(path.join(dir, `${split}.hdf5`), 'w');
  Object.entries(utterances).forEach(([id, phonemes], tag) => {
    const dataset = file.create_dataset({ name: id, data: librispeechPatches(tag, phonemes.length), shape: [phonemes.length, 80, 64] });
    dataset.create_attribute('phonemes', phonemes);
  });
  file.close();
}
