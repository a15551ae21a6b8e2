import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DSpritesData } from '../../src/datasets/dsprites.js';
import { createDataset, datasetNames } from '../../src/datasets/registry.js';
import { XYObjectData } from '../../src/datasets/xyobject.js';
import { UserError } from '../../src/util/errors.js';

test('the registry knows dsprites and xyobject', () => {
  assert.deepEqual(datasetNames(), ['dsprites', 'xyobject']);
  assert.ok(createDataset('dsprites') instanceof DSpritesData);
  assert.ok(createDataset('xyobject') instanceof XYObjectData);
  assert.notEqual(createDataset('dsprites'), createDataset('dsprites'));
});

test('an unknown name is a UserError that lists the known names', () => {
  assert.throws(
    () => createDataset('shapes3d', 'configs/run.yaml'),
    (error: unknown) =>
      error instanceof UserError &&
      error.message === "configs/run.yaml: unknown dataset 'shapes3d' (known: dsprites, xyobject)",
  );
  assert.throws(() => createDataset('toString'), UserError);
});
