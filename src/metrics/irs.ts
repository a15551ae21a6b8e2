// IRS, the interventional robustness score (Suter et al. 2019), as disentanglement_lib's
// `irs.compute_irs` on a fixed sample (metrics spec §2.7): factors histogram-discretised, codes with
// zero variance dropped, and for every (code, factor) pair the mean over the factor's binned values
// of the 99th percentile of the code's deviation from its within-group mean, relative to the code's
// largest deviation from its overall mean. The library's quirks are kept: its `num_active_dims` is
// the sum of the active codes' values (reported as `num_active_dims_library_literal`, with the
// count as `num_active_dims`), and percentiles use numpy's default linear interpolation.
import { DEFAULT_NUM_BINS, histogramDiscretize } from './discretize.js';
import { columnVariances, pairwiseSum } from './numpy_reductions.js';
import { factorColumn, type FactorCodeTable } from './table.js';

export interface IrsSettings {
  /** Quantile of the within-group deviations (library default 0.99; the paper's version is 1). */
  diffQuantile?: number;
  /** Histogram bins per factor (disentanglement_lib: 20). */
  numBins?: number;
}

export interface IrsResult {
  /** Mean of the per-code scores weighted by each code's largest deviation; 0 when every code is constant. */
  IRS: number;
  /** Number of codes with non-zero variance. */
  num_active_dims: number;
  /** What the library reports as `num_active_dims`: the sum of every value of the active codes. */
  num_active_dims_library_literal: number;
  details: {
    /** 1 - (mean within-group deviation quantile) / (largest deviation): active codes x factors. */
    irs_matrix_active_codes_x_factors: number[][];
    /** Best factor's IRS for every active code. */
    disentanglement_scores: number[];
    /** max_n |z[n][i] - mean z[i]| for every active code. */
    max_deviations: number[];
    /** The factor (first on ties) giving each active code its score. */
    parents: number[];
  };
}

/**
 * numpy's `np.percentile(values, 100 * quantile)` with the default linear method, including its
 * floating-point path: the percentage is divided by 100 again, and interpolation weights of 1/2 or
 * more are applied from the upper neighbour. Sorts `values` in place.
 */
export function numpyPercentile(values: Float64Array, quantile: number): number {
  const m = values.length;
  if (m === 0) throw new RangeError('the percentile of no values is undefined');
  values.sort();
  const fraction = (quantile * 100) / 100;
  const position = (m - 1) * fraction;
  if (position >= m - 1) return values[m - 1];
  if (position <= 0) return values[0];
  const below = Math.floor(position);
  const weight = position - below;
  const lower = values[below];
  const upper = values[below + 1];
  const difference = upper - lower;
  return weight >= 0.5 ? upper - difference * (1 - weight) : lower + difference * weight;
}

export function computeIrs(table: FactorCodeTable, settings: IrsSettings = {}): IrsResult {
  const diffQuantile = settings.diffQuantile ?? 0.99;
  const numBins = settings.numBins ?? DEFAULT_NUM_BINS;
  if (!(diffQuantile >= 0 && diffQuantile <= 1)) throw new RangeError(`diffQuantile must be in [0, 1], got ${diffQuantile}`);
  const { n, numFactors, numCodes } = table;

  const variances = columnVariances(table.codes, n, numCodes, 0);
  const activeCodes: number[] = [];
  for (let i = 0; i < numCodes; i++) if (variances[i] > 0) activeCodes.push(i);
  const numActive = activeCodes.length;
  if (numActive === 0) {
    return {
      IRS: 0,
      num_active_dims: 0,
      num_active_dims_library_literal: 0,
      details: { irs_matrix_active_codes_x_factors: [], disentanglement_scores: [], max_deviations: [], parents: [] },
    };
  }

  // The active codes code-major (one contiguous column per code), the layout every step below reads.
  const latents = activeCodes.map((code) => {
    const column = new Float64Array(n);
    for (let r = 0; r < n; r++) column[r] = table.codes[r * numCodes + code];
    return column;
  });
  const codeMajor = new Float64Array(numActive * n);
  latents.forEach((column, a) => codeMajor.set(column, a * n));
  const libraryLiteral = pairwiseSum(codeMajor);

  const maxDeviations = latents.map((column) => {
    const mean = pairwiseSum(column) / n;
    let largest = 0;
    for (let r = 0; r < n; r++) largest = Math.max(largest, Math.abs(column[r] - mean));
    return largest;
  });

  const cumulative = latents.map(() => new Float64Array(numFactors));
  const deviations = new Float64Array(n);
  for (let j = 0; j < numFactors; j++) {
    const groups = rowsByBin(histogramDiscretize(factorColumn(table, j), numBins));
    for (const rows of groups) {
      const size = rows.length;
      latents.forEach((column, a) => {
        let sum = 0;
        for (let g = 0; g < size; g++) sum += column[rows[g]];
        const groupMean = sum / size;
        const groupDeviations = deviations.subarray(0, size);
        for (let g = 0; g < size; g++) groupDeviations[g] = Math.abs(column[rows[g]] - groupMean);
        cumulative[a][j] += numpyPercentile(groupDeviations, diffQuantile);
      });
    }
    for (const row of cumulative) row[j] /= groups.length;
  }

  const irsMatrix = cumulative.map((row, a) => Array.from(row, (value) => 1 - value / maxDeviations[a]));
  const parents = irsMatrix.map((row) => row.indexOf(Math.max(...row)));
  const scores = irsMatrix.map((row, a) => row[parents[a]]);
  const weightTotal = pairwiseSum(maxDeviations);
  const irs = pairwiseSum(scores.map((score, a) => score * maxDeviations[a])) / weightTotal;

  return {
    IRS: irs,
    num_active_dims: numActive,
    num_active_dims_library_literal: libraryLiteral,
    details: {
      irs_matrix_active_codes_x_factors: irsMatrix,
      disentanglement_scores: scores,
      max_deviations: maxDeviations,
      parents,
    },
  };
}

/** The row indices of every distinct bin id, bins in ascending order (numpy's `np.unique`). */
function rowsByBin(bins: Int32Array): Int32Array[] {
  const counts = new Map<number, number>();
  for (const bin of bins) counts.set(bin, (counts.get(bin) ?? 0) + 1);
  const ordered = [...counts.keys()].sort((x, y) => x - y);
  const groups = ordered.map((bin) => new Int32Array(counts.get(bin) as number));
  const slotOf = new Map(ordered.map((bin, index) => [bin, index]));
  const filled = new Int32Array(ordered.length);
  bins.forEach((bin, row) => {
    const slot = slotOf.get(bin) as number;
    groups[slot][filled[slot]++] = row;
  });
  return groups;
}
