// Reads a YAML config, applies `--set key.path=value` overrides, validates it with the schema,
// and turns the first problem into one line naming the file, the key path and, where the key
// is in the file, its line and column.
import * as fs from 'node:fs';
import { isMap, isScalar, LineCounter, parse as parseYaml, parseDocument, stringify, type Document } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../util/errors.js';
import { ConfigSchema, type Config } from './schema.js';

/** Config mistakes exit with 2, distinct from failures while running. */
const CONFIG_EXIT_CODE = 2;

function configError(message: string): UserError {
  return new UserError(message, CONFIG_EXIT_CODE);
}

/** `key.path=value` with the value read as YAML, as `--set` gives it. */
export function parseOverride(override: string): { path: string[]; value: unknown } {
  const eq = override.indexOf('=');
  if (eq <= 0) throw configError(`--set ${override}: expected key.path=value`);
  const key = override.slice(0, eq).trim();
  const path = key.split('.');
  if (path.some((p) => p === '')) throw configError(`--set ${override}: empty key in '${key}'`);
  let value: unknown;
  try {
    value = parseYaml(override.slice(eq + 1));
  } catch (e) {
    throw configError(`--set ${key}: cannot parse value: ${(e as Error).message.split('\n')[0]}`);
  }
  return { path, value };
}

/** Line and column of the key (or value) at `path`, if the document has it. */
function positionOf(doc: Document, lines: LineCounter, path: PropertyKey[], unknownKey?: string): string | null {
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
  let offset: number | undefined;
  if (unknownKey !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === unknownKey);
    offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
  } else if (node && typeof node === 'object' && 'range' in node) {
    offset = (node as { range?: [number, number, number] }).range?.[0];
  }
  if (offset === undefined) return null;
  const { line, col } = lines.linePos(offset);
  return `${line}:${col}`;
}

function describeIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; unknownKey?: string; message: string } {
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    return { path: issue.path, unknownKey: key, message: `unknown key '${key}'` };
  }
  return { path: issue.path, message: issue.message };
}

export function parseConfigText(text: string, source: string, overrides: readonly string[] = []): Config {
  return parseConfigWith(ConfigSchema, text, source, overrides);
}

/** The YAML `text` with its overrides applied, validated by `schema` (another task's config, e.g. V3's). */
export function parseConfigWith<S extends z.ZodType>(schema: S, text: string, source: string, overrides: readonly string[] = []): z.infer<S> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const pos = err.linePos?.[0];
    const where = pos ? `${source}:${pos.line}:${pos.col}` : source;
    const message = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw configError(`${where}: YAML syntax: ${message}`);
  }
  const raw = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw configError(`${source}: the config must be a mapping of keys`);
  const overridden = new Set<string>();
  for (const o of overrides) {
    const { path, value } = parseOverride(o);
    let target = raw as Record<string, unknown>;
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      if (next === undefined || next === null) target[key] = {};
      else if (typeof next !== 'object' || Array.isArray(next)) throw configError(`--set ${path.join('.')}: '${key}' is not a section`);
      target = target[key] as Record<string, unknown>;
    }
    target[path[path.length - 1]] = value;
    overridden.add(path.join('.'));
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const { path, unknownKey, message } = describeIssue(result.error.issues[0]);
  const keyPath = [...path, ...(unknownKey === undefined ? [] : [unknownKey])].join('.');
  const fromOverride = [...overridden].find((o) => o === keyPath || o.startsWith(`${keyPath}.`));
  if (fromOverride) throw configError(`--set ${keyPath}: ${message}`);
  const pos = positionOf(doc, lines, path, unknownKey);
  const where = pos ? `${source}:${pos}` : source;
  throw configError(`${where}: ${keyPath || '(top level)'}: ${message}`);
}

export function loadConfig(file: string, overrides: readonly string[] = []): Config {
  return parseConfigText(readConfigFile(file), file, overrides);
}

export function readConfigFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw configError(`${file}: cannot read config (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export function configToYaml(config: Config): string {
  return stringify(config);
}
