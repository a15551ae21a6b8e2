// `disentangle collect`: the metrics of every training run under a results directory, grouped by
// config values and summarised as mean, std and number of runs per group, written as a CSV, a
// Markdown table and a bar chart. It follows the Commutative Lie Group VAE's collect_results.py
// (specs/lie_group_vae.md §7) with our run layout (config.yaml, metrics.json):
// - a run is any directory holding a config.yaml, at any depth; one without metrics.json or
//   lacking any collected metric is incomplete and left out of every aggregate, as the original
//   keeps only complete runs;
// - a run lacking a grouping key is grouped under `*`; floats are written with 3 decimals ('%.3f',
//   ties to even) and missing values as `-`;
// - std is numpy's np.std default, the population std (ddof 0); `std: 'sample'` divides by n - 1,
//   so a group of one run then has no std;
// - the original drops every value equal to 0.0 before averaging (Python's `filter(None, values)`
//   cannot tell a zero from a missing value). That is off by default and `dropZeros` turns it on;
//   n_runs still counts the group's complete runs, as the original's n_samples does.
// Grouping keys are dotted config paths (`framework.beta`) or short names: `model` is
// framework.name, `dataset` dataset.name, a top-level leaf (`seed`, `backend`) is itself, and any
// other bare name is the leaf of that name in the first of the config's sections that has it
// (framework, model, dataset, train, sampling, eval).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../util/errors.js';
import { writeFileAtomic } from '../util/files.js';
import { renderChart } from './collect_chart.js';

/** Mistakes in what collect was given exit with 2, as config mistakes do. */
const COLLECT_EXIT_CODE = 2;

function collectError(message: string): UserError {
  return new UserError(message, COLLECT_EXIT_CODE);
}

export type StdKind = 'population' | 'sample';

export interface CollectOptions {
  /** Grouping keys: dotted config paths or short names. */
  by: string[];
  /** `<metric>.<key>` names, e.g. `mig.discrete_mig`; default every numeric key found in the runs. */
  metrics?: string[];
  /** Whose metrics: `mean` (default) or `sampled`. */
  representation?: string;
  std?: StdKind;
  dropZeros?: boolean;
}

export interface MetricSummary {
  /** null when no value is left (every one dropped as zero). */
  mean: number | null;
  /** null with no value left, or with one value and the sample std. */
  std: number | null;
}

export interface ResultGroup {
  /** The group's value of each grouping key, as written in the tables; `*` where runs lack it. */
  values: string[];
  /** One summary per collected metric, in the order of `Collection.metrics`. */
  summaries: MetricSummary[];
  /** Complete runs in the group. */
  runs: number;
}

export interface Collection {
  resultsDir: string;
  /** Grouping keys as given, and the config path each one names. */
  keys: string[];
  keyPaths: string[];
  metrics: string[];
  representation: string;
  std: StdKind;
  dropZeros: boolean;
  /** Sorted by the grouping keys, numbers numerically. */
  groups: ResultGroup[];
  runsFound: number;
  runsUsed: number;
  /** Why runs were left out ("without metrics.json", "missing dci.disentanglement"), with counts. */
  leftOut: Map<string, number>;
}

interface RunRecord {
  dir: string;
  config: Record<string, unknown>;
  /** `<metric>.<key>` -> value for the chosen representation; null without metrics.json. */
  metrics: Map<string, number> | null;
}

const MISSING = '*';
const SHORT_NAMES: Record<string, string> = { model: 'framework.name', dataset: 'dataset.name' };
const SECTIONS = ['framework', 'model', 'dataset', 'train', 'sampling', 'eval'];
// metrics.json writes non-finite values as these strings, as the reference files do.
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message.split('\n')[0];
}

/** Every directory under `root` (itself included) holding a config.yaml, in path order. */
function findRunDirs(root: string): string[] {
  const found: string[] = [];
  const visit = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw collectError(`${dir}: cannot list directory (${errorCode(e)})`);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (entries.some((e) => e.isFile() && e.name === 'config.yaml')) found.push(dir);
    // Dot-directories are half-written outputs of writeDirAtomic, never finished runs.
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) visit(path.join(dir, e.name));
  };
  visit(root);
  return found;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw collectError(`${file}: cannot read (${errorCode(e)})`);
  }
}

