import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pngjs from 'pngjs';
import { toBytes8, type Image } from '../../src/viz/image.js';
import { heatmap, purples, writeHeatmapPng } from '../../src/viz/heatmap.js';

function pixelBytes(img: Image, x: number, y: number): number[] {
  const bytes = toBytes8(img);
  const start = (y * img.width + x) * 3;
  return Array.from(bytes.subarray(start, start + 3));
}

const bytes = (colour: readonly number[]) => colour.map((c) => Math.round(255 * c));

test('Purples runs from matplotlib\'s near-white to its deep purple, through the ColorBrewer stops', () => {
  assert.deepEqual(bytes(purples(0)), [0xfc, 0xfb, 0xfd]);
  assert.deepEqual(bytes(purples(1)), [0x3f, 0x00, 0x7d]);
  // Nine stops, eight intervals: 0.5 is the fifth stop, 1/16 halfway between the first two.
  assert.deepEqual(bytes(purples(0.5)), [0x9e, 0x9a, 0xc8]);
  const halfway = purples(1 / 16).map((c) => 255 * c);
  [(0xfc + 0xef) / 2, (0xfb + 0xed) / 2, (0xfd + 0xf5) / 2].forEach((want, c) => assert.ok(Math.abs(halfway[c] - want) < 1e-9));
  // Values outside [0, 1] are clamped, as with vmin = 0, vmax = 1.
  assert.deepEqual(purples(-0.3), purples(0));
  assert.deepEqual(purples(1.7), purples(1));
  assert.throws(() => purples(NaN), /NaN/);
});

test('one cell per entry at the given size, matrix rows downwards, separated by grid lines', () => {
  const matrix = [0, 0.5, 1, 1, 0.25, 0];
  const image = heatmap(matrix, 2, 3, { cellSize: 4, gridLine: 1 });
  // 3 cells of 4 px and 4 lines of 1 px across; 2 cells and 3 lines down.
  assert.deepEqual([image.width, image.height, image.channels], [16, 11, 3]);
  for (let r = 0; r < 2; r++) {
    for (let c = 0; c < 3; c++) {
      const want = bytes(purples(matrix[r * 3 + c]));
      for (const [dx, dy] of [[0, 0], [3, 3]]) {
        assert.deepEqual(pixelBytes(image, 1 + 5 * c + dx, 1 + 5 * r + dy), want, `cell (${r}, ${c})`);
      }
    }
  }
  const gray = [204, 204, 204];
  for (const [x, y] of [[0, 0], [5, 2], [10, 7], [15, 10], [3, 5]]) assert.deepEqual(pixelBytes(image, x, y), gray, `(${x}, ${y})`);
  // Without grid lines the cells tile the image.
  const bare = heatmap(matrix, 2, 3, { cellSize: 2, gridLine: 0 });
  assert.deepEqual([bare.width, bare.height], [6, 4]);
  assert.deepEqual(pixelBytes(bare, 5, 3), bytes(purples(0)));
  assert.deepEqual(pixelBytes(bare, 2, 1), bytes(purples(0.5)));
});

test('row and column numbers go left of and above the grid, which moves over by their margins', () => {
  const matrix = [1, 0, 0, 0.5];
  const plain = heatmap(matrix, 2, 2, { cellSize: 20 });
  const labelled = heatmap(matrix, 2, 2, { cellSize: 20, rowLabels: [7, 12], colLabels: [0, 1] });
  // Margins: the widest row label (two 3-px glyphs at scale 2 with a gap: 14 px) plus 4 px either
  // side; one glyph row (10 px) plus 4 px above and below.
  const [left, top] = [14 + 8, 10 + 8];
  assert.deepEqual([labelled.width, labelled.height], [plain.width + left, plain.height + top]);
  for (const [x, y] of [[1, 1], [25, 25], [40, 5]]) assert.deepEqual(pixelBytes(labelled, left + x, top + y), pixelBytes(plain, x, y));
  const dark = (img: Image, x0: number, y0: number, w: number, h: number) => {
    let n = 0;
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) if (pixelBytes(img, x, y)[0] < 128) n++;
    return n;
  };
  // '12' left of the second row, '0' and '1' above the columns; the corner stays blank.
  assert.ok(dark(labelled, 0, top + 21, left, 20) > 10);
  assert.ok(dark(labelled, left, 0, 21, top) > 5 && dark(labelled, left + 21, 0, 21, top) > 5);
  assert.equal(dark(labelled, 0, 0, left, top), 0);
  assert.throws(() => heatmap(matrix, 2, 2, { rowLabels: [1] }), /1 row labels for 2 rows/);
});

test('a matrix of the wrong size is rejected', () => {
  assert.throws(() => heatmap([0, 1, 0], 2, 2), /3 values do not form a 2 x 2 matrix/);
  assert.throws(() => heatmap([0], 1, 1, { cellSize: 0 }), /cell size/);
});

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'heatmap-test-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

test('writeHeatmapPng writes the heat map as a PNG', () => {
  const target = path.join(scratch, 'confusion.png');
  writeHeatmapPng(target, [1, 0, 0, 1], 2, 2, { cellSize: 3 });
  const decoded = pngjs.PNG.sync.read(fs.readFileSync(target));
  assert.deepEqual([decoded.width, decoded.height], [9, 9]);
  assert.deepEqual(Array.from(decoded.data.subarray((1 * 9 + 1) * 4, (1 * 9 + 1) * 4 + 3)), [0x3f, 0x00, 0x7d]);
});
