import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DSpritesData } from '../../src/datasets/dsprites.js';
import {
  factorsToIndex,
  indexToFactors,
  numObservations,
  renderBatch,
  sampleFactors,
} from '../../src/datasets/ground_truth.js';
import { Rng } from '../../src/util/random.js';

const SIZE = 64;
const SQUARE = 0;
const ELLIPSE = 1;
const HEART = 2;
const SHAPES = [SQUARE, ELLIPSE, HEART];

const dsprites = new DSpritesData();

function render(factors: number[], data = dsprites): Float32Array {
  const out = new Float32Array(SIZE * SIZE);
  data.render(factors, out, 0);
  return out;
}

function area(image: Float32Array): number {
  return image.reduce((sum, v) => sum + v, 0);
}

function centroid(image: Float32Array): { x: number; y: number } {
  let x = 0;
  let y = 0;
  for (let r = 0; r < SIZE; r++) {
    for (let c = 0; c < SIZE; c++) {
      x += image[r * SIZE + c] * (c + 0.5);
      y += image[r * SIZE + c] * (r + 0.5);
    }
  }
  const n = area(image);
  return { x: x / n, y: y / n };
}

function foregroundRows(image: Float32Array): number[] {
  const rows: number[] = [];
  for (let r = 0; r < SIZE; r++) {
    if (image.subarray(r * SIZE, (r + 1) * SIZE).some((v) => v === 1)) rows.push(r);
  }
  return rows;
}

function pixelsInColumn(image: Float32Array, c: number): number[] {
  const rows: number[] = [];
  for (let r = 0; r < SIZE; r++) if (image[r * SIZE + c] === 1) rows.push(r);
  return rows;
}

function foregroundCols(image: Float32Array): number[] {
  const cols: number[] = [];
  for (let c = 0; c < SIZE; c++) if (pixelsInColumn(image, c).length > 0) cols.push(c);
  return cols;
}

function sameBytes(a: Float32Array, b: Float32Array): boolean {
  const bytes = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  return bytes(a).equals(bytes(b));
}

/**
 * The spec's per-point rule (datasets.md §2.3) applied literally to every sub-sample near the
 * centre, independently of the scanline renderer: rotate the offset back by θ, divide by S·scale,
 * test the outline (even-odd ray casting for the heart polygon), keep pixels with >= 8/16 hits.
 */
function referenceImage(factors: number[]): Float32Array {
  const [shape, scaleIndex, orientation, posX, posY] = factors;
  const unit = 21.2 * [0.5, 0.6, 0.7, 0.8, 0.9, 1.0][scaleIndex];
  const theta = (2 * Math.PI * orientation) / 39;
  const cx = 16 + (32 * posX) / 31;
  const cy = 16 + (32 * posY) / 31;
  const heartU: number[] = [];
  const heartV: number[] = [];
  for (let i = 0; i < 400; i++) {
    const t = (2 * Math.PI * i) / 400;
    heartU.push((16 * Math.sin(t) ** 3) / 32);
    heartV.push(-(13 * Math.cos(t) - 5 * Math.cos(2 * t) - 2 * Math.cos(3 * t) - Math.cos(4 * t)) / 32);
  }
  const vMid = (Math.min(...heartV) + Math.max(...heartV)) / 2;
  const heartVCentred = heartV.map((v) => v - vMid);
  const insideHeart = (u: number, v: number): boolean => {
    let inside = false;
    for (let i = 0, j = 399; i < 400; j = i++) {
      const [ui, vi, uj, vj] = [heartU[i], heartVCentred[i], heartU[j], heartVCentred[j]];
      if (vi > v !== vj > v && u < ((uj - ui) * (v - vi)) / (vj - vi) + ui) inside = !inside;
    }
    return inside;
  };
  const inside = (u: number, v: number): boolean => {
    if (shape === SQUARE) return Math.abs(u) <= 0.5 && Math.abs(v) <= 0.5;
    if (shape === ELLIPSE) return (u / 0.5) ** 2 + (v / 0.25) ** 2 <= 1;
    return insideHeart(u, v);
  };
  const image = new Float32Array(SIZE * SIZE);
  const window = 20;
  for (let r = Math.max(0, Math.floor(cy) - window); r < Math.min(SIZE, Math.floor(cy) + window); r++) {
    for (let c = Math.max(0, Math.floor(cx) - window); c < Math.min(SIZE, Math.floor(cx) + window); c++) {
      let hits = 0;
      for (let j = 0; j < 4; j++) {
        for (let i = 0; i < 4; i++) {
          const dx = c + (i + 0.5) / 4 - cx;
          const dy = r + (j + 0.5) / 4 - cy;
          // Counter-clockwise on screen (y down) by θ, undone: the inverse of
          // (u, v) -> (u cos θ + v sin θ, v cos θ - u sin θ).
          const u = (dx * Math.cos(theta) - dy * Math.sin(theta)) / unit;
          const v = (dx * Math.sin(theta) + dy * Math.cos(theta)) / unit;
          if (inside(u, v)) hits++;
        }
      }
      image[r * SIZE + c] = hits >= 8 ? 1 : 0;
    }
  }
  return image;
}

