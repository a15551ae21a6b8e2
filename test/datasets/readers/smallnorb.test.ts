import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'fflate';
import { readNorbMatrix, SmallNorbData, type SmallNorbFiles } from '../../../src/datasets/readers/smallnorb.js';
import { openDataset } from '../../../src/datasets/open.js';
import { resampleImage } from '../../../src/datasets/resample.js';
import { Rng } from '../../../src/util/random.js';
import { bytesOf, isOneLineErrorAbout } from './npy_encoding.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smallnorb-reader-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

const UINT8_MAGIC = 0x1e3d4c55;
const INT32_MAGIC = 0x1e3d4c54;
const SIZE = 3; // image side

/** A binary matrix file: magic, ndim, max(3, ndim) dims (unused ones 1), data. */
function encodeNorb(magic: number, dims: number[], data: Uint8Array): Uint8Array {
  const headerDims = Math.max(3, dims.length);
  const out = new Uint8Array(8 + 4 * headerDims + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, magic, true);
  dv.setInt32(4, dims.length, true);
  for (let i = 0; i < headerDims; i++) dv.setInt32(8 + 4 * i, dims[i] ?? 1, true);
  out.set(data, 8 + 4 * headerDims);
  return out;
}

interface Row {
  category: number;
  instance: number;
  elevation: number;
  azimuth: number;
  lighting: number;
  camera0: Uint8Array;
}

/** All rows of a grid with instances `instanceIds`, in a shuffled order, with random images. */
function gridRows(instanceIds: number[], rng: Rng): Row[] {
  const rows: Row[] = [];
  for (let category = 0; category < 2; category++)
    for (const instance of instanceIds)
      for (let elevation = 0; elevation < 2; elevation++)
        for (let azimuth = 0; azimuth < 6; azimuth += 2)
          for (let lighting = 0; lighting < 2; lighting++) {
            const camera0 = Uint8Array.from({ length: SIZE * SIZE }, () => rng.int(256));
            rows.push({ category, instance, elevation, azimuth, lighting, camera0 });
          }
  return rng.shuffle(rows);
}

function writeTriplet(name: string, rows: Row[], gzip: boolean): SmallNorbFiles {
  const n = rows.length;
  const dat = new Uint8Array(n * 2 * SIZE * SIZE);
  const cat = new Int32Array(n);
  const info = new Int32Array(n * 4);
  rows.forEach((row, r) => {
    dat.set(row.camera0, r * 2 * SIZE * SIZE);
    dat.fill(255 - r, (r * 2 + 1) * SIZE * SIZE, (r * 2 + 2) * SIZE * SIZE); // camera 1, never used
    cat[r] = row.category;
    info.set([row.instance, row.elevation, row.azimuth, row.lighting], r * 4);
  });
  const files: SmallNorbFiles = {
    dat: path.join(dir, `${name}-dat.mat${gzip ? '.gz' : ''}`),
    cat: path.join(dir, `${name}-cat.mat${gzip ? '.gz' : ''}`),
    info: path.join(dir, `${name}-info.mat${gzip ? '.gz' : ''}`),
  };
  const write = (file: string, bytes: Uint8Array) => fs.writeFileSync(file, gzip ? gzipSync(bytes) : bytes);
  write(files.dat, encodeNorb(UINT8_MAGIC, [n, 2, SIZE, SIZE], dat));
  write(files.cat, encodeNorb(INT32_MAGIC, [n], bytesOf(cat)));
  write(files.info, encodeNorb(INT32_MAGIC, [n, 4], bytesOf(info)));
  return files;
}

const scaled = (image: Uint8Array) => Array.from(image, (v) => Math.fround(v / 255));

