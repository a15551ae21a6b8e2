// The β-VAE baseline as a run on a few SimVowels utterances and a narrow network: training that
// resumes to the uninterrupted run's weights, and DecVAE's frame-level evaluation of its μ.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { parseConfigWith } from '../../src/config/load.js';
import { BaselineConfigSchema, type BaselineConfig } from '../../src/decvae/baseline_config.js';
import { evaluateBaselineRun, resumeBaselineRun, runBaseline, trainOnlyBaseline } from '../../src/decvae/baseline_run.js';

after(shutdownBackend);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'decvae-baseline-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function config(overrides: string[] = []): BaselineConfig {
  return parseConfigWith(BaselineConfigSchema, `task: decvae_baseline
seed: 1
dataset: { size: small, seed: 8, limit: 12 }
model: { beta: 1, encoder: [16, 8], latent: 4 }
train: { epochs: 2, batch_size: 6, warmup_steps: 2, val_batches: 1 }
eval: { classification_random_states: 1, kmeans_seeds: 2, metric_frames: 200, umap_points: 50 }
`, 'baseline.yaml', overrides);
}

const weightsOf = (runDir: string) => fs.readFileSync(path.join(runDir, 'checkpoints', fs.readdirSync(path.join(runDir, 'checkpoints')).filter((d) => d.startsWith('step-')).sort().at(-1) as string, 'weights.bin'));

test('the baseline resumes to the weights of an uninterrupted run and is evaluated on its frame means', async () => {
  await initBackend('wasm', { threads: 1 });
  const straight = path.join(tmp, 'straight');
  const result = await runBaseline(config(), straight);
  assert.equal(result.step, 2 * 2);
  const halves = path.join(tmp, 'halves');
  await trainOnlyBaseline(config(['train.epochs=1']), halves);
  assert.equal(await resumeBaselineRun(halves, ['train.epochs=2']), 4);
  assert.deepEqual(weightsOf(halves), weightsOf(straight));
  const metrics = JSON.parse(fs.readFileSync(path.join(straight, 'metrics.json'), 'utf8'));
  assert.equal(metrics.task, 'decvae_baseline');
  const z = metrics.metrics.decvae_baseline.z;
  assert.ok(z.dci_disentanglement >= 0 && z.dci_disentanglement <= 1);
  assert.ok(z.modularity >= 0 && z.modularity <= 1);
  assert.ok(metrics.metrics.decvae_baseline.vowel.best_accuracy > 0.2, 'vowels are told apart above chance (0.2) from mel frames');
  const again = await evaluateBaselineRun(straight, ['eval.umap_points=0']);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(again.runDir, 'metrics.json'), 'utf8')).metrics, metrics.metrics);
});
