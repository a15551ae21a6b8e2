// `disentangle collect` on a hand-written results tree: grouping, means and stds worked out by
// hand, the original's quirks as options, the files it writes, and its errors through the CLI.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pngjs from 'pngjs';
import { collectResults, describeRunCounts, formatCsv, formatFloat, formatMarkdown, writeCollection } from '../../src/study/collect.js';
import { chartBars } from '../../src/study/collect_chart.js';
import { runCli } from '../cli/helpers.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'collect-test-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

interface RunSpec {
  dir: string;
  framework: string;
  beta?: number;
  seed: number;
  batchSize?: number;
  /** `<metric>.<key>` -> value of the mean representation; undefined: no metrics.json. */
  metrics?: Record<string, number>;
}

function configYaml({ framework, beta, seed, batchSize = 64 }: RunSpec): string {
  return [
    `seed: ${seed}`,
    'dataset:\n  name: xyobject',
    `framework:\n  name: ${framework}${beta === undefined ? '' : `\n  beta: ${beta}`}`,
    `train:\n  steps: 400\n  batch_size: ${batchSize}`,
    'eval:\n  metrics: [mig, dci]\n  batch_size: 256\n  mig:\n    num_train: 100\n  dci:\n    num_train: 50',
    '',
  ].join('\n');
}

function metricsJson(spec: RunSpec): string {
  const byMetric: Record<string, Record<string, number>> = {};
  for (const [name, value] of Object.entries(spec.metrics ?? {})) {
    const [metric, key] = name.split('.');
    byMetric[metric] = { ...byMetric[metric], [key]: value };
  }
  const errors = 'dci.disentanglement' in (spec.metrics ?? {}) ? {} : { dci: 'a factor is constant' };
  return JSON.stringify({ step: 400, dataset: 'xyobject', framework: spec.framework, seed: spec.seed, metrics: { mean: byMetric }, errors: { mean: errors } });
}

function writeTree(root: string, runs: RunSpec[]): string {
  for (const run of runs) {
    const dir = path.join(root, run.dir);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'config.yaml'), configYaml(run));
    if (run.metrics) fs.writeFileSync(path.join(dir, 'metrics.json'), metricsJson(run));
  }
  return root;
}

// Groups by (model, beta): beta_vae/4 has three runs, one with a DCI of exactly 0; ae has no beta
// (grouped under '*') and a MIG of 0; beta 1's MIG 0.0625 is a tie at 3 decimals; 10 sorts after 4.
const RUNS: RunSpec[] = [
  { dir: 'beta4/seed-0', framework: 'beta_vae', beta: 4, seed: 0, metrics: { 'mig.discrete_mig': 0.2, 'dci.disentanglement': 0.5 } },
  { dir: 'beta4/seed-1', framework: 'beta_vae', beta: 4, seed: 1, metrics: { 'mig.discrete_mig': 0.4, 'dci.disentanglement': 0 } },
  { dir: 'beta4/seed-2', framework: 'beta_vae', beta: 4, seed: 2, batchSize: 32, metrics: { 'mig.discrete_mig': 0.6, 'dci.disentanglement': 0.25 } },
  { dir: 'ae/seed-0', framework: 'ae', seed: 0, metrics: { 'mig.discrete_mig': 0, 'dci.disentanglement': 0.3 } },
  { dir: 'ae/seed-1', framework: 'ae', seed: 1 },
  { dir: 'deep/nested/beta1', framework: 'beta_vae', beta: 1, seed: 0, metrics: { 'mig.discrete_mig': 0.0625, 'dci.disentanglement': 0.125 } },
  { dir: 'no-dci', framework: 'beta_vae', beta: 4, seed: 3, metrics: { 'mig.discrete_mig': 0.9 } },
  { dir: 'wide/beta10', framework: 'beta_vae', beta: 10, seed: 0, metrics: { 'mig.discrete_mig': 0.3, 'dci.disentanglement': 0.7 } },
];
const RESULTS = writeTree(path.join(scratch, 'results'), RUNS);
const BY = ['model', 'dataset', 'beta'];
const HEADER = 'model,dataset,beta,dci.disentanglement.mean,dci.disentanglement.std,mig.discrete_mig.mean,mig.discrete_mig.std,n_runs';

