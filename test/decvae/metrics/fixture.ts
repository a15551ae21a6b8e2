// A small deterministic factor/code sample shared by the DecVAE metric tests. Only integer mods,
// exact divisions and one multiply-add per value, so numpy rebuilds it bit for bit:
//   i = np.arange(60); f0 = i % 3; f1 = (i * 7) % 5
//   c0 = f0 + ((i*37) % 101) / 101 * 0.5; c1 = f1 * 0.7 + ((i*53) % 97) / 97
//   c2 = ((i*29) % 89) / 89;              c3 = c0 * 0.3 + ((i*61) % 83) / 83
// Train = the first 45 rows, test = the last 15.
import { tableRows, type FactorCodeTable } from '../../../src/metrics/table.js';

export const FIXTURE_ROWS = 60;
export const FIXTURE_TRAIN_ROWS = 45;

export function fixtureTable(): FactorCodeTable {
  const factors = new Int32Array(FIXTURE_ROWS * 2);
  const codes = new Float64Array(FIXTURE_ROWS * 4);
  for (let i = 0; i < FIXTURE_ROWS; i++) {
    const f0 = i % 3;
    const f1 = (i * 7) % 5;
    const c0 = f0 + (((i * 37) % 101) / 101) * 0.5;
    factors.set([f0, f1], i * 2);
    codes.set([c0, f1 * 0.7 + ((i * 53) % 97) / 97, ((i * 29) % 89) / 89, c0 * 0.3 + ((i * 61) % 83) / 83], i * 4);
  }
  return { n: FIXTURE_ROWS, numFactors: 2, numCodes: 4, factors, codes };
}

export function fixtureSplit(): { train: FactorCodeTable; test: FactorCodeTable } {
  const table = fixtureTable();
  return { train: tableRows(table, 0, FIXTURE_TRAIN_ROWS), test: tableRows(table, FIXTURE_TRAIN_ROWS) };
}
