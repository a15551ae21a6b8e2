// A sweep file names a base config and the axes to vary over it, as disentanglement_lib's studies
// and Hydra's multirun do: `grid` (the cartesian product of its lists), `zip` (lists taken in
// lockstep), `seeds` (each run once per seed), plus `set` (overrides shared by every run) and
// `metrics` (the run's eval.metrics). Expanding it gives one run per combination: the base config
// plus `key.path=value` overrides, with an id that is readable (the axes' values) and stable (a
// hash of the resolved config), so the same sweep always gives the same ids and a run directory
// or queue job can be recognised again.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseConfigText, parseConfigWith, readConfigFile } from '../config/load.js';
import { declaredTask, TASKS } from '../cli/tasks.js';
import { UserError } from '../util/errors.js';
import { writeFileAtomic } from '../util/files.js';
import { encodeJson } from '../util/json.js';

/** Sweep mistakes exit with 2, as config mistakes do. */
const SWEEP_EXIT_CODE = 2;

const KEY_PATH = /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/;
const keyPath = z.string().regex(KEY_PATH, 'expected a dotted config path such as framework.beta');
const axisValues = z.array(z.unknown()).min(1, 'an axis needs at least one value');

function checkAxes(sweep: { set: Record<string, unknown>; grid: Record<string, unknown[]>; zip: Record<string, unknown[]>; seeds?: number[]; metrics?: string[] }, ctx: z.RefinementCtx): void {
  const zipped = Object.entries(sweep.zip);
  for (const [key, values] of zipped.slice(1)) {
    const [firstKey, firstValues] = zipped[0];
    if (values.length !== firstValues.length) {
      ctx.addIssue({
        code: 'custom', path: ['zip', key],
        message: `${values.length} value${values.length === 1 ? '' : 's'}, but zip.${firstKey} has ${firstValues.length}: zip lists go in lockstep and must be equal in length`,
      });
    }
  }
  const owner = new Map<string, string>();
  const claim = (section: string, key: string) => {
    const earlier = owner.get(key);
    if (earlier !== undefined) ctx.addIssue({ code: 'custom', path: [section, key], message: `also set in ${earlier}: a key can be in one place only` });
    owner.set(key, section);
  };
  for (const section of ['set', 'grid', 'zip'] as const) for (const key of Object.keys(sweep[section])) claim(section, key);
  if (sweep.seeds !== undefined && owner.has('seed')) ctx.addIssue({ code: 'custom', path: ['seeds'], message: `seed is also set in ${owner.get('seed')}` });
  if (sweep.metrics !== undefined && owner.has('eval.metrics')) ctx.addIssue({ code: 'custom', path: ['metrics'], message: `eval.metrics is also set in ${owner.get('eval.metrics')}` });
  if (sweep.seeds !== undefined && new Set(sweep.seeds).size !== sweep.seeds.length) ctx.addIssue({ code: 'custom', path: ['seeds'], message: 'a seed is listed twice' });
}

export const SweepSchema = z.strictObject({
  base: z.string().min(1).describe('the config every run starts from, relative to the sweep file'),
  set: z.record(keyPath, z.unknown()).default({}).describe('overrides shared by every run'),
  grid: z.record(keyPath, axisValues).default({}).describe('axes crossed with each other: one run per combination'),
  zip: z.record(keyPath, axisValues).default({}).describe('axes of equal length taken in lockstep (the i-th values together)'),
  seeds: z.array(z.number().int().nonnegative()).min(1).optional().describe('each combination is run once per seed'),
  metrics: z.array(z.string().min(1)).min(1).optional().describe("the runs' eval.metrics"),
  collect: z.strictObject({
    by: z.array(z.string().min(1)).min(1).optional().describe('grouping keys of results.csv (default: the grid and zip axes)'),
    metrics: z.array(z.string().min(1)).min(1).optional().describe('<metric>.<key> columns (default: every one found)'),
  }).prefault({}),
}).superRefine(checkAxes);

export type SweepFile = z.infer<typeof SweepSchema>;

export interface SweepRun {
  /** Readable and stable: the axes' values and a hash of the resolved config. */
  id: string;
  /** The run's `key.path=value` overrides of the base config, shared ones first. */
  overrides: string[];
  /** The run's value of each axis (grid, zip and `seed`). */
  values: Record<string, unknown>;
}

export interface Sweep {
  source: string;
  /** The base config's text; runs read it from `baseFile` in the sweep's directory. */
  baseText: string;
  baseFile: string;
  /** Grid and zip keys, then `seed` when the sweep has seeds. */
  axes: string[];
  collectBy: string[];
  collectMetrics?: string[];
  runs: SweepRun[];
}

function sweepError(message: string): UserError {
  return new UserError(message, SWEEP_EXIT_CODE);
}

function cartesian(axes: Array<[string, unknown[]]>): Array<Array<[string, unknown]>> {
  let combos: Array<Array<[string, unknown]>> = [[]];
  for (const [key, values] of axes) combos = combos.flatMap((combo) => values.map((v) => [...combo, [key, v] as [string, unknown]]));
  return combos;
}

