// NumPy .npy header parsing and decoding. Written by hand because the one npm package that reads
// .npy (npyjs) only parses a whole in-memory buffer, and the files we need (the 3 GB dSprites
// `imgs`, the 12 GB MPI3D `images`) must be read from a byte stream or by file offset instead.
//
// Format (numpy/lib/format.py): magic "\x93NUMPY", major and minor version bytes, a little-endian
// header length (uint16 in version 1, uint32 in versions 2 and 3), then an ASCII (v1, v2) or UTF-8
// (v3) Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...), } padded so the
// data starts on a 64-byte boundary.
import * as fs from 'node:fs';
import { UserError } from '../../util/errors.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
/** Magic (6), version (2) and the shortest header-length field (2). */
const MIN_PREFIX_BYTES = 10;

export type NpyDtype = 'u1' | 'i1' | 'b1' | 'u2' | 'i2' | 'u4' | 'i4' | 'u8' | 'i8' | 'f4' | 'f8';

const BYTES_PER_ELEMENT: Record<NpyDtype, number> = {
  u1: 1, i1: 1, b1: 1, u2: 2, i2: 2, u4: 4, i4: 4, u8: 8, i8: 8, f4: 4, f8: 8,
};

export interface NpyHeader {
  dtype: NpyDtype;
  fortranOrder: boolean;
  shape: number[];
  /** Bytes from the start of the .npy stream to the first data byte. */
  dataOffset: number;
  /** Bytes of array data: product of the shape times the element size. */
  dataLength: number;
}

export type NpyTypedArray =
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array
  | BigUint64Array | BigInt64Array | Float32Array | Float64Array;

/**
 * Parses the header at the start of `prefix`, or returns undefined when `prefix` is too short to
 * hold all of it (a streaming caller then waits for more bytes). `source` names the file (and
 * member) in error messages.
 */
export function tryParseNpyHeader(prefix: Uint8Array, source: string): NpyHeader | undefined {
  const magicBytes = Math.min(prefix.length, MAGIC.length);
  for (let i = 0; i < magicBytes; i++) {
    if (prefix[i] !== MAGIC[i]) throw new UserError(`${source}: not a .npy array (bad magic)`);
  }
  if (prefix.length < MIN_PREFIX_BYTES) return undefined;
  const major = prefix[6];
  if (major !== 1 && major !== 2 && major !== 3) {
    throw new UserError(`${source}: unsupported .npy version ${major}.${prefix[7]}`);
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const lengthFieldBytes = major === 1 ? 2 : 4;
  if (prefix.length < 8 + lengthFieldBytes) return undefined;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lengthFieldBytes + headerLength;
  if (prefix.length < dataOffset) return undefined;
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(prefix.subarray(8 + lengthFieldBytes, dataOffset));
  const { dtype, fortranOrder, shape } = parseHeaderDict(text, source);
  const dataLength = shape.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[dtype];
  return { dtype, fortranOrder, shape, dataOffset, dataLength };
}

/** Like tryParseNpyHeader, but a header that does not fit in `prefix` is an error. */
export function parseNpyHeader(prefix: Uint8Array, source: string): NpyHeader {
  const header = tryParseNpyHeader(prefix, source);
  if (!header) throw new UserError(`${source}: truncated .npy header (${prefix.length} bytes)`);
  return header;
}

function parseHeaderDict(text: string, source: string): { dtype: NpyDtype; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new UserError(`${source}: malformed .npy header dict ${JSON.stringify(text.trim())}`);
  }
  return { dtype: parseDescr(descr, source), fortranOrder: fortran === 'True', shape: parseShape(shapeText, source) };
}

/** '<f8', '|u1', '=i4' ... Big-endian data would need byte swapping on every read, so it is refused. */
function parseDescr(descr: string, source: string): NpyDtype {
  const match = /^([<>|=]?)([uifb][1248])$/.exec(descr);
  const dtype = match?.[2];
  if (!match || !dtype || !Object.hasOwn(BYTES_PER_ELEMENT, dtype)) {
    throw new UserError(`${source}: unsupported .npy dtype '${descr}'`);
  }
  if (match[1] === '>' && BYTES_PER_ELEMENT[dtype as NpyDtype] > 1) {
    throw new UserError(`${source}: big-endian .npy dtype '${descr}' is not supported`);
  }
  return dtype as NpyDtype;
}

/** Python 2 numpy (the dSprites file) may write long integers with an 'L' suffix: "(737280L, 64L, 64L)". */
function parseShape(shapeText: string, source: string): number[] {
  const parts = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return parts.map((part) => {
    const digits = /^(\d+)L?$/.exec(part)?.[1];
    const value = digits === undefined ? NaN : Number(digits);
    if (!Number.isSafeInteger(value)) throw new UserError(`${source}: bad .npy shape entry '${part}'`);
    return value;
  });
}