test('binary matrix: header, dims padded to 3, gzip or not', () => {
  for (const gzip of [false, true]) {
    const file = path.join(dir, `matrix${gzip ? '.gz' : ''}`);
    const raw = encodeNorb(INT32_MAGIC, [2], bytesOf(Int32Array.of(7, -3)));
    fs.writeFileSync(file, gzip ? gzipSync(raw) : raw);
    const matrix = readNorbMatrix(file);
    assert.equal(matrix.type, 'int32');
    assert.deepEqual(matrix.dims, [2]);
    assert.deepEqual(Array.from(new Int32Array(Uint8Array.from(matrix.data).buffer)), [7, -3]);
  }
});

for (const gzip of [false, true]) {
  test(`disent convention (${gzip ? 'gzipped' : 'raw'}): 5 factors, rows sorted, instance ranks, camera 0`, () => {
    const rng = Rng.fromSeed(10);
    const rows = gridRows([6, 4], rng);
    const data = SmallNorbData.open([writeTriplet(`train-${gzip}`, rows, gzip)], { convention: 'disent' });
    assert.deepEqual(data.factorNames, ['category', 'instance', 'elevation', 'rotation', 'lighting']);
    assert.deepEqual(data.factorSizes, [2, 2, 2, 3, 2]);
    assert.deepEqual(data.observationShape, [SIZE, SIZE, 1]);
    const sorted = [...rows].sort((a, b) =>
      a.category - b.category || a.instance - b.instance || a.elevation - b.elevation || a.azimuth - b.azimuth || a.lighting - b.lighting);
    const out = new Float32Array(SIZE * SIZE);
    let index = 0;
    for (let c = 0; c < 2; c++) for (let i = 0; i < 2; i++) for (let e = 0; e < 2; e++) for (let a = 0; a < 3; a++) for (let l = 0; l < 2; l++) {
      data.render([c, i, e, a, l], out, 0);
      const row = sorted[index++];
      assert.deepEqual([row.category, row.instance, row.elevation, row.azimuth / 2, row.lighting], [c, [4, 6][i], e, a, l]);
      assert.deepEqual(Array.from(out), scaled(row.camera0));
    }
  });
}

test('disentanglement_lib convention: train + test, instance hidden and drawn from the rng', () => {
  const rng = Rng.fromSeed(11);
  const train = gridRows([4, 6], rng);
  const test = gridRows([1, 3], rng);
  const data = SmallNorbData.open([writeTriplet('train-dlib', train, false), writeTriplet('test-dlib', test, true)], {
    convention: 'disentanglement_lib',
    rng: Rng.fromSeed(12),
  });
  assert.deepEqual(data.factorNames, ['category', 'elevation', 'rotation', 'lighting']);
  assert.deepEqual(data.factorSizes, [2, 2, 3, 2]);
  assert.equal(data.instanceCount, 4);
  const candidates = new Map<string, number>();
  for (const row of [...train, ...test]) {
    if (row.category === 1 && row.elevation === 0 && row.azimuth === 4 && row.lighting === 1) candidates.set(scaled(row.camera0).join(), row.instance);
  }
  const seen = new Set<number>();
  const out = new Float32Array(SIZE * SIZE);
  for (let draw = 0; draw < 100; draw++) {
    data.render([1, 0, 2, 1], out, 0);
    const instance = candidates.get(Array.from(out).join());
    assert.notEqual(instance, undefined);
    seen.add(instance!);
  }
  assert.deepEqual([...seen].sort(), [1, 3, 4, 6]);
  assert.throws(() => SmallNorbData.open([writeTriplet('train-dlib', train, false)], { convention: 'disentanglement_lib' }), /needs an rng/);
});

