import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DSpritesData } from '../../src/datasets/dsprites.js';
import { numObservations } from '../../src/datasets/ground_truth.js';
import { createDataset, datasetNames } from '../../src/datasets/registry.js';
import { Shapes3dData } from '../../src/datasets/shapes3d.js';
import { XYObjectData } from '../../src/datasets/xyobject.js';
import { XYSquaresData } from '../../src/datasets/xysquares.js';
import { UserError } from '../../src/util/errors.js';

test('the registry builds a fresh instance of every dataset under its config name', () => {
  assert.deepEqual(datasetNames(), [
    'color_dsprites', 'dsprites', 'dsprites_imagenet', 'noisy_dsprites', 'scream_dsprites', 'shapes3d',
    'xyobject', 'xyobject_shaded', 'xysinglesquare', 'xysquares', 'xysquares_minimal',
  ]);
  assert.ok(createDataset('dsprites') instanceof DSpritesData);
  assert.ok(createDataset('xyobject') instanceof XYObjectData);
  assert.ok(createDataset('shapes3d') instanceof Shapes3dData);
  assert.notEqual(createDataset('dsprites'), createDataset('dsprites'));
  const sizes: Record<string, number> = { dsprites: 737280, shapes3d: 480000, xyobject: 75000, xysquares: 262144, xysinglesquare: 64 };
  for (const [name, count] of Object.entries(sizes)) assert.equal(numObservations(createDataset(name)), count, name);
});

test('datasets with per-observation randomness are reproducible from their seed', () => {
  const render = (seed: number) => {
    const data = createDataset('noisy_dsprites', undefined, { seed });
    const out = new Float32Array(64 * 64 * 3);
    data.render([0, 5, 0, 16, 16], out, 0);
    return out;
  };
  assert.deepEqual(render(4), render(4));
  assert.notDeepEqual(render(4), render(5));
});

test('an unknown name is a UserError that lists the known names', () => {
  assert.throws(
    () => createDataset('mnist', 'configs/run.yaml'),
    (error: unknown) =>
      error instanceof UserError &&
      error.message.startsWith("configs/run.yaml: unknown dataset 'mnist' (known: color_dsprites, dsprites, "),
  );
  assert.throws(() => createDataset('toString'), UserError);
});

test("settings reach the dataset's constructor, and a value it refuses is a UserError naming the dataset", () => {
  const data = createDataset('xysquares', undefined, { settings: { grid_spacing: 4, grid_size: 8 } }) as XYSquaresData;
  assert.deepEqual(data.factorSizes, [8, 8, 8, 8, 8, 8]);
  assert.deepEqual([data.grid.spacing, data.grid.offset], [4, 14]);
  assert.deepEqual(createDataset('xysquares', undefined, { settings: { grid_spacing: 4 } }).factorSizes, Array(6).fill(15));
  assert.throws(() => createDataset('xysquares', 'cfg.yaml: dataset.name', { settings: { square_size: 80 } }),
    (e: unknown) => e instanceof UserError && e.message === "cfg.yaml: dataset.name: dataset 'xysquares': squareSize 80 exceeds imageSize 64");
});
