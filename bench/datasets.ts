// Generation speed of every dataset (images/s, one core, rendering only), and the full dSprites
// (737,280 images) rendered into a fresh on-disk cache with both cores. Prints one JSON line.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prepareCache } from '../src/datasets/cache.js';
import { renderBatch, sampleFactors } from '../src/datasets/ground_truth.js';
import { createDataset, datasetNames } from '../src/datasets/registry.js';
import { Rng } from '../src/util/random.js';

const SAMPLE = 20000;
const BATCH = 256;
const rates: Record<string, number> = {};
for (const name of datasetNames()) {
  const data = createDataset(name);
  const rng = Rng.fromSeed(0);
  const factors = sampleFactors(data.factorSizes, SAMPLE, rng);
  const k = data.factorSizes.length;
  renderBatch(data, factors.subarray(0, BATCH * k), BATCH);
  const started = performance.now();
  for (let first = 0; first < SAMPLE; first += BATCH) {
    const count = Math.min(BATCH, SAMPLE - first);
    renderBatch(data, factors.subarray(first * k, (first + count) * k), count);
  }
  rates[name] = Math.round(SAMPLE / ((performance.now() - started) / 1000));
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'disentangle-bench-cache-'));
const started = performance.now();
await prepareCache('dsprites', { root });
const fullDsprites = (performance.now() - started) / 1000;
fs.rmSync(root, { recursive: true, force: true });
console.log(JSON.stringify({ render_images_per_s: rates, full_dsprites_cache_s: Number(fullDsprites.toFixed(1)), workers: os.availableParallelism() }));