test('dSprites has the 5 learning factors of the original file, in its order', () => {
  assert.equal(dsprites.name, 'dsprites');
  assert.deepEqual(dsprites.factorNames, ['shape', 'scale', 'orientation', 'position_x', 'position_y']);
  assert.deepEqual(dsprites.factorSizes, [3, 6, 40, 32, 32]);
  assert.deepEqual(dsprites.observationShape, [64, 64, 1]);
  assert.equal(numObservations(dsprites), 737280);
});

test('dSprites indices follow C order with bases 245760, 40960, 1024, 32, 1', () => {
  const sizes = dsprites.factorSizes;
  const bases = [245760, 40960, 1024, 32, 1];
  for (let i = 0; i < 5; i++) {
    const unit = [0, 0, 0, 0, 0];
    unit[i] = 1;
    assert.equal(factorsToIndex(sizes, unit), bases[i]);
  }
  // 1·245760 + 2·40960 + 3·1024 + 4·32 + 5 = 330885
  assert.equal(factorsToIndex(sizes, [1, 2, 3, 4, 5]), 330885);
  assert.deepEqual(Array.from(indexToFactors(sizes, 330885)), [1, 2, 3, 4, 5]);
  assert.equal(factorsToIndex(sizes, [2, 5, 39, 31, 31]), 737279);
  const rng = Rng.fromSeed(11);
  for (let n = 0; n < 200; n++) {
    const index = rng.int(737280);
    assert.equal(factorsToIndex(sizes, indexToFactors(sizes, index)), index);
  }
});

test('a square at orientation 0 and scale 1 covers 21.2 px sides: 20 full rows/cols plus half-covered edges', () => {
  // Centre 16: edges at 5.4 and 26.6. Sub-samples sit at .125/.375/.625/.875, so columns (and
  // rows) 6..25 are fully inside and 5 and 26 half inside: edge pixels have 8/16 hits (on),
  // corner pixels 4/16 (off). Area = 22·22 − 4 = 480.
  const image = render([SQUARE, 5, 0, 0, 0]);
  assert.equal(area(image), 480);
  assert.deepEqual(foregroundRows(image), Array.from({ length: 22 }, (_, i) => 5 + i));
  assert.deepEqual(foregroundCols(image), Array.from({ length: 22 }, (_, i) => 5 + i));
  for (const [r, c] of [[5, 5], [5, 26], [26, 5], [26, 26]]) assert.equal(image[r * SIZE + c], 0);
  for (const [r, c] of [[5, 6], [6, 5], [26, 25], [16, 26]]) assert.equal(image[r * SIZE + c], 1);
  // posX = posY = 1 puts the centre at 48: the same square moved by exactly 32 px.
  const moved = render([SQUARE, 5, 0, 31, 31]);
  for (let r = 0; r < SIZE; r++) {
    for (let c = 0; c < SIZE; c++) {
      const source = r >= 32 && c >= 32 ? image[(r - 32) * SIZE + (c - 32)] : 0;
      assert.equal(moved[r * SIZE + c], source, `pixel (${r}, ${c})`);
    }
  }
});

