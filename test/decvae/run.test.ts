// A DecVAE run end to end on a tiny model over SimVowels utterances whose cached features are
// synthetic (written straight into the feature cache, so no decomposition runs): batches, training
// with both optimisers, a resume that reaches the uninterrupted run's weights, the representations
// (overlap frames left out) and the evaluation suite's metrics and picture.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'fflate';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { parseConfigWith } from '../../src/config/load.js';
import { DecVaeConfigSchema, type DecVaeConfig } from '../../src/decvae/config.js';
import { DecVaeData, disposeBatch } from '../../src/decvae/data.js';
import { embedSplit } from '../../src/decvae/embed.js';
import { evaluateDecVaeRun, runDecVae } from '../../src/decvae/run.js';
import { createDecVaeSession, restoreDecVaeSession } from '../../src/decvae/session.js';
import { trainDecVae } from '../../src/decvae/train.js';
import { FRAMES_PER_UTTERANCE } from '../../src/speech/frames.js';
import { UTTERANCE_SAMPLES } from '../../src/speech/simvowels.js';
import { latestCheckpoint, loadCheckpoint } from '../../src/train/checkpoint.js';
import { disposeCheckpointState } from '../../src/train/restore.js';
import { Rng } from '../../src/util/random.js';

after(shutdownBackend);

// 12 utterances of dev and of test from dataset seed 8 give every speaker at least two (the
// speaker-stratified re-split needs that).
const LIMIT = 12;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'decvae-run-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function config(overrides: string[] = []): DecVaeConfig {
  const text = `task: decvae
seed: 2
dataset: { size: small, seed: 8, limit: ${LIMIT}, cache: ${path.join(tmp, 'cache')} }
model: { z_conv: 8, z_hidden: 8, s_conv: 6, intermediate: 8, features: 6, z_latent: 4, s_latent: 3, attention_heads: 2 }
loss: { max_frames_per_batch: 5 }
train: { epochs: 2, batch_size: 8, warmup_steps: 2, val_batches: 1 }
eval: { classification_random_states: 1, kmeans_seeds: 2, metric_frames: 200, umap_points: 60 }
`;
  return parseConfigWith(DecVaeConfigSchema, text, 'tiny.yaml', overrides);
}

/** Fills the cache with features drawn per utterance, in the cache's layout (per level, frames then sequence). */
function writeSyntheticFeatures(c: DecVaeConfig): void {
  const data = new DecVaeData(c);
  const dir = (data as unknown as { cache: { dir: string } }).cache.dir;
  fs.mkdirSync(dir, { recursive: true });
  const values = 4 * (FRAMES_PER_UTTERANCE * 400 + UTTERANCE_SAMPLES);
  for (const split of ['train', 'dev', 'test'] as const) {
    for (let i = 0; i < LIMIT; i++) {
      const rng = Rng.fromSeed(i).fork(split);
      fs.writeFileSync(path.join(dir, `${split}-${i}.f32`), Float32Array.from({ length: values }, () => rng.normal() * 10 - 40));
    }
  }
}

writeSyntheticFeatures(config());

test('a batch holds every frame of every level, the drawn frames first, and the sequences', async () => {
  await initBackend('wasm', { threads: 1 });
  const data = new DecVaeData(config());
  assert.equal(data.count('train'), LIMIT);
  const batch = data.batch('train', [0, 3, 5], 5, Rng.fromSeed(1));
  assert.deepEqual(batch.frames.map((f) => f.shape), Array(4).fill([3 * FRAMES_PER_UTTERANCE, 400]));
  assert.deepEqual(batch.sequences.map((s) => s.shape), Array(4).fill([3, UTTERANCE_SAMPLES]));
  assert.equal(batch.selected, 5);
  // Each utterance is standardised over its own values: mean 0 over its frames.
  const rows = batch.frames[0].arraySync() as number[][];
  const utterance0 = [...rows.slice(0, 5), ...rows.slice(15, 15 + FRAMES_PER_UTTERANCE - 5)].flat();
  assert.ok(Math.abs(utterance0.reduce((a, b) => a + b, 0) / utterance0.length) < 1e-4);
  disposeBatch(batch);
});

test('training resumes from a checkpoint to the weights of an uninterrupted run', async () => {
  await initBackend('wasm', { threads: 1 });
  const straight = createDecVaeSession(config());
  await trainDecVae(straight, { runDir: path.join(tmp, 'straight') });
  const steps = straight.step;
  const weights = new Map([...straight.system.encoder.variables()].map(([name, v]) => [name, Array.from(v.dataSync())]));
  straight.system.dispose();
  assert.equal(steps, 2 * Math.ceil(LIMIT / 8));
  const firstHalf = createDecVaeSession(config(['train.epochs=1']));
  await trainDecVae(firstHalf, { runDir: path.join(tmp, 'halves') });
  firstHalf.system.dispose();
  const resumed = restoreDecVaeSession(latestCheckpoint(path.join(tmp, 'halves')), ['train.epochs=2']);
  try {
    await trainDecVae(resumed, { runDir: path.join(tmp, 'halves') });
    assert.equal(resumed.step, steps);
    for (const [name, v] of resumed.system.encoder.variables()) assert.deepEqual(Array.from(v.dataSync()), weights.get(name), name);
  } finally {
    resumed.system.dispose();
  }
  const state = loadCheckpoint(latestCheckpoint(path.join(tmp, 'straight')));
  assert.ok(Number.isFinite(state.validationLoss), 'the checkpoint records the dev loss');
  disposeCheckpointState(state);
});

