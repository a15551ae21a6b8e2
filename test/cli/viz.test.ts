// `disentangle viz` and the training-time TensorBoard images, end to end on a run of a few steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GifReader } from 'omggif';
import { asString, only, parseEvent, parseMessage, readEventFile, readRecords } from '../util/event_reader.js';
import { runCli, tempDir, writeConfig } from './helpers.js';

const VIZ_CONFIG = `seed: 3
train:
  steps: 6
  batch_size: 8
  lr: 1.0e-3
  checkpoint_every: 3
eval:
  batch_size: 64
  mig:
    num_train: 200
  dci:
    num_train: 150
    num_test: 100
  sap:
    num_train: 150
    num_test: 100
viz:
  num_reconstructions: 4
  traversal_steps: 3
  image_every: 2
  num_animations: 1
  embedding_points: 40
  distance_pairs: 200
`;

const dir = tempDir('viz');
const runDir = path.join(dir, 'run');
const trained = runCli(['train', writeConfig(dir, VIZ_CONFIG), '--out', runDir]);

test('training logs reconstructions and the still traversal to TensorBoard every viz.image_every steps', () => {
  assert.equal(trained.status, 0, trained.stderr);
  const logDir = path.join(runDir, 'tensorboard');
  const images = fs.readdirSync(logDir).flatMap((f) => readRecords(readEventFile(path.join(logDir, f))).map(parseEvent))
    .filter((event) => event.value !== null && event.value.has(4))
    .map((event) => {
      const image = parseMessage(only(event.value!, 4));
      return { tag: asString(only(event.value!, 1)), step: event.step, png: only(image, 4) };
    });
  const at = (tag: string) => images.filter((image) => image.tag === tag).map((image) => image.step);
  assert.deepEqual(at('train/reconstructions'), [2, 4, 6]);
  assert.deepEqual(at('train/traversals'), [2, 4, 6]);
  for (const image of images) assert.deepEqual(Array.from(image.png.subarray(1, 4)), [0x50, 0x4e, 0x47], 'a PNG');
  // Still traversal: 10 latents x 3 values of 64 px with 2 px padding; its header's width and height.
  const traversal = images.find((image) => image.tag === 'train/traversals')!.png;
  const view = new DataView(traversal.buffer, traversal.byteOffset);
  assert.deepEqual([view.getUint32(16), view.getUint32(20)], [3 * 66 + 2, 10 * 66 + 2]);
});

function hashes(vizDir: string): Map<string, string> {
  return new Map(fs.readdirSync(vizDir).sort().map((f) => [f, createHash('sha256').update(fs.readFileSync(path.join(vizDir, f))).digest('hex')]));
}

test('viz writes every picture, an index.html linking each file, 20-frame GIFs at 100 ms, the same bytes twice', () => {
  assert.equal(trained.status, 0, trained.stderr);
  const first = runCli(['viz', runDir]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /viz: UMAP of 40 codes \([\d.]+ s\)/);
  const vizDir = path.join(runDir, 'viz');
  const files = fs.readdirSync(vizDir).filter((f) => f !== 'index.html').sort();
  const modes = ['std_gaussian_cycle', 'fitted_gaussian_cycle', 'fixed_interval_cycle', 'conf_interval_cycle', 'minmax_interval_cycle'];
  const factors = ['shape', 'scale', 'orientation', 'position_x', 'position_y'];
  const expected = [
    'reconstructions.png', 'samples.png', 'traversals.png', 'factor_traversals.png', ...modes.map((m) => `${m}0.gif`),
    ...['mig_mutual_information', 'dci_importance', 'sap_scores', 'distances', ...factors.map((f) => `umap_${f}`)].flatMap((s) => [`${s}.svg`, `${s}.png`]),
  ].sort();
  assert.deepEqual(files, expected);

  const index = fs.readFileSync(path.join(vizDir, 'index.html'), 'utf8');
  const linked = new Set([...index.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]));
  assert.deepEqual([...linked].sort(), expected);
  assert.doesNotMatch(index, /https?:|<script/);

  for (const mode of modes) {
    const gif = new GifReader(new Uint8Array(fs.readFileSync(path.join(vizDir, `${mode}0.gif`))));
    assert.equal(gif.numFrames(), 20, mode);
    for (let f = 0; f < 20; f++) assert.equal(gif.frameInfo(f).delay, 10, `${mode} frame ${f}: delay in hundredths of a second`);
    // 10 latents in a 4-column grid of 64 px images with 2 px padding.
    assert.deepEqual([gif.width, gif.height], [4 * 66 + 2, 3 * 66 + 2]);
  }
  const heatmap = fs.readFileSync(path.join(vizDir, 'dci_importance.svg'), 'utf8');
  assert.equal([...heatmap.matchAll(/aria-roledescription="rect mark"/g)].length, 10 * 5);

  const before = hashes(vizDir);
  const second = runCli(['viz', runDir]);
  assert.equal(second.status, 0, second.stderr);
  assert.deepEqual(hashes(vizDir), before);
});

test('viz refuses a missing run, a run without a checkpoint and a V3 run in one line', () => {
  const missing = runCli(['viz', path.join(dir, 'nowhere')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr.trim(), /^error: .*nowhere: no such run directory$/);
  const empty = path.join(dir, 'empty');
  fs.mkdirSync(empty);
  const noCheckpoint = runCli(['viz', empty]);
  assert.equal(noCheckpoint.status, 1);
  assert.match(noCheckpoint.stderr.trim(), /^error: .*empty: no checkpoint found \(expected .*latest\)$/);
  const v3 = path.join(dir, 'v3');
  fs.mkdirSync(v3);
  fs.writeFileSync(path.join(v3, 'config.yaml'), 'task: v3\n');
  const v3Run = runCli(['viz', v3]);
  assert.equal(v3Run.status, 1);
  assert.match(v3Run.stderr.trim(), /^error: .*v3: a v3 run, whose pictures `disentangle eval` writes; `disentangle viz` draws ground-truth runs$/);
});