/** A typed-array view of `bytes` (copied when misaligned), checked against the header's length. */
export function decodeNpyData(header: NpyHeader, bytes: Uint8Array, source: string): NpyTypedArray {
  if (bytes.length !== header.dataLength) {
    throw new UserError(
      `${source}: shape (${header.shape.join(', ')}) ${header.dtype} needs ${header.dataLength} bytes, found ${bytes.length}`,
    );
  }
  const size = BYTES_PER_ELEMENT[header.dtype];
  const aligned = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  const count = header.dataLength / size;
  const { buffer, byteOffset } = aligned;
  switch (header.dtype) {
    case 'u1': case 'b1': return new Uint8Array(buffer, byteOffset, count);
    case 'i1': return new Int8Array(buffer, byteOffset, count);
    case 'u2': return new Uint16Array(buffer, byteOffset, count);
    case 'i2': return new Int16Array(buffer, byteOffset, count);
    case 'u4': return new Uint32Array(buffer, byteOffset, count);
    case 'i4': return new Int32Array(buffer, byteOffset, count);
    case 'u8': return new BigUint64Array(buffer, byteOffset, count);
    case 'i8': return new BigInt64Array(buffer, byteOffset, count);
    case 'f4': return new Float32Array(buffer, byteOffset, count);
    case 'f8': return new Float64Array(buffer, byteOffset, count);
  }
}

/** Row (first-axis slice) access shared by .npy files and .npz members. */
export interface NpyRows {
  readonly source: string;
  readonly header: NpyHeader;
  readonly rows: number;
  readonly rowBytes: number;
  readRows(start: number, count: number, out: Uint8Array): void;
}

/**
 * Random access to the rows (first-axis slices) of a C-order array stored uncompressed in a file
 * at a known byte offset: a plain .npy file or a stored (not deflated) .npz member.
 */
export class NpyRowReader implements NpyRows {
  /** Bytes of one row: the product of all but the first axis, times the element size. */
  readonly rowBytes: number;
  readonly rows: number;

  constructor(
    readonly path: string,
    readonly source: string,
    readonly header: NpyHeader,
    /** Absolute file offset of the first data byte. */
    readonly fileDataOffset: number,
  ) {
    if (header.fortranOrder) throw new UserError(`${source}: Fortran-order arrays are not supported`);
    if (header.shape.length === 0) throw new UserError(`${source}: a 0-d array has no rows`);
    this.rows = header.shape[0];
    this.rowBytes = header.shape.slice(1).reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[header.dtype];
    const fileSize = fs.statSync(path).size;
    if (fileSize < fileDataOffset + header.dataLength) {
      throw new UserError(
        `${source}: truncated, shape (${header.shape.join(', ')}) needs ${header.dataLength} data bytes but the file ends ${fileSize - fileDataOffset} bytes after the header`,
      );
    }
  }

  /** Reads rows [start, start + count) into `out` (at least count · rowBytes bytes). */
  readRows(start: number, count: number, out: Uint8Array): void {
    if (!(start >= 0 && count >= 0 && start + count <= this.rows)) {
      throw new RangeError(`rows [${start}, ${start + count}) outside [0, ${this.rows})`);
    }
    const length = count * this.rowBytes;
    // Opened per call so a dataset holds no file handle that someone would have to close.
    const fd = fs.openSync(this.path, 'r');
    try {
      let done = 0;
      while (done < length) {
        const got = fs.readSync(fd, out, done, length - done, this.fileDataOffset + start * this.rowBytes + done);
        if (got === 0) throw new UserError(`${this.source}: file ended while reading rows`);
        done += got;
      }
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** Opens a plain .npy file for row access, reading only its header. */
export function openNpyFile(path: string): NpyRowReader {
  const fd = openForReading(path);
  try {
    let prefix = new Uint8Array(0);
    for (let want = 128; ; want *= 4) {
      const chunk = new Uint8Array(want);
      const got = fs.readSync(fd, chunk, 0, want, 0);
      prefix = chunk.subarray(0, got);
      const header = tryParseNpyHeader(prefix, path);
      if (header) return new NpyRowReader(path, path, header, header.dataOffset);
      if (got < want) throw new UserError(`${path}: truncated .npy header (${got} bytes)`);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** fs.openSync with a one-line UserError for a missing or unreadable file. */
export function openForReading(path: string): number {
  try {
    return fs.openSync(path, 'r');
  } catch (e) {
    throw new UserError(`${path}: cannot open (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}