test('runs are grouped by config values and summarised by mean and population std over the complete runs', () => {
  const c = collectResults(RESULTS, { by: BY });
  assert.deepEqual(c.keyPaths, ['framework.name', 'dataset.name', 'framework.beta']);
  assert.deepEqual(c.metrics, ['dci.disentanglement', 'mig.discrete_mig']);
  assert.deepEqual(c.groups.map((g) => [...g.values, g.runs]), [
    ['ae', 'xyobject', '*', 1], ['beta_vae', 'xyobject', '1', 1], ['beta_vae', 'xyobject', '4', 3], ['beta_vae', 'xyobject', '10', 1],
  ]);
  const beta4 = c.groups[2].summaries;
  // DCI 0.5, 0, 0.25: mean 0.25, deviations 0.25, -0.25, 0. MIG 0.2, 0.4, 0.6: mean 0.4, deviations ±0.2, 0.
  assert.equal(beta4[0].mean, 0.25);
  assert.ok(Math.abs((beta4[0].std as number) - Math.sqrt(0.125 / 3)) < 1e-12);
  assert.ok(Math.abs((beta4[1].mean as number) - 0.4) < 1e-12);
  assert.ok(Math.abs((beta4[1].std as number) - Math.sqrt(0.08 / 3)) < 1e-12);
  assert.deepEqual(c.groups[0].summaries, [{ mean: 0.3, std: 0 }, { mean: 0, std: 0 }]);
  assert.equal(describeRunCounts(c), `8 runs found under ${RESULTS}, 6 used, 2 left out (1 without metrics.json, 1 missing dci.disentanglement)`);
});

test('the CSV has the group keys, mean and std per metric and n_runs, floats as %.3f and ties to even', () => {
  assert.equal(formatCsv(collectResults(RESULTS, { by: BY })), [
    HEADER,
    'ae,xyobject,*,0.300,0.000,0.000,0.000,1',
    'beta_vae,xyobject,1,0.125,0.000,0.062,0.000,1',
    'beta_vae,xyobject,4,0.250,0.204,0.400,0.163,3',
    'beta_vae,xyobject,10,0.700,0.000,0.300,0.000,1',
    '',
  ].join('\n'));
});

test('--drop-zeros drops values equal to 0 as filter(None, ...) does; n_runs still counts the complete runs', () => {
  // beta 4's DCI is 0.5, 0.25 (mean 0.375, deviations ±0.125); ae's only MIG is 0, leaving none.
  assert.equal(formatCsv(collectResults(RESULTS, { by: BY, dropZeros: true })), [
    HEADER,
    'ae,xyobject,*,0.300,0.000,-,-,1',
    'beta_vae,xyobject,1,0.125,0.000,0.062,0.000,1',
    'beta_vae,xyobject,4,0.375,0.125,0.400,0.163,3',
    'beta_vae,xyobject,10,0.700,0.000,0.300,0.000,1',
    '',
  ].join('\n'));
});

test('--std sample divides by n - 1 and leaves a single run without a std', () => {
  // beta 4: DCI squares 0.0625 + 0.0625 over 2 -> 0.25; MIG 0.04 + 0.04 over 2 -> 0.2.
  assert.equal(formatCsv(collectResults(RESULTS, { by: BY, std: 'sample' })), [
    HEADER,
    'ae,xyobject,*,0.300,-,0.000,-,1',
    'beta_vae,xyobject,1,0.125,-,0.062,-,1',
    'beta_vae,xyobject,4,0.250,0.250,0.400,0.200,3',
    'beta_vae,xyobject,10,0.700,-,0.300,-,1',
    '',
  ].join('\n'));
});

