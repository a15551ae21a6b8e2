import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { zipSync } from 'fflate';
import { decodeNpyData, openNpyFile, parseNpyHeader, tryParseNpyHeader, type NpyTypedArray } from '../../../src/datasets/readers/npy.js';
import { listNpzMembers, openNpzArray } from '../../../src/datasets/readers/npz.js';
import { DSpritesNpzData } from '../../../src/datasets/readers/dsprites_npz.js';
import { Mpi3dData } from '../../../src/datasets/readers/mpi3d.js';
import { factorsToIndex, indexToFactors } from '../../../src/datasets/ground_truth.js';
import { Rng } from '../../../src/util/random.js';
import { bytesOf, encodeNpy, isOneLineErrorAbout } from './npy_encoding.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npz-reader-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

function valuesOf(array: NpyTypedArray): (number | bigint)[] {
  return Array.from(array as ArrayLike<number | bigint>);
}

function randomBytes(n: number, rng: Rng, maxValue = 255): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(maxValue + 1);
  return out;
}

function writeZip(name: string, members: Record<string, Uint8Array>, level: 0 | 6): string {
  const file = path.join(dir, name);
  const entries: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
  for (const [key, value] of Object.entries(members)) entries[key] = [value, { level }];
  fs.writeFileSync(file, zipSync(entries));
  return file;
}

test('npy header: versions 1, 2, 3, dtypes and Python 2 long shapes', () => {
  const f8 = Float64Array.of(0.5, -2, 1e300);
  for (const version of [1, 2, 3] as const) {
    const bytes = encodeNpy('<f8', [3], bytesOf(f8), { version });
    const header = parseNpyHeader(bytes, 'x.npy');
    assert.deepEqual(header.shape, [3]);
    assert.equal(header.dataOffset % 64, 0);
    assert.deepEqual(valuesOf(decodeNpyData(header, bytes.subarray(header.dataOffset), 'x.npy')), [0.5, -2, 1e300]);
  }
  const i8 = BigInt64Array.of(-1n, 737279n);
  const i8Bytes = encodeNpy('<i8', [2, 1], bytesOf(i8), { shapeText: '(2L, 1L)' });
  const i8Header = parseNpyHeader(i8Bytes, 'x.npy');
  assert.deepEqual(i8Header.shape, [2, 1]);
  assert.deepEqual(valuesOf(decodeNpyData(i8Header, i8Bytes.subarray(i8Header.dataOffset), 'x.npy')), [-1n, 737279n]);
  const f4Bytes = encodeNpy('<f4', [2], bytesOf(Float32Array.of(0.25, 3)));
  const f4Header = parseNpyHeader(f4Bytes, 'x.npy');
  assert.equal(f4Header.dtype, 'f4');
  assert.deepEqual(valuesOf(decodeNpyData(f4Header, f4Bytes.subarray(f4Header.dataOffset), 'x.npy')), [0.25, 3]);
  const u1Header = parseNpyHeader(encodeNpy('|u1', [], Uint8Array.of(7)), 'x.npy');
  assert.deepEqual(u1Header.shape, []);
  assert.equal(u1Header.dataLength, 1);
});

test('npy header: a streamed prefix asks for more bytes, then parses', () => {
  const bytes = encodeNpy('|u1', [4], Uint8Array.of(1, 2, 3, 4));
  for (const cut of [0, 3, 9, 30]) assert.equal(tryParseNpyHeader(bytes.subarray(0, cut), 'x.npy'), undefined);
  assert.equal(tryParseNpyHeader(bytes, 'x.npy')?.dataLength, 4);
});

test('npy header: corrupt headers give one-line errors', () => {
  const good = encodeNpy('|u1', [4], Uint8Array.of(1, 2, 3, 4));
  const badMagic = good.slice();
  badMagic[1] = 0x58;
  assert.throws(() => parseNpyHeader(badMagic, 'bad.npy'), isOneLineErrorAbout('bad.npy'));
  assert.throws(() => parseNpyHeader(good.subarray(0, 20), 'short.npy'), /short.npy: truncated .npy header/);
  assert.throws(() => parseNpyHeader(encodeNpy('<c16', [1], new Uint8Array(16)), 'c.npy'), /unsupported .npy dtype '<c16'/);
  assert.throws(() => parseNpyHeader(encodeNpy('>f8', [1], new Uint8Array(8)), 'be.npy'), /big-endian/);
  const version9 = good.slice();
  version9[6] = 9;
  assert.throws(() => parseNpyHeader(version9, 'v9.npy'), /unsupported .npy version 9/);
  const header = parseNpyHeader(good, 'x.npy');
  assert.throws(() => decodeNpyData(header, Uint8Array.of(1, 2), 'x.npy'), /needs 4 bytes, found 2/);
});

