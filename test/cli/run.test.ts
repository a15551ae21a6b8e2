// The main job end to end through the CLI, on a config small enough for a test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GifReader } from 'omggif';
import { PNG } from 'pngjs';
import { parse } from 'yaml';
import { runCli, tempDir, TINY_CONFIG, writeConfig } from './helpers.js';

test('run trains, evaluates and writes config, checkpoint, metrics, pictures and TensorBoard logs', () => {
  const dir = tempDir('run');
  const out = path.join(dir, 'run');
  const r = runCli(['run', writeConfig(dir, TINY_CONFIG), '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^backend: (native|wasm)( \(\d threads?(, \d threads? for inference)?\))?$/m);
  assert.match(r.stdout, /train .* 6\/6 \| [\d.]+ steps\/s \| ETA/);

  const resolved = parse(fs.readFileSync(path.join(out, 'config.yaml'), 'utf8'));
  assert.equal(resolved.train.steps, 6);
  assert.equal(resolved.train.adam_beta2, 0.999);

  assert.equal(fs.readFileSync(path.join(out, 'checkpoints', 'latest'), 'utf8').trim(), 'step-0000006');
  assert.deepEqual(fs.readdirSync(path.join(out, 'checkpoints')).sort(), ['latest', 'step-0000004', 'step-0000006']);

  const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
  assert.equal(metrics.step, 6);
  for (const representation of ['mean', 'sampled']) {
    const mig = metrics.metrics[representation].mig.discrete_mig;
    assert.ok(mig >= 0 && mig <= 1, `MIG ${mig}`);
    const fv = metrics.metrics[representation].factor_vae;
    for (const key of ['train_accuracy', 'eval_accuracy']) assert.ok(fv[key] >= 0 && fv[key] <= 1, `${key} ${fv[key]}`);
    assert.ok(Number.isInteger(fv.num_active_dims) && fv.num_active_dims >= 0 && fv.num_active_dims <= 10);
  }
  assert.notEqual(metrics.metrics.mean.mig.discrete_mig, metrics.metrics.sampled.mig.discrete_mig);
  assert.deepEqual(metrics.errors, { mean: {}, sampled: {} });

  // 4 inputs above 4 reconstructions, 64 px each with 2 px padding around every cell.
  const png = PNG.sync.read(fs.readFileSync(path.join(out, 'reconstructions.png')));
  assert.equal(png.width, 4 * 66 + 2);
  assert.equal(png.height, 2 * 66 + 2);

  // 3 traversal values swept forward and back: 4 frames of 10 latent rows x 4 base images.
  const gif = new GifReader(new Uint8Array(fs.readFileSync(path.join(out, 'traversals.gif'))));
  assert.equal(gif.numFrames(), 4);
  assert.equal(gif.width, 4 * 66 + 2);
  assert.equal(gif.height, 10 * 66 + 2);
  const still = PNG.sync.read(fs.readFileSync(path.join(out, 'traversals.png')));
  assert.equal(still.width, 3 * 66 + 2);
  assert.equal(still.height, 10 * 66 + 2);

  const events = fs.readdirSync(path.join(out, 'tensorboard')).filter((f) => f.startsWith('events.out.tfevents.'));
  assert.ok(events.length >= 1);
  const logged = Buffer.concat(events.map((f) => fs.readFileSync(path.join(out, 'tensorboard', f)))).toString('latin1');
  for (const tag of ['train/loss', 'train/recon', 'train/kl', 'train/steps_per_second', 'eval/mean/mig/discrete_mig', 'eval/sampled/factor_vae/eval_accuracy', 'reconstructions']) {
    assert.ok(logged.includes(tag), `TensorBoard tag ${tag} missing`);
  }
});

test('run refuses a directory that already holds a run unless --overwrite is given', () => {
  const dir = tempDir('rerun');
  const out = path.join(dir, 'run');
  const config = writeConfig(dir, TINY_CONFIG.replace('steps: 6', 'steps: 2'));
  assert.equal(runCli(['train', config, '--out', out]).status, 0);
  const again = runCli(['train', config, '--out', out]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already holds a run; resume it with `disentangle train --resume/);
  assert.equal(runCli(['train', config, '--out', out, '--overwrite']).status, 0);
});

test('eval computes every metric, the MSc ones included, on a run and records what it cannot compute', () => {
  const dir = tempDir('eval');
  const out = path.join(dir, 'run');
  assert.equal(runCli(['train', writeConfig(dir, TINY_CONFIG.replace('steps: 6', 'steps: 2')), '--out', out]).status, 0);
  const all = ['mig', 'factor_vae', 'beta_vae', 'dci', 'sap', 'modularity_explicitness', 'irs', 'unsupervised', 'linearity', 'flatness', 'distances'];
  const r = runCli(['eval', out, '--set', `eval.metrics=[${all.join(',')}]`, '--set', 'eval.representations=[mean]',
    '--set', 'eval.beta_vae={num_train: 60, num_eval: 30, batch_size: 8}', '--set', 'eval.dci={num_train: 200, num_test: 100}',
    '--set', 'eval.sap={num_train: 200, num_test: 100}', '--set', 'eval.modularity_explicitness={num_train: 200, num_test: 100}',
    '--set', 'eval.irs.num_train=200', '--set', 'eval.unsupervised.num_train=200',
    '--set', 'eval.linearity.repeats=4', '--set', 'eval.flatness.repeats=4', '--set', 'eval.distances={repeats: 4, num_samples: 8, global_subset_size: 8}']);
  assert.equal(r.status, 0, r.stderr);
  const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
  for (const metric of all) {
    const values = metrics.metrics.mean[metric];
    assert.ok(values !== undefined || metrics.errors.mean[metric], `${metric}: neither values nor a reason`);
    if (values) for (const [key, v] of Object.entries(values)) assert.equal(typeof v === 'number' || v === 'NaN', true, `${metric}.${key} = ${v}`);
  }
  assert.ok(metrics.metrics.mean.dci.informativeness_train >= 0);
  assert.ok('linearity.axis_alignment.var' in metrics.metrics.mean.linearity);
});

test('data list names every dataset with its factors; data show draws one row per factor', () => {
  const list = runCli(['data', 'list']);
  assert.equal(list.status, 0, list.stderr);
  const listing = parse(list.stdout) as Array<{ name: string; observations: number; factors: Record<string, number> }>;
  const dsprites = listing.find((d) => d.name === 'dsprites');
  assert.deepEqual(dsprites?.factors, { shape: 3, scale: 6, orientation: 40, position_x: 32, position_y: 32 });
  assert.equal(dsprites?.observations, 737280);
  const out = path.join(tempDir('show'), 'dsprites.png');
  const show = runCli(['data', 'show', 'dsprites', '--out', out]);
  assert.equal(show.status, 0, show.stderr);
  const png = PNG.sync.read(fs.readFileSync(out));
  assert.equal(png.height, 5 * 66 + 2);
  assert.equal(png.width, 12 * 66 + 2);
  const unknown = runCli(['data', 'show', 'mnist', '--out', out]);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /data show: unknown dataset 'mnist' \(known: /);
});

test("data show takes the dataset's own settings with --set, and names a setting it does not have", () => {
  const out = path.join(tempDir('show-set'), 'xysquares.png');
  const show = runCli(['data', 'show', 'xysquares', '--set', 'num_squares=1', '--set', 'grid_spacing=4', '--out', out]);
  assert.equal(show.status, 0, show.stderr);
  assert.equal(PNG.sync.read(fs.readFileSync(out)).height, 2 * 66 + 2, 'one square: the rows of x_R and y_R');
  const wrong = runCli(['data', 'show', 'xysquares', '--set', 'grid_spcing=4', '--out', out]);
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /^error: --set grid_spcing: .*"grid_spcing".* \(dataset 'xysquares'\)\n$/);
});
