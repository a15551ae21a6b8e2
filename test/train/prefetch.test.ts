import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { parseConfigText } from '../../src/config/load.js';
import { BatchStream, type Prefetch } from '../../src/train/prefetch.js';
import { createSession, type Session } from '../../src/train/session.js';
import { nextBatch } from '../../src/train/trainer.js';
import type { RngState } from '../../src/util/random.js';

before(() => initBackend('cpu'));
after(shutdownBackend);

// Weak pairs, so that labels travel with the images too.
const CONFIG = 'seed: 5\ndataset:\n  name: xyobject\nframework:\n  name: ada_gvae\ntrain:\n  batch_size: 6\n';

interface Drawn {
  views: Float32Array[];
  labels?: number[];
  /** The data stream a checkpoint taken after this batch would save. */
  stream: RngState;
}

async function session(): Promise<Session> {
  return createSession(parseConfigText(CONFIG, 'test'));
}

async function batchesFrom(prefetch: Prefetch, count: number, setup: (s: Session) => void = () => {}): Promise<Drawn[]> {
  const s = await session();
  setup(s);
  const stream = new BatchStream(s, prefetch);
  const out: Drawn[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const batch = await stream.next(i < count - 1);
      if (i < count - 1) assert.equal(stream.renderingInWorker, prefetch === 'worker' && s.datasetSpec.name === 'xyobject');
      out.push({ views: batch.views.map((v) => v.dataSync() as Float32Array), labels: batch.labels && [...batch.labels], stream: s.rngs.data.state() });
      tf.dispose(batch.views);
    }
  } finally {
    await stream.close();
    s.framework.dispose();
  }
  return out;
}

async function inlineBatches(count: number): Promise<Drawn[]> {
  const s = await session();
  const out: Drawn[] = [];
  for (let i = 0; i < count; i++) {
    const batch = nextBatch(s);
    out.push({ views: batch.views.map((v) => v.dataSync() as Float32Array), labels: batch.labels && [...batch.labels], stream: s.rngs.data.state() });
    tf.dispose(batch.views);
  }
  s.framework.dispose();
  return out;
}

test('batches rendered ahead in a worker are those rendered inline, and the saved data stream skips none', async () => {
  const expected = await inlineBatches(4);
  assert.equal(expected[0].views.length, 2);
  assert.equal(expected[0].labels?.length, 6);
  assert.notDeepEqual(expected[0].views[0], expected[1].views[0]);
  for (const prefetch of ['worker', 'inline'] as const) {
    assert.deepEqual(await batchesFrom(prefetch, 4), expected, prefetch);
  }
});

test('a worker that cannot render falls back to this thread with one warning, losing no batch', async () => {
  const expected = await inlineBatches(3);
  const warnings: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => {
    warnings.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const drawn = await batchesFrom('worker', 3, (s) => {
      s.datasetSpec = { ...s.datasetSpec, name: 'no_such_dataset' };
    });
    assert.deepEqual(drawn, expected);
  } finally {
    process.stderr.write = write;
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^warning: the batch-rendering worker failed \(.*no_such_dataset.*\); rendering on the training thread\n$/);
});