test('npy file: row reads by offset, and truncated data is an error', () => {
  const rng = Rng.fromSeed(1);
  const data = randomBytes(5 * 6, rng);
  const file = path.join(dir, 'rows.npy');
  fs.writeFileSync(file, encodeNpy('|u1', [5, 2, 3], data));
  const rows = openNpyFile(file);
  assert.equal(rows.rowBytes, 6);
  const out = new Uint8Array(12);
  rows.readRows(3, 2, out);
  assert.deepEqual(out, data.subarray(18, 30));
  const truncated = path.join(dir, 'truncated.npy');
  fs.writeFileSync(truncated, encodeNpy('|u1', [5, 2, 3], data).subarray(0, 100));
  assert.throws(() => openNpyFile(truncated), isOneLineErrorAbout(truncated));
  assert.throws(() => openNpyFile(path.join(dir, 'absent.npy')), /absent.npy: cannot open \(ENOENT\)/);
});

for (const level of [0, 6] as const) {
  const kind = level === 0 ? 'stored' : 'deflated';

  test(`npz (${kind}): members, row ranges across read chunks, scans and small arrays`, () => {
    const rng = Rng.fromSeed(2);
    // 2.4 MB of random bytes: the deflated member spans several 1 MiB read chunks.
    const images = randomBytes(50 * 128 * 128 * 3, rng);
    const labels = Float64Array.from({ length: 100 }, (_, i) => i / 4);
    const file = writeZip(`arrays_${kind}.npz`, {
      'images.npy': encodeNpy('|u1', [50, 128, 128, 3], images),
      'labels.npy': encodeNpy('<f8', [50, 2], bytesOf(labels)),
    }, level);
    assert.deepEqual(listNpzMembers(file).map((m) => [m.name, m.compression]), [['images', level === 0 ? 0 : 8], ['labels', level === 0 ? 0 : 8]]);
    const array = openNpzArray(file, 'images');
    assert.equal(array.randomAccess, level === 0);
    const rowBytes = 128 * 128 * 3;
    const out = new Uint8Array(4 * rowBytes);
    array.readRows(40, 4, out);
    assert.deepEqual(out, images.subarray(40 * rowBytes, 44 * rowBytes));
    let scanned = 0;
    array.scanRows(7, (rows, firstRow, count) => {
      assert.equal(firstRow, scanned);
      assert.deepEqual(rows, images.subarray(firstRow * rowBytes, (firstRow + count) * rowBytes));
      scanned += count;
    });
    assert.equal(scanned, 50);
    assert.deepEqual(valuesOf(openNpzArray(file, 'labels').readAll()), Array.from(labels));
  });

  test(`dSprites npz (${kind}): factor grid from latents_classes, colour dropped, C-order images`, () => {
    const fileSizes = [1, 3, 2, 2, 2, 2];
    const n = fileSizes.reduce((a, b) => a * b, 1);
    const rng = Rng.fromSeed(3);
    const imgs = randomBytes(n * 8 * 8, rng, 1);
    const classes = new BigInt64Array(n * 6);
    for (let r = 0; r < n; r++) indexToFactors(fileSizes, r).forEach((f, j) => (classes[r * 6 + j] = BigInt(f)));
    const members = {
      'imgs.npy': encodeNpy('|u1', [n, 8, 8], imgs),
      'latents_classes.npy': encodeNpy('<i8', [n, 6], bytesOf(classes)),
      'latents_values.npy': encodeNpy('<f8', [n, 6], new Uint8Array(n * 48)),
    };
    const file = writeZip(`dsprites_${kind}.npz`, members, level);
    const variants = level === 0 ? [DSpritesNpzData.open(file), DSpritesNpzData.open(file, { loadIntoMemory: true })] : [DSpritesNpzData.open(file, { loadIntoMemory: true })];
    if (level !== 0) assert.throws(() => DSpritesNpzData.open(file), /deflate-compressed .* loadIntoMemory/);
    for (const data of variants) {
      assert.deepEqual(data.factorNames, ['shape', 'scale', 'orientation', 'position_x', 'position_y']);
      assert.deepEqual(data.factorSizes, [3, 2, 2, 2, 2]);
      assert.deepEqual(data.observationShape, [8, 8, 1]);
      const out = new Float32Array(64);
      for (const factors of [[0, 0, 0, 0, 0], [2, 1, 0, 1, 1], [1, 0, 1, 1, 0]]) {
        data.render(factors, out, 0);
        const row = factorsToIndex(data.factorSizes, factors);
        assert.deepEqual(Array.from(out), Array.from(imgs.subarray(row * 64, (row + 1) * 64)));
      }
    }
    const shuffled = classes.slice();
    [shuffled[11], shuffled[17]] = [shuffled[17], shuffled[11]];
    const misordered = writeZip(`dsprites_misordered_${kind}.npz`, { ...members, 'latents_classes.npy': encodeNpy('<i8', [n, 6], bytesOf(shuffled)) }, level);
    assert.throws(() => DSpritesNpzData.open(misordered, { loadIntoMemory: true }), /row 1 has factors .* expected .* in C order/);
    const nonBinary = imgs.slice();
    nonBinary[70] = 255;
    const grey = writeZip(`dsprites_grey_${kind}.npz`, { ...members, 'imgs.npy': encodeNpy('|u1', [n, 8, 8], nonBinary) }, level);
    assert.throws(() => DSpritesNpzData.open(grey, { loadIntoMemory: true }), /image 1 has pixel value 255/);
    const { 'latents_classes.npy': _dropped, ...withoutClasses } = members;
    const missing = writeZip(`dsprites_missing_${kind}.npz`, withoutClasses, level);
    assert.throws(() => DSpritesNpzData.open(missing), isOneLineErrorAbout(missing));
    assert.throws(() => DSpritesNpzData.open(missing), /missing member 'latents_classes' \(has imgs, latents_values\)/);
  });

  test(`npz (${kind}): truncated, corrupt and mismatched files give one-line errors`, () => {
    const rng = Rng.fromSeed(4);
    const good = zipSync({ 'a.npy': [encodeNpy('|u1', [20, 100], randomBytes(2000, rng)), { level }] });
    const truncated = path.join(dir, `truncated_${kind}.npz`);
    fs.writeFileSync(truncated, good.subarray(0, good.length - 30));
    assert.throws(() => openNpzArray(truncated, 'a'), isOneLineErrorAbout(truncated));
    assert.throws(() => openNpzArray(truncated, 'a'), /no end-of-central-directory record/);
    const notZip = path.join(dir, `not_zip_${kind}.npz`);
    fs.writeFileSync(notZip, encodeNpy('|u1', [3], Uint8Array.of(1, 2, 3)));
    assert.throws(() => openNpzArray(notZip, 'a'), isOneLineErrorAbout(notZip));
    const mismatch = path.join(dir, `mismatch_${kind}.npz`);
    const header = encodeNpy('|u1', [20, 100], new Uint8Array(0));
    fs.writeFileSync(mismatch, zipSync({ 'a.npy': [Uint8Array.from([...header, ...new Uint8Array(1500)]), { level }] }));
    assert.throws(() => openNpzArray(mismatch, 'a'), /member 'a': shape \(20, 100\) u1 needs 2128 bytes, member holds 1628/);
    const badMagic = path.join(dir, `bad_magic_${kind}.npz`);
    fs.writeFileSync(badMagic, zipSync({ 'a.npy': [new TextEncoder().encode('not an array at all'), { level }] }));
    assert.throws(() => openNpzArray(badMagic, 'a'), /member 'a': not a .npy array \(bad magic\)/);
  });
}

