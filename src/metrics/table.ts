// A fixed sample of (ground-truth factors, codes) pairs: what the metrics that only need points
// (MIG, DCI, SAP, ...) consume, and what the reference cases contain. Row n of `factors` and row n
// of `codes` describe the same observation.
import { pairwiseMean } from './numpy_reductions.js';

export interface FactorCodeTable {
  /** Number of points N. */
  readonly n: number;
  /** Number of ground-truth factors K. */
  readonly numFactors: number;
  /** Number of code dimensions D. */
  readonly numCodes: number;
  /** Factor values, row-major N x K. */
  readonly factors: Int32Array;
  /** Codes (the encoder mean), row-major N x D. */
  readonly codes: Float64Array;
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/**
 * Builds a table from nested rows (e.g. parsed JSON), checking that both have the same number of
 * rows, that every row has the width of the first, that factor values are 32-bit integers and
 * that codes are finite numbers. Throws an Error naming the offending row and column.
 */
export function tableFromRows(factors: readonly (readonly number[])[], codes: readonly (readonly number[])[]): FactorCodeTable {
  if (factors.length !== codes.length) {
    throw new Error(`factors has ${factors.length} rows but codes has ${codes.length}; they must describe the same points`);
  }
  const n = factors.length;
  if (n === 0) throw new Error('the table has no rows');
  const numFactors = factors[0].length;
  const numCodes = codes[0].length;
  if (numFactors === 0) throw new Error('factors row 0 is empty: at least one factor is needed');
  if (numCodes === 0) throw new Error('codes row 0 is empty: at least one code dimension is needed');

  const factorData = new Int32Array(n * numFactors);
  const codeData = new Float64Array(n * numCodes);
  for (let r = 0; r < n; r++) {
    const factorRow = factors[r];
    const codeRow = codes[r];
    if (factorRow.length !== numFactors) {
      throw new Error(`factors row ${r} has ${factorRow.length} columns, expected ${numFactors} (the width of row 0)`);
    }
    if (codeRow.length !== numCodes) {
      throw new Error(`codes row ${r} has ${codeRow.length} columns, expected ${numCodes} (the width of row 0)`);
    }
    for (let j = 0; j < numFactors; j++) {
      const value = factorRow[j];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
        throw new Error(`factors[${r}][${j}] = ${String(value)} is not a 32-bit integer`);
      }
      factorData[r * numFactors + j] = value;
    }
    for (let i = 0; i < numCodes; i++) {
      const value = codeRow[i];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new Error(`codes[${r}][${i}] = ${String(value)} is not a finite number`);
      }
      codeData[r * numCodes + i] = value;
    }
  }
  return { n, numFactors, numCodes, factors: factorData, codes: codeData };
}

/** Column `j` of the factors (factor j of every point). */
export function factorColumn(table: FactorCodeTable, j: number): Int32Array {
  const out = new Int32Array(table.n);
  for (let r = 0; r < table.n; r++) out[r] = table.factors[r * table.numFactors + j];
  return out;
}

/** Column `i` of the codes (code dimension i of every point). */
export function codeColumn(table: FactorCodeTable, i: number): Float64Array {
  const out = new Float64Array(table.n);
  for (let r = 0; r < table.n; r++) out[r] = table.codes[r * table.numCodes + i];
  return out;
}

/** The first `count` rows, or the rows from `start` on: contiguous row ranges share the layout. */
export function tableRows(table: FactorCodeTable, start: number, end: number = table.n): FactorCodeTable {
  if (!(start >= 0 && end <= table.n && start <= end)) throw new RangeError(`rows ${start}..${end} are outside 0..${table.n}`);
  return {
    n: end - start,
    numFactors: table.numFactors,
    numCodes: table.numCodes,
    factors: table.factors.slice(start * table.numFactors, end * table.numFactors),
    codes: table.codes.slice(start * table.numCodes, end * table.numCodes),
  };
}

/**
 * disentanglement_lib's `split_train_test` on fixed data: train = the first ceil(N * fraction)
 * rows, evaluated in IEEE double (24 * 0.7 = 16.799999999999997 gives 17), test = the rest; no
 * shuffling.
 */
export function splitTrainTest(table: FactorCodeTable, trainFraction: number): { train: FactorCodeTable; test: FactorCodeTable } {
  if (!(trainFraction > 0 && trainFraction <= 1)) throw new RangeError(`train fraction must be in (0, 1], got ${trainFraction}`);
  const nTrain = Math.ceil(table.n * trainFraction);
  return { train: tableRows(table, 0, nTrain), test: tableRows(table, nTrain) };
}

/**
 * Every code standardised by the train rows' mean and population (ddof 0) standard deviation
 * (scikit-learn's StandardScaler without its zero-variance guard: a constant code gives 0/0 = NaN,
 * which callers report or keep as their originals do); `stds` lets them tell which.
 */
export function codesStandardisedByTrain(train: FactorCodeTable, test: FactorCodeTable): { train: Float64Array; test: Float64Array; stds: Float64Array } {
  const d = train.numCodes;
  const means = new Float64Array(d);
  const stds = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const column = codeColumn(train, i);
    means[i] = pairwiseMean(column);
    stds[i] = Math.sqrt(pairwiseMean(column.map((value) => (value - means[i]) ** 2)));
  }
  const standardise = (table: FactorCodeTable) => Float64Array.from(table.codes, (value, k) => (value - means[k % d]) / stds[k % d]);
  return { train: standardise(train), test: standardise(test), stds };
}
