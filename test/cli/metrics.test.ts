// `disentangle metrics INPUT.json` on the reference cases and on bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, runCli, tempDir } from './helpers.js';

const REFERENCE = path.resolve(REPO_ROOT, '../shared/reference');
const CASES = ['tiny_hand', 'const_factor', 'collapsed_code', 'continuous_codes', 'medium_partial', 'large_uneven'];

function decodeNaN(value: unknown): unknown {
  return value === 'NaN' ? NaN : value;
}

/** Tolerances of ../shared/reference/README.md for the headline values. */
function tolerance(caseName: string, metric: string, key: string, covarianceTrace: number): number {
  if (metric === 'dci') return 0.01;
  if (metric === 'sap') return caseName === 'continuous_codes' ? 0.015 : 0.005;
  if (metric === 'modularity_explicitness' && key.startsWith('explicitness')) return 1e-4;
  if (metric === 'beta_vae') return 0.002;
  if (metric === 'unsupervised' && key === 'gaussian_wasserstein_correlation') return 1e-8 * covarianceTrace;
  return 1e-9;
}

test('every reference case: the same metrics, keys and errors as disentanglement_lib, values within tolerance', () => {
  const dir = tempDir('metrics');
  for (const name of CASES) {
    const out = path.join(dir, `${name}.json`);
    const r = runCli(['metrics', path.join(REFERENCE, `${name}.input.json`), '--out', out]);
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    const ours = JSON.parse(fs.readFileSync(out, 'utf8'));
    const expected = JSON.parse(fs.readFileSync(path.join(REFERENCE, `${name}.expected.json`), 'utf8'));
    const covariance: number[][] = expected.details.unsupervised?.covariance ?? [];
    const trace = covariance.reduce((sum, row, i) => sum + row[i], 0);
    const expectedMetrics = Object.fromEntries(Object.entries(expected.metrics).filter(([, v]) => v !== null));
    assert.deepEqual(Object.keys(ours.metrics).sort(), Object.keys(expectedMetrics).sort(), `${name}: metrics computed`);
    for (const metric of Object.keys(expected.errors)) assert.ok(ours.errors[metric], `${name}: ${metric} should be reported as an error`);
    const variantTolerance: Record<string, number> = {
      sap_continuous_factors_True: 1e-9, explicitness_sklearn_pre_0_22_defaults: 1e-4, beta_vae_sklearn_pre_0_22_defaults: 0.002,
    };
    for (const [variant, values] of Object.entries(expected.variants) as [string, Record<string, unknown>][]) {
      for (const [key, ref] of Object.entries(values)) {
        const want = decodeNaN(ref) as number;
        const got = decodeNaN(ours.variants[variant]?.[key]) as number;
        if (Number.isNaN(want)) assert.ok(Number.isNaN(got), `${name}: variant ${variant}.${key}`);
        else assert.ok(Math.abs(got - want) <= variantTolerance[variant], `${name}: variant ${variant}.${key}: ${got} vs ${want}`);
      }
    }
    for (const [metric, values] of Object.entries(expectedMetrics) as [string, Record<string, unknown>][]) {
      assert.deepEqual(Object.keys(ours.metrics[metric]).sort(), Object.keys(values).sort(), `${name}.${metric} keys`);
      for (const [key, ref] of Object.entries(values)) {
        const want = decodeNaN(ref) as number;
        const got = decodeNaN(ours.metrics[metric][key]) as number;
        if (Number.isNaN(want)) {
          assert.ok(Number.isNaN(got), `${name}.${metric}.${key}: expected NaN, got ${got}`);
          continue;
        }
        const tol = metric === 'unsupervised' && key === 'gaussian_wasserstein_correlation'
          ? tolerance(name, metric, key, trace)
          : tolerance(name, metric, key, trace) * Math.max(1, Math.abs(want));
        assert.ok(Math.abs(got - want) <= tol, `${name}.${metric}.${key}: ${got} vs ${want} (tol ${tol})`);
      }
    }
  }
});

test('bad input is a one-line error naming the file and the problem', () => {
  const dir = tempDir('badinput');
  const write = (name: string, value: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };
  const cases: Array<[string, RegExp]> = [
    [write('broken.json', '{"factors": [[0, 1]'), /broken\.json: not valid JSON/],
    [write('ragged.json', { factors: [[0, 1], [1]], codes: [[0.1], [0.2]] }), /ragged\.json: factors row 1 has 1 columns, expected 2/],
    [write('nan.json', { factors: [[0], [1]], codes: [[0.1], ['NaN']] }), /nan\.json: codes\[1\]\[0\]/],
    [write('rows.json', { factors: [[0], [1]], codes: [[0.1]] }), /rows\.json: factors has 2 rows but codes has 1/],
    [write('shape.json', { codes: [[1]] }), /shape\.json: the input needs 'factors'/],
    [write('frac.json', { factors: [[0], [1]], codes: [[0.1], [0.2]], train_frac: 2 }), /frac\.json: train_frac must be a number in \(0, 1\)/],
  ];
  for (const [file, pattern] of cases) {
    const r = runCli(['metrics', file]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, pattern);
  }
  const unknown = runCli(['metrics', path.join(REFERENCE, 'tiny_hand.input.json'), '--metrics', 'mig,bogus']);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /--metrics: unknown metric 'bogus' \(known: .*dci.*mig/);
});

test('a constant code and a single-valued factor give per-metric reasons, never a crash', () => {
  const dir = tempDir('edge');
  const factors = Array.from({ length: 40 }, (_, i) => [i % 4, 7]);
  const codes = Array.from({ length: 40 }, (_, i) => [i % 4, 1.5, Math.sin(i)]);
  const file = path.join(dir, 'edge.json');
  fs.writeFileSync(file, JSON.stringify({ factors, codes, train_frac: 0.5 }));
  const r = runCli(['metrics', file]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.metrics.mig.discrete_mig, 'NaN');
  assert.ok(out.errors.dci && out.errors.sap, JSON.stringify(out.errors));
  assert.ok(out.metrics.factor_vae.eval_accuracy >= 0);
});
