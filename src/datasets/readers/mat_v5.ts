// Numeric arrays from MATLAB level-5 MAT files (the Cars3D car_XXX_mesh.mat files). Written by
// hand because the one npm reader (mat-for-js, GPL-3.0) returns N-D arrays with wrong values
// (shared/ecosystem.md §4), and Cars3D's `im` is 5-D.
//
// Layout: a 128-byte header (text, subsystem offset, version 0x0100, endian mark "IM" for
// little-endian), then data elements. Each element has an 8-byte tag (uint32 type, uint32 byte
// count; or, when the upper half of the first word is non-zero, a "small" element whose 1–4 data
// bytes sit in the tag's second word) and data padded to 8 bytes. A miCOMPRESSED element holds a
// zlib stream inflating to one miMATRIX element. A numeric miMATRIX holds sub-elements: array
// flags (class in the low byte), dims (int32), name (int8), real part (any numeric storage type,
// MATLAB may store e.g. a double array as uint8), and an imaginary part when complex (ignored).
// Elements are column-major.
import { unzlibSync } from 'fflate';
import { UserError } from '../../util/errors.js';
import { readWholeFile } from './whole_file.js';

const HEADER_BYTES = 128;
const TAG_BYTES = 8;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;

/** Storage (mi*) types of numeric data: byte size and a reader from a DataView. */
const STORAGE_TYPES: Record<number, { bytes: number; read: (dv: DataView, at: number) => number }> = {
  1: { bytes: 1, read: (dv, at) => dv.getInt8(at) },
  2: { bytes: 1, read: (dv, at) => dv.getUint8(at) },
  3: { bytes: 2, read: (dv, at) => dv.getInt16(at, true) },
  4: { bytes: 2, read: (dv, at) => dv.getUint16(at, true) },
  5: { bytes: 4, read: (dv, at) => dv.getInt32(at, true) },
  6: { bytes: 4, read: (dv, at) => dv.getUint32(at, true) },
  7: { bytes: 4, read: (dv, at) => dv.getFloat32(at, true) },
  9: { bytes: 8, read: (dv, at) => dv.getFloat64(at, true) },
};

/** Numeric array classes (mx*) and the typed arrays that hold them. */
const NUMERIC_CLASSES = {
  6: { name: 'double', make: (n: number) => new Float64Array(n) },
  7: { name: 'single', make: (n: number) => new Float32Array(n) },
  8: { name: 'int8', make: (n: number) => new Int8Array(n) },
  9: { name: 'uint8', make: (n: number) => new Uint8Array(n) },
  10: { name: 'int16', make: (n: number) => new Int16Array(n) },
  11: { name: 'uint16', make: (n: number) => new Uint16Array(n) },
  12: { name: 'int32', make: (n: number) => new Int32Array(n) },
  13: { name: 'uint32', make: (n: number) => new Uint32Array(n) },
} as const;
type NumericClassId = keyof typeof NUMERIC_CLASSES;
export type MatNumericArray = ReturnType<(typeof NUMERIC_CLASSES)[NumericClassId]['make']>;

export interface MatArray {
  name: string;
  className: (typeof NUMERIC_CLASSES)[NumericClassId]['name'];
  dims: number[];
  /** Real part, column-major (first index fastest). */
  data: MatNumericArray;
}

interface Element {
  type: number;
  data: Uint8Array;
  /** Offset just past this element, padding included. */
  next: number;
}