test('representations keep the frames that do not straddle two vowels, with their labels', async () => {
  await initBackend('wasm', { threads: 1 });
  const session = createDecVaeSession(config());
  const embedding = embedSplit(session, 'test');
  const kept = Array.from({ length: LIMIT }, (_, i) => session.data.labels('test', i).overlap.filter((o) => o === 0).length).reduce((a, b) => a + b);
  assert.equal(embedding.z.all.rows, kept);
  assert.ok(kept < LIMIT * FRAMES_PER_UTTERANCE, 'SimVowels utterances have overlap frames');
  assert.equal(embedding.z.all.dims, 4 * 4, 'all: X and three components, 4 dims each');
  assert.equal(embedding.z.ocsJoint.dims, 3 * 4);
  assert.equal(embedding.s.all.dims, 4 * 3);
  assert.equal(embedding.s.all.rows, LIMIT);
  assert.equal(embedding.vowels.length, kept);
  assert.ok(embedding.speakers.every((s) => s >= 11 && s <= 20), 'test speakers are SP11..SP20');
  session.system.dispose();
});

test('a run trains, evaluates the last checkpoint and writes metrics and the UMAP picture', async () => {
  await initBackend('wasm', { threads: 1 });
  const runDir = path.join(tmp, 'run');
  const result = await runDecVae(config(['train.epochs=1']), runDir);
  const metrics = JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8'));
  assert.equal(metrics.task, 'decvae');
  assert.equal(metrics.checkpoint.step, result.step);
  const m = metrics.metrics.decvae;
  for (const group of ['z_all', 'z_ocs_joint']) {
    assert.ok(m[group].dci_disentanglement >= 0 && m[group].dci_disentanglement <= 1, `${group} DCI`);
    assert.ok(Number.isFinite(m[group].mi_score), `${group} MI`);
    assert.ok(m[group].modularity >= 0 && m[group].modularity <= 1, `${group} modularity`);
  }
  // 24 utterances of 8 speakers: a 20 % test split of 5 cannot hold every speaker, so the S
  // metrics are reported as not computed, and the rest of the suite still runs.
  for (const group of ['s_all', 's_ocs_joint']) assert.match(metrics.errors.decvae[group], /cannot hold all 8 classes/, group);
  for (const task of ['vowel', 'speaker_frame']) assert.ok(m[task].best_accuracy >= 0 && m[task].best_accuracy <= 1, task);
  assert.match(metrics.errors.decvae.speaker_seq, /./, 'speaker_seq: 3 utterances a speaker do not fill 5 stratified folds');
  for (const picture of ['umap_z.png', 'traversal_fixed_speakers.png', 'traversal_fixed_vowels.png']) {
    assert.deepEqual([...fs.readFileSync(path.join(runDir, picture)).subarray(1, 4)], [...Buffer.from('PNG')], picture);
  }
  const traversal = JSON.parse(new TextDecoder().decode(gunzipSync(fs.readFileSync(path.join(runDir, 'traversal.json.gz')))));
  for (const experiment of ['fixed_speakers', 'fixed_vowels']) {
    const { vowels, speakers, spaces } = traversal[experiment];
    assert.equal(vowels.length, 40, 'every 8th of 60 speakers, 5 vowels');
    assert.deepEqual([...new Set(speakers)].sort(), [0.705, 0.785, 0.865, 0.945, 1.025, 1.105, 1.185, 1.265]);
    assert.deepEqual(Object.keys(spaces), ['X', 'OC1', 'OC2', 'OC3', 'OCs_proj']);
    // 4 latent dims: 7 most varied then 3 least varied overlap, as the original's selection would.
    assert.equal(spaces.OC1.dims.length, 4 + 3);
    assert.equal(spaces.OC1.mu.length, 40);
  }
  const again = await evaluateDecVaeRun(runDir, ['eval.traversal=false', 'eval.umap_points=0']);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(again.runDir, 'metrics.json'), 'utf8')).metrics, metrics.metrics, 'the metrics are deterministic');
  await evaluateDecVaeRun(runDir, ['eval.traversal=false', 'eval.umap_points=0', 'eval.classifiers=[svc_rbf]']);
  const svcOnly = JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8')).metrics.decvae.vowel;
  assert.deepEqual(Object.keys(svcOnly).filter((key) => key.endsWith('_accuracy') && !key.startsWith('kmeans')), ['best_accuracy', 'svc_rbf_accuracy']);
  assert.equal(svcOnly.svc_rbf_accuracy, m.vowel.svc_rbf_accuracy, 'a classifier scores the same alone');
});