test('formatFloat matches Python\'s %.3f, rounding exact halves to even', () => {
  const cases: Array<[number, string]> = [
    [0.0625, '0.062'], [0.1875, '0.188'], [2.0005, '2.001'], [0.0005, '0.001'], [-0.0625, '-0.062'], [-0.0001, '-0.000'],
    [-0, '-0.000'], [1234.5678, '1234.568'], [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'],
  ];
  for (const [value, text] of cases) assert.equal(formatFloat(value), text, String(value));
});

test('--metrics picks columns in the order given; only runs missing those are incomplete', () => {
  const c = collectResults(RESULTS, { by: ['model'], metrics: ['mig.discrete_mig'] });
  // Every run with a metrics.json has a MIG: no-dci (0.9) joins beta_vae's 0.2, 0.4, 0.6, 0.0625, 0.3.
  assert.equal(formatCsv(c), [
    'model,mig.discrete_mig.mean,mig.discrete_mig.std,n_runs',
    'ae,0.000,0.000,1',
    // mean 2.4625 / 6 = 0.41042; squared deviations 0.04428 + 0.00011 + 0.03594 + 0.12105 + 0.23969 + 0.01219 over 6.
    'beta_vae,0.410,0.275,6',
    '',
  ].join('\n'));
  assert.equal(c.runsUsed, 7);
});

test('grouping keys: short names, bare leaves by section order, dotted paths, lists as compact JSON', () => {
  const c = collectResults(RESULTS, { by: ['seed', 'batch_size', 'eval.metrics'], metrics: ['mig.discrete_mig'] });
  // batch_size is in train and eval: train comes first.
  assert.deepEqual(c.keyPaths, ['seed', 'train.batch_size', 'eval.metrics']);
  assert.deepEqual(c.groups.map((g) => g.values), [
    ['0', '64', '["mig","dci"]'], ['1', '64', '["mig","dci"]'], ['2', '32', '["mig","dci"]'], ['3', '64', '["mig","dci"]'],
  ]);
  // seed 0: MIG 0.2, 0, 0.0625, 0.3: mean 0.140625, squared deviations sum to 0.0548046875, over 4.
  assert.equal(formatCsv(c).split('\n')[1], '0,64,"[""mig"",""dci""]",0.141,0.117,4');
});

test('unknown and ambiguous keys and metrics are errors naming them', () => {
  assert.throws(() => collectResults(RESULTS, { by: ['hy_hes'] }), /--by hy_hes: unknown key/);
  assert.throws(() => collectResults(RESULTS, { by: ['num_train'] }), /--by num_train: ambiguous key, give one of eval\.dci\.num_train, eval\.mig\.num_train/);
  assert.throws(() => collectResults(RESULTS, { by: ['framework.hy_hes'] }), /--by framework\.hy_hes: no run's config\.yaml has this key/);
  assert.throws(() => collectResults(RESULTS, { by: BY, metrics: ['mig.continuous_mig'] }), /--metrics mig\.continuous_mig: no run's metrics\.json has it/);
  assert.throws(() => collectResults(RESULTS, { by: BY, metrics: ['mig'] }), /--metrics mig: expected <metric>\.<key>/);
});

test('the Markdown table has mean ± std cells, n per row and the command', () => {
  const md = formatMarkdown(collectResults(RESULTS, { by: BY }), 'npx disentangle collect results --by model,dataset,beta');
  const lines = md.split('\n');
  assert.ok(lines.includes('Made by `npx disentangle collect results --by model,dataset,beta`.'));
  const table = lines.filter((line) => line.startsWith('|'));
  assert.deepEqual(table, [
    '| model | dataset | beta | dci.disentanglement | mig.discrete_mig | n |',
    '|---|---|---|---|---|---:|',
    '| ae | xyobject | * | 0.300 ± 0.000 | 0.000 ± 0.000 | 1 |',
    '| beta_vae | xyobject | 1 | 0.125 ± 0.000 | 0.062 ± 0.000 | 1 |',
    '| beta_vae | xyobject | 4 | 0.250 ± 0.204 | 0.400 ± 0.163 | 3 |',
    '| beta_vae | xyobject | 10 | 0.700 ± 0.000 | 0.300 ± 0.000 | 1 |',
  ]);
  assert.match(md, /population std/);
  assert.match(md, /8 runs found under .*, 6 used, 2 left out/);
});

/** Bars (rect marks' paths) in each panel of the SVG, in panel order. */
function barsPerPanel(svg: string): number[] {
  return [...svg.matchAll(/<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/g)].map((m) => (m[1].match(/<path /g) ?? []).length);
}

test('the chart has one panel per metric and one bar per group with a mean; the PNG decodes to a picture', async () => {
  const c = collectResults(RESULTS, { by: BY, dropZeros: true });
  const out = path.join(scratch, 'out', 'summary.csv');
  const files = await writeCollection(c, out, 'npx disentangle collect');
  const stem = path.join(scratch, 'out', 'summary');
  assert.deepEqual(files, [`${stem}.csv`, `${stem}.md`, `${stem}.svg`, `${stem}.png`]);
  assert.deepEqual(fs.readdirSync(path.dirname(out)).sort(), ['summary.csv', 'summary.md', 'summary.png', 'summary.svg']);
  assert.equal(fs.readFileSync(out, 'utf8'), formatCsv(c));

  // ae's MIG was dropped as zero: 4 groups in the DCI panel, 3 in the MIG one.
  const svg = fs.readFileSync(`${stem}.svg`, 'utf8');
  assert.deepEqual(barsPerPanel(svg), [4, 3]);
  const bars = chartBars(c).filter((b) => b.metric === 'dci.disentanglement');
  assert.deepEqual(bars.map((b) => b.group), ['ae / xyobject / *', 'beta_vae / xyobject / 1', 'beta_vae / xyobject / 4', 'beta_vae / xyobject / 10']);
  assert.deepEqual([bars[2].mean, bars[2].low, bars[2].high], [0.375, 0.25, 0.5]);

  const png = pngjs.PNG.sync.read(fs.readFileSync(`${stem}.png`));
  assert.ok(png.width > 200 && png.height > 100, `${png.width}x${png.height}`);
  let barPixels = 0;
  let white = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
    if (r === 255 && g === 255 && b === 255) white++;
    // vega-lite's default bar colour, #4c78a8.
    if (Math.abs(r - 0x4c) < 8 && Math.abs(g - 0x78) < 8 && Math.abs(b - 0xa8) < 8) barPixels++;
  }
  const pixels = png.width * png.height;
  assert.ok(barPixels > pixels / 100, `only ${barPixels} bar-coloured pixels of ${pixels}`);
  assert.ok(white > pixels / 2, `a white background: ${white} of ${pixels}`);
});

function assertOneLineError(r: ReturnType<typeof runCli>, pattern: RegExp): void {
  assert.equal(r.status, 2, `exit status; stderr: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
  assert.match(lines[0], pattern);
}

test('the CLI prints the run counts and writes the four files', () => {
  const out = path.join(scratch, 'cli', 'results.csv');
  const r = runCli(['collect', RESULTS, '--by', 'model,dataset,beta', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /8 runs found under .*, 6 used, 2 left out \(1 without metrics\.json, 1 missing dci\.disentanglement\)/);
  assert.equal(fs.readFileSync(out, 'utf8'), formatCsv(collectResults(RESULTS, { by: BY })));
  assert.match(fs.readFileSync(path.join(scratch, 'cli', 'results.md'), 'utf8'), /Made by `npx disentangle collect .* --by model,dataset,beta --out .*results\.csv`/);
});

test('--representation v3 collects V3 runs, their metrics nested one level as the ground-truth ones', () => {
  const root = path.join(scratch, 'v3-results');
  [['phonenums', 0, 0.5], ['phonenums', 1, 0.7], ['insnotes', 0, 0.25]].forEach(([dataset, seed, prAuc]) => {
    const dir = path.join(root, `${dataset}-${seed}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'config.yaml'), `task: v3\nseed: ${seed}\ndataset:\n  name: ${dataset}\n`);
    fs.writeFileSync(path.join(dir, 'metrics.json'), JSON.stringify({ task: 'v3', metrics: { v3: { content_on_zc: { pr_auc: prAuc, best_f1: 0.5 } } } }));
  });
  const out = path.join(scratch, 'v3-cli', 'v3.csv');
  const r = runCli(['collect', root, '--representation', 'v3', '--by', 'dataset', '--metrics', 'content_on_zc.pr_auc', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(fs.readFileSync(out, 'utf8'), 'dataset,content_on_zc.pr_auc.mean,content_on_zc.pr_auc.std,n_runs\ninsnotes,0.250,0.000,1\nphonenums,0.600,0.100,2\n');
});

test('CLI mistakes are one-line errors with exit code 2', () => {
  const missing = path.join(scratch, 'nothing');
  assertOneLineError(runCli(['collect', missing]), /nothing: no such results directory/);
  const empty = path.join(scratch, 'empty');
  fs.mkdirSync(empty);
  assertOneLineError(runCli(['collect', empty]), /empty: no run found/);
  const badMetrics = writeTree(path.join(scratch, 'bad-metrics'), [RUNS[0]]);
  fs.writeFileSync(path.join(badMetrics, RUNS[0].dir, 'metrics.json'), '{"step": 4');
  assertOneLineError(runCli(['collect', badMetrics]), /beta4\/seed-0\/metrics\.json: not valid JSON/);
  const badConfig = writeTree(path.join(scratch, 'bad-config'), [RUNS[0]]);
  fs.writeFileSync(path.join(badConfig, RUNS[0].dir, 'config.yaml'), 'framework:\n  name: [beta_vae\n');
  assertOneLineError(runCli(['collect', badConfig]), /beta4\/seed-0\/config\.yaml: not valid YAML/);
  assertOneLineError(runCli(['collect', RESULTS, '--by', 'model,hy_hes']), /--by hy_hes: unknown key/);
});
