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

/** The sky colour measured in the original images. */
const SKY = [153 / 255, 226 / 255, 249 / 255];

function isSky(image: Float32Array, pixel: number): boolean {
  return [0, 1, 2].every((c) => Math.abs(image[pixel * 3 + c] - SKY[c]) < 1e-6);
}

test('each hue recolours only its own region; the rest of the image is the fixed sky', () => {
  for (const factors of [BASE, [5, 0, 9, 7, 3, 0], [9, 3, 2, 0, 2, 14]]) {
    const floor = regionOf(factors, FLOOR_HUE, (factors[FLOOR_HUE] + 5) % 10);
    const wall = regionOf(factors, WALL_HUE, (factors[WALL_HUE] + 5) % 10);
    const object = regionOf(factors, OBJECT_HUE, (factors[OBJECT_HUE] + 5) % 10);
    for (const region of [floor, wall, object]) assert.ok(region.size > 0);
    for (const p of floor) assert.ok(!wall.has(p) && !object.has(p), `pixel ${p} in two regions`);
    for (const p of wall) assert.ok(!object.has(p), `pixel ${p} in two regions`);
    const image = render(factors);
    let sky = 0;
    for (let p = 0; p < PIXELS; p++) {
      if (floor.has(p) || wall.has(p) || object.has(p)) continue;
      assert.ok(isSky(image, p), `pixel ${p} belongs to no region but is not sky`);
      sky++;
    }
    // As in the original: sky ≈ the top fifth, floor ≈ the lower third or more, walls between.
    assert.ok(sky > 0.1 * PIXELS && sky < 0.3 * PIXELS, `sky ${sky} px`);
    assert.ok(floor.size > 0.25 * PIXELS, `floor ${floor.size} px`);
    assert.ok(centroid(floor).row > centroid(wall).row);
  }
});

test('the top rows are the same sky for every factor combination', () => {
  const factors = sampleFactors(shapes3d.factorSizes, 480, Rng.fromSeed(5));
  // Every geometry (scale, shape, orientation) once, with random hues.
  for (let k = 0; k < 480; k++) {
    factors[k * 6 + 3] = Math.floor(k / 60);
    factors[k * 6 + 4] = Math.floor(k / 15) % 4;
    factors[k * 6 + 5] = k % 15;
  }
  const images = renderBatch(shapes3d, factors, 480);
  for (let k = 0; k < 480; k++) {
    const image = images.subarray(k * PIXELS * 3, (k + 1) * PIXELS * 3);
    for (let p = 0; p < 4 * SIZE; p++) assert.ok(isSky(image, p), `image ${k} pixel ${p}`);
  }
});

test('the object stands in the lower middle of the image, about a third of its width', () => {
  for (let shape = 0; shape < 4; shape++) {
    for (const orientation of [0, 7, 14]) {
      const pixels = objectPixels([0, 0, 0, 7, shape, orientation]);
      const bottom = Math.max(...[...pixels].map((p) => Math.floor(p / SIZE)));
      assert.ok(bottom > 0.75 * SIZE && bottom < 0.95 * SIZE, `bottom row ${bottom}`);
      assert.ok(Math.abs(centroid(pixels).col - SIZE / 2) < 4, `col ${centroid(pixels).col}`);
    }
  }
  const cube = objectPixels([0, 0, 0, 3, 0, 7]);
  const columns = new Set([...cube].map((p) => p % SIZE));
  assert.ok(columns.size > 0.25 * SIZE && columns.size < 0.45 * SIZE, `cube width ${columns.size} px`);
});

/**
 * Columns of row 22 (between the sky and the object) where the wall shading jumps: the corners
 * between the back wall and the side walls.
 */
function cornerColumns(factors: number[]): number[] {
  const image = render(factors);
  const row = 22;
  const edges: number[] = [];
  for (let col = 1; col < SIZE; col++) {
    // Green channel of wall hue 6 stays unclipped on every wall, so the walls differ in it.
    if (Math.abs(image[(row * SIZE + col) * 3 + 1] - image[(row * SIZE + col - 1) * 3 + 1]) > 0.05) edges.push(col);
  }
  return edges;
}

test('orientation moves the wall corners horizontally', () => {
  const spans = Array.from({ length: 15 }, (_, orientation) => {
    const corners = cornerColumns([0, 6, 0, 3, 0, orientation]);
    assert.ok(corners.length >= 1 && corners.length <= 2, `orientation ${orientation}: corners ${corners}`);
    // The back wall spans [left, right) around the image centre.
    const left = Math.max(0, ...corners.filter((c) => c <= SIZE / 2));
    const right = Math.min(SIZE, ...corners.filter((c) => c > SIZE / 2));
    return { left, right };
  });
  for (let o = 1; o < 15; o++) {
    assert.ok(spans[o].left >= spans[o - 1].left && spans[o].right >= spans[o - 1].right, JSON.stringify(spans));
  }
  assert.ok(spans[14].left - spans[0].left > 15 && spans[14].right - spans[0].right > 15, JSON.stringify(spans));
});

test('the object casts a dark shadow on the floor to its lower right', () => {
  for (let shape = 0; shape < 4; shape++) {
    for (const floorHue of [0, 6]) {
      const factors = [floorHue, 3, 3, 4, shape, 7];
      const floor = regionOf(factors, FLOOR_HUE, (floorHue + 5) % 10);
      const image = render(factors);
      const brightness = (p: number) => image[p * 3] + image[p * 3 + 1] + image[p * 3 + 2];
      const lit = Math.max(...[...floor].map(brightness));
      const shadow = new Set([...floor].filter((p) => brightness(p) < 0.6 * lit));
      assert.ok(shadow.size > 40, `${SHAPES3D_SHAPES[shape]}: ${shadow.size} shadow px`);
      const object = centroid(objectPixels(factors));
      assert.ok(centroid(shadow).col > object.col && centroid(shadow).row > object.row, SHAPES3D_SHAPES[shape]);
    }
  }
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
    assert.ok(Math.abs(means[c] - targetMeans[c]) <= 0.02, `channel ${c} mean ${means[c]}`);
    assert.ok(Math.abs(stds[c] - targetStds[c]) <= 0.02, `channel ${c} std ${stds[c]}`);
  }
});
