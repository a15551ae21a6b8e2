import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CachedData, prepareCache } from '../../src/datasets/cache.js';
import { openDataset } from '../../src/datasets/open.js';
import { renderRangeToFile } from '../../src/datasets/cache_writer.js';
import { indexToFactors, numObservations, observationSize } from '../../src/datasets/ground_truth.js';
import { createDataset } from '../../src/datasets/registry.js';
import { UserError } from '../../src/util/errors.js';

const tempRoot = () => fs.mkdtempSync(path.join(os.tmpdir(), 'disentangle-cache-'));

test('prepare writes every observation in C order as bytes, with a manifest, and later opens read it', async () => {
  const root = tempRoot();
  const progress: number[] = [];
  const dir = await prepareCache('xysinglesquare', { root, workers: 2, onProgress: (done) => progress.push(done) });
  assert.equal(dir, path.join(root, 'xysinglesquare'));
  assert.equal(progress.at(-1), 64);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.factor_sizes, [8, 8]);
  assert.equal(manifest.count, 64);
  assert.deepEqual(manifest.observation_shape, [64, 64, 1]);
  const live = createDataset('xysinglesquare');
  const bytes = fs.readFileSync(path.join(dir, 'images.u8'));
  assert.equal(bytes.length, numObservations(live) * observationSize(live));
  const size = observationSize(live);
  const rendered = new Float32Array(size);
  for (const index of [0, 9, 37, 63]) {
    live.render(indexToFactors(live.factorSizes, index), rendered, 0);
    for (let i = 0; i < size; i++) assert.equal(bytes[index * size + i], Math.round(255 * rendered[i]));
  }
  const opened = await openDataset('xysinglesquare', undefined, {}, root);
  assert.ok(opened instanceof CachedData);
  const fromCache = new Float32Array(size);
  opened.render([3, 5], fromCache, 0);
  live.render([3, 5], rendered, 0);
  assert.deepEqual(fromCache, rendered.map((v) => Math.round(255 * v) / 255));
  const mtime = fs.statSync(path.join(dir, 'images.u8')).mtimeMs;
  await prepareCache('xysinglesquare', { root });
  assert.equal(fs.statSync(path.join(dir, 'images.u8')).mtimeMs, mtime, 'a prepared cache is reused, not rewritten');
});

test('a half-written cache is never read, and a truncated one is a one-line error', async () => {
  const root = tempRoot();
  fs.mkdirSync(path.join(root, 'xysinglesquare.partial'));
  fs.writeFileSync(path.join(root, 'xysinglesquare.partial', 'images.u8'), 'junk');
  assert.ok(!((await openDataset('xysinglesquare', undefined, {}, root)) instanceof CachedData));
  const dir = await prepareCache('xysinglesquare', { root });
  assert.ok(!fs.existsSync(path.join(root, 'xysinglesquare.partial')));
  fs.truncateSync(path.join(dir, 'images.u8'), 100);
  assert.throws(() => new CachedData(dir), (e: unknown) => e instanceof UserError && /images\.u8: 100 bytes, the manifest needs 262144/.test(e.message));
});

test('dataset.path selects the original-file reader; names and paths it cannot open are one-line errors', async () => {
  const root = tempRoot();
  await assert.rejects(openDataset('dsprites', 'dataset.path', { path: path.join(root, 'missing.npz') }, root),
    (e: unknown) => e instanceof UserError && /^dataset\.path: .*missing\.npz: no such file or directory$/.test(e.message));
  await assert.rejects(openDataset('xyobject', 'dataset.path', { path: root }, root),
    (e: unknown) => e instanceof UserError && /unknown dataset with an original-file reader 'xyobject' \(known: cars3d, dsprites, dsprites_imagenet, mpi3d, shapes3d, smallnorb\)/.test(e.message));
  await assert.rejects(openDataset('mpi3d', 'dataset.name', {}, root),
    (e: unknown) => e instanceof UserError && /dataset 'mpi3d' is read from its original file: set dataset.path/.test(e.message));
  const notNpz = path.join(root, 'dsprites.npz');
  fs.writeFileSync(notNpz, 'not a zip file at all');
  await assert.rejects(openDataset('dsprites', 'dataset.path', { path: notNpz }, root),
    (e: unknown) => e instanceof UserError && e.message.includes('dsprites.npz') && !e.message.includes('\n'));
});

test('a binary dataset is cached at one bit per pixel and reads back exactly', async () => {
  const root = tempRoot();
  const live = createDataset('dsprites');
  const dir = path.join(root, 'dsprites');
  // Only the encoding is under test: render a slice of dSprites with the worker entry point.
  fs.mkdirSync(dir, { recursive: true });
  const count = 3000;
  const images = path.join(dir, 'images.u8');
  fs.writeFileSync(images, new Uint8Array(numObservations(live) * 512));
  assert.equal(renderRangeToFile('dsprites', images, 700000, 700000 + count), count);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    format: 'disentangle-dataset-cache', version: 1, name: 'dsprites', factor_names: live.factorNames,
    factor_sizes: live.factorSizes, observation_shape: live.observationShape, count: numObservations(live), encoding: 'bits',
  }));
  const cached = new CachedData(dir);
  assert.equal(cached.binary, true);
  const a = new Float32Array(4096);
  const b = new Float32Array(4096);
  for (const index of [700000, 701234, 702999]) {
    const factors = indexToFactors(live.factorSizes, index);
    live.render(factors, a, 0);
    cached.render(factors, b, 0);
    assert.deepEqual(b, a);
  }
  fs.rmSync(root, { recursive: true, force: true });
});
