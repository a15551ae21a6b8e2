// Opening HDF5 files through h5wasm with one-line errors. Before handing the file to HDF5 the
// superblock is checked here (signature, end-of-file address against the file size): HDF5 reports
// a truncated or foreign file only as an uninformative error after printing a multi-line
// diagnostic, whereas these checks give the one-line reason.
import * as fs from 'node:fs';
import h5wasm from 'h5wasm/node';
import { UserError } from '../../util/errors.js';
import { openForReading } from './npy.js';

export type H5File = InstanceType<typeof h5wasm.File>;
export type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const SUPERBLOCK_PROBE_BYTES = 128;
/** HDF5's H5T_INTEGER type class, as h5wasm reports it in dataset metadata. */
export const HDF5_INTEGER_CLASS = 0;

/** Opens an HDF5 file read-only, after checking that it is one and is whole. */
export async function openHdf5(path: string): Promise<H5File> {
  checkHdf5Superblock(path);
  await h5wasm.ready;
  try {
    return new h5wasm.File(path, 'r');
  } catch (e) {
    throw new UserError(`${path}: HDF5 could not open the file (${(e as Error).message})`);
  }
}

export function datasetNamed(file: H5File, name: string, path: string): H5Dataset {
  const entity = file.get(name);
  if (!(entity instanceof h5wasm.Dataset)) throw new UserError(`${path}: missing dataset '${name}'`);
  return entity;
}

/** Every dataset directly under the file's root, by name. */
export function rootDatasets(file: H5File): Map<string, H5Dataset> {
  const found = new Map<string, H5Dataset>();
  for (const name of file.keys()) {
    const entity = file.get(name);
    if (entity instanceof h5wasm.Dataset) found.set(name, entity);
  }
  return found;
}

/** An integer or floating dataset's values as plain numbers (h5wasm gives 64-bit integers as BigInt64Array). */
export function numbersOf(dataset: H5Dataset, what: string): Float64Array {
  const value = dataset.value;
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) return Float64Array.from(value, (v) => Number(v));
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Float64Array.from(value as ArrayLike<number>);
  throw new UserError(`${what} should hold numbers, found ${String(dataset.dtype)}`);
}

/** A string dataset or attribute (fixed or variable length) as an array of strings. */
export function stringsOf(value: unknown, what: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (Array.isArray(list) && list.every((v) => typeof v === 'string')) return list as string[];
  throw new UserError(`${what} should hold strings`);
}

/**
 * The superblock sits at offset 0 (or 512, 1024, … after a user block); its end-of-file address
 * says how long the file must be. With 8-byte offsets that address is at byte 40 (version 0),
 * 44 (version 1, which adds 4 bytes of B-tree settings) or 28 (versions 2 and 3).
 */
function checkHdf5Superblock(path: string): void {
  const fd = openForReading(path);
  try {
    const fileSize = fs.fstatSync(fd).size;
    const superblock = Buffer.alloc(SUPERBLOCK_PROBE_BYTES);
    for (let base = 0; base + HDF5_SIGNATURE.length <= fileSize; base = base === 0 ? 512 : base * 2) {
      const got = fs.readSync(fd, superblock, 0, SUPERBLOCK_PROBE_BYTES, base);
      if (!HDF5_SIGNATURE.every((b, i) => superblock[i] === b)) continue;
      const version = superblock[8];
      const offsetSize = version <= 1 ? superblock[13] : superblock[9];
      const eofAt = version === 0 ? 40 : version === 1 ? 44 : 28;
      if (offsetSize !== 8 || got < eofAt + 8) {
        throw new UserError(`${path}: truncated or unsupported HDF5 superblock (version ${version})`);
      }
      const endOfFile = base + Number(superblock.readBigUInt64LE(eofAt));
      if (endOfFile > fileSize) {
        throw new UserError(`${path}: truncated HDF5 file (superblock says ${endOfFile} bytes, file has ${fileSize})`);
      }
      return;
    }
    throw new UserError(`${path}: not an HDF5 file (bad signature)`);
  } finally {
    fs.closeSync(fd);
  }
}
