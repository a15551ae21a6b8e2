// The explorer's checks on a checkpoint, in Node: the runs it refuses and the files it needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigSchema } from '../../src/config/schema.js';
import { openExplorerRun, parseExplorerManifest, weightFiles } from '../../src/explore/explorer_run.js';
import { UserError } from '../../src/util/errors.js';

function manifestText(config: unknown): string {
  return JSON.stringify({
    format: 'disentangle-checkpoint', version: 2, step: 5, config, rng: {}, optimizers: {},
    optimizerManifest: [], weightsManifest: [{ paths: ['weights.bin'], weights: [] }],
  });
}

test('runs that read original files are refused in one line naming the manifest and the path', () => {
  const config = ConfigSchema.parse({ dataset: { name: 'dsprites', path: '/data/dsprites.npz' } });
  assert.throws(() => parseExplorerManifest(manifestText(config), 'run/manifest.json'), (e: unknown) => e instanceof UserError
    && e.message === 'run/manifest.json: dataset.path: the explorer renders procedural datasets only, and this run reads /data/dsprites.npz');
});

test('the explorer needs the weight files the manifest lists, and names a missing one', () => {
  const manifest = parseExplorerManifest(manifestText(ConfigSchema.parse({})), 'manifest.json');
  assert.deepEqual(weightFiles(manifest), ['weights.bin']);
  assert.throws(() => openExplorerRun(manifest, new Map(), 'picked checkpoint'), (e: unknown) => e instanceof UserError
    && e.message === 'picked checkpoint: weights.bin is missing (the manifest lists it)');
});