/** The value as `--set` reads it back (YAML): plain where that parses to the same string, JSON otherwise. */
export function formatOverride(key: string, value: unknown): string {
  if (typeof value === 'string') {
    let plain: unknown;
    try {
      plain = parseYaml(value);
    } catch {
      plain = undefined;
    }
    return `${key}=${plain === value && !value.includes('\n') ? value : JSON.stringify(value)}`;
  }
  return `${key}=${JSON.stringify(value)}`;
}

/** JSON with sorted keys, so that equal configs hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

const SLUG_LIMIT = 96;

/** `beta=4,seed=1`: each axis by its last key (the whole path where two axes share one), values reduced to safe characters. */
function slug(values: Array<[string, unknown]>): string {
  const leaves = values.map(([key]) => key.split('.').at(-1) as string);
  const names = values.map(([key], i) => (leaves.filter((leaf) => leaf === leaves[i]).length > 1 ? key : leaves[i]));
  const text = values.map(([, value], i) => {
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    return `${names[i]}=${shown.replace(/[^\w.+-]+/g, '-')}`;
  }).join(',');
  return text.length > SLUG_LIMIT ? text.slice(0, SLUG_LIMIT) : text;
}

/** Validates `text` with the schema of the task it declares (or the ground-truth config's) and returns it resolved. */
function resolveConfig(text: string, source: string, overrides: string[]): unknown {
  const task = declaredTask(text);
  return task ? parseConfigWith(TASKS[task].schema, text, source, overrides) : parseConfigText(text, source, overrides);
}

/** Reads and expands a sweep file, validating every run's config; errors name the file and line. */
export function loadSweep(file: string): Sweep {
  const sweep = parseConfigWith(SweepSchema, readConfigFile(file), file);
  const basePath = path.resolve(path.dirname(file), sweep.base);
  if (!fs.existsSync(basePath)) throw sweepError(`${file}: base: no such config ${basePath}`);
  const baseText = readConfigFile(basePath);

  const shared = [
    ...Object.entries(sweep.set).map(([key, value]) => formatOverride(key, value)),
    ...(sweep.metrics === undefined ? [] : [formatOverride('eval.metrics', sweep.metrics)]),
  ];
  const zipKeys = Object.keys(sweep.zip);
  const zipLength = zipKeys.length === 0 ? 1 : sweep.zip[zipKeys[0]].length;
  const zipRows = Array.from({ length: zipLength }, (_, i) => zipKeys.map((key) => [key, sweep.zip[key][i]] as [string, unknown]));
  const seedRows: Array<Array<[string, unknown]>> = sweep.seeds === undefined ? [[]] : sweep.seeds.map((seed) => [['seed', seed]]);

  const runs: SweepRun[] = [];
  const byHash = new Map<string, string>();
  for (const gridRow of cartesian(Object.entries(sweep.grid))) {
    for (const zipRow of zipRows) {
      for (const seedRow of seedRows) {
        const values = [...gridRow, ...zipRow, ...seedRow];
        const overrides = [...shared, ...values.map(([key, value]) => formatOverride(key, value))];
        const name = slug(values);
        let resolved: unknown;
        try {
          resolved = resolveConfig(baseText, basePath, overrides);
        } catch (e) {
          if (e instanceof UserError) throw sweepError(`${file}: run ${name || '(the base config)'}: ${e.message}`);
          throw e;
        }
        const hash = shortHash(canonicalJson(resolved));
        const twin = byHash.get(hash);
        if (twin !== undefined) throw sweepError(`${file}: runs ${twin} and ${name} have the same resolved config`);
        const id = name === '' ? hash : `${name},${hash}`;
        byHash.set(hash, name);
        runs.push({ id, overrides, values: Object.fromEntries(values) });
      }
    }
  }
  const axes = [...Object.keys(sweep.grid), ...zipKeys, ...(sweep.seeds === undefined ? [] : ['seed'])];
  const groupingAxes = axes.filter((axis) => axis !== 'seed');
  return {
    source: file,
    baseText,
    baseFile: `base-${shortHash(baseText)}.yaml`,
    axes,
    collectBy: sweep.collect.by ?? (groupingAxes.length > 0 ? groupingAxes : ['model']),
    collectMetrics: sweep.collect.metrics,
    runs,
  };
}

/** What `sweep.json` holds: enough for a worker on another machine to run any of the sweep's runs. */
export interface SweepPlan {
  sweep: string;
  base: string;
  axes: string[];
  collect: { by: string[]; metrics?: string[] };
  runs: SweepRun[];
}

/**
 * Writes the sweep's base config (under a name given by its content, so a changed base never
 * replaces one that running workers read) and `sweep.json`, each atomically, into `outDir`.
 */
export function writeSweepPlan(sweep: Sweep, outDir: string): SweepPlan {
  fs.mkdirSync(outDir, { recursive: true });
  const baseFile = path.join(outDir, sweep.baseFile);
  if (!fs.existsSync(baseFile)) writeFileAtomic(baseFile, sweep.baseText);
  const plan: SweepPlan = {
    sweep: path.resolve(sweep.source),
    base: sweep.baseFile,
    axes: sweep.axes,
    collect: { by: sweep.collectBy, ...(sweep.collectMetrics === undefined ? {} : { metrics: sweep.collectMetrics }) },
    runs: sweep.runs,
  };
  writeFileAtomic(path.join(outDir, 'sweep.json'), encodeJson(plan));
  return plan;
}
