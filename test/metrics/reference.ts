// Loads the disentanglement_lib reference cases from /work/shared/reference (a sibling of the
// repository root). A missing directory is an error, never a skip: these cases are what the
// metrics are checked against.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { tableFromRows, type FactorCodeTable } from '../../src/metrics/table.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const referenceDir = path.resolve(repoRoot, '../shared/reference');

export const CASE_NAMES = ['tiny_hand', 'const_factor', 'collapsed_code', 'continuous_codes', 'medium_partial', 'large_uneven'] as const;
export type CaseName = (typeof CASE_NAMES)[number];

export interface ReferenceInput {
  name: string;
  train_frac: number;
  seed: number;
  factors: number[][];
  codes: number[][];
}

export interface FactorVaeSampleReplay {
  fixed_factor: number;
  factor_indices: number[][];
  rows: number[];
  local_variances: number[];
  ratio_active: number[];
  argmin_active: number;
}

export interface BetaVaeSampleReplay {
  fixed_factor: number;
  factor_indices_1: number[][];
  factor_indices_2: number[][];
  rows_1: number[];
  rows_2: number[];
  feature_vector: number[];
}

/** The parts of `<case>.expected.json` these tests read (NaN already decoded). */
export interface ReferenceExpected {
  metrics: {
    mig?: { discrete_mig: number };
    factor_vae?: { train_accuracy: number; eval_accuracy: number; num_active_dims: number; num_active_dims_library_literal: number } | null;
  };
  details: {
    mig: { mi_matrix: number[][]; factor_entropy: number[]; per_factor_gap: number[] };
    factor_vae?: {
      global_variances: number[];
      active_mask: boolean[];
      training_votes_factors_x_activecodeindex: number[][];
      eval_votes_factors_x_activecodeindex: number[][];
      classifier: number[];
    };
  };
  debug: {
    code_bins_all_rows: { edges: number[][]; bin_ids: number[][] };
    code_bins_train_rows: { edges: number[][]; bin_ids: number[][] };
    lookup: { factor_values: number[][]; rows_per_combination_min: number; rows_per_combination_max: number };
    beta_vae_first_samples: BetaVaeSampleReplay[];
    factor_vae_first_samples: {
      variance_rows_first_20: number[];
      global_variances: number[];
      active_mask: boolean[];
      samples: FactorVaeSampleReplay[];
    };
  };
}

export interface ReferenceCase {
  name: CaseName;
  input: ReferenceInput;
  expected: ReferenceExpected;
  table: FactorCodeTable;
}

function readJson(file: string): unknown {
  const full = path.join(referenceDir, file);
  if (!fs.existsSync(full)) {
    throw new Error(`reference file ${full} is missing: the metric tests need the shared reference cases in ../shared/reference beside the repository`);
  }
  // The reference writes NaN as the string "NaN" (JSON has no NaN).
  return JSON.parse(fs.readFileSync(full, 'utf8'), (_key, value: unknown) => (value === 'NaN' ? NaN : value));
}

const cache = new Map<CaseName, ReferenceCase>();

export function loadCase(name: CaseName): ReferenceCase {
  let loaded = cache.get(name);
  if (!loaded) {
    const input = readJson(`${name}.input.json`) as ReferenceInput;
    const expected = readJson(`${name}.expected.json`) as ReferenceExpected;
    loaded = { name, input, expected, table: tableFromRows(input.factors, input.codes) };
    cache.set(name, loaded);
  }
  return loaded;
}

/** `|actual - expected| <= tol * max(1, |expected|)`; a NaN reference requires NaN. */
export function assertClose(actual: number, expected: number, what: string, tol = 1e-9): void {
  if (Number.isNaN(expected)) {
    assert.ok(Number.isNaN(actual), `${what}: expected NaN, got ${actual}`);
    return;
  }
  const bound = tol * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= bound, `${what}: got ${actual}, reference ${expected} (tolerance ${bound})`);
}

export function assertAllClose(actual: ArrayLike<number>, expected: readonly number[], what: string, tol = 1e-9): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) assertClose(actual[i], expected[i], `${what}[${i}]`, tol);
}

export function assertMatrixClose(actual: readonly ArrayLike<number>[], expected: readonly number[][], what: string, tol = 1e-9): void {
  assert.equal(actual.length, expected.length, `${what}: rows`);
  expected.forEach((row, i) => assertAllClose(actual[i], row, `${what}[${i}]`, tol));
}