test('SmallNORB: corrupt, truncated and inconsistent files give one-line errors', () => {
  const rng = Rng.fromSeed(13);
  const rows = gridRows([4, 6], rng);
  const good = writeTriplet('good', rows, false);
  const variant = (name: string, part: keyof SmallNorbFiles, bytes: Uint8Array): SmallNorbFiles => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return { ...good, [part]: file };
  };
  const datBytes = fs.readFileSync(good.dat);
  const cases: [SmallNorbFiles, keyof SmallNorbFiles, RegExp][] = [
    [variant('bad-magic', 'dat', Uint8Array.from([0x12, ...datBytes.subarray(1)])), 'dat', /not a SmallNORB matrix \(bad magic/],
    [variant('short-header', 'cat', datBytes.subarray(0, 12)), 'cat', /truncated SmallNORB header \(12 bytes\)/],
    [variant('short-data', 'dat', datBytes.subarray(0, datBytes.length - 5)), 'dat', /need 864 data bytes, found 859/],
    [variant('bad-gzip.gz', 'dat', gzipSync(datBytes).subarray(0, 60)), 'dat', /corrupt or truncated gzip data/],
    [variant('wrong-type', 'cat', encodeNorb(UINT8_MAGIC, [48], new Uint8Array(48))), 'cat', /expected a 1-d int32 matrix, found \(48\) uint8/],
    [variant('few-rows', 'cat', encodeNorb(INT32_MAGIC, [47], new Uint8Array(47 * 4))), 'dat', /shape mismatch between dat/],
    [variant('odd', 'info', encodeNorb(INT32_MAGIC, [48, 4], bytesOf(Int32Array.from({ length: 192 }, (_, i) => (i % 4 === 2 ? 1 : 0))))), 'info', /row 0 has odd azimuth 1/],
    [variant('incomplete', 'info', encodeNorb(INT32_MAGIC, [48, 4], new Uint8Array(192 * 4))), 'dat', /48 rows do not form the full factor grid \(2, 1, 1, 1, 1\) = 2/],
  ];
  for (const [files, named, message] of cases) {
    assert.throws(() => SmallNorbData.open([files], { convention: 'disent' }), isOneLineErrorAbout(files[named]));
    assert.throws(() => SmallNorbData.open([files], { convention: 'disent' }), message);
  }
  const duplicated = [...rows];
  duplicated[1] = { ...duplicated[0] };
  assert.throws(() => SmallNorbData.open([writeTriplet('duplicated', duplicated, false)], { convention: 'disent' }), /row 1 repeats factors/);
  assert.throws(() => SmallNorbData.open([good, good], { convention: 'disent' }), /training files only/);
});

test('dataset.path: a directory of the published files, under either convention, resampled to the model size', async () => {
  const published = path.join(dir, 'published');
  fs.mkdirSync(published);
  const rng = Rng.fromSeed(11);
  const trainRows = gridRows([4, 6], rng);
  writeTriplet('published/smallnorb-5x46789x9x18x6x2x96x96-training', trainRows, true);
  const disent = await openDataset('smallnorb', 'dataset.path', { path: published, convention: 'disent', imageSize: 2 });
  assert.deepEqual(disent.factorNames, ['category', 'instance', 'elevation', 'rotation', 'lighting']);
  assert.deepEqual(disent.observationShape, [2, 2, 1]);
  const row = trainRows[5];
  const out = new Float32Array(4);
  disent.render([row.category, row.instance === 4 ? 0 : 1, row.elevation, row.azimuth / 2, row.lighting], out, 0);
  const expected = resampleImage(row.camera0, SIZE, SIZE, 1, 2, 2, 'bilinear');
  assert.deepEqual(Array.from(out), Array.from(expected, (v) => Math.fround(v / 255)));

  await assert.rejects(openDataset('smallnorb', 'dataset.path', { path: published, convention: 'disentanglement_lib' }),
    isOneLineErrorAbout('smallnorb-5x01235x9x18x6x2x96x96-testing-dat.mat(.gz) not found'));
  writeTriplet('published/smallnorb-5x01235x9x18x6x2x96x96-testing', gridRows([0, 1, 2], rng), false);
  const library = await openDataset('smallnorb', 'dataset.path', { path: published, imageSize: 2 });
  assert.deepEqual(library.factorNames, ['category', 'elevation', 'rotation', 'lighting']);
  assert.deepEqual(library.factorSizes, [2, 2, 3, 2]);
  assert.deepEqual(library.observationShape, [2, 2, 1]);
});