test('images match the per-sub-sample rule of the spec evaluated point by point', () => {
  const rng = Rng.fromSeed(5);
  const cases = [[HEART, 5, 0, 15, 15], [ELLIPSE, 2, 39, 0, 31], [SQUARE, 5, 5, 31, 31]];
  for (let n = 0; n < 36; n++) cases.push([n % 3, rng.int(6), rng.int(40), rng.int(32), rng.int(32)]);
  for (const factors of cases) {
    const image = render(factors);
    const expected = referenceImage(factors);
    assert.ok(sameBytes(image, expected), `factors ${factors}: ${area(image)} vs ${area(expected)} px`);
  }
});

test('pixels are binary', () => {
  const factors = sampleFactors(dsprites.factorSizes, 200, Rng.fromSeed(2));
  const images = renderBatch(dsprites, factors, 200);
  assert.ok(images.every((v) => v === 0 || v === 1));
});

test('every image differs from its ±1 neighbours along position_x, position_y and scale', () => {
  const rng = Rng.fromSeed(3);
  for (let n = 0; n < 300; n++) {
    const factors = [rng.int(3), rng.int(6), rng.int(40), rng.int(32), rng.int(32)];
    const image = render(factors);
    for (const axis of [1, 3, 4]) {
      for (const step of [-1, 1]) {
        const neighbour = [...factors];
        neighbour[axis] += step;
        if (neighbour[axis] < 0 || neighbour[axis] >= dsprites.factorSizes[axis]) continue;
        assert.ok(!sameBytes(image, render(neighbour)), `factors ${factors}, axis ${axis}, step ${step}`);
      }
    }
  }
});

test('orientation 0 and 39 (both 2π apart) give identical images', () => {
  for (const shape of SHAPES) {
    for (let scale = 0; scale < 6; scale++) {
      for (const [x, y] of [[0, 0], [13, 22], [31, 31]]) {
        assert.ok(sameBytes(render([shape, scale, 0, x, y]), render([shape, scale, 39, x, y])));
      }
    }
  }
});

test('no foreground pixel on the outermost rows or columns, even for the largest sprites at extreme positions', () => {
  for (const shape of SHAPES) {
    for (let orientation = 0; orientation < 40; orientation++) {
      for (const x of [0, 31]) {
        for (const y of [0, 31]) {
          const image = render([shape, 5, orientation, x, y]);
          for (let i = 0; i < SIZE; i++) {
            for (const [r, c] of [[0, i], [SIZE - 1, i], [i, 0], [i, SIZE - 1]]) {
              assert.equal(image[r * SIZE + c], 0, `factors ${[shape, 5, orientation, x, y]} at (${r}, ${c})`);
            }
          }
        }
      }
    }
  }
});

test('the centroid moves right with position_x and down with position_y, by 32/31 px per step on average', () => {
  for (const shape of SHAPES) {
    const alongX = Array.from({ length: 32 }, (_, x) => centroid(render([shape, 3, 7, x, 10])));
    const alongY = Array.from({ length: 32 }, (_, y) => centroid(render([shape, 3, 7, 20, y])));
    for (let i = 1; i < 32; i++) {
      assert.ok(alongX[i].x > alongX[i - 1].x, `shape ${shape}, posX ${i}`);
      assert.ok(alongY[i].y > alongY[i - 1].y, `shape ${shape}, posY ${i}`);
      assert.ok(Math.abs(alongX[i].y - alongX[0].y) < 0.5);
      assert.ok(Math.abs(alongY[i].x - alongY[0].x) < 0.5);
    }
    assert.ok(Math.abs((alongX[31].x - alongX[0].x) / 31 - 32 / 31) < 0.005);
    assert.ok(Math.abs((alongY[31].y - alongY[0].y) / 31 - 32 / 31) < 0.005);
  }
});

