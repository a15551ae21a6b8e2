// Runs the CLI as a user would (node bin/disentangle.js ...) and writes small configs for it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const CLI = path.join(REPO_ROOT, 'bin', 'disentangle.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], timeoutMs = 180_000): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `disentangle-${prefix}-`));
}

/** A run small enough for a test: a few steps of the real model on dSprites. */
export const TINY_CONFIG = `seed: 3
train:
  steps: 6
  batch_size: 8
  lr: 1.0e-3
  checkpoint_every: 2
  log_every: 2
eval:
  metrics: [mig, factor_vae]
  representations: [mean, sampled]
  batch_size: 64
  mig:
    num_train: 300
  factor_vae:
    batch_size: 16
    num_train: 30
    num_eval: 20
    num_variance_estimate: 300
viz:
  num_reconstructions: 4
  traversal_steps: 3
`;

export function writeConfig(dir: string, text: string, name = 'config.yaml'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}
