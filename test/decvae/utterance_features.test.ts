import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UtteranceFeatureCache } from '../../src/decvae/utterance_features.js';
import { SimVowels } from '../../src/speech/simvowels.js';
import { Rng } from '../../src/util/random.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'decvae-features-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

test('an utterance\'s features: 4 levels of 199 frames and of the 64000-sample sequence, cached and re-read, a truncated file recomputed', () => {
  const audio = new SimVowels({ seed: 0, size: 'small' }).utterance('train', 0).audio;
  const cache = new UtteranceFeatureCache(dir, 4, 64000);
  const options = { method: 'ewt' as const, noc: 3 };
  const first = cache.get('train-0', () => audio, options, Rng.fromSeed(1));
  assert.deepEqual(first.frameLevels.map((f) => f.length), [199 * 400, 199 * 400, 199 * 400, 199 * 400]);
  assert.deepEqual(first.sequenceLevels.map((f) => f.length), [64000, 64000, 64000, 64000]);
  for (const values of [...first.frameLevels, ...first.sequenceLevels]) assert.ok(values.every(Number.isFinite) && values.every((v) => v >= -100));
  // The components split the original's energy: each OC is quieter than X in most frames.
  const frameMean = (values: Float32Array, t: number) => values.subarray(t * 400, (t + 1) * 400).reduce((a, b) => a + b, 0) / 400;
  const quieter = Array.from({ length: 199 }, (_, t) => frameMean(first.frameLevels[3], t) < frameMean(first.frameLevels[0], t)).filter(Boolean).length;
  assert.ok(quieter > 150, `${quieter} of 199 frames`);

  const file = path.join(dir, 'train-0.f32');
  assert.equal(fs.statSync(file).size, 4 * 4 * (199 * 400 + 64000));
  const again = cache.get('train-0', () => { throw new Error('read from the cache, not recomputed'); }, options, Rng.fromSeed(1));
  assert.deepEqual(again, first);
  fs.truncateSync(file, 1000);
  const recomputed = cache.get('train-0', () => audio, options, Rng.fromSeed(1));
  assert.deepEqual(recomputed, first);
});
