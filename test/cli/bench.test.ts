// `disentangle bench train` end to end, on the shortest windows: what it writes, not how fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, tempDir } from './helpers.js';

test('bench train writes the backend, the threads asked for and both rates, and leaks no tensors', () => {
  const out = path.join(tempDir('bench'), 'train.json');
  const r = runCli(['bench', 'train', '--backend', 'wasm', '--threads', '1', '--out', out, '--windows', '1', '--window-seconds', '0.1']);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.equal(result.backend, 'wasm');
  assert.equal(result.threads, 1);
  assert.ok(result.train_images_per_s > 0 && result.encode_images_per_s > 0, JSON.stringify(result));
  assert.equal(result.train_windows.length, 1);
  assert.equal(result.tensors_leaked_per_step, 0);
});

test('bench train names a bad option value in one line', () => {
  const r = runCli(['bench', 'train', '--out', path.join(tempDir('bench'), 'x.json'), '--windows', '1.5']);
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim(), "error: --windows: expected a positive integer, got '1.5'");
});
