// Training fed by the procedural dataset slowest to render (dSpritesImagenet, ~20 ms per batch of 64):
// the standard beta-VAE at batch 64 on the default backend, with each batch rendered on the
// training thread and with the next one rendered in a worker during the step. Interleaved
// rounds, medians. Prints one JSON line.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, shutdownBackend } from '../src/backends/select.js';
import { parseConfigText } from '../src/config/load.js';
import type { Prefetch } from '../src/train/prefetch.js';
import { createSession } from '../src/train/session.js';
import { train } from '../src/train/trainer.js';

const STEPS = 40;
const ROUNDS = 3;
const CONFIG = `seed: 0\ndataset:\n  name: dsprites_imagenet\nframework:\n  name: beta_vae\n  beta: 4\ntrain:\n  batch_size: 64\n  steps: ${STEPS}\n  checkpoint_every: 100000\n`;

const backend = await initBackend('auto');
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'disentangle-bench-pipeline-'));

async function imagesPerSecond(prefetch: Prefetch): Promise<number> {
  const session = await createSession(parseConfigText(CONFIG, 'bench/pipeline.ts'));
  let firstStepAt = 0;
  await train(session, {
    runDir, prefetch,
    // Timed from the end of the first step: it holds the worker's start.
    onProgress: ({ step }) => { if (step === 1) firstStepAt = performance.now(); },
  });
  const seconds = (performance.now() - firstStepAt) / 1000;
  session.framework.dispose();
  return Math.round(((STEPS - 1) * 64) / seconds);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const inline: number[] = [];
const worker: number[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    inline.push(await imagesPerSecond('inline'));
    worker.push(await imagesPerSecond('worker'));
  }
} finally {
  shutdownBackend();
  fs.rmSync(runDir, { recursive: true, force: true });
}
console.log(JSON.stringify({
  backend: backend.name, dataset: 'dsprites_imagenet', inline_images_per_s: median(inline), worker_images_per_s: median(worker),
  speedup: Number((median(worker) / median(inline)).toFixed(2)),
}));
