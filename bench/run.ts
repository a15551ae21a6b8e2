// npm run bench: the training benchmark on every backend available here, and PyTorch's reference
// (../shared/bench/torch_betavae.py, 1 and 2 threads) in the same run when `import torch` works,
// so our figure is reported as a ratio to PyTorch measured on the same machine at the same time;
// then the fixed-data metric suite against the reference implementation's time, then dataset
// generation speed.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

// `npm run bench -- --only metrics` (or train, datasets) runs one part.
const { values: args } = parseArgs({ options: { only: { type: 'string' } } });
const wanted = (part: string) => args.only === undefined || args.only === part;

const root = path.resolve(import.meta.dirname, '..');
const torchScript = path.resolve(root, '../shared/bench/torch_betavae.py');

function runJson(cmd: string, args: string[]): Record<string, unknown> | null {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: 600_000 });
  const line = r.stdout?.trim().split('\n').pop();
  if (r.status !== 0 || !line) {
    console.error(`${cmd} ${args.join(' ')} failed: ${(r.stderr ?? '').trim().split('\n').pop()}`);
    return null;
  }
  return JSON.parse(line) as Record<string, unknown>;
}

const tfjsNodeInstalled = fs.existsSync(path.join(root, 'node_modules', '@tensorflow', 'tfjs-node'));
const backends = ['wasm', ...(tfjsNodeInstalled ? ['tensorflow'] : [])];
const ours = !wanted('train') ? [] : backends.map((b) => runJson(process.execPath, ['--import', 'tsx', 'bench/train_throughput.ts', '--backend', b]))
  .filter((r): r is Record<string, unknown> => r !== null);

// Debian's python3-torch lives under /usr/bin/python3, which a pyenv or venv python3 on PATH hides.
const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch']).status === 0);
const torchAvailable = wanted('train') && fs.existsSync(torchScript) && python !== undefined;
const torch = torchAvailable
  ? [1, 2].map((t) => runJson(python as string, [torchScript, '--threads', String(t)])).filter((r) => r !== null)
  : [];
const torchBest = Math.max(0, ...torch.map((r) => ((r as { train_img_per_s: { median: number } }).train_img_per_s.median)));

for (const r of ours) {
  const ratio = torchBest > 0 ? ` = ${(Number(r.train_images_per_s) / torchBest).toFixed(2)}x PyTorch's best (${torchBest} img/s)` : '';
  console.log(`${r.backend} (${r.threads} threads): train ${r.train_images_per_s} img/s${ratio}; encode ${r.encode_images_per_s} img/s`);
}
if (wanted('train') && !torchAvailable) console.log('PyTorch not found (apt-get install -y python3-torch): no ratio reported');
const metrics = !wanted('metrics') ? null : runJson(process.execPath, ['--import', 'tsx', 'bench/metrics_suite.ts']);
if (metrics) {
  console.log(`metric suite on large_uneven: ${metrics.median_s} s (median of 3) against disentanglement_lib's ${metrics.reference_s} s = ${metrics.speedup}x faster`);
}
const datasets = !wanted('datasets') ? null : runJson(process.execPath, ['--import', 'tsx', 'bench/datasets.ts']);
if (datasets) {
  const rates = Object.entries(datasets.render_images_per_s as Record<string, number>).map(([n, r]) => `${n} ${r}`).join(', ');
  console.log(`dataset generation (images/s, one core): ${rates}; full dSprites cache with ${datasets.workers} workers: ${datasets.full_dsprites_cache_s} s`);
}
console.log(JSON.stringify({ ours, torch, metrics, datasets }));
