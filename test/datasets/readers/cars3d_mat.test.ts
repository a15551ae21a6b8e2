import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { zlibSync } from 'fflate';
import { readMatVariable } from '../../../src/datasets/readers/mat_v5.js';
import { Cars3dData, cars3dFiles } from '../../../src/datasets/readers/cars3d_mat.js';
import { Rng } from '../../../src/util/random.js';
import { bytesOf, isOneLineErrorAbout } from './npy_encoding.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cars3d-reader-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

const MI_INT8 = 1;
const MI_UINT8 = 2;
const MI_INT32 = 5;
const MI_UINT32 = 6;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
const MX_CHAR = 4;
const MX_DOUBLE = 6;
const MX_UINT8 = 9;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const part of parts) (out.set(part, at), (at += part.length));
  return out;
}

/** A data element with an 8-byte tag, padded to 8 bytes; 1–4 data bytes use the small format. */
function element(type: number, data: Uint8Array, allowSmall = true): Uint8Array {
  if (allowSmall && data.length > 0 && data.length <= 4) {
    const small = new Uint8Array(8);
    new DataView(small.buffer).setUint32(0, (data.length << 16) | type, true);
    small.set(data, 4);
    return small;
  }
  const out = new Uint8Array(8 + Math.ceil(data.length / 8) * 8);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, type, true);
  dv.setUint32(4, data.length, true);
  out.set(data, 8);
  return out;
}

function matrix(name: string, classId: number, dims: number[], storageType: number, real: Uint8Array): Uint8Array {
  const flags = new Uint8Array(8);
  flags[0] = classId;
  return element(MI_MATRIX, concat([
    element(MI_UINT32, flags),
    element(MI_INT32, bytesOf(Int32Array.from(dims))),
    element(MI_INT8, new TextEncoder().encode(name)),
    element(storageType, real, false),
  ]), false);
}

function compressed(matrixElement: Uint8Array): Uint8Array {
  const data = zlibSync(matrixElement);
  const tag = new Uint8Array(8);
  new DataView(tag.buffer).setUint32(0, MI_COMPRESSED, true);
  new DataView(tag.buffer).setUint32(4, data.length, true);
  return concat([tag, data]); // compressed elements carry no padding
}

function matFile(file: string, elements: Uint8Array[], endian = 'IM'): string {
  const header = new Uint8Array(128).fill(0x20);
  header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, written by hand for a test'));
  header.fill(0, 116, 124);
  header.set([0x00, 0x01, endian.charCodeAt(0), endian.charCodeAt(1)], 124);
  const target = path.join(dir, file);
  fs.writeFileSync(target, concat([header, ...elements]));
  return target;
}

const DIMS = [4, 5, 3, 3, 2]; // H, W, C, azimuths, elevations
const COUNT = DIMS.reduce((a, b) => a * b, 1);

/** `im` values in column-major order, and a lookup by (h, w, c, azimuth, elevation). */
function carImages(rng: Rng): { columnMajor: Uint8Array; at: (h: number, w: number, c: number, a: number, e: number) => number } {
  const columnMajor = Uint8Array.from({ length: COUNT }, () => rng.int(256));
  const [H, W, C, A] = DIMS;
  return { columnMajor, at: (h, w, c, a, e) => columnMajor[h + H * (w + W * (c + C * (a + A * e)))] };
}

test('MAT v5: numeric variables, small elements, compression, class conversion, column-major order', () => {
  const values = Uint8Array.of(1, 2, 3, 4, 5, 6);
  const file = matFile('plain.mat', [
    matrix('label', MX_CHAR, [1, 2], 4, new Uint8Array(4)),
    compressed(matrix('m', MX_DOUBLE, [2, 3], MI_UINT8, values)), // MATLAB stores small doubles as uint8
    matrix('bytes', MX_UINT8, [2, 3], MI_UINT8, values),
  ]);
  const m = readMatVariable(file, 'm');
  assert.equal(m.className, 'double');
  assert.ok(m.data instanceof Float64Array);
  assert.deepEqual(m.dims, [2, 3]);
  assert.deepEqual(Array.from(m.data), [1, 2, 3, 4, 5, 6]); // column-major: m(1,2) = 3
  const b = readMatVariable(file, 'bytes');
  assert.ok(b.data instanceof Uint8Array);
  assert.deepEqual(Array.from(b.data), [1, 2, 3, 4, 5, 6]);
  assert.throws(() => readMatVariable(file, 'im'), /missing variable 'im' \(numeric variables: m, bytes\)/);
});

