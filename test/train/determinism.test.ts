import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { parseConfigText } from '../../src/config/load.js';
import { createSession } from '../../src/train/session.js';
import { nextBatch } from '../../src/train/trainer.js';

after(shutdownBackend);

async function weightsAfter(seed: number, steps: number): Promise<Float32Array[]> {
  const config = parseConfigText(`seed: ${seed}\ntrain:\n  batch_size: 8\n  lr: 1.0e-3\n`, 'test');
  const session = await createSession(config);
  for (let step = 1; step <= steps; step++) {
    const x = nextBatch(session);
    session.framework.trainStep(x, session.rngs.noise, step);
    tf.dispose(x.views);
  }
  const weights = [...session.framework.model.params.values()].map((v) => v.dataSync() as Float32Array);
  session.framework.dispose();
  return weights;
}

test('the same config and seed give identical weights after N steps; another seed does not', async () => {
  await initBackend('wasm');
  const a = await weightsAfter(11, 3);
  const b = await weightsAfter(11, 3);
  const c = await weightsAfter(12, 3);
  assert.equal(a.length, 24);
  a.forEach((w, i) => assert.deepEqual(w, b[i]));
  assert.ok(a.some((w, i) => w.some((v, j) => v !== c[i][j])));
});