function readElement(bytes: Uint8Array, at: number, source: string): Element {
  if (at + TAG_BYTES > bytes.length) throw new UserError(`${source}: truncated MAT data element tag at byte ${at}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + at, TAG_BYTES);
  const first = dv.getUint32(0, true);
  if (first >>> 16 !== 0) {
    const length = first >>> 16;
    if (length > 4) throw new UserError(`${source}: corrupt MAT small data element at byte ${at} (${length} bytes)`);
    return { type: first & 0xffff, data: bytes.subarray(at + 4, at + 4 + length), next: at + TAG_BYTES };
  }
  const length = dv.getUint32(4, true);
  const end = at + TAG_BYTES + length;
  if (end > bytes.length) {
    throw new UserError(`${source}: truncated, MAT data element at byte ${at} needs ${length} bytes, ${bytes.length - at - TAG_BYTES} left`);
  }
  // Compressed elements are not padded; all others are padded to 8 bytes.
  const next = first === MI_COMPRESSED ? end : Math.min(bytes.length, at + TAG_BYTES + Math.ceil(length / 8) * 8);
  return { type: first, data: bytes.subarray(at + TAG_BYTES, end), next };
}

/** The numeric array held by a miMATRIX element's data; undefined for non-numeric classes (cells, structs, chars, sparse). */
function parseMatrix(matrix: Uint8Array, source: string): MatArray | undefined {
  if (matrix.length === 0) return undefined; // an empty placeholder element
  const flags = readElement(matrix, 0, source);
  if (flags.data.length < 8) throw new UserError(`${source}: corrupt MAT array flags`);
  const classId = flags.data[0];
  if (!Object.hasOwn(NUMERIC_CLASSES, classId)) return undefined;
  const dimsElement = readElement(matrix, flags.next, source);
  const dimsView = new DataView(dimsElement.data.buffer, dimsElement.data.byteOffset, dimsElement.data.byteLength);
  const dims = Array.from({ length: dimsElement.data.length / 4 }, (_, i) => dimsView.getInt32(4 * i, true));
  const nameElement = readElement(matrix, dimsElement.next, source);
  const name = new TextDecoder('latin1').decode(nameElement.data);
  const real = readElement(matrix, nameElement.next, source);
  const storage = STORAGE_TYPES[real.type];
  if (!storage) throw new UserError(`${source}: variable '${name}' has unsupported MAT storage type ${real.type}`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (real.data.length !== count * storage.bytes) {
    throw new UserError(
      `${source}: variable '${name}' dims (${dims.join(', ')}) need ${count} elements, real part holds ${real.data.length / storage.bytes}`,
    );
  }
  const numericClass = NUMERIC_CLASSES[classId as NumericClassId];
  const data = numericClass.make(count);
  const realView = new DataView(real.data.buffer, real.data.byteOffset, real.data.byteLength);
  for (let i = 0; i < count; i++) data[i] = storage.read(realView, i * storage.bytes);
  return { name, className: numericClass.name, dims, data };
}

/** Reads the numeric variable `name` from a little-endian MAT v5 file. */
export function readMatVariable(path: string, name: string): MatArray {
  const bytes = readWholeFile(path);
  if (bytes.length < HEADER_BYTES) throw new UserError(`${path}: truncated MAT header (${bytes.length} bytes)`);
  const endian = String.fromCharCode(bytes[126], bytes[127]);
  if (endian === 'MI') throw new UserError(`${path}: big-endian MAT files are not supported`);
  const version = bytes[124] | (bytes[125] << 8);
  if (endian === 'IM' && version === 0x0200) throw new UserError(`${path}: MAT v7.3 (HDF5) files are not supported; save with -v7`);
  if (endian !== 'IM' || version !== 0x0100) throw new UserError(`${path}: not a MAT v5 file (bad header)`);
  const found: string[] = [];
  for (let at = HEADER_BYTES; at < bytes.length; ) {
    const element = readElement(bytes, at, path);
    at = element.next;
    let matrix = element;
    if (element.type === MI_COMPRESSED) {
      let inflated: Uint8Array;
      try {
        inflated = unzlibSync(element.data);
      } catch (e) {
        throw new UserError(`${path}: corrupt compressed MAT element (${(e as Error).message})`);
      }
      matrix = readElement(inflated, 0, path);
    }
    if (matrix.type !== MI_MATRIX) continue;
    const array = parseMatrix(matrix.data, path);
    if (array?.name === name) return array;
    if (array) found.push(array.name);
  }
  throw new UserError(`${path}: missing variable '${name}' (numeric variables: ${found.join(', ') || 'none'})`);
}
