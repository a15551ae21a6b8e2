import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Shapes3dData, SHAPES3D_SHAPES } from '../../src/datasets/shapes3d.js';
import {
  factorsToIndex,
  indexToFactors,
  numObservations,
  observationSize,
  renderBatch,
  sampleFactors,
} from '../../src/datasets/ground_truth.js';
import { Rng } from '../../src/util/random.js';

const SIZE = 64;
const PIXELS = SIZE * SIZE;
const FLOOR_HUE = 0;
const WALL_HUE = 1;
const OBJECT_HUE = 2;
/** A mid-range view: scale 3, cube, orientation 0°. */
const BASE = [1, 4, 7, 3, 0, 7];

const shapes3d = new Shapes3dData();

function render(factors: number[]): Float32Array {
  const out = new Float32Array(PIXELS * 3);
  shapes3d.render(factors, out, 0);
  return out;
}

function withFactor(factors: number[], which: number, value: number): number[] {
  const changed = [...factors];
  changed[which] = value;
  return changed;
}

/** Pixels whose RGB differs between two images. */
function changedPixels(a: Float32Array, b: Float32Array): Set<number> {
  const changed = new Set<number>();
  for (let p = 0; p < PIXELS; p++) {
    for (let c = 0; c < 3; c++) if (a[p * 3 + c] !== b[p * 3 + c]) changed.add(p);
  }
  return changed;
}

/** Pixels that change when only the factor `which` moves from its value in `factors` to `other`. */
function regionOf(factors: number[], which: number, other: number): Set<number> {
  return changedPixels(render(factors), render(withFactor(factors, which, other)));
}

/** The object's pixels: those recoloured by a change of object hue (hues 0 and 5 are opposite). */
function objectPixels(factors: number[]): Set<number> {
  return regionOf(withFactor(factors, OBJECT_HUE, 0), OBJECT_HUE, 5);
}

function centroid(pixels: Set<number>): { row: number; col: number } {
  let row = 0;
  let col = 0;
  for (const p of pixels) {
    row += Math.floor(p / SIZE) + 0.5;
    col += (p % SIZE) + 0.5;
  }
  return { row: row / pixels.size, col: col / pixels.size };
}

test('factor names, sizes and shape follow the original file', () => {
  assert.equal(shapes3d.name, 'shapes3d');
  assert.deepEqual(shapes3d.factorNames, ['floor_hue', 'wall_hue', 'object_hue', 'scale', 'shape', 'orientation']);
  assert.deepEqual(shapes3d.factorSizes, [10, 10, 10, 8, 4, 15]);
  assert.deepEqual(shapes3d.observationShape, [64, 64, 3]);
  assert.deepEqual(SHAPES3D_SHAPES, ['cube', 'cylinder', 'sphere', 'capsule']);
  assert.equal(numObservations(shapes3d), 480_000);
});

test('C-order index and factors agree with the documented bases', () => {
  const bases = [48000, 4800, 480, 60, 15, 1];
  const rng = Rng.fromSeed(3);
  const factors = sampleFactors(shapes3d.factorSizes, 200, rng);
  for (let r = 0; r < 200; r++) {
    const row = factors.subarray(r * 6, r * 6 + 6);
    const index = bases.reduce((sum, base, i) => sum + base * row[i], 0);
    assert.equal(factorsToIndex(shapes3d.factorSizes, row), index);
    assert.deepEqual(Array.from(indexToFactors(shapes3d.factorSizes, index)), Array.from(row));
  }
  assert.deepEqual(Array.from(indexToFactors(shapes3d.factorSizes, 479_999)), [9, 9, 9, 7, 3, 14]);
});

test('pixels are uint8 levels in [0, 1]', () => {
  const image = render(BASE);
  for (const v of image) {
    assert.ok(v >= 0 && v <= 1);
    assert.ok(Math.abs(v * 255 - Math.round(v * 255)) < 1e-4);
  }
});

test('each hue recolours only its own region, and the regions are disjoint and cover the image', () => {
  for (const factors of [BASE, [5, 0, 9, 7, 3, 0], [9, 3, 2, 0, 2, 14]]) {
    const floor = regionOf(factors, FLOOR_HUE, (factors[FLOOR_HUE] + 5) % 10);
    const wall = regionOf(factors, WALL_HUE, (factors[WALL_HUE] + 5) % 10);
    const object = regionOf(factors, OBJECT_HUE, (factors[OBJECT_HUE] + 5) % 10);
    for (const region of [floor, wall, object]) assert.ok(region.size > 0);
    for (const p of floor) assert.ok(!wall.has(p) && !object.has(p), `pixel ${p} in two regions`);
    for (const p of wall) assert.ok(!object.has(p), `pixel ${p} in two regions`);
    assert.equal(floor.size + wall.size + object.size, PIXELS);
    // The floor lies below the walls.
    assert.ok(centroid(floor).row > centroid(wall).row);
  }
});

