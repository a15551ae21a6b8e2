// Every registered framework through the real training path: its sampler's views, a few steps,
// a checkpoint with every network and optimizer it has, and an exact restore.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { parseConfigText } from '../../src/config/load.js';
import { FRAMEWORKS, frameworkNames } from '../../src/frameworks/registry.js';
import { latestCheckpoint } from '../../src/train/checkpoint.js';
import { createSession, restoreSession } from '../../src/train/session.js';
import { train } from '../../src/train/trainer.js';

after(shutdownBackend);

test('every framework trains through the session, checkpoints all its state and restores it exactly', async () => {
  await initBackend('wasm');
  for (const name of frameworkNames()) {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `framework-${name}-`));
    const config = parseConfigText(
      `seed: 5\ndataset:\n  name: xysinglesquare\nmodel:\n  z_dim: 4\n  architecture: ${FRAMEWORKS[name].architecture ?? 'dlib_conv'}\nframework:\n  name: ${name}\n`
      + 'train:\n  steps: 2\n  batch_size: 4\n  checkpoint_every: 2\n', `${name}.yaml`);
    const session = await createSession(config);
    await train(session, { runDir });
    // tfjs names variables globally, so the trained model goes before the restored one is built.
    const weights = new Map([...session.framework.variables()].map(([key, v]) => [key, v.dataSync()]));
    const iterations = new Map([...session.framework.optimizers()].map(([key, o]) => [key, o.iterations]));
    session.framework.dispose();
    const restored = await restoreSession(latestCheckpoint(runDir));
    try {
      assert.equal(restored.step, 2, name);
      assert.deepEqual([...restored.framework.variables().keys()], [...weights.keys()], name);
      for (const [key, variable] of restored.framework.variables()) assert.deepEqual(variable.dataSync(), weights.get(key), `${name}: ${key}`);
      assert.deepEqual(new Map([...restored.framework.optimizers()].map(([key, o]) => [key, o.iterations])), iterations, name);
    } finally {
      restored.framework.dispose();
      fs.rmSync(runDir, { recursive: true, force: true });
    }
  }
});