test('area grows with scale, roughly like scale², towards the closed-form area of each outline', () => {
  // Outline areas in units²: square 1, ellipse π·0.5·0.25, heart 180π/32² (the curve's area).
  const unitAreas = [1, Math.PI * 0.125, (180 * Math.PI) / 1024];
  for (const shape of SHAPES) {
    const areas = Array.from({ length: 6 }, (_, s) => area(render([shape, s, 0, 15, 15])));
    for (let s = 1; s < 6; s++) assert.ok(areas[s] > areas[s - 1], `shape ${shape}: ${areas}`);
    const ratio = areas[5] / areas[0];
    assert.ok(Math.abs(ratio - 4) < 0.4, `shape ${shape}: area ratio ${ratio}`);
    const expected = unitAreas[shape] * 21.2 ** 2;
    assert.ok(Math.abs(areas[5] - expected) / expected < 0.1, `shape ${shape}: area ${areas[5]} vs ${expected}`);
  }
});

test('positive orientation turns the heart counter-clockwise on screen: at ~90° its tip points right', () => {
  const centre = 16 + (32 * 15) / 31;
  const upright = render([HEART, 5, 0, 15, 15]);
  const rows = foregroundRows(upright);
  const rowCount = (r: number) => upright.subarray(r * SIZE, (r + 1) * SIZE).reduce((s, v) => s + v, 0);
  // Lobes up (a wide top row), tip down (a narrow bottom row).
  assert.ok(rowCount(rows[0]) > 3 * rowCount(rows[rows.length - 1]));

  const turned = render([HEART, 5, 10, 15, 15]); // 10 · 2π/39 ≈ 92°
  const cols = foregroundCols(turned);
  const leftmost = pixelsInColumn(turned, cols[0]);
  const rightmost = pixelsInColumn(turned, cols[cols.length - 1]);
  assert.ok(leftmost.length > 3 * rightmost.length);
  for (const r of rightmost) assert.ok(Math.abs(r + 0.5 - centre) < 3, `tip row ${r}`);
});

test('mean pixel and mean per-image std match the calibration of the spec', () => {
  const n = 3000;
  const images = renderBatch(dsprites, sampleFactors(dsprites.factorSizes, n, Rng.fromSeed(2024)), n);
  const pixels = SIZE * SIZE;
  let meanSum = 0;
  let stdSum = 0;
  for (let i = 0; i < n; i++) {
    // Binary pixels: the image mean is the foreground fraction p and its std is sqrt(p(1 − p)).
    const p = area(images.subarray(i * pixels, (i + 1) * pixels)) / pixels;
    meanSum += p;
    stdSum += Math.sqrt(p * (1 - p));
  }
  const mean = meanSum / n;
  const std = stdSum / n;
  assert.ok(Math.abs(mean - 0.0426) < 0.003, `mean pixel ${mean}`);
  assert.ok(Math.abs(std - 0.192) < 0.006, `mean per-image std ${std}`);
});

test('rendering is deterministic and independent of what was rendered before', () => {
  const factors = [HEART, 4, 17, 9, 23];
  const first = render(factors);
  render([SQUARE, 5, 5, 31, 0]);
  render([ELLIPSE, 0, 30, 0, 31]);
  assert.ok(sameBytes(first, render(factors)));
  assert.ok(sameBytes(first, render(factors, new DSpritesData())));
  const batch = sampleFactors(dsprites.factorSizes, 50, Rng.fromSeed(9));
  assert.ok(sameBytes(renderBatch(dsprites, batch, 50), renderBatch(new DSpritesData(), batch, 50)));
});

test('render writes only its own slot of the output buffer', () => {
  const out = new Float32Array(3 * SIZE * SIZE).fill(7);
  dsprites.render([SQUARE, 5, 0, 0, 0], out, SIZE * SIZE);
  assert.ok(out.subarray(0, SIZE * SIZE).every((v) => v === 7));
  assert.ok(out.subarray(2 * SIZE * SIZE).every((v) => v === 7));
  assert.equal(area(out.subarray(SIZE * SIZE, 2 * SIZE * SIZE)), 480);
});

test('factors outside their ranges are rejected', () => {
  assert.throws(() => render([3, 0, 0, 0, 0]), RangeError);
  assert.throws(() => render([0, 6, 0, 0, 0]), RangeError);
  assert.throws(() => render([0, 0, 0, 32, 0]), RangeError);
  assert.throws(() => render([0, 0, -1, 0, 0]), RangeError);
});
