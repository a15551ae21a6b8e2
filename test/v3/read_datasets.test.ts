// V3 runs on the datasets read from the original's files (SVHN crops, LibriSpeech phoneme patches),
// with the shipped configs' adapted loss, on tiny files in the original layouts and a tiny model.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { parseConfigWith, readConfigFile } from '../../src/config/load.js';
import { V3ConfigSchema } from '../../src/v3/config.js';
import { runV3 } from '../../src/v3/run.js';
import { writeLibriSpeechSplit, writeSvhnSplit, type SvhnCrop } from '../sequences/readers/original_layouts.js';

after(shutdownBackend);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'v3-read-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
const configsDir = path.resolve(import.meta.dirname, '..', '..', 'configs', 'v3');

/** The shipped config with the data directory, a tiny model (as thin as its stage widths allow) and short training. */
function shippedConfig(name: string, dataDir: string) {
  const text = readConfigFile(path.join(configsDir, `${name}.yaml`));
  return parseConfigWith(V3ConfigSchema, text, `${name}.yaml`, [
    `dataset.path=${dataDir}`, `model.width_multiplier=${name === 'svhn' ? 0.125 : 0.5}`, 'model.embedding_size=8', 'model.n_atoms=4',
    'train.epochs=1', 'train.batch_size=3', 'train.val_batches=1', 'eval.tsne_points=0',
  ]);
}

function houses(count: number): SvhnCrop[] {
  return Array.from({ length: count * 3 }, (_, i) => ({ origin: String(Math.floor(i / 3) + 1), digit: (i * 7) % 10 }));
}

test('SVHN config trains and evaluates on the original layout, 2 crops a sample, the test split 5 times', async () => {
  await initBackend('wasm', { threads: 1 });
  const dataDir = path.join(root, 'svhn');
  for (const split of ['train', 'val', 'test']) await writeSvhnSplit(dataDir, split, houses(6));
  const config = shippedConfig('svhn', dataDir);
  assert.equal(config.loss.supersample_content, true);
  const runDir = path.join(root, 'svhn-run');
  await runV3(config, runDir);
  const metrics = JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8')).metrics.v3;
  assert.equal(metrics.codebook.fragments, 6 * 2 * 5);
  assert.ok(metrics.content_on_zc.pr_auc >= 0 && metrics.content_on_zc.pr_auc <= 1);
  assert.equal(metrics.zero_shot_ood, undefined, 'SVHN has no out-of-distribution set');
});

test('LibriSpeech config trains and evaluates on the original layout, 8 phonemes a sample', async () => {
  await initBackend('wasm', { threads: 1 });
  const dataDir = path.join(root, 'librispeech');
  const phonemes = ['dh', 'ah', 'k', 'ae', 't', 's', 'ae', 't', 'aa', 'n'];
  for (const split of ['train', 'val', 'test']) {
    await writeLibriSpeechSplit(dataDir, split, Object.fromEntries(Array.from({ length: 6 }, (_, u) =>
      [`${100 + (u % 3)}-7-000${u}`, phonemes.slice(u % 4)])));
  }
  const config = shippedConfig('librispeech', dataDir);
  assert.equal(config.loss.widen_style, 3);
  const runDir = path.join(root, 'librispeech-run');
  await runV3(config, runDir);
  const metrics = JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8')).metrics.v3;
  assert.equal(metrics.codebook.fragments, 6 * 8 * 5);
  assert.ok(metrics.style_on_zs.pr_auc >= 0 && metrics.style_on_zs.pr_auc <= 1);
});