function readConfig(file: string): Record<string, unknown> {
  let config: unknown;
  try {
    config = parseYaml(readText(file));
  } catch (e) {
    throw collectError(`${file}: not valid YAML (${errorCode(e)})`);
  }
  if (!isRecord(config)) throw collectError(`${file}: not a config (expected a YAML mapping)`);
  return config;
}

function readMetrics(file: string, representation: string): Map<string, number> {
  let summary: unknown;
  try {
    summary = JSON.parse(readText(file));
  } catch (e) {
    throw collectError(`${file}: not valid JSON (${errorCode(e)})`);
  }
  const shapeError = () => collectError(`${file}: not a metrics file (expected {"metrics": {"<representation>": {"<metric>": {"<key>": number}}}})`);
  if (!isRecord(summary) || !isRecord(summary.metrics)) throw shapeError();
  const byMetric = summary.metrics[representation] ?? {};
  if (!isRecord(byMetric)) throw shapeError();
  const values = new Map<string, number>();
  for (const [metric, keys] of Object.entries(byMetric)) {
    if (!isRecord(keys)) throw shapeError();
    for (const [key, value] of Object.entries(keys)) {
      const number = typeof value === 'number' ? value : typeof value === 'string' && Object.hasOwn(NON_FINITE, value) ? NON_FINITE[value] : undefined;
      if (number !== undefined) values.set(`${metric}.${key}`, number);
    }
  }
  return values;
}

function readRuns(resultsDir: string, representation: string): RunRecord[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(resultsDir);
  } catch (e) {
    throw collectError(`${resultsDir}: no such results directory (${errorCode(e)})`);
  }
  if (!stat.isDirectory()) throw collectError(`${resultsDir}: not a directory`);
  const dirs = findRunDirs(resultsDir);
  if (dirs.length === 0) throw collectError(`${resultsDir}: no run found (no directory with a config.yaml)`);
  return dirs.map((dir) => {
    const metricsFile = path.join(dir, 'metrics.json');
    return {
      dir,
      config: readConfig(path.join(dir, 'config.yaml')),
      metrics: fs.existsSync(metricsFile) ? readMetrics(metricsFile, representation) : null,
    };
  });
}

