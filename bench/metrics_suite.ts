// The whole fixed-data metric suite on ../shared/reference/large_uneven.input.json, timed against
// the reference implementation's 13.3 s (disentanglement_lib with numpy 1.24, scipy 1.10,
// scikit-learn 1.2 on this 2-core machine: every metric and variant of the expected file, median
// of 3 runs, from ../shared/reference/README.md). Prints one JSON line.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluateCodes, type CodesInput } from '../src/metrics/evaluate_codes.js';

const REFERENCE_SECONDS = 13.3;
const RUNS = 3;

const input = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../shared/reference/large_uneven.input.json'), 'utf8')) as CodesInput;
const seconds: number[] = [];
let errors: Record<string, string> = {};
for (let i = 0; i < RUNS; i++) {
  const started = performance.now();
  errors = (await evaluateCodes(input)).errors;
  seconds.push((performance.now() - started) / 1000);
}
const median = [...seconds].sort((a, b) => a - b)[RUNS >> 1];
console.log(JSON.stringify({
  case: 'large_uneven', runs: seconds.map((s) => Number(s.toFixed(2))), median_s: Number(median.toFixed(2)),
  reference_s: REFERENCE_SECONDS, speedup: Number((REFERENCE_SECONDS / median).toFixed(2)), errors,
}));
