// npm run bench: the training benchmark (`disentangle bench train`) on every backend available
// here but cpu, and PyTorch's reference (../shared/bench/torch_betavae.py, 1 and 2 threads) in the
// same run when `import torch` works, so our figures are ratios to PyTorch's best measured on the
// same machine at the same time;
// then training fed by a slow procedural dataset with and without the rendering worker, the
// fixed-data metric suite against the reference implementation's time, dataset generation
// speed, and DecVAE-small's step with the fused normalisation kernels against the composite ops.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

// `npm run bench -- --only metrics` (or train, pipeline, datasets, decvae) runs one part.
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
const nativeBuilt = fs.existsSync(path.join(root, 'native', 'build', 'Release', 'disentangle_native.node'));
// cpu is left out: at ~0.5 images/s one training window would take minutes.
const backends = [...(nativeBuilt ? ['native'] : []), 'wasm', ...(tfjsNodeInstalled ? ['tensorflow'] : [])];

function benchTrain(backend: string): Record<string, unknown> | null {
  const out = path.join(os.tmpdir(), `disentangle-bench-${process.pid}-${backend}.json`);
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'disentangle.js'), 'bench', 'train', '--backend', backend, '--out', out],
    { cwd: root, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0 || !fs.existsSync(out)) {
    console.error(`bench train --backend ${backend} failed: ${(r.stderr ?? '').trim().split('\n').pop()}`);
    return null;
  }
  const result = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>;
  fs.rmSync(out);
  return result;
}

/** The BLAS library behind Debian's libblas.so.3: PyTorch's linear layers and conv gradients run on it. */
function debianBlas(): string {
  try {
    return fs.realpathSync('/usr/lib/x86_64-linux-gnu/libblas.so.3');
  } catch {
    return 'unknown';
  }
}

type TorchResult = { threads: number; train_img_per_s: { median: number }; encode_img_per_s: { median: number } };
// Debian's python3-torch lives under /usr/bin/python3, which a pyenv or venv python3 on PATH hides.
const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch']).status === 0);
const torchAvailable = wanted('train') && fs.existsSync(torchScript) && python !== undefined;
// One after the other in one run, minutes apart, so that the machine's state is the same for all.
const ours: Record<string, unknown>[] = [];
const torch: TorchResult[] = [];
if (wanted('train')) {
  for (const backend of backends) {
    const result = benchTrain(backend);
    if (result) ours.push(result);
  }
  if (torchAvailable) {
    for (const threads of [1, 2]) {
      const result = runJson(python as string, [torchScript, '--threads', String(threads)]);
      if (result) torch.push(result as unknown as TorchResult);
    }
  }
}
const torchBestTrain = Math.max(0, ...torch.map((r) => r.train_img_per_s.median));
const torchBestEncode = Math.max(0, ...torch.map((r) => r.encode_img_per_s.median));
const threadCount = (n: unknown) => `${n} thread${Number(n) > 1 ? 's' : ''}`;
const ratio = (value: unknown, best: number) => (best > 0 ? ` = ${(Number(value) / best).toFixed(2)}x PyTorch's best (${best})` : '');

for (const r of torch) console.log(`PyTorch (${threadCount(r.threads)}): train ${r.train_img_per_s.median} img/s; encode ${r.encode_img_per_s.median} img/s`);
if (torch.length > 0) {
  const blas = debianBlas();
  const note = /openblas|blis|mkl/i.test(blas) ? '' : ' (the reference BLAS is slow: apt-get install -y libopenblas0-pthread gives PyTorch its usual speed)';
  console.log(`PyTorch's BLAS: ${blas}${note}`);
}
for (const r of ours) {
  console.log(`${r.backend}: train (${threadCount(r.threads)}) ${r.train_images_per_s} img/s${ratio(r.train_images_per_s, torchBestTrain)}; `
    + `encode (${threadCount(r.encode_threads)}) ${r.encode_images_per_s} img/s${ratio(r.encode_images_per_s, torchBestEncode)}`);
}
if (wanted('train') && !torchAvailable) console.log('PyTorch not found (apt-get install -y python3-torch libopenblas0-pthread): no ratio reported');
const pipeline = !wanted('pipeline') ? null : runJson(process.execPath, ['--import', 'tsx', 'bench/pipeline.ts']);
if (pipeline) {
  console.log(`training on procedural ${pipeline.dataset} (${pipeline.backend}): ${pipeline.inline_images_per_s} img/s rendering on the training thread, `
    + `${pipeline.worker_images_per_s} img/s rendering ahead in a worker = ${pipeline.speedup}x`);
}
const metrics = !wanted('metrics') ? null : runJson(process.execPath, ['--import', 'tsx', 'bench/metrics_suite.ts']);
if (metrics) {
  console.log(`metric suite on large_uneven: ${metrics.median_s} s (median of 3) against disentanglement_lib's ${metrics.reference_s} s = ${metrics.speedup}x faster`);
}
const datasets = !wanted('datasets') ? null : runJson(process.execPath, ['--import', 'tsx', 'bench/datasets.ts']);
if (datasets) {
  const rates = Object.entries(datasets.render_images_per_s as Record<string, number>).map(([n, r]) => `${n} ${r}`).join(', ');
  console.log(`dataset generation (images/s, one core): ${rates}; full dSprites cache with ${datasets.workers} workers: ${datasets.full_dsprites_cache_s} s`);
}
const decvae = !wanted('decvae') || !nativeBuilt ? null : runJson(process.execPath, ['--import', 'tsx', 'bench/decvae_step.ts']);
if (decvae) {
  console.log(`DecVAE-small step (${decvae.backend}, 1 thread): ${decvae.fused_steps_per_s} steps/s with the fused normalisation kernels, `
    + `${decvae.composite_steps_per_s} steps/s as composite ops = ${decvae.speedup}x; batch assembly ${decvae.batch_assembly_ms} ms; `
    + `${decvae.steps} steps ≈ ${decvae.training_minutes} min`);
}
console.log(JSON.stringify({ ours, torch, pipeline, metrics, datasets, decvae }));
