// `npm run table -- frameworks`: trains every framework config in configs/frameworks/ on XYObject
// at a short budget with several seeds, and writes a Markdown table of MIG, DCI disentanglement
// and the FactorVAE score (mean ± sample std over seeds) with the command that made it.
// Runs go to runs/table-frameworks/<config>/seed-<s>/ and are reused when complete, so an
// interrupted table resumes; `--jobs` runs that many trainings at once (one thread each).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../src/util/files.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    steps: { type: 'string', default: '1500' },
    'batch-size': { type: 'string', default: '64' },
    // A short budget needs a larger step than the configs' 1e-4 to get anywhere.
    lr: { type: 'string', default: '1e-3' },
    seeds: { type: 'string', default: '3' },
    jobs: { type: 'string', default: String(os.availableParallelism()) },
    backend: { type: 'string', default: 'auto' },
    out: { type: 'string', default: 'docs/tables/frameworks.md' },
    runs: { type: 'string', default: 'runs/table-frameworks' },
    // A comma-separated subset of configs/frameworks/ (names without .yaml); default all.
    only: { type: 'string' },
  },
});

if (positionals[0] !== 'frameworks') {
  process.stderr.write('usage: npm run table -- frameworks [--steps N] [--seeds N] [--jobs N] [--backend B] [--out FILE]\n');
  process.exit(2);
}

const root = path.resolve(import.meta.dirname, '..');
const steps = Number(args.steps);
const seeds = Number(args.seeds);
const wantedConfigs = args.only?.split(',').map((name) => `${name.trim()}.yaml`);
const configs = fs.readdirSync(path.join(root, 'configs', 'frameworks')).filter((f) => f.endsWith('.yaml'))
  .filter((f) => wantedConfigs === undefined || wantedConfigs.includes(f)).sort();
const METRICS: { label: string; metric: string; key: string }[] = [
  { label: 'MIG', metric: 'mig', key: 'discrete_mig' },
  { label: 'DCI disentanglement', metric: 'dci', key: 'disentanglement' },
  { label: 'FactorVAE score', metric: 'factor_vae', key: 'eval_accuracy' },
];
// Evaluation sample sizes below the library's, so a table of dozens of runs takes minutes, not hours.
const EVAL_OVERRIDES = [
  'eval.metrics=[mig,dci,factor_vae]', 'eval.representations=[mean]',
  'eval.dci.num_train=2000', 'eval.dci.num_test=1000',
  'eval.factor_vae.num_train=1000', 'eval.factor_vae.num_eval=500', 'eval.factor_vae.num_variance_estimate=5000',
];

interface Job {
  config: string;
  seed: number;
  runDir: string;
}

function metricsOf(runDir: string): Record<string, Record<string, number>> | null {
  const file = path.join(runDir, 'metrics.json');
  if (!fs.existsSync(file)) return null;
  const summary = JSON.parse(fs.readFileSync(file, 'utf8'));
  return summary.step === steps ? summary.metrics.mean : null;
}

function runJob(job: Job): Promise<void> {
  const overrides = ['dataset.name=xyobject', `train.steps=${steps}`, `train.batch_size=${args['batch-size']}`, `train.lr=${args.lr}`, `seed=${job.seed}`,
    `train.checkpoint_every=${steps}`, ...EVAL_OVERRIDES];
  const cli = [path.join(root, 'bin', 'disentangle.js'), '--backend', args.backend, '--threads', '1', 'run',
    path.join(root, 'configs', 'frameworks', job.config), '--out', job.runDir, '--overwrite', ...overrides.flatMap((o) => ['--set', o])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cli, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${job.config} seed ${job.seed}: ${stderr.trim().split('\n').pop()}`))));
  });
}

const jobs: Job[] = configs.flatMap((config) => Array.from({ length: seeds }, (_, seed) => ({
  config, seed, runDir: path.join(path.resolve(root, args.runs), config.replace(/\.yaml$/, ''), `seed-${seed}`),
})));
const pending = jobs.filter((job) => metricsOf(job.runDir) === null);
console.log(`${jobs.length} runs, ${pending.length} to train (${steps} steps each, ${args.jobs} at a time)`);
const started = performance.now();
let done = 0;
const failures: string[] = [];
async function worker(): Promise<void> {
  for (let job = pending.shift(); job; job = pending.shift()) {
    try {
      await runJob(job);
    } catch (e) {
      failures.push((e as Error).message);
    }
    done++;
    const elapsed = (performance.now() - started) / 1000;
    console.log(`${done} done (${job.config} seed ${job.seed}); ${(elapsed / 60).toFixed(1)} min elapsed`);
  }
}
await Promise.all(Array.from({ length: Number(args.jobs) }, worker));

const meanStd = (values: number[]): string => {
  if (values.length === 0) return 'n/a';
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return `${mean.toFixed(3)} ± ${Math.sqrt(variance).toFixed(3)}`;
};
const rows = configs.map((config) => {
  const results = jobs.filter((j) => j.config === config).map((j) => metricsOf(j.runDir)).filter((m) => m !== null);
  const cells = METRICS.map(({ metric, key }) => meanStd(results.map((m) => m[metric]?.[key]).filter((v) => Number.isFinite(v))));
  return `| ${config.replace(/\.yaml$/, '')} | ${results.length} | ${cells.join(' | ')} |`;
});
const command = `npm run table -- frameworks --steps ${steps} --batch-size ${args['batch-size']} --lr ${args.lr} --seeds ${seeds} --backend ${args.backend}`;
const table = [
  '# Every framework on XYObject',
  '',
  `Made by \`${command}\` on ${new Date().toISOString().slice(0, 10)}: each config in \`configs/frameworks/\` trained`,
  `${steps} steps at batch ${args['batch-size']} and learning rate ${args.lr} (the configs' other settings kept) on procedural`,
  `XYObject, ${seeds} seeds, then scored on the mean representation`,
  '(DCI on 2000/1000 points, FactorVAE score on 1000/500 votes). Mean ± sample std over seeds. A budget this',
  'short ranks how fast each framework starts to disentangle, not where it ends.',
  '',
  `| framework | seeds | ${METRICS.map((m) => m.label).join(' | ')} |`,
  `|---|---|${METRICS.map(() => '---').join('|')}|`,
  ...rows,
  '',
].join('\n');
fs.mkdirSync(path.dirname(path.resolve(root, args.out)), { recursive: true });
writeFileAtomic(path.resolve(root, args.out), table);
console.log(table);
if (failures.length > 0) {
  console.error(`${failures.length} runs failed:\n${failures.join('\n')}`);
  process.exitCode = 1;
}
