// Bad input through the CLI: one line on stderr naming the problem, a non-zero exit, no stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, tempDir, TINY_CONFIG, writeConfig, type CliResult } from './helpers.js';

function assertOneLineError(r: CliResult, status: number, pattern: RegExp): void {
  assert.equal(r.status, status, `exit status; stderr: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

test('malformed configs are one-line errors with exit code 2', () => {
  const dir = tempDir('badcfg');
  const out = path.join(dir, 'run');
  const cases: Array<[string, RegExp]> = [
    ['train:\n  steps: [1\n', /config\.yaml:\d+:\d+: YAML syntax: /],
    ['train:\n  steps: 10\n  batch_sise: 3\n', /config\.yaml:3:3: train\.batch_sise: unknown key/],
    ['train:\n  steps: ten\n', /config\.yaml:2:10: train\.steps: .*expected number/],
    ['train:\n  steps: 0\n', /config\.yaml:2:10: train\.steps: Too small/],
    ['model:\n  z_dim: 2.5\n', /config\.yaml:2:10: model\.z_dim: /],
    ['backend: gpu\n', /config\.yaml:1:10: backend: Invalid option/],
  ];
  for (const [text, pattern] of cases) {
    assertOneLineError(runCli(['run', writeConfig(dir, text), '--out', out]), 2, pattern);
  }
  assertOneLineError(runCli(['run', path.join(dir, 'missing.yaml'), '--out', out]), 2, /missing\.yaml: cannot read config \(ENOENT\)/);
  assertOneLineError(runCli(['run', writeConfig(dir, TINY_CONFIG), '--out', out, '--set', 'train.lr=fast']), 2, /--set train\.lr: /);
  assert.ok(!fs.existsSync(path.join(out, 'checkpoints')));
});

test('unknown names list the known ones', () => {
  const dir = tempDir('names');
  const out = path.join(dir, 'run');
  assertOneLineError(runCli(['run', writeConfig(dir, 'dataset:\n  name: mnist\n'), '--out', out]), 1,
    /dataset\.name: unknown dataset 'mnist' \(known: .*dsprites.*xyobject/);
  assertOneLineError(runCli(['run', writeConfig(dir, 'framework:\n  name: gan\n'), '--out', out]), 2,
    /:2:9: framework\.name: unknown framework 'gan' \(known: .*beta_vae.*vae\)/);
  assertOneLineError(runCli(['run', writeConfig(dir, 'eval:\n  metrics: [mig, dci_x]\n'), '--out', out]), 2,
    /eval\.metrics\.1: Invalid option: expected one of "mig"\|"factor_vae"/);
  assertOneLineError(runCli(['--backend', 'gpu', 'run', writeConfig(dir, TINY_CONFIG), '--out', out]), 1,
    /unknown backend 'gpu' \(known: .*cpu.*wasm/);
});

test('a missing or corrupt checkpoint is reported with its path', () => {
  const dir = tempDir('ckpt');
  assertOneLineError(runCli(['train', '--resume', path.join(dir, 'nothing')]), 1, /nothing: no such run directory/);
  fs.mkdirSync(path.join(dir, 'empty'));
  assertOneLineError(runCli(['train', '--resume', path.join(dir, 'empty')]), 1, /empty: no checkpoint found/);
  const ckpt = path.join(dir, 'broken', 'checkpoints', 'step-0000002');
  fs.mkdirSync(ckpt, { recursive: true });
  fs.writeFileSync(path.join(dir, 'broken', 'checkpoints', 'latest'), 'step-0000002\n');
  fs.writeFileSync(path.join(ckpt, 'manifest.json'), '{"format": "disentangle-checkpoint", "vers');
  assertOneLineError(runCli(['evaluate', path.join(dir, 'broken')]), 1, /manifest\.json: not valid JSON/);
});

test('an output directory that cannot be created is named', () => {
  const dir = tempDir('unwritable');
  const file = path.join(dir, 'a-file');
  fs.writeFileSync(file, 'x');
  assertOneLineError(runCli(['run', writeConfig(dir, TINY_CONFIG), '--out', path.join(file, 'run')]), 1,
    /a-file\/run: output directory is not writable \(ENOTDIR\)/);
});

test('a diverging run stops at the step where the loss stops being finite and keeps the last good checkpoint', () => {
  const dir = tempDir('nan');
  const out = path.join(dir, 'run');
  const config = writeConfig(dir, TINY_CONFIG);
  const r = runCli(['train', config, '--out', out, '--set', 'train.lr=1e30', '--set', 'train.checkpoint_every=1', '--set', 'train.steps=50']);
  assertOneLineError(r, 1, /training diverged: \w+ is (NaN|-?Infinity) at step (\d+); the last good checkpoint is .*step-\d{7}/);
  const step = Number(/at step (\d+)/.exec(r.stderr)?.[1]);
  const latest = fs.readFileSync(path.join(out, 'checkpoints', 'latest'), 'utf8').trim();
  assert.equal(latest, `step-${String(step - 1).padStart(7, '0')}`);
  assert.ok(r.stderr.includes(latest));
});
