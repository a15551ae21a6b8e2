// `disentangle metrics INPUT.json`: the fixed-data entry point. Reads the reference cases' input
// format and writes {"metrics": {"<metric>": {"<key>": value}}, "variants", "errors"} with the
// library's keys; NaN is written as the string "NaN" as the reference files do.
import * as fs from 'node:fs';
import { evaluateCodes, FIXED_DATA_METRICS, type CodesInput, type FixedDataMetric } from '../metrics/evaluate_codes.js';
import { lookupByName, UserError } from '../util/errors.js';
import { writeFileAtomic } from '../util/files.js';
import { encodeJson } from '../util/json.js';

function readInput(file: string): CodesInput {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read input (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text) as CodesInput;
  } catch (e) {
    throw new UserError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

function parseMetricList(list: string | undefined): FixedDataMetric[] | undefined {
  if (list === undefined) return undefined;
  const table = Object.fromEntries(FIXED_DATA_METRICS.map((m) => [m, m])) as Record<string, FixedDataMetric>;
  const names = list.split(',').map((m) => m.trim()).filter((m) => m !== '');
  if (names.length === 0) throw new UserError('--metrics: no metric named');
  return names.map((m) => lookupByName('metric', m, table, '--metrics'));
}

export async function runMetricsCommand(file: string, opts: { out?: string; metrics?: string; details?: true }): Promise<void> {
  const input = readInput(file);
  const metrics = parseMetricList(opts.metrics);
  let result;
  try {
    result = await evaluateCodes(input, { metrics });
  } catch (e) {
    throw new UserError(`${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const { details, ...summary } = result;
  const text = encodeJson(opts.details ? result : summary);
  if (!opts.out) {
    process.stdout.write(text);
    return;
  }
  writeFileAtomic(opts.out, text);
  for (const [metric, values] of Object.entries(result.metrics)) {
    console.log(`${metric}: ${Object.entries(values).map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(6)) : v}`).join(' ')}`);
  }
  for (const [metric, reason] of Object.entries(result.errors)) console.log(`${metric}: not computable (${reason})`);
}