test('the object occupies the central-lower part of the image', () => {
  for (let shape = 0; shape < 4; shape++) {
    for (const orientation of [0, 7, 14]) {
      const { row, col } = centroid(objectPixels([0, 0, 0, 7, shape, orientation]));
      assert.ok(row > SIZE / 2 && row < 0.75 * SIZE, `row ${row}`);
      assert.ok(Math.abs(col - SIZE / 2) < 4, `col ${col}`);
    }
  }
});

/** Column of the wall corner in the top row: where the two walls' shading changes. */
function cornerColumn(factors: number[]): number {
  const image = render(factors);
  const edges: number[] = [];
  for (let col = 1; col < SIZE; col++) {
    if (image[col * 3] !== image[(col - 1) * 3] || image[col * 3 + 1] !== image[(col - 1) * 3 + 1]) edges.push(col);
  }
  assert.equal(edges.length, 1, `expected one wall edge in the top row, got ${edges}`);
  return edges[0];
}

test('orientation moves the wall corner horizontally', () => {
  // A wall hue with all channels unclipped on both walls, so the two walls differ in colour.
  const columns = [0, 3, 7, 11, 14].map((o) => cornerColumn([0, 6, 0, 3, 0, o]));
  for (let i = 1; i < columns.length; i++) assert.ok(columns[i] > columns[i - 1], `corner columns ${columns}`);
  assert.ok(columns[columns.length - 1] - columns[0] > 20, `corner columns ${columns}`);
});

test('the object area grows with scale', () => {
  for (let shape = 0; shape < 4; shape++) {
    const areas = [0, 1, 2, 3, 4, 5, 6, 7].map((scale) => objectPixels([0, 0, 0, scale, shape, 4]).size);
    for (let i = 1; i < areas.length; i++) assert.ok(areas[i] > areas[i - 1], `${SHAPES3D_SHAPES[shape]} areas ${areas}`);
  }
});

test('the four shapes look different', () => {
  for (const orientation of [0, 7, 14]) {
    const silhouettes = [0, 1, 2, 3].map((shape) => objectPixels([0, 0, 0, 5, shape, orientation]));
    for (let a = 0; a < 4; a++) {
      for (let b = a + 1; b < 4; b++) {
        const differing = [...silhouettes[a]].filter((p) => !silhouettes[b].has(p)).length +
          [...silhouettes[b]].filter((p) => !silhouettes[a].has(p)).length;
        assert.ok(differing >= 10, `${SHAPES3D_SHAPES[a]} vs ${SHAPES3D_SHAPES[b]}: ${differing} px differ`);
      }
    }
  }
});

test('rendering is deterministic and independent of render order and instance', () => {
  const factors = sampleFactors(shapes3d.factorSizes, 20, Rng.fromSeed(11));
  const first = renderBatch(shapes3d, factors, 20);
  const fresh = renderBatch(new Shapes3dData(), factors, 20);
  assert.deepEqual(fresh, first);
  const single = new Float32Array(observationSize(shapes3d) + 5);
  shapes3d.render(factors.subarray(6 * 7, 6 * 8), single, 5);
  assert.deepEqual(single.subarray(5), first.subarray(7 * observationSize(shapes3d), 8 * observationSize(shapes3d)));
});

test('out-of-range factors are rejected', () => {
  assert.throws(() => render([10, 0, 0, 0, 0, 0]), RangeError);
  assert.throws(() => render([0, 0, 0, 0, 4, 0]), RangeError);
});

test('dataset statistics approach the original 3dshapes', () => {
  const targetMeans = [0.503, 0.579, 0.603];
  const targetStds = [0.294, 0.344, 0.366];
  const n = 2000;
  const factors = sampleFactors(shapes3d.factorSizes, n, Rng.fromSeed(2024));
  const image = new Float32Array(PIXELS * 3);
  const means = [0, 0, 0];
  const stds = [0, 0, 0];
  for (let r = 0; r < n; r++) {
    shapes3d.render(factors.subarray(r * 6, r * 6 + 6), image, 0);
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      let sumSquares = 0;
      for (let p = c; p < image.length; p += 3) {
        sum += image[p];
        sumSquares += image[p] * image[p];
      }
      const mean = sum / PIXELS;
      means[c] += mean / n;
      stds[c] += Math.sqrt(sumSquares / PIXELS - mean * mean) / n;
    }
  }
  for (let c = 0; c < 3; c++) {
    assert.ok(Math.abs(means[c] - targetMeans[c]) <= 0.03, `channel ${c} mean ${means[c]}`);
  }
  assert.ok(Math.abs(stds[0] - targetStds[0]) <= 0.04, `red std ${stds[0]}`);
  // Green and blue fall short of the original's stds by ≈0.06 and ≈0.08: three flat colour
  // regions cannot spread further (see Shapes3dAppearance). Hold them at the calibrated level so
  // a regression shows, and below the targets so the documented gap stays true.
  for (const c of [1, 2]) {
    assert.ok(stds[c] >= 0.27 && stds[c] < targetStds[c], `channel ${c} std ${stds[c]}`);
  }
});
