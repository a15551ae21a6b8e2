import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage, type Image } from '../../src/viz/image.js';
import {
  pingPong,
  reconstructionGrid,
  traversalFrames,
  traversalGrid,
  traversalLatents,
  traversalValues,
} from '../../src/viz/traversal.js';

function pixel(img: Image, x: number, y: number): number {
  assert.equal(img.channels, 1);
  return img.data[y * img.width + x];
}

test('traversalValues spaces values evenly and symmetrically from -limit to +limit', () => {
  assert.deepEqual(Array.from(traversalValues(5)), [-2, -1, 0, 1, 2]);
  assert.deepEqual(Array.from(traversalValues(4, 1.5)), [-1.5, -0.5, 0.5, 1.5]);
  assert.deepEqual(Array.from(traversalValues(3, 3)), [-3, 0, 3]);
  assert.deepEqual(Array.from(traversalValues(1)), [0]);
  const values = traversalValues(7, 2.3);
  values.forEach((value, i) => assert.equal(value + values[values.length - 1 - i], 0, `value ${i} mirrors its partner`));
  assert.ok(Object.is(values[3], 0), 'the middle value is +0');
});

test('traversalValues rejects nonsensical arguments', () => {
  assert.throws(() => traversalValues(0), RangeError);
  assert.throws(() => traversalValues(2.5), RangeError);
  assert.throws(() => traversalValues(5, 0), RangeError);
});

test('pingPong goes forward then back without repeating either end', () => {
  assert.deepEqual(pingPong(['a', 'b', 'c', 'd']), ['a', 'b', 'c', 'd', 'c', 'b']);
  assert.deepEqual(pingPong(traversalValues(3)), [-2, 0, 2, 0]);
  assert.deepEqual(pingPong(['a', 'b']), ['a', 'b']);
  assert.deepEqual(pingPong(['a']), ['a']);
});

test('traversalLatents copies the base code and sets one dimension per row', () => {
  const base = Float32Array.of(0.1, 0.2, 0.3);
  const latents = traversalLatents(base, 1, [-1, 0.5]);
  assert.deepEqual(latents, Float32Array.of(0.1, -1, 0.3, 0.1, 0.5, 0.3));
  assert.deepEqual(base, Float32Array.of(0.1, 0.2, 0.3), 'base is left unchanged');
  assert.throws(() => traversalLatents(base, 3, [0]), /outside 0\.\.2/);
});

/** decoded[latent][step] as 1x1 gray images of value (10 * latent + step) / 100. */
function decodedTraversal(latents: number, steps: number): Image[][] {
  return Array.from({ length: latents }, (_, latent) =>
    Array.from({ length: steps }, (_, step) => createImage(1, 1, 1, (10 * latent + step) / 100)),
  );
}

test('traversalGrid puts one latent per row and one step per column', () => {
  const grid = traversalGrid(decodedTraversal(2, 3), { padding: 1, background: 1 });
  // 3 columns and 2 rows of 1x1 cells with 1 pixel of padding: 3*2+1 by 2*2+1.
  assert.deepEqual([grid.width, grid.height], [7, 5]);
  for (let latent = 0; latent < 2; latent++) {
    for (let step = 0; step < 3; step++) {
      assert.equal(pixel(grid, 1 + 2 * step, 1 + 2 * latent), Math.fround((10 * latent + step) / 100));
    }
  }
});

test('traversalFrames makes one frame per step holding every latent at that step', () => {
  const frames = traversalFrames(decodedTraversal(3, 4), 1, { padding: 1 });
  assert.equal(frames.length, 4);
  for (const [step, frame] of frames.entries()) {
    // One column, so latent l is the cell in row l, at (1, 1 + 2l).
    assert.deepEqual([frame.width, frame.height], [3, 7]);
    for (let latent = 0; latent < 3; latent++) {
      assert.equal(pixel(frame, 1, 1 + 2 * latent), Math.fround((10 * latent + step) / 100));
    }
  }
  const twoColumns = traversalFrames(decodedTraversal(3, 4), 2, { padding: 1 })[2];
  assert.deepEqual([twoColumns.width, twoColumns.height], [5, 5]);
  assert.equal(pixel(twoColumns, 3, 1), Math.fround(12 / 100), 'latent 1 beside latent 0');
  assert.equal(pixel(twoColumns, 1, 3), Math.fround(22 / 100), 'latent 2 starts the second row');
});

test('traversal layouts reject ragged input', () => {
  const ragged = decodedTraversal(2, 3);
  ragged[1].pop();
  assert.throws(() => traversalFrames(ragged, 1), /latent 1 has 2 steps/);
  assert.throws(() => traversalGrid([]), /at least one latent/);
});

const input = (k: number): Image => createImage(1, 1, 1, k / 10);
const recon = (k: number): Image => createImage(1, 1, 1, 0.05 + k / 10);

test('reconstructionGrid puts each reconstruction directly below its input', () => {
  const grid = reconstructionGrid([0, 1, 2].map(input), [0, 1, 2].map(recon), { padding: 1, background: 1 });
  assert.deepEqual([grid.width, grid.height], [7, 5]);
  for (let k = 0; k < 3; k++) {
    assert.equal(pixel(grid, 1 + 2 * k, 1), Math.fround(k / 10), `input ${k}`);
    assert.equal(pixel(grid, 1 + 2 * k, 3), Math.fround(0.05 + k / 10), `reconstruction ${k}`);
  }
});

test('reconstructionGrid wraps into pairs of rows when given fewer columns', () => {
  const grid = reconstructionGrid([0, 1, 2].map(input), [0, 1, 2].map(recon), { cols: 2, padding: 1, background: 1 });
  // Rows: inputs 0 1, reconstructions 0 1, input 2 and a gap, reconstruction 2 and a gap.
  assert.deepEqual([grid.width, grid.height], [5, 9]);
  assert.equal(pixel(grid, 3, 1), Math.fround(0.1));
  assert.equal(pixel(grid, 3, 3), Math.fround(0.15));
  assert.equal(pixel(grid, 1, 5), Math.fround(0.2));
  assert.equal(pixel(grid, 1, 7), Math.fround(0.25));
  assert.equal(pixel(grid, 3, 5), 1, 'empty cell shows the background');
  assert.equal(pixel(grid, 3, 7), 1, 'empty cell shows the background');
});

test('reconstructionGrid needs one reconstruction per input', () => {
  assert.throws(() => reconstructionGrid([input(0), input(1)], [recon(0)]), /2 inputs but 1 reconstructions/);
  assert.throws(() => reconstructionGrid([], []), /at least one input/);
});
