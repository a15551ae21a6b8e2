import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import h5wasm from 'h5wasm/node';
import { Shapes3dH5Data } from '../../../src/datasets/readers/shapes3d_h5.js';
import { factorsToIndex, indexToFactors } from '../../../src/datasets/ground_truth.js';
import { Rng } from '../../../src/util/random.js';
import { isOneLineErrorAbout } from './npy_encoding.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shapes3d-reader-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

// A small grid with the real file's kinds of values: hues 0.0, 0.1, …, scale linspace(0.75, 1.25),
// shape ids, orientation linspace(−30, 30).
const FACTOR_VALUES = [[0, 0.1], [0, 0.1, 0.2], [0.5], [0.75, 1.25], [0, 1, 2, 3], [-30, 0, 30]];
const SIZES = FACTOR_VALUES.map((v) => v.length);
const N = SIZES.reduce((a, b) => a * b, 1);
const SIDE = 8;

interface Written {
  file: string;
  images: Uint8Array;
}

async function writeShapes3d(name: string, options: { labelRowOrder?: (r: number) => number; withoutLabels?: boolean } = {}): Promise<Written> {
  await h5wasm.ready;
  const file = path.join(dir, name);
  const rng = Rng.fromSeed(20);
  const images = Uint8Array.from({ length: N * SIDE * SIDE * 3 }, () => rng.int(256));
  const labels = new Float64Array(N * 6);
  for (let r = 0; r < N; r++) {
    const factors = indexToFactors(SIZES, options.labelRowOrder ? options.labelRowOrder(r) : r);
    factors.forEach((f, j) => (labels[r * 6 + j] = FACTOR_VALUES[j][f]));
  }
  const h5 = new h5wasm.File(file, 'w');
  h5.create_dataset({ name: 'images', data: images, shape: [N, SIDE, SIDE, 3], chunks: [4, SIDE, SIDE, 3], compression: 'gzip' });
  if (!options.withoutLabels) h5.create_dataset({ name: 'labels', data: labels, shape: [N, 6] });
  h5.close();
  return { file, images };
}

test('Shapes3D h5: factor grid from labels, C-order hyperslab reads of single images', async () => {
  const { file, images } = await writeShapes3d('3dshapes.h5');
  const data = await Shapes3dH5Data.open(file);
  try {
    assert.deepEqual(data.factorNames, ['floor_hue', 'wall_hue', 'object_hue', 'scale', 'shape', 'orientation']);
    assert.deepEqual(data.factorSizes, SIZES);
    assert.deepEqual(data.factorValues, FACTOR_VALUES);
    assert.deepEqual(data.observationShape, [SIDE, SIDE, 3]);
    const size = SIDE * SIDE * 3;
    const out = new Float32Array(2 * size);
    for (const factors of [[0, 0, 0, 0, 0, 0], [1, 2, 0, 1, 3, 2], [0, 1, 0, 1, 2, 0]]) {
      data.render(factors, out, size);
      const row = factorsToIndex(SIZES, factors);
      assert.deepEqual(Array.from(out.subarray(size)), Array.from(images.subarray(row * size, (row + 1) * size), (v) => Math.fround(v / 255)));
    }
  } finally {
    data.close();
  }
});

test('Shapes3D h5: missing, foreign, truncated and misordered files give one-line errors', async () => {
  const { file } = await writeShapes3d('good.h5');
  const bytes = fs.readFileSync(file);
  const truncated = path.join(dir, 'truncated.h5');
  fs.writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
  await assert.rejects(Shapes3dH5Data.open(truncated), isOneLineErrorAbout(truncated));
  await assert.rejects(Shapes3dH5Data.open(truncated), /truncated HDF5 file \(superblock says \d+ bytes, file has \d+\)/);
  const foreign = path.join(dir, 'foreign.h5');
  fs.writeFileSync(foreign, new TextEncoder().encode('not hdf5 at all'.repeat(100)));
  await assert.rejects(Shapes3dH5Data.open(foreign), /foreign.h5: not an HDF5 file \(bad signature\)/);
  await assert.rejects(Shapes3dH5Data.open(path.join(dir, 'absent.h5')), /absent.h5: cannot open \(ENOENT\)/);
  const { file: unlabelled } = await writeShapes3d('unlabelled.h5', { withoutLabels: true });
  await assert.rejects(Shapes3dH5Data.open(unlabelled), /unlabelled.h5: missing dataset 'labels'/);
  const { file: misordered } = await writeShapes3d('misordered.h5', { labelRowOrder: (r) => (r === 1 ? 2 : r === 2 ? 1 : r) });
  await assert.rejects(Shapes3dH5Data.open(misordered), isOneLineErrorAbout(misordered));
  await assert.rejects(Shapes3dH5Data.open(misordered), /row 1 has factors \(0, 0, 0, 0, 0, 2\), expected \(0, 0, 0, 0, 0, 1\) in C order/);
});
