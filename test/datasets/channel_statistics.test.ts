import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channelStatistics, type ChannelStatistics } from '../../src/datasets/channel_statistics.js';
import { factorsToIndex, indexToFactors, numObservations, type GroundTruthData } from '../../src/datasets/ground_truth.js';
import { XYObjectData } from '../../src/datasets/xyobject.js';
import { XYSquaresData } from '../../src/datasets/xysquares.js';
import { UserError } from '../../src/util/errors.js';

/** msc_research.md §1 over the given images: the mean of each image's channel means and of its unbiased channel stds. */
function statisticsOf(data: GroundTruthData, factorRows: ArrayLike<number>[]): ChannelStatistics {
  const [h, w, c] = data.observationShape;
  const pixels = h * w;
  const image = new Float32Array(pixels * c);
  const mean = new Array(c).fill(0);
  const std = new Array(c).fill(0);
  for (const factors of factorRows) {
    data.render(factors, image, 0);
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let p = 0; p < pixels; p++) sum += image[p * c + ch];
      const m = sum / pixels;
      let squares = 0;
      for (let p = 0; p < pixels; p++) squares += (image[p * c + ch] - m) ** 2;
      mean[ch] += m / factorRows.length;
      std[ch] += Math.sqrt(squares / (pixels - 1)) / factorRows.length;
    }
  }
  return { mean, std };
}

function assertClose(actual: ChannelStatistics, expected: ChannelStatistics, tolerance: number): void {
  for (const key of ['mean', 'std'] as const) {
    assert.equal(actual[key].length, expected[key].length);
    actual[key].forEach((v, i) => assert.ok(Math.abs(v - expected[key][i]) < tolerance, `${key}[${i}]: ${v} vs ${expected[key][i]}`));
  }
}

test("XYSquares in RGB: disent's vis_mean/vis_std at every spacing, as the formula gives over its images", () => {
  const table = channelStatistics('xysquares', {}, 'here');
  assert.deepEqual(table.mean, [0.015625, 0.015625, 0.015625]);
  assert.ok(Math.abs(table.std[0] - 0.12403473458920855) < 1e-15);
  for (const spacing of [8, 4, 1]) {
    const data = new XYSquaresData({ gridSpacing: spacing, gridSize: 8 });
    // Every image holds one 8x8 square per channel, so a few images give the dataset's statistics exactly.
    const rows = [0, 777, 262143].map((i) => indexToFactors(data.factorSizes, i));
    assertClose(statisticsOf(data, rows), channelStatistics('xysquares', { grid_spacing: spacing, grid_size: 8 }, 'here'), 1e-9);
  }
});

test("XYObject: disent's constants are the formula's over the whole dataset", () => {
  const data = new XYObjectData();
  // An image's statistics depend on its scale and colour only, and every (scale, colour) pair is
  // equally frequent, so the images at position (0, 0) give the dataset's averages.
  const rows: number[][] = [];
  for (let scale = 0; scale < data.factorSizes[2]; scale++) for (let color = 0; color < data.factorSizes[3]; color++) rows.push([0, 0, scale, color]);
  assert.equal(numObservations(data) / (data.factorSizes[0] * data.factorSizes[1]), rows.length);
  assert.equal(factorsToIndex(data.factorSizes, rows[1]), 1);
  assertClose(statisticsOf(data, rows), channelStatistics('xyobject_shaded', {}, 'here'), 1e-7);
});

test('a dataset without known statistics is a one-line error naming where', () => {
  assert.throws(() => channelStatistics('shapes3d', {}, 'cfg.yaml: dataset.standardise'),
    (e: unknown) => e instanceof UserError && /^cfg\.yaml: dataset\.standardise: no channel statistics are known for dataset 'shapes3d' \(known: /.test(e.message));
  assert.throws(() => channelStatistics('xysquares', { num_squares: 2 }, 'here'), /with these settings/);
});