test('Cars3D: (elevation, azimuth, object) factors over uncompressed and compressed car files, list.txt order', () => {
  const rng = Rng.fromSeed(30);
  const cars = [carImages(rng), carImages(rng), carImages(rng)];
  const carDir = path.join(dir, 'cars');
  fs.mkdirSync(carDir);
  const write = (name: string, elements: Uint8Array[]) => fs.renameSync(matFile(name, elements), path.join(carDir, name));
  write('car_b_mesh.mat', [matrix('im', MX_UINT8, DIMS, MI_UINT8, cars[0].columnMajor)]);
  write('car_a_mesh.mat', [compressed(matrix('im', MX_UINT8, DIMS, MI_UINT8, cars[1].columnMajor))]);
  write('car_c_mesh.mat', [
    compressed(matrix('mask', MX_UINT8, [4, 5, 3, 2], MI_UINT8, new Uint8Array(120))),
    compressed(matrix('im', MX_UINT8, DIMS, MI_UINT8, cars[2].columnMajor)),
  ]);
  fs.writeFileSync(path.join(carDir, 'list.txt'), 'car_b_mesh\ncar_a_mesh\ncar_c_mesh\n');
  const files = cars3dFiles(carDir);
  assert.deepEqual(files.map((f) => path.basename(f)), ['car_b_mesh.mat', 'car_a_mesh.mat', 'car_c_mesh.mat']);
  const data = Cars3dData.open(files);
  assert.deepEqual(data.factorNames, ['elevation', 'azimuth', 'object_type']);
  assert.deepEqual(data.factorSizes, [2, 3, 3]);
  assert.deepEqual(data.observationShape, [4, 5, 3]);
  const out = new Float32Array(60);
  for (const [e, a, o] of [[0, 0, 0], [1, 2, 1], [0, 1, 2], [1, 0, 2]]) {
    data.render([e, a, o], out, 0);
    for (let h = 0; h < 4; h++) for (let w = 0; w < 5; w++) for (let c = 0; c < 3; c++) {
      assert.equal(out[(h * 5 + w) * 3 + c], Math.fround(cars[o].at(h, w, c, a, e) / 255));
    }
  }
  fs.rmSync(path.join(carDir, 'list.txt'));
  assert.deepEqual(cars3dFiles(carDir).map((f) => path.basename(f)), ['car_a_mesh.mat', 'car_b_mesh.mat', 'car_c_mesh.mat']);
});

test('MAT v5 / Cars3D: corrupt and truncated files give one-line errors', () => {
  const rng = Rng.fromSeed(31);
  const im = carImages(rng).columnMajor;
  const good = fs.readFileSync(matFile('good.mat', [compressed(matrix('im', MX_UINT8, DIMS, MI_UINT8, im))]));
  const writeBytes = (name: string, bytes: Uint8Array) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  };
  const corruptZlib = Uint8Array.from(good);
  for (let i = 150; i < 170; i++) corruptZlib[i] ^= 0x5a;
  const cases: [string, RegExp][] = [
    [writeBytes('short.mat', good.subarray(0, 100)), /truncated MAT header \(100 bytes\)/],
    [matFile('big_endian.mat', [], 'MI'), /big-endian MAT files are not supported/],
    [writeBytes('not_mat.mat', new Uint8Array(200)), /not a MAT v5 file \(bad header\)/],
    [writeBytes('truncated.mat', good.subarray(0, good.length - 10)), /truncated, MAT data element at byte 128 needs \d+ bytes/],
    [writeBytes('corrupt.mat', corruptZlib), /corrupt compressed MAT element/],
    [matFile('short_real.mat', [matrix('im', MX_UINT8, DIMS, MI_UINT8, im.subarray(0, 100))]), /variable 'im' dims \(4, 5, 3, 3, 2\) need 360 elements, real part holds 100/],
    [matFile('no_im.mat', [matrix('mask', MX_UINT8, [2, 2], MI_UINT8, new Uint8Array(4))]), /missing variable 'im' \(numeric variables: mask\)/],
    [matFile('not_5d.mat', [matrix('im', MX_UINT8, [4, 90], MI_UINT8, im)]), /'im' should be a 5-d uint8 array, found \(4, 90\) uint8/],
  ];
  for (const [file, message] of cases) {
    assert.throws(() => Cars3dData.open([file]), isOneLineErrorAbout(file));
    assert.throws(() => Cars3dData.open([file]), message);
  }
  const goodFile = writeBytes('good2.mat', good);
  const otherDims = matFile('other_dims.mat', [matrix('im', MX_UINT8, [4, 5, 3, 2, 3], MI_UINT8, im)]);
  const data = Cars3dData.open([goodFile, otherDims]);
  assert.throws(() => data.render([0, 0, 1], new Float32Array(60), 0), /other_dims.mat: 'im' is \(4, 5, 3, 2, 3\) uint8, expected \(4, 5, 3, 3, 2\) uint8/);
});