test('npz (deflated): corrupt compressed data gives a one-line error', () => {
  const rng = Rng.fromSeed(5);
  const zip = zipSync({ 'a.npy': [encodeNpy('|u1', [200, 100], randomBytes(20000, rng, 3)), { level: 6 }] });
  const corrupt = zip.slice();
  for (let i = 200; i < 400; i++) corrupt[i] ^= 0xa5;
  const file = path.join(dir, 'corrupt.npz');
  fs.writeFileSync(file, corrupt);
  assert.throws(() => openNpzArray(file, 'a').readRows(0, 200, new Uint8Array(20000)), isOneLineErrorAbout(file));
});

test('MPI3D: stored npz and extracted npy render C-order images; sizes must match the file', () => {
  const sizes = [2, 1, 1, 1, 1, 2, 3];
  const n = 12;
  const rng = Rng.fromSeed(6);
  const images = randomBytes(n * 4 * 4 * 3, rng);
  const npy = encodeNpy('|u1', [n, 4, 4, 3], images);
  const npzFile = writeZip('mpi3d_stored.npz', { 'images.npy': npy }, 0);
  const npyFile = path.join(dir, 'images.npy');
  fs.writeFileSync(npyFile, npy);
  for (const file of [npzFile, npyFile]) {
    const data = Mpi3dData.open(file, { factorSizes: sizes });
    assert.equal(data.factorNames.length, 7);
    assert.deepEqual(data.observationShape, [4, 4, 3]);
    const out = new Float32Array(48);
    data.render([1, 0, 0, 0, 0, 1, 2], out, 0);
    const row = 11;
    assert.deepEqual(Array.from(out), Array.from(images.subarray(row * 48, (row + 1) * 48), (v) => Math.fround(v / 255)));
  }
  assert.throws(() => Mpi3dData.open(npzFile), /12 images match neither MPI3D release .* pass factorSizes/);
  assert.throws(() => Mpi3dData.open(npzFile, { factorSizes: [6, 6, 2, 3, 3, 40, 40] }), isOneLineErrorAbout(npzFile));
  const deflated = writeZip('mpi3d_deflated.npz', { 'images.npy': npy }, 6);
  assert.throws(() => Mpi3dData.open(deflated, { factorSizes: sizes }), /no random access; extract it/);
});
