import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pngjs from 'pngjs';
import { toBytes8, type Image } from '../../src/viz/image.js';
import { labelColour, obliqueProjection, scatterLayout, scatterPlot, TAB20, writeScatterPng, type ScatterPanel } from '../../src/viz/scatter.js';

function pixelBytes(img: Image, x: number, y: number): number[] {
  const bytes = toBytes8(img);
  const start = (Math.floor(y) * img.width + Math.floor(x)) * 3;
  return Array.from(bytes.subarray(start, start + 3));
}

// The layout's constants, restated: 10 px around everything, 12 px between panels, the legend
// 6 px below the plot in rows of 14 px; markers of radius 3 keep ceil(3 * 1.35) + 2 = 7 px from the frame.
const PAD = 10;
const MARGIN = 7;

test('tab20 is matplotlib\'s palette and labels past 20 wrap around', () => {
  assert.equal(TAB20.length, 20);
  assert.deepEqual(TAB20[0], [31, 119, 180]);
  assert.deepEqual(TAB20[19], [158, 218, 229]);
  assert.deepEqual(labelColour(23), [255 / 255, 187 / 255, 120 / 255]);
});

test('2-D points fill the plot area with one scale, y upwards, and are drawn in their label colours', () => {
  const panel: ScatterPanel = { points: Float64Array.of(0, 0, 2, 1, 2, 0), dims: 2, labels: [0, 1, 2] };
  const size = 100;
  const layout = scatterLayout(panel, { size });
  // x spans [0, 2] over the 86 px between the margins; y spans [0, 1] on the same scale, centred.
  const inner = size - 2 * MARGIN;
  assert.deepEqual(Array.from(layout.x), [MARGIN, MARGIN + inner, MARGIN + inner]);
  assert.deepEqual(Array.from(layout.y), [MARGIN + (3 * inner) / 4, MARGIN + inner / 4, MARGIN + (3 * inner) / 4]);
  assert.deepEqual(Array.from(layout.radius), [3, 3, 3]);
  const image = scatterPlot([panel], { size });
  assert.deepEqual([image.width, image.height, image.channels], [2 * PAD + size, 2 * PAD + size + 6 + 14, 3]);
  for (let i = 0; i < 3; i++) assert.deepEqual(pixelBytes(image, PAD + layout.x[i], PAD + layout.y[i]), [...TAB20[i]], `point ${i}`);
  // White background inside the plot, a gray frame on its border.
  assert.deepEqual(pixelBytes(image, PAD + 50, PAD + 50), [255, 255, 255]);
  assert.deepEqual(pixelBytes(image, PAD, PAD + 50), [89, 89, 89]);
  assert.deepEqual(pixelBytes(image, PAD - 1, PAD + 50), [255, 255, 255]);
});

test('disc edges are anti-aliased: partly covered pixels lie between the colour and the background', () => {
  const panel: ScatterPanel = { points: Float64Array.of(0, 0, 1, 1), dims: 2, labels: [6, 6] };
  const image = scatterPlot([panel], { size: 60, markerRadius: 4 });
  const { x, y } = scatterLayout(panel, { size: 60, markerRadius: 4 });
  const cx = PAD + x[0];
  const cy = PAD + y[0];
  // Radius 4 keeps markers ceil(4 * 1.35) + 2 = 8 px inside, 44 px between: the first point is at
  // the bottom left, its centre on a pixel corner; the pixel 3 right and 1 down has its centre at
  // (3.5, 1.5) from it, covered by radius + 0.5 - distance of its area.
  assert.deepEqual([cx, cy], [PAD + 8, PAD + 8 + 44]);
  const coverage = 4.5 - Math.hypot(3.5, 1.5);
  assert.deepEqual(pixelBytes(image, cx + 3, cy + 1), TAB20[6].map((c) => Math.round(255 + (c - 255) * coverage)));
  assert.deepEqual(pixelBytes(image, cx + 2, cy + 1), [...TAB20[6]]);
  assert.deepEqual(pixelBytes(image, cx + 3, cy + 3), [255, 255, 255]);
});

test('the oblique projection follows matplotlib\'s azimuth and elevation', () => {
  const axes = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
  const side = obliqueProjection(axes, 3, 0, 0);
  // Looking along -x from the +x side: y to the right, z up, x towards the viewer.
  assert.deepEqual(Array.from(side.x).map((v) => Math.round(v * 1e12) / 1e12), [0, 1, 0]);
  assert.deepEqual(Array.from(side.y).map((v) => Math.round(v * 1e12) / 1e12), [0, 0, 1]);
  assert.deepEqual(Array.from(side.depth).map((v) => Math.round(v * 1e12) / 1e12), [1, 0, 0]);
  const standard = obliqueProjection(axes, 3);
  const s3 = Math.sqrt(3) / 2;
  const expected = { x: [s3, 0.5, 0], y: [-0.25, s3 / 2, s3], depth: [s3 / 2, -0.75, 0.5] };
  for (const key of ['x', 'y', 'depth'] as const) {
    standard[key].forEach((value, i) => assert.ok(Math.abs(value - expected[key][i]) < 1e-12, `${key}[${i}] = ${value}, want ${expected[key][i]}`));
  }
});