function valueAt(config: unknown, keyPath: string): unknown {
  let node = config;
  for (const part of keyPath.split('.')) {
    if (!isRecord(node) || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

/** Dotted paths of the leaves (values that are not mappings) under `node` whose last key is `name`. */
function leafPathsNamed(node: unknown, prefix: string, name: string, into: Set<string>): void {
  if (!isRecord(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const keyPath = `${prefix}.${key}`;
    if (isRecord(value)) leafPathsNamed(value, keyPath, name, into);
    else if (key === name) into.add(keyPath);
  }
}

function resolveKey(name: string, configs: Record<string, unknown>[]): string {
  if (name === '' || name.split('.').some((part) => part === '')) throw collectError(`--by: empty key in '${name}'`);
  if (Object.hasOwn(SHORT_NAMES, name)) return SHORT_NAMES[name];
  const inSomeRun = (keyPath: string) => configs.some((c) => valueAt(c, keyPath) !== undefined);
  if (name.includes('.')) {
    if (!inSomeRun(name)) throw collectError(`--by ${name}: no run's config.yaml has this key`);
    return name;
  }
  if (configs.some((c) => Object.hasOwn(c, name) && !isRecord(c[name]))) return name;
  for (const section of SECTIONS) {
    const paths = new Set<string>();
    for (const config of configs) leafPathsNamed(config[section], section, name, paths);
    if (paths.size === 1) return [...paths][0];
    if (paths.size > 1) throw collectError(`--by ${name}: ambiguous key, give one of ${[...paths].sort().join(', ')}`);
  }
  throw collectError(`--by ${name}: unknown key, not in any run's config.yaml (sections ${SECTIONS.join(', ')})`);
}

function formatKeyValue(value: unknown): string {
  if (value === undefined) return MISSING;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function parseMetricNames(names: string[]): string[] {
  if (names.length === 0) throw collectError('--metrics: no metric named');
  for (const name of names) {
    const dot = name.indexOf('.');
    if (dot <= 0 || dot === name.length - 1) throw collectError(`--metrics ${name}: expected <metric>.<key>, e.g. mig.discrete_mig`);
  }
  return names;
}

function summarise(values: number[], std: StdKind, dropZeros: boolean): MetricSummary {
  const kept = dropZeros ? values.filter((v) => v !== 0) : values;
  const n = kept.length;
  if (n === 0) return { mean: null, std: null };
  const mean = kept.reduce((a, v) => a + v, 0) / n;
  const squares = kept.reduce((a, v) => a + (v - mean) ** 2, 0);
  const ddof = std === 'sample' ? 1 : 0;
  return { mean, std: n > ddof ? Math.sqrt(squares / (n - ddof)) : null };
}

function asNumber(cell: string): number | null {
  const value = Number(cell);
  return cell.trim() !== '' && Number.isFinite(value) ? value : null;
}

/** Numbers first and numerically, then other text, then `*`. */
function compareCells(a: string, b: string): number {
  const rank = (cell: string) => (cell === MISSING ? 2 : asNumber(cell) === null ? 1 : 0);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const [x, y] = [asNumber(a), asNumber(b)];
  if (x !== null && y !== null && x !== y) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Reads every run under `resultsDir` and summarises the complete ones per group. */
export function collectResults(resultsDir: string, options: CollectOptions): Collection {
  const representation = options.representation ?? 'mean';
  const std = options.std ?? 'population';
  const dropZeros = options.dropZeros ?? false;
  if (options.by.length === 0) throw collectError('--by: no grouping key named');
  const runs = readRuns(resultsDir, representation);
  const configs = runs.map((r) => r.config);
  const keyPaths = options.by.map((name) => resolveKey(name, configs));

  const found = new Set(runs.flatMap((r) => [...(r.metrics?.keys() ?? [])]));
  let metrics: string[];
  if (options.metrics === undefined) {
    metrics = [...found].sort();
    if (metrics.length === 0) throw collectError(`${resultsDir}: no run has metrics for the '${representation}' representation`);
  } else {
    metrics = parseMetricNames(options.metrics);
    const unknown = metrics.find((m) => !found.has(m));
    if (unknown !== undefined) throw collectError(`--metrics ${unknown}: no run's metrics.json has it for the '${representation}' representation`);
  }

  const leftOut = new Map<string, number>();
  const complete: RunRecord[] = [];
  for (const run of runs) {
    const missing = run.metrics === null ? undefined : metrics.find((m) => !run.metrics?.has(m));
    const reason = run.metrics === null ? 'without metrics.json' : missing === undefined ? null : `missing ${missing}`;
    if (reason === null) complete.push(run);
    else leftOut.set(reason, (leftOut.get(reason) ?? 0) + 1);
  }
  if (complete.length === 0) {
    throw collectError(`${resultsDir}: no complete run among ${runs.length} (${describeLeftOut(leftOut)})`);
  }

  const byGroup = new Map<string, { values: string[]; runs: RunRecord[] }>();
  for (const run of complete) {
    const values = keyPaths.map((keyPath) => formatKeyValue(valueAt(run.config, keyPath)));
    const id = JSON.stringify(values);
    const group = byGroup.get(id) ?? { values, runs: [] };
    group.runs.push(run);
    byGroup.set(id, group);
  }
  const groups = [...byGroup.values()].map(({ values, runs: members }) => ({
    values,
    summaries: metrics.map((m) => summarise(members.map((r) => r.metrics?.get(m) as number), std, dropZeros)),
    runs: members.length,
  }));
  groups.sort((a, b) => {
    for (let i = 0; i < a.values.length; i++) {
      const order = compareCells(a.values[i], b.values[i]);
      if (order !== 0) return order;
    }
    return 0;
  });
  return {
    resultsDir, keys: [...options.by], keyPaths, metrics, representation, std, dropZeros, groups,
    runsFound: runs.length, runsUsed: complete.length, leftOut,
  };
}

function describeLeftOut(leftOut: Map<string, number>): string {
  return [...leftOut].map(([reason, count]) => `${count} ${reason}`).join(', ');
}

/** The line the CLI prints: how many runs were found, used and left out, and why. */
export function describeRunCounts(c: Collection): string {
  const left = c.runsFound - c.runsUsed;
  return `${c.runsFound} runs found under ${c.resultsDir}, ${c.runsUsed} used, ${left} left out${left > 0 ? ` (${describeLeftOut(c.leftOut)})` : ''}`;
}

/** Python's '%.3f': like toFixed(3) but ties (exact binary halves, e.g. 0.0625) go to the even digit. */
export function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value < 0 || Object.is(value, -0)) return `-${formatFloat(-value)}`;
  // value * 1000 lies exactly halfway between two integers only when value * 16 is an odd integer.
  const sixteenths = value * 16;
  if (Number.isInteger(sixteenths) && sixteenths % 2 === 1 && sixteenths < 2 ** 48) {
    const below = Math.floor(value * 1000);
    return ((below % 2 === 0 ? below : below + 1) / 1000).toFixed(3);
  }
  return value.toFixed(3);
}

function formatOptional(value: number | null): string {
  return value === null ? '-' : formatFloat(value);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function formatCsv(c: Collection): string {
  const header = [...c.keys, ...c.metrics.flatMap((m) => [`${m}.mean`, `${m}.std`]), 'n_runs'];
  const rows = c.groups.map((g) => [
    ...g.values, ...g.summaries.flatMap((s) => [formatOptional(s.mean), formatOptional(s.std)]), String(g.runs),
  ]);
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

function markdownCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

function describeStd(c: Collection): string {
  return c.std === 'population' ? 'population std (ddof 0, as np.std)' : 'sample std (ddof 1)';
}

export function formatMarkdown(c: Collection, command: string): string {
  const cell = (s: MetricSummary) => (s.mean === null ? '-' : `${formatFloat(s.mean)} ± ${formatOptional(s.std)}`);
  const zeros = c.dropZeros ? ' Values equal to 0 were dropped before averaging (--drop-zeros).' : '';
  return [
    `# Results under ${c.resultsDir}`,
    '',
    `Made by \`${command}\`.`,
    '',
    `Mean ± ${describeStd(c)} of the '${c.representation}' representation's metrics over each group's complete runs (n).${zeros}`,
    `${describeRunCounts(c)}.`,
    '',
    `| ${[...c.keys, ...c.metrics, 'n'].map(markdownCell).join(' | ')} |`,
    `|${[...c.keys, ...c.metrics].map(() => '---').join('|')}|---:|`,
    ...c.groups.map((g) => `| ${[...g.values, ...g.summaries.map(cell), String(g.runs)].map(markdownCell).join(' | ')} |`),
    '',
  ].join('\n');
}

/**
 * Writes the CSV at `csvFile` and, beside it under the same name, the Markdown table (.md) and the
 * chart (.svg, .png); returns the files written.
 */
export async function writeCollection(c: Collection, csvFile: string, command: string): Promise<string[]> {
  if (!csvFile.endsWith('.csv')) throw collectError(`--out ${csvFile}: expected a .csv file name`);
  const stem = csvFile.slice(0, -'.csv'.length);
  const dir = path.dirname(csvFile);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw collectError(`--out ${csvFile}: cannot create ${dir} (${errorCode(e)})`);
  }
  const chart = await renderChart(c);
  const files: Array<[string, string | Uint8Array]> = [
    [csvFile, formatCsv(c)], [`${stem}.md`, formatMarkdown(c, command)], [`${stem}.svg`, chart.svg], [`${stem}.png`, chart.png],
  ];
  for (const [file, data] of files) writeFileAtomic(file, data);
  return files.map(([file]) => file);
}
