// Sums and variances in the exact operation order numpy uses, so that values computed here are
// bit-identical to disentanglement_lib's (which is what lets the reference checks be tight and
// keeps argmin ties and near-ties deciding the same way as the library).
//
// numpy reduces along the contiguous axis with pairwise summation (8 interleaved accumulators
// per block of up to 128 values, blocks combined recursively) but reduces down the columns of a
// row-major matrix by adding whole rows one after another, i.e. sequentially per column.

const PAIRWISE_BLOCK = 128;

/** numpy's `np.sum` of a contiguous float64 vector (`values[start .. start+length)`). */
export function pairwiseSum(values: ArrayLike<number>, start = 0, length = values.length - start): number {
  if (length < 8) {
    let total = 0;
    for (let i = 0; i < length; i++) total += values[start + i];
    return total;
  }
  if (length <= PAIRWISE_BLOCK) {
    let r0 = values[start], r1 = values[start + 1], r2 = values[start + 2], r3 = values[start + 3];
    let r4 = values[start + 4], r5 = values[start + 5], r6 = values[start + 6], r7 = values[start + 7];
    const unrolledEnd = length - (length % 8);
    let i = 8;
    for (; i < unrolledEnd; i += 8) {
      const p = start + i;
      r0 += values[p];
      r1 += values[p + 1];
      r2 += values[p + 2];
      r3 += values[p + 3];
      r4 += values[p + 4];
      r5 += values[p + 5];
      r6 += values[p + 6];
      r7 += values[p + 7];
    }
    let total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < length; i++) total += values[start + i];
    return total;
  }
  let half = Math.floor(length / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, length - half);
}

/** numpy's `np.mean` of a contiguous float64 vector (the sum divided by the count). */
export function pairwiseMean(values: ArrayLike<number>): number {
  return pairwiseSum(values) / values.length;
}

/**
 * numpy's `np.var(matrix, axis=0, ddof)` for a row-major `rows x cols` float64 matrix: the
 * variance of every column. Columns are summed sequentially (pairwise when there is a single
 * column, as numpy then reduces along the contiguous axis); the divisor is `max(rows - ddof, 0)`,
 * so too few rows give NaN as in numpy.
 */
export function columnVariances(matrix: ArrayLike<number>, rows: number, cols: number, ddof: number): Float64Array {
  if (matrix.length !== rows * cols) {
    throw new RangeError(`columnVariances: ${matrix.length} values do not form a ${rows} x ${cols} matrix`);
  }
  const divisor = Math.max(rows - ddof, 0);
  const out = new Float64Array(cols);
  if (cols === 1) {
    const mean = pairwiseSum(matrix, 0, rows) / rows;
    const squares = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const deviation = matrix[r] - mean;
      squares[r] = deviation * deviation;
    }
    out[0] = pairwiseSum(squares) / divisor;
    return out;
  }
  const means = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) means[c] += matrix[base + c];
  }
  for (let c = 0; c < cols; c++) means[c] /= rows;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const deviation = matrix[base + c] - means[c];
      out[c] += deviation * deviation;
    }
  }
  for (let c = 0; c < cols; c++) out[c] /= divisor;
  return out;
}