test('in 3-D nearer points are drawn later and larger', () => {
  // Seen from +x, the first two points cover the same pixel; the first is nearer.
  const panel: ScatterPanel = { points: Float64Array.of(1, 0, 0, -1, 0, 0, 0, 1, 1, 0, -1, -1), dims: 3, labels: [0, 1, 2, 3] };
  const options = { size: 80, azimuth: 0, elevation: 0 };
  const layout = scatterLayout(panel, options);
  assert.deepEqual(Array.from(layout.order), [1, 2, 3, 0]);
  assert.ok(Math.abs(layout.radius[0] - 3 * (1 + 0.35 / Math.sqrt(3))) < 1e-12);
  assert.ok(Math.abs(layout.radius[1] - 3 * (1 - 0.35 / Math.sqrt(3))) < 1e-12);
  assert.equal(layout.radius[2], 3);
  assert.deepEqual([layout.x[0], layout.y[0]], [40, 40]);
  const image = scatterPlot([panel], options);
  assert.deepEqual(pixelBytes(image, PAD + 40, PAD + 40), [...TAB20[0]]);
  // Point 2 (y = 1, z = 1) is at the top right.
  assert.deepEqual(pixelBytes(image, PAD + layout.x[2], PAD + layout.y[2]), [...TAB20[2]]);
  assert.ok(layout.x[2] > 40 && layout.y[2] < 40);
});

test('panels sit side by side, each with a legend of swatches and pixel digits', () => {
  const points = Float64Array.of(0, 0, 1, 1, 2, 0);
  const panels: ScatterPanel[] = [
    { points, dims: 2, labels: [7, 7, 7] },
    { points, dims: 2, labels: [12, 3, 3] },
  ];
  const size = 90;
  const image = scatterPlot(panels, { size });
  assert.deepEqual([image.width, image.height], [2 * PAD + 2 * size + 12, 2 * PAD + size + 6 + 14]);
  const legendTop = PAD + size + 6;
  // First panel: the swatch of 7 (8 px from row top + 1), then the glyph 7, whose top row is solid
  // and whose third row has only its right column, drawn at twice the size in dark gray.
  assert.deepEqual(pixelBytes(image, PAD + 4, legendTop + 4), [...TAB20[7]]);
  const glyphLeft = PAD + 8 + 3;
  for (const x of [0, 2, 4]) assert.deepEqual(pixelBytes(image, glyphLeft + x, legendTop), [51, 51, 51], `top row, x ${x}`);
  assert.deepEqual(pixelBytes(image, glyphLeft, legendTop + 4), [255, 255, 255]);
  assert.deepEqual(pixelBytes(image, glyphLeft + 4, legendTop + 4), [51, 51, 51]);
  // Second panel: labels in increasing order, 3 first, then 12.
  const second = PAD + size + 12;
  assert.deepEqual(pixelBytes(image, second + 4, legendTop + 4), [...TAB20[3]]);
  const twelveLeft = second + 8 + 3 + 6 + 8;
  assert.deepEqual(pixelBytes(image, twelveLeft + 4, legendTop + 4), [...TAB20[12]]);
  // The points of the second panel in its own colours.
  const { x, y } = scatterLayout(panels[1], { size });
  assert.deepEqual(pixelBytes(image, second + x[0], PAD + y[0]), [...TAB20[12]]);
});

test('bad panels are rejected', () => {
  assert.throws(() => scatterPlot([{ points: Float64Array.of(0, 0), dims: 2, labels: [-1] }]), /label of point 0 is -1/);
  assert.throws(() => scatterPlot([{ points: Float64Array.of(0, 0, 1), dims: 2, labels: [0] }]), /do not form points/);
  assert.throws(() => scatterPlot([]), /at least one panel/);
});

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'scatter-test-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

test('writeScatterPng writes a PNG of the plot', () => {
  const target = path.join(scratch, 'scatter.png');
  const panel: ScatterPanel = { points: Float64Array.of(0, 0, 0, 1, 1, 1), dims: 3, labels: [0, 1] };
  writeScatterPng(target, [panel], { size: 50 });
  const decoded = pngjs.PNG.sync.read(fs.readFileSync(target));
  assert.deepEqual([decoded.width, decoded.height], [70, 90]);
});
