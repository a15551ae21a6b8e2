import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, parseConfigText } from '../../src/config/load.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { UserError } from '../../src/util/errors.js';

function errorOf(text: string, overrides: string[] = []): UserError {
  try {
    parseConfigText(text, 'cfg.yaml', overrides);
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${e}`);
    return e;
  }
  assert.fail('expected the config to be rejected');
}

test('an empty config is all defaults, and the defaults are disentanglement_lib\'s', () => {
  const c = parseConfigText('', 'cfg.yaml');
  assert.deepEqual(c, ConfigSchema.parse({}));
  assert.equal(c.train.batch_size, 64);
  assert.equal(c.train.lr, 1e-4);
  assert.equal(c.framework.beta, 4);
  assert.equal(c.eval.factor_vae.num_train, 10000);
  assert.equal(c.eval.factor_vae.prune_threshold, 0.05);
  assert.equal(c.eval.mig.num_bins, 20);
});

test('values given in the file override the defaults and keep the rest', () => {
  const c = parseConfigText('train:\n  steps: 123\nframework:\n  beta: 1.5\n', 'cfg.yaml');
  assert.equal(c.train.steps, 123);
  assert.equal(c.train.batch_size, 64);
  assert.equal(c.framework.beta, 1.5);
});

test('a wrong type names the file, line, column and key path, exit code 2', () => {
  const e = errorOf('seed: 1\ntrain:\n  steps: many\n');
  assert.match(e.message, /^cfg\.yaml:3:10: train\.steps: .*expected number/);
  assert.equal(e.exitCode, 2);
  assert.ok(!e.message.includes('\n'));
});

test('an out-of-range value is located', () => {
  assert.match(errorOf('train:\n  lr: -0.1\n').message, /^cfg\.yaml:2:7: train\.lr: .*>0/);
  assert.match(errorOf('viz:\n  traversal_steps: 1\n').message, /^cfg\.yaml:2:20: viz\.traversal_steps: /);
});

test('an unknown key is located at the key itself', () => {
  assert.match(errorOf('train:\n  steps: 3\n  stpes: 4\n').message, /^cfg\.yaml:3:3: train\.stpes: unknown key 'stpes'/);
  assert.match(errorOf('bogus: 1\n').message, /^cfg\.yaml:1:1: bogus: unknown key/);
});

test('a bad enum value lists the allowed ones', () => {
  assert.match(errorOf('model:\n  architecture: resnet\n').message, /model\.architecture: .*"conv64"\|"dlib_conv"/);
  assert.match(errorOf('framework:\n  recon_loss: l3\n').message, /framework\.recon_loss: .*unknown base loss 'l3'/);
});

test('YAML syntax errors give line and column', () => {
  assert.match(errorOf('train:\n  steps: 3\n steps: 4\n').message, /^cfg\.yaml:3:\d+: YAML syntax: /);
  assert.match(errorOf('train:\n  steps: 3\n  steps: 4\n').message, /^cfg\.yaml:3:3: YAML syntax: Map keys must be unique/);
  assert.equal(errorOf('a: [1,\n').exitCode, 2);
});

test('a config that is not a mapping is rejected', () => {
  assert.match(errorOf('- 1\n- 2\n').message, /must be a mapping/);
});

test('--set overrides are parsed as YAML scalars and validated', () => {
  const c = parseConfigText('train:\n  steps: 5\n', 'cfg.yaml', ['train.steps=2000', 'train.lr=3e-4', 'dataset.name=xyobject']);
  assert.equal(c.train.steps, 2000);
  assert.equal(c.train.lr, 3e-4);
  assert.equal(c.dataset.name, 'xyobject');
  assert.match(errorOf('', ['train.steps=abc']).message, /^--set train\.steps: /);
  assert.match(errorOf('', ['nonsense.key=1']).message, /^--set nonsense: unknown key/);
  assert.match(errorOf('', ['novalue']).message, /^--set novalue: expected key\.path=value/);
  assert.match(errorOf('train: 3\n', ['train.steps=1']).message, /'train' is not a section/);
});

test('a missing file is a one-line error naming it', () => {
  const missing = path.join(os.tmpdir(), 'disentangle-no-such-config.yaml');
  assert.throws(() => loadConfig(missing), (e: unknown) => e instanceof UserError && e.message.startsWith(missing) && e.exitCode === 2);
});

test("a dataset's own settings sit beside its name and are validated by its schema", () => {
  const c = parseConfigText('dataset:\n  name: xysquares\n  grid_spacing: 4\n  grid_size: 8\n', 'cfg.yaml');
  assert.equal(c.dataset.grid_spacing, 4);
  assert.equal(c.dataset.standardise, false);
  assert.match(errorOf('dataset:\n  name: xysquares\n  grid_spacing: 0\n').message, /^cfg\.yaml:3:17: dataset\.grid_spacing: /);
  assert.match(errorOf('dataset:\n  name: xysquares\n  grid_spcing: 4\n').message, /^cfg\.yaml:3:3: dataset\.grid_spcing: unknown key 'grid_spcing'/);
  assert.match(errorOf('dataset:\n  name: dsprites\n  visibility: 50\n').message, /^cfg\.yaml:3:3: dataset\.visibility: unknown key/);
  assert.equal(parseConfigText('dataset:\n  name: dsprites_imagenet\n  visibility: 50\n  mode: fg\n', 'cfg.yaml').dataset.mode, 'fg');
});

test('standardised inputs need a likelihood for unbounded pixels and an architecture with one decoder path', () => {
  const standardised = 'dataset:\n  name: xysquares\n  standardise: true\n';
  assert.equal(parseConfigText(`${standardised}framework:\n  recon_loss: mse\n`, 'cfg.yaml').dataset.standardise, true);
  assert.match(errorOf(standardised).message, /framework\.recon_loss: 'bernoulli' reads images in \[0, 1\]; with dataset\.standardise use mse or gaussian/);
  assert.match(errorOf(`${standardised}framework:\n  recon_loss: mse\nmodel:\n  architecture: lie_group\n`).message, /dataset\.standardise: the lie_group architecture/);
});
